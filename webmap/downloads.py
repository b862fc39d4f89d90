"""Download endpoints: RFC 7946 GeoJSON (application/geo+json) and CSV, cached and gzipped."""

from __future__ import annotations

from flask import Blueprint, request

from geo import exports, facilities, zones
from geo.errors import BadParameter

from .caching import send_cached

bp = Blueprint("downloads", __name__, url_prefix="/download")

GEOJSON = "application/geo+json"
CSV = "text/csv"
TOPOJSON = "application/json"


def _indicator_ids() -> tuple[str, ...]:
    raw = request.args.get("indicators", "")
    return tuple(i.strip() for i in raw.split(",") if i.strip())


@bp.get("/regions.geojson")
def regions_geojson():
    level = request.args.get("level", "prefecture")
    ids = exports.check_regions_request(level, _indicator_ids())
    return send_cached(
        ("regions", "geojson", level, ids),
        lambda: exports.regions_export(level, ids, "geojson"),
        GEOJSON,
        exports.download_name("regions", level, ids, "geojson"),
    )


@bp.get("/regions.csv")
def regions_csv():
    level = request.args.get("level", "prefecture")
    ids = exports.check_regions_request(level, _indicator_ids())
    return send_cached(
        ("regions", "csv", level, ids),
        lambda: exports.regions_export(level, ids, "csv"),
        CSV,
        exports.download_name("regions", level, ids, "csv"),
    )


@bp.get("/regions.topojson")
def regions_topojson():
    """The same layer as TopoJSON (shared borders once): what the map pages draw."""
    level = request.args.get("level", "prefecture")
    ids = exports.check_regions_request(level, _indicator_ids())
    return send_cached(
        ("regions", "topojson", level, ids),
        lambda: exports.regions_export(level, ids, "topojson"),
        TOPOJSON,
        exports.download_name("regions", level, ids, "topojson"),
    )


@bp.get("/facilities.geojson")
def facilities_geojson():
    category = request.args.get("category") or None
    frame = facilities.facilities(category)  # validates the category
    name = f"jjj_facilities_{category or 'all'}"
    return send_cached(
        ("facilities", "geojson", category),
        lambda: exports.frame_export(frame, name, "geojson"),
        GEOJSON,
        f"{name}.geojson",
    )


@bp.get("/facilities.csv")
def facilities_csv():
    category = request.args.get("category") or None
    frame = facilities.facilities(category, located_only=False)
    name = f"jjj_facilities_{category or 'all'}"
    return send_cached(
        ("facilities", "csv", category),
        lambda: exports.frame_export(frame, name, "csv"),
        CSV,
        f"{name}.csv",
    )


@bp.get("/zones.geojson")
def zones_geojson():
    return send_cached(
        ("zones",),
        lambda: exports.frame_export(zones.zones_frame(), "jjj_zones", "geojson"),
        GEOJSON,
        "jjj_zones.geojson",
    )


@bp.get("/corridors.geojson")
def corridors_geojson():
    return send_cached(
        ("corridors",),
        lambda: exports.frame_export(zones.corridors_frame(), "jjj_corridors", "geojson"),
        GEOJSON,
        "jjj_corridors.geojson",
    )


@bp.get("/corridor.geojson")
def corridor_geojson():
    zone_id = request.args.get("zone", "")
    raw_band = request.args.get("band_km") or zones.DEFAULT_BAND_KM
    try:
        band_km = float(raw_band)
    except ValueError:
        raise BadParameter("band_km", raw_band, "a number of kilometres in (0, 200]") from None
    zones.get_zone(zone_id)  # 404 before caching anything
    return send_cached(
        ("corridor", zone_id, band_km),
        lambda: exports.corridor_export(zone_id, band_km),
        GEOJSON,
        f"jjj_corridor_{zone_id}_{band_km:g}km.geojson",
    )
