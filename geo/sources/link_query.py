"""Which links a map, download or API call shows, and what is drawn and counted from them.

A :class:`LinkSource` says where the links come from (the bundled ``data/links/links.csv``,
read and resolved by :mod:`geo.sources.links`, or one version of a published links table);
a :class:`LinkFilter` picks kinds, ends, a year and a zone; from the filtered links come the
arcs (:func:`links_frame`), the drawn ends (:func:`endpoints_frame`) and the per-unit
counts (:func:`link_counts`) behind the ``*_links`` indicators.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache

import geopandas as gpd
import numpy as np
import pandas as pd
from shapely.geometry import LineString

from geo.errors import BadParameter
from geo.levels import XIONGAN
from geo.sources.links import (
    _ADCODE,
    DIRECTIONS,
    ENDS,
    KIND_LABELS,
    KINDS,
    UPLOADED_KIND,
    YEAR_RANGE,
    _all_links,
    _prefectures,
)
from geo.sources.regions import regions
from geo.sources.zone_catalog import get_zone

# --------------------------------------------------------------------------- sources


@dataclass(frozen=True)
class LinkSource:
    """Where a map's links come from: the bundled ``data/links/links.csv`` (the default) or
    one immutable version of a published links dataset (:mod:`geo.sources.link_tables`).

    Every filter, count, frame and download takes its links from ``link_filter.source``:
    one code path for both. Equality and hashing use ``dataset_id``, ``version`` and
    ``pinned`` only (caches key on them; a version never changes).
    """

    dataset_id: str = ""
    version: int = 0
    #: Whether the URL named the version (map links keep it) or asked for the latest.
    pinned: bool = False
    frame: pd.DataFrame | None = field(default=None, compare=False, hash=False, repr=False)
    #: The dataset's metadata (title_zh/title_en, source, source_url, licence, weight unit…).
    meta: dict = field(default_factory=dict, compare=False, hash=False, repr=False)

    @property
    def bundled(self) -> bool:
        return not self.dataset_id

    @property
    def kinds(self) -> tuple[str, ...]:
        return KINDS if self.bundled else (UPLOADED_KIND,)

    def links(self) -> pd.DataFrame:
        """The resolved links (columns of :func:`read_links_file`), not a copy."""
        return _all_links() if self.bundled else self.frame

    def query(self) -> dict[str, str]:
        """URL parameters naming this source (none for the bundled links)."""
        if self.bundled:
            return {}
        params = {"dataset": self.dataset_id}
        if self.pinned:
            params["v"] = str(self.version)
        return params

    def data_query(self) -> dict[str, str]:
        """Parameters for data URLs: the resolved version, so a page and its data agree."""
        return {} if self.bundled else {"dataset": self.dataset_id, "v": str(self.version)}

    def title(self, lang: str) -> str:
        first, second = (
            (self.meta.get("title_zh"), self.meta.get("title_en"))
            if lang == "zh"
            else (self.meta.get("title_en"), self.meta.get("title_zh"))
        )
        return first or second or ""


BUNDLED = LinkSource()


# --------------------------------------------------------------------------- filters


@dataclass(frozen=True)
class LinkFilter:
    """Which links a map, download or API call shows. Empty fields do not filter."""

    kind: str = ""
    from_: str = ""
    to: str = ""
    year: int | None = None
    #: A zone id: only links whose both ends lie in the zone's members (corridor maps).
    zone: str = ""
    #: Which links: the bundled ones or a published links dataset's version.
    source: LinkSource = BUNDLED

    def query(self) -> dict[str, str]:
        """Canonical query parameters (only the ones set), the source's first."""
        params = {**self.source.query(), "kind": self.kind, "from": self.from_, "to": self.to}
        if self.year is not None:
            params["year"] = str(self.year)
        params["zone"] = self.zone
        return {k: v for k, v in params.items() if v}

    def data_query(self) -> dict[str, str]:
        """Like :meth:`query` but naming the resolved dataset version (for data URLs)."""
        return {**self.query(), **self.source.data_query()}

    def apply(self, frame: pd.DataFrame) -> pd.DataFrame:
        mask = pd.Series(True, index=frame.index)
        if self.kind:
            mask &= frame["kind"] == self.kind
        for end, value in (("from", self.from_), ("to", self.to)):
            if value:
                mask &= _end_matches(frame, end, value)
        if self.year is not None:
            mask &= (frame["since"].fillna(10_000) <= self.year).astype(bool)
        if self.zone:
            members = zone_member_adcodes(self.zone)
            for end in ENDS:
                mask &= pd.Series(
                    [
                        bool(_containing_units(row, end) & members)
                        for row in frame.to_dict("records")
                    ],
                    index=frame.index,
                )
        return frame[mask]

    def describe(self, lang: str = "en") -> str:
        """The filter in words for subtitles: ``kind=…, year=…`` or "all links"."""
        shown = ", ".join(f"{k}={v}" for k, v in self.query().items() if k not in ("dataset", "v"))
        return shown or ("全部合作" if lang == "zh" else "all links")


