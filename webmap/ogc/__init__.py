"""OGC API – Features (Part 1) under ``/ogc``: routing and format negotiation only.

The documents come from :mod:`geo.formats.ogc`; this blueprint picks JSON or HTML (``f=json|html``,
else the ``Accept`` header), renders HTML with the ``ogc/`` templates, and serves every
answer through the response cache (``webmap.caching``), keyed by the normalised query, the
format, the host (links are absolute) and the data version.
"""

from __future__ import annotations

from flask import Blueprint, current_app, has_request_context, render_template, request, url_for

from geo.errors import BadParameter, UnknownItem
from geo.formats import ogc, ogc_collections, ogc_openapi

from .. import security
from ..caching import MAX_AGE, Rendered, lookup, request_key, respond

bp = Blueprint("ogc", __name__, url_prefix="/ogc")

_OFFERED = ("application/json", "application/geo+json", ogc.OPENAPI, "text/html")


def _version_url(dataset_id: str, version: int) -> str:
    return url_for("datasets.version_page", dataset_id=dataset_id, version=version, _external=True)


def dataset_collections() -> list[ogc.Collection]:
    """Published datasets as collections.

    Registered with :func:`geo.formats.ogc_collections.register_collections`.
    """
    if not has_request_context():
        return []
    return ogc.dataset_collections(current_app.config["DATABASE_URL"], _version_url)


def dataset_collection(collection_id: str) -> ogc.Collection | None:
    """One published dataset's collection (``dataset-<id>``) without listing the others;
    a deleted dataset raises ``DatasetGone`` (410)."""
    prefix = ogc_collections.DATASET_PREFIX
    if not has_request_context() or not collection_id.startswith(prefix):
        return None
    try:
        found = ogc.dataset_collection(
            current_app.config["DATABASE_URL"], collection_id[len(prefix) :], _version_url
        )
    except UnknownItem:
        return None  # not a dataset id: the 404 lists the collections
    if found is None:  # a links table: not a collection
        raise UnknownItem("collection", collection_id, ["dataset-<id> of a dataset by unit"])
    return found


def datasets_state() -> str:
    """A version source for the response cache: under ``/ogc``, the live datasets and their
    latest versions (a publish, replace or delete changes every OGC key); elsewhere ``""``."""
    if not has_request_context() or not request.path.startswith("/ogc"):
        return ""
    from geo.store import store_for

    records = store_for(current_app.config["DATABASE_URL"]).datasets()
    return ",".join(f"{r.id}:{r.latest_version}" for r in sorted(records, key=lambda r: r.id))


def response_format() -> str:
    """``json`` or ``html``: the ``f`` parameter if given, else the best ``Accept`` match."""
    requested = request.args.get("f")
    if requested:
        if requested not in ogc.FORMATS:
            raise BadParameter("f", requested, ogc.FORMATS)
        return requested
    best = request.accept_mimetypes.best_match(_OFFERED, default="application/json")
    return "html" if best == "text/html" else "json"


def base_url() -> str:
    """The absolute URL of the landing page, without a trailing slash."""
    return url_for("ogc.landing", _external=True).rstrip("/")


def _serve(fmt: str, json_type: str, build, template: str, collection_id: str | None = None):
    """Build the document (dict) once per key; JSON, or HTML rendered from it."""

    def produce() -> Rendered:
        document = build()
        if fmt == "html":
            context = {"collection": ogc.get_collection(collection_id)} if collection_id else {}
            html = render_template(template, doc=document, base=base_url(), **context)
            policy = security.page_policy(html, framable=False)
            return Rendered(html.encode("utf-8"), "text/html", {"Content-Security-Policy": policy})
        from flask import current_app

        return Rendered(current_app.json.dumps(document).encode("utf-8"), json_type)

    entry, hit = lookup(("ogc", fmt, *request_key()), produce)
    response = respond(entry, hit, MAX_AGE["ogc"])
    response.vary.add("Accept")
    return response


@bp.get("")
@bp.get("/")
def landing():
    fmt = response_format()
    return _serve(fmt, ogc.JSON, lambda: ogc.landing_document(base_url(), fmt), "ogc/landing.html")


@bp.get("/conformance")
def conformance():
    fmt = response_format()
    return _serve(
        fmt,
        ogc.JSON,
        lambda: ogc.conformance_document(base_url(), fmt),
        "ogc/conformance.html",
    )


@bp.get("/api")
def api():
    fmt = response_format()
    return _serve(
        fmt, ogc.OPENAPI, lambda: ogc_openapi.openapi_document(base_url()), "ogc/api.html"
    )


@bp.get("/collections")
def collections():
    fmt = response_format()
    return _serve(
        fmt,
        ogc.JSON,
        lambda: ogc.collections_document(base_url(), fmt),
        "ogc/collections.html",
    )


@bp.get("/collections/<collection_id>")
def collection(collection_id: str):
    fmt = response_format()
    return _serve(
        fmt,
        ogc.JSON,
        lambda: ogc.collection_entry(ogc.get_collection(collection_id), base_url(), fmt),
        "ogc/collection.html",
    )


# The builders validate (400/404) on a cache miss only: a cached key was valid once and
# nothing it depends on has changed since (the data version is part of the key).


@bp.get("/collections/<collection_id>/items")
def items(collection_id: str):
    fmt = response_format()

    def build():
        found = ogc.get_collection(collection_id)
        query = ogc.parse_items_query(found, request.args)
        return ogc.items_document(found, query, base_url(), fmt)

    return _serve(fmt, ogc.GEOJSON, build, "ogc/items.html", collection_id=collection_id)


@bp.get("/collections/<collection_id>/items/<feature_id>")
def item(collection_id: str, feature_id: str):
    fmt = response_format()
    return _serve(
        fmt,
        ogc.GEOJSON,
        lambda: ogc.item_document(ogc.get_collection(collection_id), feature_id, base_url(), fmt),
        "ogc/item.html",
        collection_id=collection_id,
    )
