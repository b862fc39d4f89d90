"""oEmbed (https://oembed.com/) for this service's maps: ``GET /oembed?url=...``.

A map URL (page or embed) is resolved by the first resolver whose path pattern matches;
another page type (e.g. ``/datasets/<id>``) becomes embeddable by registering one more
resolver with :func:`resolver`. Answers ``type: rich`` with the responsive iframe snippet,
the map's title and its PNG export as thumbnail; 404 for URLs that are not this service's
maps, 501 for any format but JSON. Map pages, embeds and dataset pages carry the discovery
``<link rel="alternate" type="application/json+oembed">`` (``views.template_globals``).
"""

from __future__ import annotations

import re
import struct
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from flask import Blueprint, current_app, jsonify, request, url_for

from geo import render
from geo.errors import BadParameter, UnknownItem
from geo.i18n import text
from geo.maps.mapspec import choropleth_spec, corridor_spec

from . import views
from .errors import error_response
from .export import export_body

bp = Blueprint("oembed", __name__)

DEFAULT_WIDTH = 720
DEFAULT_HEIGHT = 540
THUMBNAIL_WIDTH = 600


@dataclass
class Embeddable:
    """What oEmbed needs to know about one map."""

    title: str
    embed_url: str  # absolute
    thumbnail: Callable[[int], bytes] | None  # PNG of a given pixel width
    thumbnail_url: Callable[[int], str] | None


#: (compiled path pattern, resolver(match, params) -> Embeddable), tried in order.
RESOLVERS: list[tuple[re.Pattern, Callable[[re.Match, Mapping[str, str]], Embeddable]]] = []


def resolver(pattern: str):
    """Register a resolver for map URLs whose path matches ``pattern`` (anchored)."""

    def register(fn):
        RESOLVERS.append((re.compile(pattern + r"\Z"), fn))
        return fn

    return register


@resolver(r"/(?:maps|embed)/choropleth")
def _choropleth(match: re.Match, params: Mapping[str, str]) -> Embeddable:
    spec = choropleth_spec(params, current_app.config)
    query = spec.query()

    def options(width: int):
        return render.export_options({"width": str(width), "dpi": "100"}, "png")

    return Embeddable(
        title=spec.legend_title,  # the title with the year (or the change view)
        embed_url=url_for("embed.choropleth", _external=True, **query),
        thumbnail=lambda w: export_body("choropleth", spec, options(w)).body,
        thumbnail_url=lambda w: url_for(
            "export.choropleth", fmt="png", _external=True, **query, **options(w).query()
        ),
    )


@resolver(r"/(?:maps|embed)/corridor/(?P<zone_id>[A-Za-z0-9_-]+)")
def _corridor(match: re.Match, params: Mapping[str, str]) -> Embeddable:
    spec = corridor_spec(match["zone_id"], params, current_app.config)
    query = spec.query()

    def options(width: int):
        return render.export_options({"width": str(width), "dpi": "100"}, "png")

    return Embeddable(
        title=spec.zone.name(spec.lang),
        embed_url=url_for("embed.corridor", zone_id=spec.zone.id, _external=True, **query),
        thumbnail=lambda w: export_body("corridor", spec, options(w)).body,
        thumbnail_url=lambda w: url_for(
            "export.corridor",
            zone_id=spec.zone.id,
            fmt="png",
            _external=True,
            **query,
            **options(w).query(),
        ),
    )


@resolver(r"/datasets/(?P<dataset_id>[A-Za-z0-9_-]+)(?:/v/(?P<version>[0-9]+))?")
def _dataset(match: re.Match, params: Mapping[str, str]) -> Embeddable:
    """A dataset page: its map (the column asked for, else the first; the version shown)."""
    from geo.store import store_for

    store = store_for(current_app.config["DATABASE_URL"])
    version = int(match["version"]) if match["version"] else None
    record = store.version(match["dataset_id"], version)
    if record.metadata.get("kind") == "links":  # a links table: its links map
        links_params = {
            "dataset": match["dataset_id"],
            **({"v": str(version)} if version else {}),
            **{k: v for k, v in params.items() if k in ("lang", "level", "basemap")},
        }
        return _links(match, links_params)
    map_params = {
        "dataset": match["dataset_id"],
        "column": params.get("column") or next(iter(record.values)),
        **({"v": str(version)} if version else {}),
        **{k: v for k, v in params.items() if k in ("lang", "scheme", "k", "palette", "basemap")},
    }
    return _choropleth(match, map_params)