def _end_matches(frame: pd.DataFrame, end: str, value: str) -> pd.Series:
    """An end matches a facility id exactly, or an adcode when it lies in that unit."""
    if not _ADCODE.match(value):
        return frame[end] == value
    columns = [f"{end}_{level}" for level in ("county", "prefecture", "province")]
    mask = frame[end] == value
    for column in columns:
        mask |= frame[column] == value
    if value == XIONGAN.adcode:
        mask |= frame[f"{end}_county"].isin(XIONGAN.members)
    return mask


def zone_member_adcodes(zone_id: str) -> set[str]:
    """Member adcodes of a zone (:class:`~geo.errors.UnknownItem` for an unknown zone)."""
    return {adcode for adcode, _ in get_zone(zone_id).members}


def _containing_units(row: Mapping, end: str) -> set[str]:
    """Every unit an end is known to lie in (its county, prefecture-level units, province)."""
    county, prefecture = row[f"{end}_county"], row[f"{end}_prefecture"]
    units = {county, row[f"{end}_province"], *_prefectures(prefecture, county)}
    return units - {""}


@lru_cache(maxsize=64)
def _end_values(end: str, source: LinkSource = BUNDLED) -> tuple[str, ...]:
    frame = source.links()
    values = set(frame[frame[f"{end}_type"] == "facility"][end])
    for level in ("county", "prefecture", "province"):
        values |= set(frame[f"{end}_{level}"]) - {""}
    values |= set(frame[frame[f"{end}_type"] == "unit"][end])
    if frame[f"{end}_county"].isin(XIONGAN.members).any():
        values.add(XIONGAN.adcode)
    return tuple(sorted(values))


def end_values(end: str, source: LinkSource = BUNDLED) -> list[str]:
    """Valid values of the ``from``/``to`` filter: the ids of facilities that end a link
    on that side, and the adcodes of every unit such an end lies in."""
    return list(_end_values(end, source))


def parse_filter(params: Mapping[str, str], source: LinkSource = BUNDLED) -> LinkFilter:
    """Validate ``kind``, ``from``, ``to`` and ``year`` request parameters.

    ``source`` is where the links come from (resolved from ``dataset``/``v`` by the caller,
    :func:`geo.sources.link_tables.link_source`). Raises :class:`BadParameter` naming the
    valid values (kinds, ends, a year range).
    """
    kind = (params.get("kind") or "").strip()
    if kind and kind not in source.kinds:
        raise BadParameter("kind", kind, source.kinds)
    ends = {}
    for end in ENDS:
        value = (params.get(end) or "").strip()
        if value and value not in end_values(end, source):
            raise BadParameter(
                end,
                value,
                end_values(end, source),
                reason=f"no link {'starts' if end == 'from' else 'ends'} there",
            )
        ends[end] = value
    raw_year = (params.get("year") or "").strip()
    year = None
    if raw_year:
        valid = f"a year from {YEAR_RANGE.start} to {YEAR_RANGE.stop - 1}"
        if not (raw_year.isascii() and raw_year.isdigit()) or int(raw_year) not in YEAR_RANGE:
            raise BadParameter("year", raw_year, valid)
        year = int(raw_year)
    zone = (params.get("zone") or "").strip()
    if zone:
        zone_member_adcodes(zone)  # UnknownItem (404) naming the zones
    return LinkFilter(
        kind=kind, from_=ends["from"], to=ends["to"], year=year, zone=zone, source=source
    )


