"""The page language a browser asks for: ``Accept-Language`` when the URL names none.

A page URL without ``lang=`` is answered in English, unless the browser prefers Chinese
(``Accept-Language: zh-CN,…``): then a 302 sends it to the same URL with ``lang=zh``.
From there every link the page holds carries ``lang``, so the choice sticks in the URL
(and the language link switches it for good). No cookie: a page stays a function of its
URL, so the response cache and the fast path (which key on the URL) stay correct.

Both answers to a URL without ``lang`` say ``Vary: Accept-Language``; the fast path keys
such requests by the negotiated language too (:func:`negotiated`), so an English page it
kept is never replayed to a browser that asked for Chinese.
"""

from __future__ import annotations

from urllib.parse import urlencode

from flask import Flask, Response, redirect, request
from werkzeug.datastructures import LanguageAccept
from werkzeug.http import parse_accept_header

from geo.i18n import DEFAULT_LANG, LANGS

#: HTML pages whose language follows Accept-Language when the URL has no ``lang``.
PAGE_ENDPOINTS = frozenset(
    {
        "pages.gallery",
        "pages.choropleth",
        "pages.corridor",
        "embed.choropleth",
        "embed.corridor",
        "links.page",
        "links.embed",
        "analysis.inequality_page",
        "analysis.clusters_page",
        "analysis.clusters_embed",
        "point_datasets.embed",
        "datasets.index",
        "datasets.new",
        "datasets.dataset_page",
        "datasets.version_page",
    }
)
#: The same pages by path, for the fast path (which answers before routing).
PAGE_PREFIXES = ("/maps/", "/embed/", "/analysis/", "/datasets")


def negotiated(accept_language: str | None) -> str:
    """The language of ``Accept-Language`` among :data:`geo.i18n.LANGS` (zh-CN → zh),
    else the default (en)."""
    if not accept_language:
        return DEFAULT_LANG
    best = parse_accept_header(accept_language, LanguageAccept).best_match(LANGS)
    return best or DEFAULT_LANG


def is_negotiated_path(path: str, query_string: str) -> bool:
    """Whether a request to ``path`` with this query may be answered by negotiation (the
    fast path's cheap test: a page path, no ``lang`` parameter)."""
    if path != "/" and not path.startswith(PAGE_PREFIXES):
        return False
    return not any(p.split("=", 1)[0] == "lang" for p in query_string.split("&") if p)


def _negotiable() -> bool:
    return (
        request.method in ("GET", "HEAD")
        and request.endpoint in PAGE_ENDPOINTS
        and "lang" not in request.args
    )


def _to_chosen_language():
    """before_request: a page URL without ``lang`` from a browser preferring Chinese → 302
    to the same URL with ``lang=zh``."""
    if not _negotiable():
        return None
    lang = negotiated(request.headers.get("Accept-Language"))
    if lang == DEFAULT_LANG:
        return None
    query = urlencode([*request.args.items(multi=True), ("lang", lang)])
    response = redirect(f"{request.path}?{query}", code=302)
    response.headers["Vary"] = "Accept-Language"
    response.headers["Cache-Control"] = "public, max-age=300"
    return response


def _say_it_varies(response: Response) -> Response:
    """after_request: the default-language answer to a URL without ``lang`` varies too."""
    if _negotiable():
        response.vary.add("Accept-Language")
    return response


def register(app: Flask) -> None:
    app.before_request(_to_chosen_language)
    app.after_request(_say_it_varies)
