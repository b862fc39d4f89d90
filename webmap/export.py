"""Static map exports: the map pages' maps as PNG, SVG or PDF, drawn by ``geo.render``.

``/export/choropleth.<fmt>?<map parameters>&width=&dpi=`` and
``/export/corridor/<zone_id>.<fmt>?...``. Cached by the full normalised parameter set,
with a strong ETag.
"""

from __future__ import annotations

from flask import Blueprint, current_app, request, url_for

from geo import render
from geo.mapspec import choropleth_spec, corridor_spec

from .caching import CachedBody, cached_body, send_cached
from .errors import error_response

bp = Blueprint("export", __name__, url_prefix="/export")

DRAW = {"choropleth": render.render_choropleth, "corridor": render.render_corridor}


def _key(kind: str, spec, options: render.ExportOptions) -> tuple:
    """The full normalised parameter set of one export (the zone included for corridors)."""
    zone = (spec.zone.id,) if kind == "corridor" else ()
    query = sorted(spec.query().items())
    return ("export", kind, *zone, options.format, options.width, options.dpi, *query)


def export_body(kind: str, spec, options: render.ExportOptions) -> CachedBody:
    """The cached export of ``spec`` (drawn on first use); shared with oEmbed thumbnails."""
    return cached_body(_key(kind, spec, options), lambda: DRAW[kind](spec, options))


def _send(kind: str, name: str, spec, options: render.ExportOptions):
    return send_cached(
        _key(kind, spec, options),
        lambda: DRAW[kind](spec, options),
        options.mimetype,
        f"jjj_{name}_{spec.lang}.{options.format}",
        max_age=86400,
    )


@bp.get("/choropleth.<fmt>")
def choropleth(fmt: str):
    options = render.export_options(request.args, fmt)
    spec = choropleth_spec(request.args, current_app.config)
    return _send("choropleth", f"{spec.level}_{spec.indicator.id}", spec, options)


@bp.get("/corridor/<zone_id>.<fmt>")
def corridor(zone_id: str, fmt: str):
    options = render.export_options(request.args, fmt)
    spec = corridor_spec(zone_id, request.args, current_app.config)
    name = f"corridor_{spec.zone.id}_{spec.analysis.band_km:g}km"
    return _send("corridor", name, spec, options)


@bp.errorhandler(render.FontMissing)
def _font_missing(err: render.FontMissing):
    return error_response(503, str(err))


def export_links(endpoint: str, **values) -> dict[str, str]:
    """URLs of one map's exports, by format (for the buttons on map pages)."""
    return {fmt.upper(): url_for(endpoint, fmt=fmt, **values) for fmt in render.FORMATS}
