"""Map code as ``.js`` files, so pages hold no inline script and the CSP is ``'self'`` only.

folium writes each map as a script (create the Leaflet map, add tiles, call
``JJJAtlas.<layer>(map, options)``). Pages used to carry it inline, admitted by its hash;
any script injected through a future escaping bug would have been admitted the same way
(issue 21, finding 10). Now:

- A page drawn for a GET links ``/map-script/<page path>.js?<the page's query>``. That
  route renders the same page for the same path, query and host and answers only its map
  script, through the response cache like the page itself (keyed by the page's data
  version, so a dataset publish changes it too). folium names its JavaScript variables and
  the map ``<div>`` with random ids; :func:`stable_ids` renames them in order of appearance,
  in the page and in the script alike, so any worker's script fits any worker's page.
- A page drawn for a POST (the upload preview of ``/datasets/new``, whose values exist only
  in that request) keeps its script as a draft in the dataset store (shared by all workers
  and servers, gone after a day) and links ``/map-script/draft/<id>.js``. Only drafts
  saved here are served as scripts: their file name holds a line feed, which no upload's
  file name may (:func:`webmap.datasets` refuses control characters in file names).

``webmap/templates/base.html`` calls :func:`script_url` and wraps the page in the
:func:`page_ids` filter.
"""

from __future__ import annotations

import re

from flask import Blueprint, Response, current_app, g, request, url_for
from markupsafe import Markup
from werkzeug.exceptions import NotFound

from .caching import MAX_AGE, Rendered, lookup, request_key, respond

bp = Blueprint("map_scripts", __name__)

#: folium's element ids: ``<name>_<32 hex digits>`` (a uuid4).
_FOLIUM_ID = re.compile(r"(?<=_)[0-9a-f]{32}\b")
#: folium's header script setting two Leaflet globals to their defaults (Leaflet tests
#: ``!window.L_NO_TOUCH`` and ``!window.L_DISABLE_3D``, so leaving them unset is the same).
_FOLIUM_GLOBALS = re.compile(
    r"<script>\s*L_NO_TOUCH = false;\s*L_DISABLE_3D = false;\s*</script>\s*", re.S
)
#: The file name of a draft that holds a map script (a line feed: no upload has one).
DRAFT_NAME = "map-script\n.js"
MIMETYPE = "text/javascript"
#: The name of the site root's page in a script URL (``/map-script/_root.js``).
ROOT = "_root"


def stable_ids(script: str) -> dict[str, str]:
    """folium's random ids in ``script``, in order of appearance → ``m1``, ``m2``, …"""
    mapping: dict[str, str] = {}
    for found in _FOLIUM_ID.findall(script):
        mapping.setdefault(found, f"m{len(mapping) + 1}")
    return mapping


def _renamed(text: str, mapping: dict[str, str]) -> str:
    if not mapping:
        return text
    return _FOLIUM_ID.sub(lambda m: mapping.get(m.group(0), m.group(0)), text)


def page_ids(html: str, fmap) -> Markup:
    """The whole page with folium's ids made stable and its inline header script dropped
    (a Jinja filter over base.html)."""
    if not fmap:
        return Markup(html)
    html = _FOLIUM_GLOBALS.sub("", str(html))
    return Markup(_renamed(html, stable_ids(str(fmap.script))))


def script_url(fmap) -> str:
    """The URL of this page's map script (and, for the route below, the script itself)."""
    script = str(fmap.script)
    g.map_script = _renamed(script, stable_ids(script))
    page = request.path.strip("/") or ROOT
    if request.method == "GET":
        if current_app.config.get("RESPONSE_CACHE") is not False and not g.get("render_uncached"):
            _keep(g.map_script)
        query = request.query_string.decode("latin-1")
        return url_for("map_scripts.page_script", page=page) + (f"?{query}" if query else "")
    from geo.store import store_for

    draft = store_for(current_app.config["DATABASE_URL"]).save_draft(
        g.map_script.encode("utf-8"), DRAFT_NAME
    )
    return url_for("map_scripts.draft_script", draft_id=draft)


def _keep(script: str) -> None:
    """Put the script of the page being rendered in the response cache under the key its
    ``.js`` request will look up (same endpoint, arguments, query, host and data version),
    so that request is a hit without a second render in this worker."""
    page_key = g.get("response_cache_key")
    try:
        lookup(("map-script", *request_key()), lambda: Rendered(script.encode("utf-8"), MIMETYPE))
    finally:  # the page's own entry stays the one the fast path links to
        if page_key is None:
            g.pop("response_cache_key", None)
        else:
            g.response_cache_key = page_key


@bp.get("/map-script/<path:page>.js")
def page_script(page: str):
    """The map script of the page at ``/<page>`` with this query, for this host."""
    with current_app.test_request_context(
        "/" if page == ROOT else "/" + page,
        base_url=request.host_url,
        query_string=request.query_string.decode("latin-1"),
        headers={"Accept-Language": request.headers.get("Accept-Language", "")},
    ):
        if request.routing_exception is not None:
            raise request.routing_exception
        if request.url_rule.endpoint.startswith("map_scripts."):
            raise NotFound("a map script has no map script")
        view = current_app.view_functions[request.url_rule.endpoint]
        view_args = dict(request.view_args or {})

        def produce() -> Rendered:
            g.pop("map_script", None)
            g.render_uncached = True  # past the page's own cache entry: render it
            try:
                view(**view_args)  # renders the page; base.html hands its map script over
            finally:
                g.pop("render_uncached", None)
            script = g.pop("map_script", None)
            if script is None:
                raise NotFound(f"/{page} draws no map")
            return Rendered(script.encode("utf-8"), MIMETYPE)

        # Keyed by the page's own data version (a dataset named by its path or query).
        entry, hit = lookup(("map-script", *request_key()), produce)
    # Not for the fast path: its key would carry this URL's data version, not the page's.
    g.pop("response_cache_key", None)
    return respond(entry, hit, MAX_AGE["page"])


@bp.get("/map-script/draft/<draft_id>.js")
def draft_script(draft_id: str):
    """The map script of a page drawn for a POST (an upload's preview)."""
    from geo.store import store_for

    found = store_for(current_app.config["DATABASE_URL"]).draft(draft_id)
    if found is None or found[1] != DRAFT_NAME:
        raise NotFound("no such map script (previews are kept for a day)")
    return Response(
        found[0], mimetype=MIMETYPE, headers={"Cache-Control": "private, max-age=86400"}
    )
