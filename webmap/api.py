"""JSON catalogs: indicators (with coverage and links) and zones."""

from __future__ import annotations

from flask import Blueprint, jsonify, url_for

from geo.catalog import get_indicator, indicators
from geo.indicators import coverage, indicator_values
from geo.levels import LEVELS
from geo.zones import get_zone, zones

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
def indicator_catalog():
    return jsonify(
        {"levels": list(LEVELS), "indicators": [_indicator_entry(i) for i in indicators()]}
    )


@bp.get("/indicators/<indicator_id>")
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
    return jsonify(entry)


@bp.get("/zones")
def zone_catalog():
    return jsonify(
        {
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
    )


@bp.get("/zones/<zone_id>")
def zone(zone_id: str):
    return jsonify(get_zone(zone_id).as_dict())
