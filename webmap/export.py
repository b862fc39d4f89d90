"""Static map exports: the map pages' maps as PNG, SVG or PDF, drawn by ``geo.render``.

``/export/choropleth.<fmt>?<map parameters>&width=&dpi=`` and
``/export/corridor/<zone_id>.<fmt>?...``, or a page size with ``paper=a4|a3|letter`` and
``orientation=portrait|landscape``. Cached by the full normalised parameter set, with a
strong ETag; the file name says what the file is (:mod:`geo.render.names`).
"""

from __future__ import annotations

from flask import Blueprint, current_app, request, url_for

from geo import render
from geo.maps.mapspec import choropleth_spec, corridor_spec
from geo.render.names import choropleth_name, corridor_name
from geo.render.options import ORIENTATIONS, PAPERS

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
    return ("export", kind, *zone, *options.key(), *query, *data)


def _file_name(kind: str, spec, options: render.ExportOptions) -> str:
    return (corridor_name if kind == "corridor" else choropleth_name)(spec, options)


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


class ExportLinks(dict):
    """URLs of one map's exports, by format (the buttons on map pages), with what the
    page's paper form needs: the PDF URL as its action and the map's query as fields."""

    papers = tuple(PAPERS)
    orientations = ORIENTATIONS
    formats = render.FORMATS

    def __init__(self, endpoint: str, values: dict):
        super().__init__(
            {fmt.upper(): url_for(endpoint, fmt=fmt, **values) for fmt in render.FORMATS}
        )
        path_values = {k: v for k, v in values.items() if k == "zone_id"}
        self.action = url_for(endpoint, fmt="pdf", **path_values)
        self.fields = {k: str(v) for k, v in values.items() if k != "zone_id"}


def export_links(endpoint: str, **values) -> ExportLinks:
    """URLs of one map's exports, by format (for the buttons on map pages)."""
    return ExportLinks(endpoint, values)
