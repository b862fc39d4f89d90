"""Static map exports: the map pages' maps as PNG, SVG or PDF, drawn by ``geo.render``.

``/export/choropleth.<fmt>?<map parameters>&width=&dpi=`` and
``/export/corridor/<zone_id>.<fmt>?...``. Cached by the full normalised parameter set,
with a strong ETag.
"""

from __future__ import annotations

from flask import Blueprint, current_app, request, url_for

from geo import render
from geo.maps.mapspec import choropleth_spec, corridor_spec

from .caching import MAX_AGE, CachedBody, Rendered, lookup, respond
from .errors import error_response

bp = Blueprint("export", __name__, url_prefix="/export")

DRAW = {"choropleth": render.render_choropleth, "corridor": render.render_corridor}


def _key(kind: str, spec, options: render.ExportOptions) -> tuple:
    """The full normalised parameter set of one export (the zone included for corridors)."""
    zone = (spec.zone.id,) if kind == "corridor" else ()
    query = sorted(spec.query().items())
    # A dataset map without v= shows the latest version: key by the version resolved now.
    data = sorted(getattr(spec, "data_query", dict)().items())
    return ("export", kind, *zone, options.format, options.width, options.dpi, *query, *data)


def _file_name(kind: str, spec, options: render.ExportOptions) -> str:
    if kind == "corridor":
        name = f"corridor_{spec.zone.id}_{spec.analysis.band_km:g}km"
    else:
        name = f"{spec.level}_{spec.indicator.slug}"
    return f"jjj_{name}_{spec.lang}.{options.format}"


def _lookup(kind: str, spec, options: render.ExportOptions) -> tuple[CachedBody, bool]:
    def produce() -> Rendered:
        disposition = f'attachment; filename="{_file_name(kind, spec, options)}"'
        return Rendered(
            DRAW[kind](spec, options), options.mimetype, {"Content-Disposition": disposition}
        )

    return lookup(_key(kind, spec, options), produce)


def export_body(kind: str, spec, options: render.ExportOptions) -> CachedBody:
    """The cached export of ``spec`` (drawn on first use); shared with oEmbed thumbnails."""
    return _lookup(kind, spec, options)[0]


def _send(kind: str, spec, options: render.ExportOptions):
    entry, hit = _lookup(kind, spec, options)
    return respond(entry, hit, MAX_AGE["download"], ranges=True)


@bp.get("/choropleth.<fmt>")
def choropleth(fmt: str):
    options = render.export_options(request.args, fmt)
    return _send("choropleth", choropleth_spec(request.args, current_app.config), options)


@bp.get("/corridor/<zone_id>.<fmt>")
def corridor(zone_id: str, fmt: str):
    options = render.export_options(request.args, fmt)
    return _send("corridor", corridor_spec(zone_id, request.args, current_app.config), options)


@bp.errorhandler(render.FontMissing)
def _font_missing(err: render.FontMissing):
    return error_response(503, str(err))


def export_links(endpoint: str, **values) -> dict[str, str]:
    """URLs of one map's exports, by format (for the buttons on map pages)."""
    return {fmt.upper(): url_for(endpoint, fmt=fmt, **values) for fmt in render.FORMATS}
