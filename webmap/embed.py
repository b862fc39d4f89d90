"""Embeddable maps: the same maps without page chrome, framable from any origin."""

from __future__ import annotations

from flask import Blueprint, current_app, request

from geo.maps.mapspec import choropleth_spec, corridor_spec

from . import views
from .caching import cached_view

bp = Blueprint("embed", __name__, url_prefix="/embed")


@bp.get("/choropleth")
@cached_view("page")
def choropleth():
    spec = choropleth_spec(request.args, current_app.config)
    return views.render_choropleth(spec, embed=True)


@bp.get("/corridor/<zone_id>")
@cached_view("page")
def corridor(zone_id: str):
    spec = corridor_spec(zone_id, request.args, current_app.config)
    return views.render_corridor(spec, embed=True)