def filtered_links(link_filter: LinkFilter | None = None) -> pd.DataFrame:
    """Links passing ``link_filter`` (all bundled links when None), in file order."""
    if link_filter is None:
        return _all_links().copy()
    return link_filter.apply(link_filter.source.links()).copy()


# --------------------------------------------------------------------------- geometry


def arc_coordinates(
    lon1: float, lat1: float, lon2: float, lat2: float, bend: float = 0.18, steps: int = 24
) -> list[tuple[float, float]]:
    """A quadratic Bézier arc from (lon1, lat1) to (lon2, lat2), EPSG:4326 degrees.

    The control point sits ``bend`` × the chord length to the left of the chord's midpoint
    (in a plane scaled by cos(latitude), so the arc looks the same at any bearing): arcs
    of opposite directions between two places do not overlap. For display only; distances
    are measured on the ellipsoid elsewhere.
    """
    scale = np.cos(np.radians((lat1 + lat2) / 2.0))
    x1, y1, x2, y2 = lon1 * scale, lat1, lon2 * scale, lat2
    mx, my = (x1 + x2) / 2.0, (y1 + y2) / 2.0
    dx, dy = x2 - x1, y2 - y1
    cx, cy = mx - dy * bend, my + dx * bend
    t = np.linspace(0.0, 1.0, steps + 1)
    xs = (1 - t) ** 2 * x1 + 2 * (1 - t) * t * cx + t**2 * x2
    ys = (1 - t) ** 2 * y1 + 2 * (1 - t) * t * cy + t**2 * y2
    return [(round(x / scale, 6), round(y, 6)) for x, y in zip(xs, ys)]


#: Columns of the downloads (GeoJSON properties and CSV), in order.
EXPORT_COLUMNS = (
    "id",
    "kind",
    "from",
    "from_name_zh",
    "from_name_en",
    "from_type",
    "from_unit",
    "from_precision",
    "to",
    "to_name_zh",
    "to_name_en",
    "to_type",
    "to_unit",
    "to_precision",
    "since",
    "weight",
    "weight_unit",
    "source_title",
    "source_publisher",
    "source_publisher_zh",
    "source_date",
    "source_url",
    "note",
    "note_zh",
)


def links_frame(link_filter: LinkFilter | None = None, curved: bool = True) -> gpd.GeoDataFrame:
    """One LineString per link (EPSG:4326), origin → destination, with both ends' ids,
    names, units and drawing precision, and the link's source.

    ``curved`` draws a quadratic arc (:func:`arc_coordinates`); otherwise a straight line.
    A copy of a cached frame.
    """
    return _links_frame(link_filter, curved).copy()


@lru_cache(maxsize=256)
def _links_frame(link_filter: LinkFilter | None, curved: bool) -> gpd.GeoDataFrame:
    frame = filtered_links(link_filter)
    geometries = []
    for row in frame.to_dict("records"):
        start, end = (row["from_lon"], row["from_lat"]), (row["to_lon"], row["to_lat"])
        coords = arc_coordinates(*start, *end) if curved else [start, end]
        geometries.append(LineString(coords))
    table = frame[list(EXPORT_COLUMNS)].copy()
    table["since"] = table["since"].astype(object).where(table["since"].notna(), None)
    return gpd.GeoDataFrame(table, geometry=geometries, crs=4326).reset_index(drop=True)


