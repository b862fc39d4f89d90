"""JSON catalogs: indicators (with coverage and links) and zones."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify, request, url_for

from geo import geojson
from geo.catalog import get_indicator, indicators
from geo.errors import BadParameter
from geo.indicators import coverage, indicator_values
from geo.joins import join_table
from geo.levels import LEVELS, check_level
from geo.tables import read_csv_bytes
from geo.zones import get_zone, zones

from .caching import cached_view

bp = Blueprint("api", __name__, url_prefix="/api")


def _indicator_entry(indicator) -> dict:
    entry = indicator.as_dict()
    entry["coverage"] = {
        level: dict(zip(("with_value", "units"), coverage(indicator.id, level)))
        for level in indicator.levels
    }
    entry["links"] = {
        "map": url_for("pages.choropleth", indicator=indicator.id),
        "self": url_for("api.indicator", indicator_id=indicator.id),
    }
    return entry


@bp.get("/indicators")
@cached_view("api")
def indicator_catalog():
    return {"levels": list(LEVELS), "indicators": [_indicator_entry(i) for i in indicators()]}


@bp.get("/indicators/<indicator_id>")
@cached_view("api")
def indicator(indicator_id: str):
    ind = get_indicator(indicator_id)
    entry = _indicator_entry(ind)
    entry["values"] = {
        level: [
            {"adcode": adcode, **row}
            for adcode, row in indicator_values(ind.id, level).to_dict("index").items()
        ]
        for level in ind.levels
    }
    return entry


@bp.get("/zones")
@cached_view("api")
def zone_catalog():
    return {
        "zones": [
            {
                **z.as_dict(),
                "links": {
                    "map": url_for("pages.corridor", zone_id=z.id),
                    "embed": url_for("embed.corridor", zone_id=z.id),
                    "self": url_for("api.zone", zone_id=z.id),
                },
            }
            for z in zones()
        ]
    }


@bp.get("/zones/<zone_id>")
@cached_view("api")
def zone(zone_id: str):
    return get_zone(zone_id).as_dict()


JOIN_FORMATS = ("json", "geojson")


@bp.post("/join")
def join():
    """Join an uploaded CSV (multipart field ``file`` or a text/csv body) to a level.

    ``?level=`` (default prefecture), optional ``adcode_column``, ``name_column``,
    ``parent_column``; ``format=json`` (report) or ``geojson`` (joined layer download).
    """
    level = check_level(request.args.get("level", "prefecture"))
    fmt = request.args.get("format", "json")
    if fmt not in JOIN_FORMATS:
        raise BadParameter("format", fmt, JOIN_FORMATS)
    upload = request.files.get("file")
    data = upload.read() if upload is not None else request.get_data()
    table, encoding = read_csv_bytes(data)
    result = join_table(
        table,
        level,
        adcode_column=request.args.get("adcode_column") or None,
        name_column=request.args.get("name_column") or None,
        parent_column=request.args.get("parent_column") or None,
    )
    if fmt == "geojson":
        body = geojson.dumps(geojson.frame_to_feature_collection(result.frame))
        return Response(
            body,
            mimetype="application/geo+json",
            headers={"Content-Disposition": f'attachment; filename="jjj_{level}_joined.geojson"'},
        )
    return jsonify({"encoding": encoding, "report": result.report()})
