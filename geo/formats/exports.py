"""Serialising a level with its indicators: GeoJSON (RFC 7946), CSV and TopoJSON.

Used by the download endpoints and the ``jjj-atlas export`` command. Output bytes are
deterministic for the same request, so they can be cached and ETagged.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from geo.errors import BadParameter
from geo.formats import geojson
from geo.formats.csvsafe import to_csv_bytes
from geo.formats.field_types import integer_columns
from geo.levels import check_level
from geo.sources.catalog import get_indicator
from geo.sources.indicators import regions_with_indicators, regions_with_sources
from geo.sources.regions_request import check_regions_request, download_name

FORMATS = ("geojson", "csv", "topojson")
#: TopoJSON quantisation for map display: 1e5 steps over the ~6.5° extent ≈ 7 m.
TOPOJSON_QUANTIZATION = 100_000
#: The map pages' own TopoJSON (``view="map"``, issue 18): 1e4 steps over the extent
#: (≈ 55 m × 73 m at 40° N), under a screen pixel up to zoom 11 (1 px ≈ 58 m at 40° N);
#: borders are shared arcs, so neighbours still meet exactly.
MAP_QUANTIZATION = 10_000
#: Views of a TopoJSON download: the full download (None) or what a map page draws.
TOPOJSON_VIEWS = ("map",)
#: Properties the map script (static/atlas.js) reads besides the indicator columns.
MAP_PROPERTIES = ("adcode", "name_zh", "name_en", "special")


def regions_export(
    level: str,
    indicator_ids: Sequence,
    fmt: str,
    year=None,
    compare=None,
    name: str | None = None,
    metadata: dict | None = None,
    view: str | None = None,
    include_overlays: bool = True,
) -> bytes:
    """The units of ``level`` with the given indicators, as GeoJSON, CSV or TopoJSON bytes.

    Every row says whether it is an ``overlay``: a unit laid over the level's regular units
    (Xiong'an New Area at prefecture level, whose three counties Baoding still counts), so
    summing every row counts those residents twice. ``include_overlays=False`` leaves
    overlays out, so the rows add up to the region.

    ``indicator_ids``: bundled indicator ids (or aliases), or
    :class:`~geo.sources.indicator_sources.IndicatorSource` objects (a published dataset's
    columns, each at its one year). ``year`` picks the year of indicators that vary by year
    (default each
    one's latest); ``compare`` adds the earlier year's value and the change columns.
    ``metadata`` is added to GeoJSON/TopoJSON output. ``view="map"`` (TopoJSON only) is
    what a map page draws: :data:`MAP_QUANTIZATION`, only :data:`MAP_PROPERTIES` and the
    indicator value columns (no ``_source`` columns), and no metadata but ``name``.
    """
    extra = metadata or {}
    if all(isinstance(i, str) for i in indicator_ids):
        ids = check_regions_request(level, indicator_ids, year, compare)
        sources = [get_indicator(i) for i in ids]
        frame = regions_with_indicators(level, ids, year=year, compare=compare)
    else:
        check_level(level)
        sources = list(indicator_ids)
        ids = tuple(s.id for s in sources)
        frame = regions_with_sources(level, sources)
    if fmt not in FORMATS:
        raise BadParameter("format", fmt, FORMATS)
    if view is not None and (fmt != "topojson" or view not in TOPOJSON_VIEWS):
        raise BadParameter("view", view, TOPOJSON_VIEWS, reason="TopoJSON downloads only")
    frame = mark_overlays(frame, include_overlays)
    if fmt == "csv":  # bundled counts print as integers (708829, not 708829.0)
        table = frame.drop(columns=frame.geometry.name)
        if all(isinstance(i, str) for i in indicator_ids):
            table = integer_columns(table, ids)
        return to_csv_bytes(table)
    metadata = {
        "name": name or download_name("regions", level, ids, fmt, year, compare).rsplit(".", 1)[0],
        "indicators": [s.as_dict() for s in sources],
        **extra,
    }
    if year not in (None, ""):
        metadata["year"] = int(year)
    if compare not in (None, ""):
        metadata["compare"] = int(compare)
    if view == "map":
        return _topojson(_map_columns(frame, ids), {"name": metadata["name"]}, MAP_QUANTIZATION)
    if fmt == "topojson":
        return _topojson(frame, metadata)
    return geojson.frame_to_geojson_text(frame, metadata=metadata).encode()


def mark_overlays(frame, include: bool = True):
    """``frame`` with an ``overlay`` column after ``special`` (True for a unit laid over the
    regular units: Xiong'an at prefecture level), without those rows unless ``include``."""
    frame = frame.copy()
    overlay = frame["special"].astype(bool)
    if "overlay" not in frame.columns:
        frame.insert(list(frame.columns).index("special") + 1, "overlay", overlay)
    if not include:
        frame = frame[~overlay]
    return frame


def _map_columns(frame, ids: Sequence[str]):
    """``frame`` with only what the map script reads: names, code, ``special`` and the value
    columns of ``ids`` (with a compare year: the earlier value, changes and notes)."""
    keep = [
        c
        for c in frame.columns
        if c in MAP_PROPERTIES
        or (any(c == i or c.startswith(f"{i}_") for i in ids) and not c.endswith("_source"))
    ]
    return frame[[*keep, frame.geometry.name]]


#: Topologies by the identity of the geometries they were built from (see _topojson).
_topologies: dict[tuple, tuple[tuple, dict]] = {}


def _topology(frame, quantization: int = TOPOJSON_QUANTIZATION) -> dict:
    """The topology of ``frame``'s geometries (arcs, transform, one entry per geometry),
    built once per set of geometry objects: it does not depend on the properties, which
    :func:`_topojson` fills in per download."""
    geometries = tuple(frame.geometry.values)
    key = (tuple(map(id, geometries)), tuple(frame.index), quantization)
    found = _topologies.get(key)
    if found is not None and all(a is b for a, b in zip(found[0], geometries)):
        return found[1]
    # One property column, so that every geometry has "properties" where topojson puts it.
    bare = frame[[frame.geometry.name]].copy()
    bare.insert(0, "_", 0)
    data = _topology_data(bare, quantization)
    if len(_topologies) >= 64:
        _topologies.clear()
    _topologies[key] = (geometries, data)
    return data


def _topojson(frame, metadata: dict, quantization: int = TOPOJSON_QUANTIZATION) -> bytes:
    """TopoJSON of ``frame`` (the topology computed once per geometry set, properties per
    call); the same bytes as building the topology of the whole frame each time."""
    base = _topology(frame, quantization)
    columns = [c for c in frame.columns if c != frame.geometry.name]
    properties = dict(zip(frame.index, frame[columns].to_dict("records")))
    regions = base["objects"]["regions"]
    geometries = [
        {
            **geometry,
            "properties": {
                k: geojson.clean_value(v) for k, v in properties[geometry["id"]].items()
            },
        }
        for geometry in regions["geometries"]
    ]
    data = {
        **base,
        "objects": {**base["objects"], "regions": {**regions, "geometries": geometries}},
    }
    data.update(metadata)
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode()


def _topojson_uncached(frame, metadata: dict, quantization: int = TOPOJSON_QUANTIZATION) -> bytes:
    """The TopoJSON of ``frame`` built from scratch (what :func:`_topojson` must equal)."""
    data = _topology_data(frame, quantization)
    data.update(metadata)
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode()


def _topology_data(frame, quantization: int = TOPOJSON_QUANTIZATION) -> dict:
    import topojson

    topology = topojson.Topology(
        frame,
        object_name="regions",
        prequantize=quantization,
        topology=True,
        presimplify=False,
        toposimplify=False,
    )
    data = json.loads(topology.to_json())  # the topojson package writes missing values as NaN
    for geometry in data["objects"]["regions"]["geometries"]:
        geometry["properties"] = {
            k: geojson.clean_value(v) for k, v in geometry.get("properties", {}).items()
        }
    return data


def corridor_export(zone_id: str, band_km: float) -> bytes:
    """One zone's corridor analysis as GeoJSON: members, line, band and facilities in it.

    Each feature has a ``role`` property: ``member``, ``line``, ``band``, ``facility`` (a
    site-precision point in the band, with ``distance_km``) or ``approximate`` (a
    district-precision point: the district's representative point, no distance).
    """
    from geo.sources.zones import corridor_analysis, zone_members

    analysis = corridor_analysis(zone_id, band_km)
    zone = analysis.zone
    features = []
    members = zone_members(zone)
    for record, geom in zip(analysis.members.to_dict("records"), members.geometry.values):
        features.append((geom, {"role": "member", **record}))
    features.append((analysis.line, {"role": "line", "id": zone.id, "through": list(zone.line)}))
    features.append((analysis.band, {"role": "band", "band_km": analysis.band_km}))
    columns = [
        "id",
        "name_zh",
        "name_en",
        "category",
        "tier",
        "county_adcode",
        "distance_km",
        "in_band",
        "in_member",
        "source",
        "source_zh",
        "year",
        "location_precision",
        "grade",
        "datum_check",
    ]
    for record, geom in zip(
        analysis.facilities[columns].to_dict("records"), analysis.facilities.geometry.values
    ):
        features.append((geom, {"role": "facility", **record}))
    approximate = analysis.approximate
    measured = ("distance_km", "datum_check", "in_band", "in_member")
    approx_columns = [c for c in columns if c not in measured]
    for record, geom in zip(
        approximate[approx_columns].to_dict("records"), approximate.geometry.values
    ):
        features.append((geom, {"role": "approximate", **record}))
    metadata = {
        "name": f"jjj_corridor_{zone.id}_{analysis.band_km:g}km",
        "zone": zone.as_dict(),
        "band_km": analysis.band_km,
        "member_indicators": analysis.member_indicators,
        "unlocated_facilities": analysis.unlocated_facilities,
        "approximate_facilities": len(approximate),
    }
    return geojson.dumps(geojson.feature_collection(features, metadata=metadata)).encode()


def frame_export(frame, name: str, fmt: str) -> bytes:
    """Any GeoDataFrame (EPSG:4326) as GeoJSON or CSV bytes (CSV: geometry as lon/lat or WKT)."""
    if fmt == "csv":
        table = frame.drop(columns=frame.geometry.name).copy()
        if (frame.geom_type == "Point").all():
            table["lon"] = frame.geometry.x.round(6)
            table["lat"] = frame.geometry.y.round(6)
        return to_csv_bytes(table)
    return geojson.dumps(
        geojson.frame_to_feature_collection(frame, metadata={"name": name})
    ).encode()
