"""The pages of published datasets: the catalogue, a dataset's page (latest or one
version), its original file and the private manage page. The views hang on
:data:`webmap.datasets.bp`.
"""

from __future__ import annotations

from flask import (
    current_app,
    render_template,
    request,
    url_for,
)

from geo.analysis.classify import DIVERGING_PALETTES, K_RANGE, PALETTES, SCHEMES
from geo.maps.mapspec import CHANGE_MODES, choropleth_spec
from geo.sources import datasets as ds
from geo.sources import link_tables as lt
from geo.sources import point_tables as pt
from geo.store import VersionRecord

from . import catalogue, maps, views
from .caching import send_cached
from .dataset_urls import dataset_links as _links
from .datasets import (
    _csrf_token,
    _database_url,
    _kind_of,
    _lang,
    _store,
    bp,
)


@bp.get("")
def index():
    """The catalogue page: search box, filters, one page of datasets (webmap.catalogue)."""
    return catalogue.html_list(_lang())


def _links_dataset_page(dataset_id: str, version: VersionRecord, pinned: bool):
    """A links dataset's page: its links map (same page as /maps/links?dataset=…) with
    the versions, the original file and the check report."""
    from geo.maps import linkmap

    from .links import render_links

    lang = _lang()
    source = lt.link_source(_database_url(), dataset_id, str(version.version) if pinned else None)
    params = {"lang": lang, **{k: v for k, v in request.args.items() if k in ("level", "basemap")}}
    spec = linkmap.links_spec(params, current_app.config, source)
    return render_links(
        spec,
        embed=False,
        dataset_page={
            "record": _store().dataset(dataset_id),
            "version": version,
            "info": ds.dataset_dict(version),
            "pinned": pinned,
            "versions": _store().versions(dataset_id),
        },
    )


def _dataset_page(dataset_id: str, version: VersionRecord, pinned: bool):
    if lt.is_links(version):
        return _links_dataset_page(dataset_id, version, pinned)
    lang = _lang()
    record = _store().dataset(dataset_id)
    columns = list(version.values)
    column = request.args.get("column") or columns[0]
    params = {
        "dataset": dataset_id,
        "column": column,
        "lang": lang,
        "v": str(version.version),  # the map shows the version the table shows
        **{
            k: v
            for k, v in request.args.items()
            if k in ("scheme", "k", "palette", "basemap", "year", "compare", "change")
        },
    }
    spec = choropleth_spec(params, current_app.config)
    time = {k: v for k, v in spec.query().items() if k in ("year", "compare", "change")}
    fmap = maps.base_map(spec.basemap)
    maps.add_layer(
        fmap,
        "regions",
        spec.layer_options(url_for("downloads.regions_topojson", **spec.data_query(), view="map")),
    )
    kind = _kind_of(version)
    if kind == "points":
        from .point_datasets import add_points_layer

        add_points_layer(fmap, version, lang, spec.basemap.datum == "GCJ02")
    v = {"v": version.version} if pinned else {}
    embed = (
        views.embed_snippet("point_datasets.embed", spec.title, dataset=dataset_id, lang=lang, **v)
        if kind == "points"
        else None
    )
    return render_template(
        "dataset.html",
        record=record,
        version=version,
        info=ds.dataset_dict(version),
        pinned=pinned,
        column=column,
        columns=columns,
        spec=spec,
        fmap=maps.render(fmap),
        versions=_store().versions(dataset_id),
        links=_links(dataset_id, version.version if pinned else None, kind),
        kind=kind,
        categories=pt.category_colors(version.report.get("categories", []))
        if kind == "points"
        else {},
        map_urls={
            c: url_for("pages.choropleth", dataset=dataset_id, column=c, lang=lang, **v)
            for c in columns
        },
        embed_snippet=embed
        or views.embed_snippet(
            "embed.choropleth",
            spec.title,
            dataset=dataset_id,
            column=column,
            lang=lang,
            **v,
            **time,
        ),
        change_modes=CHANGE_MODES,
        schemes=SCHEMES,
        k_range=K_RANGE,
        palettes=PALETTES,
        diverging_palettes=DIVERGING_PALETTES,
        **views.template_globals(lang),
    )


@bp.get("/<dataset_id>/manage")
def manage(dataset_id: str):
    """The private manage page: new version, metadata, new token, delete.

    The page itself holds nothing secret (anyone may load it); the edit token is in the
    link's fragment, read by ``static/dataset_manage.js`` and sent as
    ``Authorization: Bearer`` to the JSON API. No Referer leaves this page.
    """
    lang = _lang()
    record = _store().dataset(dataset_id)
    version = _store().version(dataset_id)
    body = render_template(
        "dataset_manage.html",
        csrf=_csrf_token(),
        record=record,
        version=version,
        info=ds.dataset_dict(version),
        kind=_kind_of(version),
        licences=ds.LICENCES,
        links=_links(dataset_id, kind=_kind_of(version)),
        **views.template_globals(lang),
    )
    headers = {
        "Referrer-Policy": "no-referrer",
        "Cache-Control": "no-store",
        "X-Robots-Tag": "noindex",
    }
    return body, 200, headers


@bp.get("/<dataset_id>")
def dataset_page(dataset_id: str):
    """The latest version; its URL never changes."""
    return _dataset_page(dataset_id, _store().version(dataset_id), pinned=False)


@bp.get("/<dataset_id>/v/<int:version>")
def version_page(dataset_id: str, version: int):
    """One version, the same forever (until the dataset is deleted: then 410)."""
    return _dataset_page(dataset_id, _store().version(dataset_id, version), pinned=True)


@bp.get("/<dataset_id>/v/<int:version>/original")
def original(dataset_id: str, version: int):
    """The file exactly as it was uploaded (same bytes, same SHA-256 as the page shows)."""
    record = _store().version(dataset_id, version)
    name = f"jjj_dataset_{dataset_id}_v{version}_{_ascii_name(record.filename)}"
    return send_cached(
        ("dataset-original", _database_url(), dataset_id, version),
        lambda: _store().original(dataset_id, version),
        "application/octet-stream",
        name,
    )


def _ascii_name(filename: str) -> str:
    """A file name safe in a Content-Disposition header (the extension is what matters)."""
    stem, dot, ext = filename.rpartition(".")
    ext = "".join(c for c in ext if c.isascii() and c.isalnum())[:8] or "txt"
    return f"upload.{ext}" if dot else "upload.txt"