@resolver(r"/(?:maps|embed)/links")
def _links(match: re.Match, params: Mapping[str, str]) -> Embeddable:
    """The cooperation-links map (its static export is /export/links.png)."""
    from geo.maps import linkmap
    from geo.render.links import render_links
    from geo.sources.link_tables import link_source_for

    from .caching import cached_body

    source = link_source_for(params, current_app.config["DATABASE_URL"])
    spec = linkmap.links_spec(params, current_app.config, source)
    query = spec.query()
    data = {**query, **spec.link_filter.data_query()}  # the resolved dataset version

    def thumbnail(width: int) -> bytes:
        options = render.export_options({"width": str(width), "dpi": "100"}, "png")
        key = ("oembed-thumbnail", "links", width, *sorted(data.items()))
        return cached_body(key, lambda: render_links(spec, options)).body

    return Embeddable(
        title=spec.title,
        embed_url=url_for("links.embed", _external=True, **query),
        thumbnail=thumbnail,
        thumbnail_url=lambda w: url_for(
            "links.export", fmt="png", _external=True, **query, width=w, dpi=100
        ),
    )


def describes(path: str) -> bool:
    """Whether oEmbed can describe pages at ``path`` (for the discovery link)."""
    return any(pattern.match(path) for pattern, _ in RESOLVERS)


@bp.app_context_processor
def _discovery() -> dict:
    """``oembed_url`` for every page: the oEmbed URL of this page, if it is a map oEmbed can
    describe (base.html then carries the discovery ``<link>``), else None."""
    if not request.endpoint or not describes(request.path):
        return {"oembed_url": None}
    return {"oembed_url": url_for("oembed.oembed", url=request.url, format="json", _external=True)}


def _positive(name: str) -> int | None:
    raw = request.args.get(name)
    if raw in (None, ""):
        return None
    if not (raw.isascii() and raw.isdigit()) or int(raw) < 1:
        raise BadParameter(name, raw, "a positive integer (pixels)")
    return int(raw)


def png_size(png: bytes) -> tuple[int, int]:
    """(width, height) from a PNG's IHDR chunk."""
    return struct.unpack(">II", png[16:24])


def resolve(url: str) -> Embeddable | None:
    """The embeddable map behind ``url`` if it is one of this service's maps, else None."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or parts.netloc != request.host:
        return None
    params = dict(parse_qsl(parts.query))
    for pattern, fn in RESOLVERS:
        match = pattern.match(parts.path)
        if match:
            try:
                target = fn(match, params)
            except (BadParameter, UnknownItem):
                return None  # not a map this service draws
            # DatasetGone propagates: a deleted dataset's map is 410, as its page is.
            return _with_chrome(target, params.get("chrome"))
    return None


def _with_chrome(target: Embeddable, chrome: str | None) -> Embeddable:
    """Carry ``chrome=0`` (the bare map) from the given URL into the embed URL."""
    if chrome != "0":
        return target
    parts = urlsplit(target.embed_url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != "chrome"]
    query.append(("chrome", "0"))
    target.embed_url = urlunsplit(parts._replace(query=urlencode(query)))
    return target


@bp.get("/oembed")
def oembed():
    fmt = request.args.get("format") or "json"
    if fmt != "json":
        return error_response(501, f"format {fmt!r} is not implemented; use format=json")
    url = request.args.get("url") or ""
    if not url:
        raise BadParameter("url", url, "the URL of a map page or embed of this service")
    maxwidth = _positive("maxwidth")
    maxheight = _positive("maxheight")
    target = resolve(url)
    if target is None:
        return error_response(404, f"not a map of this service: {url}", "url")
    width = min(DEFAULT_WIDTH, maxwidth or DEFAULT_WIDTH)
    height = min(DEFAULT_HEIGHT, maxheight or DEFAULT_HEIGHT)
    body = {
        "type": "rich",
        "version": "1.0",
        "title": target.title,
        "provider_name": text("atlas", "en"),
        "provider_url": url_for("pages.gallery", _external=True),
        "html": views.responsive_snippet(target.embed_url, target.title, width, height),
        "width": width,
        "height": height,
        "cache_age": 86400,
    }
    if target.thumbnail is not None:
        thumb_width = max(render.WIDTH_RANGE[0], min(THUMBNAIL_WIDTH, maxwidth or THUMBNAIL_WIDTH))
        thumb_w, thumb_h = png_size(target.thumbnail(thumb_width))
        body.update(
            thumbnail_url=target.thumbnail_url(thumb_width),
            thumbnail_width=thumb_w,
            thumbnail_height=thumb_h,
        )
    response = jsonify(body)
    response.headers["Cache-Control"] = "public, max-age=3600"
    return response
