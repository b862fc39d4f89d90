"""Demonstration zones and development corridors, defined by member adcodes.

Geometry is never stored: a zone's polygon is the dissolve of its members' boundaries
(members may be counties or prefecture-level units), and its corridor line runs through
the members' area centroids in the order the zone lists them.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.geometry import LineString

from geo.errors import BadParameter
from geo.levels import LEVELS
from geo.measure import area_centroids
from geo.sources.boundaries import as_multipolygon
from geo.sources.catalog import get_indicator, indicators
from geo.sources.facilities import facilities, facility_table, site_points
from geo.sources.indicators import indicator_values
from geo.sources.regions import regions
from geo.sources.zone_catalog import Zone, get_zone, zones

__all__ = ["Zone", "get_zone", "zones"]  # defined in zone_catalog (no indicators needed)

DEFAULT_BAND_KM = 30.0
MAX_BAND_KM = 200.0


@lru_cache(maxsize=1)
def _all_units() -> gpd.GeoDataFrame:
    """Every unit of every level (special units included), indexed by adcode."""
    frame = pd.concat([regions(level) for level in LEVELS], ignore_index=True)
    return gpd.GeoDataFrame(frame, geometry="geometry", crs=4326).set_index("adcode")


def zone_members(zone: Zone) -> gpd.GeoDataFrame:
    """The member units of a zone (EPSG:4326), in the zone's order."""
    units = _all_units()
    rows = units.loc[[adcode for adcode, _ in zone.members]].reset_index()
    return gpd.GeoDataFrame(rows, geometry="geometry", crs=4326)


def corridor_line(zone: Zone) -> LineString:
    """The corridor line (EPSG:4326) through the area centroids of ``zone.line`` in order."""
    units = _all_units()
    points = area_centroids(units.loc[list(zone.line)].geometry)
    return LineString([(round(p.x, 6), round(p.y, 6)) for p in points])


def zones_frame() -> gpd.GeoDataFrame:
    """One dissolved polygon per zone (EPSG:4326) with names, kind, members and source."""
    records = []
    for zone in zones():
        members = zone_members(zone)
        records.append(
            {
                "id": zone.id,
                "kind": zone.kind,
                "name_zh": zone.name_zh,
                "name_en": zone.name_en,
                "members": ",".join(a for a, _ in zone.members),
                "description_en": zone.description_en,
                "source": zone.source,
                "geometry": as_multipolygon(shapely.union_all(members.geometry.values)),
            }
        )
    return gpd.GeoDataFrame(records, geometry="geometry", crs=4326)


def corridors_frame() -> gpd.GeoDataFrame:
    """One corridor line per zone (EPSG:4326), with the adcodes it runs through."""
    records = [
        {
            "id": zone.id,
            "kind": zone.kind,
            "name_zh": zone.name_zh,
            "name_en": zone.name_en,
            "through": ",".join(zone.line),
            "source": zone.source,
            "geometry": corridor_line(zone),
        }
        for zone in zones()
    ]
    return gpd.GeoDataFrame(records, geometry="geometry", crs=4326)


def _local_equidistant(line: LineString) -> str:
    """Azimuthal equidistant CRS centred on the line: metric, < 0.1 % scale error at 300 km."""
    centre = line.interpolate(0.5, normalized=True)
    return f"+proj=aeqd +lat_0={centre.y:.6f} +lon_0={centre.x:.6f} +datum=WGS84 +units=m"


def parse_band_km(raw: str | float | None) -> float:
    """A band half-width from a request parameter (default 30 km); BadParameter if invalid."""
    if raw is None or raw == "":
        return DEFAULT_BAND_KM
    valid = f"a number of kilometres in (0, {MAX_BAND_KM:g}]"
    try:
        band_km = float(raw)
    except (TypeError, ValueError):
        raise BadParameter("band_km", raw, valid) from None
    if not (0 < band_km <= MAX_BAND_KM):  # also rejects NaN
        raise BadParameter("band_km", raw, valid)
    return band_km


@dataclass
class CorridorAnalysis:
    zone: Zone
    band_km: float
    line: LineString  # EPSG:4326
    band: object  # shapely Polygon, EPSG:4326
    members: pd.DataFrame  # members × indicators, NaN where missing
    member_indicators: list[str]
    #: Site-precision points inside the band or inside a member unit, with ``distance_km``
    #: to the line, ``in_band`` and ``in_member`` (a member's facility is listed whatever
    #: the band: 北京胸科医院 in member 通州区 stays on a 10 km map).
    facilities: gpd.GeoDataFrame
    unlocated_facilities: int
    #: Every district-precision point (approximate: the district's representative point),
    #: drawn hollow and listed apart; never measured, never tested against the band.
    approximate: gpd.GeoDataFrame | None = None


