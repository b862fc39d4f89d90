"""Cooperation links: the map, its embed, its downloads and its API (one blueprint).

Thin: :mod:`geo.sources.links` validates and resolves the links, :mod:`geo.maps.linkmap`
decides what the map shows; this module maps URLs to those calls.
"""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify, render_template, request, url_for

from geo import render
from geo.errors import BadParameter
from geo.levels import check_level
from geo.maps import linkmap
from geo.maps.describe import links_summary, links_unit_rows
from geo.maps.labels import web_label_options
from geo.render.links import render_links as draw_static_links
from geo.render.names import links_name
from geo.sources import link_query
from geo.sources import links as geo_links
from geo.sources.link_tables import link_source_for

from . import maps, views
from .caching import cached_view, send_cached
from .errors import error_response
from .export import export_links

bp = Blueprint("links", __name__)

GEOJSON = "application/geo+json"
CSV = "text/csv"
FORMATS = {"geojson": GEOJSON, "csv": CSV}


def source_for(params) -> link_query.LinkSource:
    """The bundled links or the published links dataset ``params`` name."""
    return link_source_for(params, current_app.config["DATABASE_URL"])


def requested_source() -> link_query.LinkSource:
    return source_for(request.args)


def _spec() -> linkmap.LinksSpec:
    return linkmap.links_spec(request.args, current_app.config, requested_source())


def render_links(spec: linkmap.LinksSpec, embed: bool, dataset_page: dict | None = None) -> str:
    data = spec.data_query()
    fmap = maps.base_map(spec.basemap)
    options = spec.layer_options(
        url_for("links.download", fmt="geojson", **data),
        url_for("downloads.regions_topojson", level=spec.level),
    )
    # Place names of the shaded units (geo.maps.labels), placed without overlaps.
    options["labelPoints"] = web_label_options(spec.level, spec.lang)
    maps.add_layer(fmap, "links", maps.with_outlines(options, spec.level))
    unit_rows = links_unit_rows(spec)
    source = spec.source
    return render_template(
        "links.html",
        spec=spec,
        embed=embed,
        unit_rows=unit_rows,
        dataset_page=dataset_page,
        summary=links_summary(spec, unit_rows),
        dataset_url=(
            None
            if source.bundled
            else url_for(
                "datasets.version_page", dataset_id=source.dataset_id, version=source.version
            )
        ),
        page_url=url_for("links.page", **spec.query()),
        fmap=maps.render(fmap),
        kinds=spec.source.kinds,
        kind_labels=geo_links.KIND_LABELS,
        downloads={
            "geojson": url_for("links.download", fmt="geojson", **data),
            "csv": url_for("links.download", fmt="csv", **data),
            "api": url_for("links.api", **spec.link_filter.data_query()),
        },
        embed_snippet=views.embed_snippet("links.embed", spec.title, **spec.query()),
        exports=export_links("links.export", **spec.query()),
        **views.template_globals(spec.lang),
    )


@bp.get("/maps/links")
@cached_view("page")
def page():
    return render_links(_spec(), embed=False)


@bp.get("/embed/links")
@cached_view("page")
def embed():
    return render_links(_spec(), embed=True)


@bp.get("/export/links.<fmt>")
def export(fmt: str):
    """The links map as PNG, SVG or PDF (geo.render.links), same parameters as the page."""
    options = render.export_options(request.args, fmt)
    spec = _spec()
    key = ("export", "links", *options.key())
    # data_query names the resolved dataset version: a replace never serves a stale image.
    data = {**spec.query(), **spec.link_filter.data_query()}
    try:
        return send_cached(
            key + tuple(sorted(data.items())),
            lambda: draw_static_links(spec, options),
            options.mimetype,
            links_name(spec, options),
            max_age=86400,
        )
    except render.FontMissing as err:
        return error_response(503, str(err))


@bp.get("/download/links.<fmt>")
def download(fmt: str):
    if fmt not in FORMATS:
        raise BadParameter("format", fmt, [f"links.{f}" for f in FORMATS])
    link_filter = link_query.parse_filter(request.args, requested_source())
    level = check_level(request.args.get("level") or linkmap.DEFAULT_LEVEL)
    name = "jjj_links" + "".join(
        f"_{k}-{v}" for k, v in link_filter.data_query().items() if k != "v"
    )
    if not link_filter.source.bundled:
        name += f"_v{link_filter.source.version}"
    return send_cached(
        ("links", fmt, link_filter, level if fmt == "geojson" else None),
        lambda: linkmap.links_export(link_filter, level, fmt),
        FORMATS[fmt],
        f"{name}.{fmt}",
    )


@bp.get("/api/links")
@cached_view("api")
def api():
    """The links passing ``kind``/``from``/``to``/``year`` with sources, counts per kind
    and per unit (``level``), and the URLs of the map, embed and downloads."""
    link_filter = link_query.parse_filter(request.args, requested_source())
    level = check_level(request.args.get("level") or linkmap.DEFAULT_LEVEL)
    frame = link_query.links_frame(link_filter).drop(columns="geometry")
    records = frame.to_dict("records")
    for record in records:
        record["since"] = None if record["since"] is None else int(record["since"])
        record["weight"] = None if record["weight"] != record["weight"] else record["weight"]
    counts = {
        direction: {
            adcode: int(n)
            for adcode, n in link_query.link_counts(level, direction, link_filter=link_filter)[
                "count"
            ].items()
            if n
        }
        for direction in geo_links.DIRECTIONS
    }
    query = link_filter.query()
    data = link_filter.data_query()
    return jsonify(
        {
            "filter": query,
            "dataset": linkmap.dataset_metadata(link_filter.source),
            "kinds": [
                {
                    "id": kind,
                    "label_en": geo_links.KIND_LABELS[kind]["en"],
                    "label_zh": geo_links.KIND_LABELS[kind]["zh"],
                    "count": sum(r["kind"] == kind for r in records),
                }
                for kind in link_filter.source.kinds
            ],
            "count": len(records),
            "level": level,
            "counts": counts,
            "links": records,
            "urls": {
                "map": url_for("links.page", **query),
                "embed": url_for("links.embed", **query),
                "geojson": url_for("links.download", fmt="geojson", **data),
                "csv": url_for("links.download", fmt="csv", **data),
            },
        }
    )
