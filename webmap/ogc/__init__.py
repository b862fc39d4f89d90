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
from geo.i18n import text

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


def dataset_collections_page(offset: int, limit: int) -> tuple[list[ogc.Collection], int]:
    """One page of the published datasets' collections and their number."""
    if not has_request_context():
        return [], 0
    return ogc_collections.dataset_collections_page(
        current_app.config["DATABASE_URL"], offset, limit, _version_url
    )


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
    from geo.store import catalogue, store_for

    # One aggregate over an index (count, newest change), not a listing (issue 29).
    return catalogue.state(store_for(current_app.config["DATABASE_URL"]))


def response_format() -> str:
    """``json`` or ``html``: the ``f`` parameter if given (an empty ``f`` is a 400, as the
    OpenAPI enum says), else the best ``Accept`` match."""
    if "f" in request.args:
        requested = request.args["f"]
        if requested not in ogc.FORMATS:
            raise BadParameter("f", requested, ogc.FORMATS)
        return requested
    best = request.accept_mimetypes.best_match(_OFFERED, default="application/json")
    return "html" if best == "text/html" else "json"


def response_lang() -> str:
    """``lang=zh|en``, else the ``Accept-Language`` choice, else en."""
    preferred = request.accept_languages.best_match(ogc.LANGS)
    return ogc.lang_of(request.args, preferred)


def base_url() -> str:
    """The absolute URL of the landing page, without a trailing slash."""
    return url_for("ogc.landing", _external=True).rstrip("/")


def _serve(
    fmt: str,
    json_type: str,
    build,
    template: str,
    collection_id: str | None = None,
    headers: dict[str, str] | None = None,
    revalidate: bool = False,
):
    """Build the document (dict) once per key; JSON, or HTML rendered from it.

    ``revalidate``: what publishing or deleting a dataset changes is sent with
    ``max-age=0`` (clients revalidate with the ETag, so a change shows at once).
    """
    lang = response_lang()
    extra = dict(headers or {})

    def produce() -> Rendered:
        document = build()
        if fmt == "html":
            context = {"collection": ogc.get_collection(collection_id)} if collection_id else {}
            html = render_template(
                template,
                doc=document,
                base=base_url(),
                lang=lang,
                t=lambda key: text(key, lang),
                q="&lang=zh" if lang == "zh" else "",  # links inside the views keep zh
                **context,
            )
            policy = security.page_policy(html, framable=False)
            return Rendered(
                html.encode("utf-8"), "text/html", {"Content-Security-Policy": policy, **extra}
            )
        return Rendered(current_app.json.dumps(document).encode("utf-8"), json_type, extra)

    entry, hit = lookup(("ogc", fmt, json_type, lang, *request_key()), produce)
    response = respond(entry, hit, 0 if revalidate else MAX_AGE["ogc"])
    response.vary.add("Accept")
    response.vary.add("Accept-Language")
    return response


def _checked(path: str) -> str:
    """The response format, after refusing any query parameter ``path`` does not accept."""
    ogc.check_parameters(request.args, ogc.PATH_PARAMETERS[path])
    return response_format()


@bp.get("")
@bp.get("/")
def landing():
    fmt = _checked("landing")
    return _serve(fmt, ogc.JSON, lambda: ogc.landing_document(base_url(), fmt), "ogc/landing.html")


@bp.get("/conformance")
def conformance():
    fmt = _checked("conformance")
    return _serve(
        fmt,
        ogc.JSON,
        lambda: ogc.conformance_document(base_url(), fmt),
        "ogc/conformance.html",
    )


@bp.get("/api")
def api():
    fmt = _checked("api")
    return _serve(
        fmt, ogc.OPENAPI, lambda: ogc_openapi.openapi_document(base_url()), "ogc/api.html"
    )


@bp.get("/collections")
def collections():
    fmt = _checked("collections")
    lang = response_lang()
    limit, offset = ogc.parse_collections_window(request.args)
    return _serve(
        fmt,
        ogc.JSON,
        lambda: ogc.collections_document(base_url(), fmt, lang, limit, offset),
        "ogc/collections.html",
        revalidate=True,
    )


def _is_dataset(collection_id: str) -> bool:
    return collection_id.startswith(ogc_collections.DATASET_PREFIX)


@bp.get("/collections/<collection_id>")
def collection(collection_id: str):
    fmt = _checked("collection")
    lang = response_lang()
    return _serve(
        fmt,
        ogc.JSON,
        lambda: ogc.collection_entry(ogc.get_collection(collection_id), base_url(), fmt, lang),
        "ogc/collection.html",
        revalidate=_is_dataset(collection_id),
    )


# The builders validate (400/404) on a cache miss only: a cached key was valid once and
# nothing it depends on has changed since (the data version is part of the key).


def _content_crs() -> dict[str, str]:
    """Part 2 ``Content-Crs`` header (validates ``crs`` first: a 400 names it)."""
    return {"Content-Crs": f"<{ogc.parse_crs(request.args).uri}>"}


@bp.get("/collections/<collection_id>/items")
def items(collection_id: str):
    fmt = response_format()
    headers = _content_crs()

    def build():
        found = ogc.get_collection(collection_id)
        query = ogc.parse_items_query(found, request.args)
        return ogc.items_document(found, query, base_url(), fmt)

    return _serve(
        fmt,
        ogc.GEOJSON,
        build,
        "ogc/items.html",
        collection_id=collection_id,
        headers=headers,
        revalidate=_is_dataset(collection_id),
    )


@bp.get("/collections/<collection_id>/items/<feature_id>")
def item(collection_id: str, feature_id: str):
    fmt = _checked("item")
    headers = _content_crs()
    crs = ogc.parse_crs(request.args)
    return _serve(
        fmt,
        ogc.GEOJSON,
        lambda: ogc.item_document(
            ogc.get_collection(collection_id), feature_id, base_url(), fmt, crs
        ),
        "ogc/item.html",
        collection_id=collection_id,
        headers=headers,
        revalidate=_is_dataset(collection_id),
    )


@bp.get("/collections/<collection_id>/queryables")
def queryables(collection_id: str):
    """Part 3: the JSON Schema of the properties ``filter=`` may name."""
    fmt = _checked("queryables")
    lang = response_lang()
    # application/schema+json (Part 3) when the client accepts it; plain JSON otherwise
    # (GDAL's OAPIF driver accepts only application/json and application/geo+json).
    schema = any(media == "application/schema+json" for media, _ in request.accept_mimetypes)
    return _serve(
        fmt,
        "application/schema+json" if schema else ogc.JSON,
        lambda: ogc.queryables_document(ogc.get_collection(collection_id), base_url(), lang),
        "ogc/queryables.html",
        revalidate=_is_dataset(collection_id),
    )
