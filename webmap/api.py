"""JSON catalogs: indicators (with coverage and links) and zones."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify, request, url_for

from geo.errors import BadParameter
from geo.formats import geojson
from geo.levels import LEVELS, check_level
from geo.maps.places import place_index
from geo.sources.catalog import (
    aliases,
    check_compare,
    check_year,
    indicators,
    resolve_indicator,
)
from geo.sources.flags import FLAG_COLUMNS, value_flags
from geo.sources.indicators import coverage, indicator_change, indicator_values
from geo.sources.matching import join_table
from geo.sources.uploads import read_upload
from geo.sources.zones import get_zone, zones

from .caching import cached_view

bp = Blueprint("api", __name__, url_prefix="/api")


def _indicator_entry(indicator) -> dict:
    entry = indicator.as_dict()
    # Coverage of the latest year (what the map shows by default), then per year.
    entry["coverage"] = {
        level: dict(zip(("with_value", "units"), coverage(indicator.id, level)))
        for level in indicator.levels
    }
    entry["coverage_by_year"] = {
        level: {
            str(year): dict(zip(("with_value", "units"), coverage(indicator.id, level, year)))
            for year in indicator.all_years
        }
        for level in indicator.levels
    }
    entry["aliases"] = sorted(a for a, (target, _) in aliases().items() if target == indicator.id)
    entry["links"] = {
        "map": url_for("pages.choropleth", indicator=indicator.id),
        "self": url_for("api.indicator", indicator_id=indicator.id),
    }
    return entry


@bp.get("/indicators")
@cached_view("api")
def indicator_catalog():
    return {
        "levels": list(LEVELS),
        "indicators": [_indicator_entry(i) for i in indicators()],
        "aliases": {a: {"indicator": t, "year": y} for a, (t, y) in aliases().items()},
    }


@bp.get("/indicators/<indicator_id>")
@cached_view("api")
def indicator(indicator_id: str):
    """One indicator with its values for one year (``?year=``; default the latest, or the
    year an alias such as ``population_2020`` names)."""
    ind, alias_year = resolve_indicator(indicator_id)
    year = check_year(ind, request.args.get("year") or alias_year)
    entry = _indicator_entry(ind)
    entry["year_shown"] = year
    entry["values"] = {level: _values_with_flags(ind.id, level, year) for level in ind.levels}
    compare = request.args.get("compare")
    if compare not in (None, ""):
        # The change from ``compare`` to the year shown; a definition break between them
        # is a 400 naming it (geo.sources.catalog.check_compare).
        _, base = check_compare(ind.id, year, compare)
        entry["compare"] = base
        entry["changes"] = {
            level: [
                {"adcode": adcode, **{k: _plain(v) for k, v in row.items()}}
                for adcode, row in indicator_change(ind.id, level, year, base)
                .to_dict("index")
                .items()
            ]
            for level in ind.levels
        }
    return entry


def _plain(value):
    """JSON-safe: NaN (no value) → None."""
    return None if isinstance(value, float) and value != value else value


def _values_with_flags(indicator_id: str, level: str, year) -> list[dict]:
    """The values of one level, each with ``flag``, ``flag_note`` and ``flag_note_zh``
    (empty strings unless the value is kept as printed but doubtful)."""
    flags = value_flags(indicator_id, level, year).to_dict("index")
    empty = dict.fromkeys(FLAG_COLUMNS, "")
    return [
        {"adcode": adcode, "year": year, **row, **flags.get(adcode, empty)}
        for adcode, row in indicator_values(indicator_id, level, year).to_dict("index").items()
    ]


@bp.get("/places")
@cached_view("api")
def places():
    """Every unit by its names (zh, en/pinyin, short forms, former names, parent), for the
    maps' place search (geo.maps.places)."""
    return {"places": list(place_index())}


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
    """Join an uploaded table (multipart field ``file`` or a body: CSV/TSV/XLSX, read by
    :func:`geo.sources.uploads.read_upload`, the reader the datasets use) to a level.

    ``?level=`` (default prefecture), optional ``adcode_column``, ``name_column``,
    ``parent_column``; ``format=json`` (report) or ``geojson`` (joined layer download).
    """
    level = check_level(request.args.get("level", "prefecture"))
    fmt = request.args.get("format", "json")
    if fmt not in JOIN_FORMATS:
        raise BadParameter("format", fmt, JOIN_FORMATS)
    upload = request.files.get("file")
    data = upload.read() if upload is not None else request.get_data()
    filename = upload.filename or "" if upload is not None else ""
    read = read_upload(data, filename)
    table, encoding = read.table, read.encoding
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