def member_indicator_table(zone: Zone) -> tuple[pd.DataFrame, list[str]]:
    """The members' indicator values side by side (rows: members; NaN: no sourced value)."""
    table, ids = _member_indicator_table(zone.id)
    return table.copy(), list(ids)


@lru_cache(maxsize=64)
def _member_indicator_table(zone_id: str) -> tuple[pd.DataFrame, tuple[str, ...]]:
    # Bundled zones and indicators: fixed for the life of the process, so once per zone.
    zone = get_zone(zone_id)
    members = zone_members(zone)
    table = members[["adcode", "name_zh", "name_en", "level"]].copy()
    member_levels = set(table["level"])
    ids = [i.id for i in indicators() if member_levels & set(i.levels)]
    for indicator_id in ids:
        levels = get_indicator(indicator_id).levels
        table[indicator_id] = [
            indicator_values(indicator_id, level)["value"].get(adcode, np.nan)
            if level in levels
            else np.nan
            for adcode, level in zip(table["adcode"], table["level"])
        ]
    return table.reset_index(drop=True), tuple(ids)


def corridor_analysis(zone_id: str, band_km: float = DEFAULT_BAND_KM) -> CorridorAnalysis:
    """Members, line, distance band and the facilities inside the band for one zone.

    Parameters
    ----------
    zone_id : str
    band_km : float
        Half-width of the band around the corridor line, in kilometres (0 < band ≤ 200),
        measured in an azimuthal equidistant projection centred on the line.
    """
    zone = get_zone(zone_id)
    band_km = parse_band_km(band_km)
    fixed = _zone_distances(zone_id)
    band_local = fixed.line_local.buffer(band_km * 1000.0, quad_segs=16)
    band = band_local.to_crs(4326).iloc[0]

    distances_m = fixed.distances_m
    in_band = distances_m.to_numpy() <= band_km * 1000.0
    in_member = fixed.in_member.to_numpy()
    inside = fixed.points[in_band | in_member].copy()
    inside["distance_km"] = (distances_m[inside.index] / 1000.0).round(1)
    inside["in_band"] = in_band[in_band | in_member]
    inside["in_member"] = in_member[in_band | in_member]
    inside = inside.sort_values(["distance_km", "id"])
    members, ids = member_indicator_table(zone)
    return CorridorAnalysis(
        zone=zone,
        band_km=band_km,
        line=fixed.line,
        band=band,
        members=members,
        member_indicators=ids,
        facilities=inside,
        unlocated_facilities=fixed.unlocated,
        approximate=fixed.approximate.copy(),
    )


@dataclass(frozen=True)
class _ZoneDistances:
    """What a corridor analysis needs that does not depend on the band width."""

    line: LineString
    line_local: gpd.GeoSeries
    points: gpd.GeoDataFrame  # site-precision facilities (EPSG:4326)
    distances_m: pd.Series  # their distance to the line, in metres
    in_member: pd.Series  # whether each lies in one of the zone's member units
    approximate: gpd.GeoDataFrame
    unlocated: int


_distances: dict[str, tuple[object, _ZoneDistances]] = {}


def _zone_distances(zone_id: str) -> _ZoneDistances:
    """Once per zone and facility table (bundled, loaded once per process): the line, its
    local metric CRS and every facility's distance to it; a request for another band
    width only compares these distances and buffers the line."""
    table = facility_table()
    found = _distances.get(zone_id)
    if found is not None and found[0] is table:
        return found[1]
    result = _compute_zone_distances(zone_id)
    _distances[zone_id] = (table, result)
    return result


def in_unit(county_adcode: str, adcode: str, level: str) -> bool:
    """Whether the county ``county_adcode`` lies in the unit ``adcode`` of ``level``
    (adcodes nest: 110112 is in prefecture 110100 and province 110000)."""
    if level == "county":
        return county_adcode == adcode
    if level == "prefecture":
        return county_adcode[:4] == adcode[:4]
    return county_adcode[:2] == adcode[:2]


def _compute_zone_distances(zone_id: str) -> _ZoneDistances:
    zone = get_zone(zone_id)
    line = corridor_line(zone)
    local = _local_equidistant(line)
    line_local = gpd.GeoSeries([line], crs=4326).to_crs(local)
    located = facilities()
    points = site_points(located)
    distances_m = points.to_crs(local).distance(line_local.iloc[0])
    in_member = (
        points["county_adcode"]
        .astype(str)
        .map(lambda county: any(in_unit(county, adcode, level) for adcode, level in zone.members))
    )
    approximate = located[located["location_precision"] == "district"].sort_values("id")
    return _ZoneDistances(
        line=line,
        line_local=line_local,
        points=points,
        distances_m=distances_m,
        in_member=in_member.astype(bool),
        approximate=approximate,
        unlocated=int(facilities(located_only=False).geometry.isna().sum()),
    )
