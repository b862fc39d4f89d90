"""Download endpoints: RFC 7946 GeoJSON (application/geo+json) and CSV, cached and gzipped."""

from __future__ import annotations

from flask import Blueprint, request

from geo import exports

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