def endpoints_frame(link_filter: LinkFilter | None = None) -> gpd.GeoDataFrame:
    """The distinct ends of the filtered links as points (EPSG:4326): id, names, role
    (origin / destination / both), precision, number of links."""
    frame = filtered_links(link_filter)
    records: dict[str, dict] = {}
    for end, role in (("from", "origin"), ("to", "destination")):
        for row in frame.to_dict("records"):
            ref = row[end]
            entry = records.setdefault(
                ref,
                {
                    "id": ref,
                    "name_zh": row[f"{end}_name_zh"],
                    "name_en": row[f"{end}_name_en"],
                    "type": row[f"{end}_type"],
                    "unit": row[f"{end}_unit"],
                    "precision": row[f"{end}_precision"],
                    "role": role,
                    "links": 0,
                    "lon": row[f"{end}_lon"],
                    "lat": row[f"{end}_lat"],
                },
            )
            if entry["role"] != role:
                entry["role"] = "both"
            entry["links"] += 1
    table = pd.DataFrame(
        list(records.values()),
        columns=[
            "id",
            "name_zh",
            "name_en",
            "type",
            "unit",
            "precision",
            "role",
            "links",
            "lon",
            "lat",
        ],
    )
    geometry = gpd.points_from_xy(table.pop("lon"), table.pop("lat"))
    return gpd.GeoDataFrame(table, geometry=geometry, crs=4326)


# --------------------------------------------------------------------------- counting


def link_counts(
    level: str,
    direction: str = "incoming",
    kinds: Iterable[str] | None = None,
    link_filter: LinkFilter | None = None,
) -> pd.DataFrame:
    """Links per unit of ``level`` whose destination (``incoming``) or origin
    (``outgoing``) lies in the unit (see :func:`_link_counts`). A copy of a cached frame."""
    if direction not in DIRECTIONS:
        raise BadParameter("direction", direction, DIRECTIONS)
    if kinds is not None:
        kinds = tuple(kinds)
        for kind in kinds:
            if kind not in KIND_LABELS:
                raise BadParameter("kind", kind, list(KIND_LABELS))
    return _link_counts(level, direction, kinds, link_filter).copy()


@lru_cache(maxsize=256)
def _link_counts(
    level: str,
    direction: str,
    kinds: tuple[str, ...] | None,
    link_filter: LinkFilter | None,
) -> pd.DataFrame:
    """Links per unit of ``level`` whose destination (``incoming``) or origin
    (``outgoing``) lies in the unit.

    Parameters
    ----------
    level : {"province", "prefecture", "county"}
    direction : {"incoming", "outgoing"}
    kinds : iterable of str, optional
        Only these kinds (all when None).
    link_filter : LinkFilter, optional
        Further filter (year, ends).

    Returns
    -------
    DataFrame
        Indexed by the adcode of every unit of the level (special units included):
        ``count`` (int), ``weight`` (sum of the counted links' weights, 0 where none has
        one) and ``unlocated_in_parent`` — how many counted-direction ends lie
        in the unit's parent but at an unknown finer unit (so ``count`` is a lower bound
        where this is > 0).
    """
    end = DIRECTIONS[direction]
    frame = filtered_links(link_filter)
    if kinds is not None:
        frame = frame[frame["kind"].isin(kinds)]
    units = regions(level)
    counts = pd.Series(0, index=units["adcode"].to_numpy(), dtype=int)
    unknown = pd.Series(0, index=units["adcode"].to_numpy(), dtype=int)
    weights = pd.Series(0.0, index=units["adcode"].to_numpy(), dtype=float)
    for row in frame.to_dict("records"):
        county, prefecture, province = (
            row[f"{end}_{lv}"] for lv in ("county", "prefecture", "province")
        )
        if level == "province":
            targets, parent = [province], ""
        elif level == "prefecture":
            targets, parent = _prefectures(prefecture, county), ("" if prefecture else province)
        else:
            targets = [county] if county else []
            parent = "" if county else (prefecture or province)
        weight = 0.0 if pd.isna(row["weight"]) else float(row["weight"])
        for target in targets:
            if target in counts.index:
                counts[target] += 1
                weights[target] += weight
        if parent:
            inside = [a for a in unknown.index if _lies_in(a, parent)]
            unknown[inside] += 1
    return pd.DataFrame({"count": counts, "weight": weights, "unlocated_in_parent": unknown})


def _lies_in(adcode: str, parent: str) -> bool:
    """Whether a unit lies in ``parent`` (a prefecture, province or Xiong'an)."""
    if parent == XIONGAN.adcode:
        return adcode in XIONGAN.members
    if parent.endswith("0000"):
        return adcode[:2] == parent[:2]
    return adcode[:4] == parent[:4]
