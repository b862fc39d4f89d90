"""The lists of published datasets, ``/datasets`` and ``/api/datasets``: one page at a time.

Parameters (both routes): ``q`` (search titles, descriptions and sources, zh or en),
``level``, ``kind`` (values|links|points), ``licence``, ``sort`` (updated|title),
``limit`` (1–200, default 50), ``offset``; the page also takes ``lang``. Any other or a
repeated parameter is a 400 naming it. The search and paging are :mod:`geo.store.catalogue`
(indexed queries; nothing reads every dataset).
"""

from __future__ import annotations

from flask import current_app, jsonify, render_template, request, url_for

from geo.i18n import check_lang
from geo.levels import LEVELS
from geo.sources import datasets as ds
from geo.store import catalogue, store_for

from . import views
from .dataset_urls import dataset_links as _links

#: The lists' query parameters (declared for both routes in webmap/query_params.py, which
#: answers an unknown or repeated one with a 400 before the view).
PARAMETERS = ("q", "level", "kind", "licence", "sort", "limit", "offset", "lang")


def current_page(lang: str) -> catalogue.Page:
    query = catalogue.parse_query(request.args, lang, LEVELS, ds.LICENCES)
    return catalogue.search(store_for(current_app.config["DATABASE_URL"]), query)


def _page_url(endpoint: str, page: catalogue.Page, offset: int | None, **extra) -> str | None:
    if offset is None:
        return None
    params = {**page.query.params(), **extra}
    if offset:
        params["offset"] = offset
    return url_for(endpoint, **params, _external=True)


def entry_dict(entry: catalogue.Entry) -> dict:
    record, summary = entry.record, entry.summary
    found = {
        "id": record.id,
        "kind": entry.kind,
        "title_zh": record.title_zh,
        "title_en": record.title_en,
        "latest_version": record.latest_version,
        "created_at": record.created_at,
        "updated_at": record.updated_at,
        "level": entry.level,
        "columns": summary.get("columns", []),
        "description": summary.get("description", ""),
        "source": summary.get("source", ""),
        "licence": summary.get("licence", ""),
        "links": _links(record.id, kind=entry.kind),
    }
    for name in ("point_count", "link_count"):
        if name in summary:
            found[name] = summary[name]
    return found


def api_list():
    """``GET /api/datasets``: one page, the total and links to the next and previous pages."""
    page = current_page(check_lang(request.args.get("lang") or "en"))  # sort=title by it
    body = {
        "datasets": [entry_dict(e) for e in page.entries],
        "total": page.total,
        "limit": page.query.limit,
        "offset": page.query.offset,
        "query": page.query.params(),
        "next": _page_url("datasets_api.catalog", page, page.next_offset),
        "prev": _page_url("datasets_api.catalog", page, page.prev_offset),
    }
    return jsonify(body)


def html_list(lang: str):
    """``GET /datasets``: the search box, the filters, one page of the table."""
    page = current_page(lang)
    return render_template(
        "datasets.html",
        page=page,
        query=page.query,
        levels=LEVELS,
        kinds=catalogue.KINDS,
        licences=ds.LICENCES,
        next_url=_page_url("datasets.index", page, page.next_offset, lang=lang),
        prev_url=_page_url("datasets.index", page, page.prev_offset, lang=lang),
        json_url=_page_url("datasets_api.catalog", page, page.query.offset),
        **views.template_globals(lang),
    )
