"""Static map exports: the map pages' maps as PNG, SVG or PDF, drawn by ``geo.render``.

``/export/choropleth.<fmt>?<map parameters>&width=&dpi=`` and
``/export/corridor/<zone_id>.<fmt>?...``. Cached by the full normalised parameter set,
with a strong ETag.
"""

from __future__ import annotations

from flask import Blueprint, current_app, request

from geo import render
from geo.mapspec import choropleth_spec, corridor_spec

from .caching import send_cached
from .errors import error_response

bp = Blueprint("export", __name__, url_prefix="/export")


def _send(kind: str, name: str, spec, options, draw):
    key = (
        "export",
        kind,
        options.format,
        options.width,
        options.dpi,
        *sorted(spec.query().items()),
        # A dataset map without v= shows the latest version: key by the version resolved now.
        *sorted(getattr(spec, "data_query", dict)().items()),
    )
    return send_cached(
        key,
        lambda: draw(spec, options),
        options.mimetype,
        f"jjj_{name}_{spec.lang}.{options.format}",
        max_age=86400,
    )


@bp.get("/choropleth.<fmt>")
def choropleth(fmt: str):
    options = render.export_options(request.args, fmt)
    spec = choropleth_spec(request.args, current_app.config)
    name = f"{spec.level}_{spec.indicator.slug}"
    return _send("choropleth", name, spec, options, render.render_choropleth)


@bp.get("/corridor/<zone_id>.<fmt>")
def corridor(zone_id: str, fmt: str):
    options = render.export_options(request.args, fmt)
    spec = corridor_spec(zone_id, request.args, current_app.config)
    name = f"corridor_{spec.zone.id}_{spec.analysis.band_km:g}km"
    return _send("corridor", name, spec, options, render.render_corridor)


@bp.errorhandler(render.FontMissing)
def _font_missing(err: render.FontMissing):
    return error_response(503, str(err))


def export_links(endpoint: str, **values) -> dict[str, str]:
    """URLs of one map's exports, by format (for the buttons on map pages)."""
    from flask import url_for

    return {fmt.upper(): url_for(endpoint, fmt=fmt, **values) for fmt in render.FORMATS}
