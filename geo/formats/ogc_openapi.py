"""The OpenAPI 3.0 definition of the OGC API – Features service (``/ogc/api``).

Bounded (issue 21): the document names the bundled collections' paths (a fixed set, with
their queryable properties) and one generic ``/collections/{collectionId}`` set that
covers every published dataset, so its size and cost do not depend on what users
published. Every status the service answers is documented (400 on every path; 404 and
410 where an id is in the path), and every parameter's schema says what is accepted.
"""

from __future__ import annotations

from geo import crs_ref
from geo.formats.ogc import (
    BBOX_RULE,
    DATETIME_PATTERN,
    DEFAULT_LIMIT,
    DESCRIPTION,
    FORMATS,
    GEOJSON,
    HTML,
    JSON,
    LANGS,
    LICENSE,
    MAX_LIMIT,
    OPENAPI,
    TITLE,
    bundled_collections,
    features,
    queryables,
)
from geo.formats.ogc_filter import queryable_names
from geo.version import bundled_version


def _schemas() -> dict:
    """The GeoJSON response schemas, inline (self-contained: no remote references to fetch),
    after the OGC API Features Part 1 featureGeoJSON / featureCollectionGeoJSON schemas."""
    link = {
        "type": "object",
        "required": ["href"],
        "properties": {k: {"type": "string"} for k in ("href", "rel", "type", "title")},
    }
    feature = {
        "type": "object",
        "required": ["type", "geometry", "properties"],
        "properties": {
            "type": {"type": "string", "enum": ["Feature"]},
            "id": {"oneOf": [{"type": "string"}, {"type": "integer"}]},
            "geometry": {"type": "object", "nullable": True},
            "properties": {"type": "object", "nullable": True},
            "links": {"type": "array", "items": {"$ref": "#/components/schemas/link"}},
        },
    }
    collection = {
        "type": "object",
        "required": ["type", "features"],
        "properties": {
            "type": {"type": "string", "enum": ["FeatureCollection"]},
            "features": {
                "type": "array",
                "items": {"$ref": "#/components/schemas/featureGeoJSON"},
            },
            "links": {"type": "array", "items": {"$ref": "#/components/schemas/link"}},
            "numberMatched": {"type": "integer", "minimum": 0},
            "numberReturned": {"type": "integer", "minimum": 0},
        },
    }
    return {"link": link, "featureGeoJSON": feature, "featureCollectionGeoJSON": collection}


#: A free-text parameter: any text but NUL, which every path refuses with a 400 naming the
#: parameter (webmap.errors.refuse_nul), so the document says so.
TEXT_PARAMETER = {"type": "string", "pattern": "^[^\\u0000]*$"}


#: The Part 3 and answer-shaping parameters of /items (geo.formats.ogc_filter) shared by
#: every collection (``properties`` and ``sortby`` name each collection's own properties).
PART3 = ("filter", "filter-lang", "filter-crs", "skipGeometry")
#: What every published dataset's features have (its value columns come on top).
DATASET_PROPERTIES = ["adcode", "name_zh", "name_en", "level", "parent_adcode", "special"]


def _parameter(name: str, where: str, schema: dict, description: str, **extra) -> dict:
    return {
        "name": name,
        "in": where,
        "description": description,
        "required": where == "path",
        "schema": schema,
        **extra,
    }


def _errors(*statuses: str) -> dict:
    """Error responses: JSON (or HTML when HTML was asked for) naming the parameter."""
    text = {
        "400": "a bad or unknown query parameter (the body names it and what is valid)",
        "404": "no such collection or feature",
        "410": "the published dataset was deleted",
        # webmap.url_limit refuses any URL over its limit, on every path.
        "414": "the URL (path and query) is longer than the service accepts",
    }
    content = {
        JSON: {"schema": {"$ref": "#/components/schemas/error"}},
        HTML: {"schema": {"type": "string"}},
    }
    return {status: {"description": text[status], "content": content} for status in statuses}


def _operation(summary: str, operation_id: str, tag: str, parameters: list, ok: dict, *errors):
    return {
        "get": {
            "summary": summary,
            "operationId": operation_id,
            "tags": [tag],
            "parameters": parameters,
            "responses": {"200": ok, **_errors("400", *errors, "414")},
        }
    }


def _shaping(names: list[str], more: str = "") -> list[dict]:
    """``properties`` and ``sortby`` of one collection, naming its properties."""
    return [
        _parameter(
            "properties",
            "query",
            {"type": "array", "items": {"type": "string", "enum": names}},
            "only these properties in each feature (comma-separated)" + more,
            style="form",
            explode=False,
        ),
        _parameter(
            "sortby",
            "query",
            {
                "type": "array",
                "items": {"type": "string", "enum": [f"{s}{n}" for n in names for s in "+-"]},
            },
            "sort by these properties: +name ascending, -name descending" + more,
            style="form",
            explode=False,
        ),
    ]


def _collection_paths(
    prefix: str, suffix: str, tag: str, title: str, extra: list, ids, names: list[str]
) -> dict:
    """The four paths of one collection (``prefix`` is its path, ``suffix`` op-id part,
    ``names`` the properties ``properties=``/``sortby=`` may name)."""
    more = "" if ids == [] else "; a dataset's own columns too (see its queryables)"
    common = [{"$ref": "#/components/parameters/f"}, {"$ref": "#/components/parameters/lang"}]
    json_or_html = {JSON: {"schema": {"type": "object"}}, HTML: {"schema": {"type": "string"}}}
    collection_ref = {"$ref": "#/components/schemas/featureCollectionGeoJSON"}
    feature_ref = {"$ref": "#/components/schemas/featureGeoJSON"}
    return {
        prefix: _operation(
            f"{title}: metadata",
            f"describe{suffix}",
            tag,
            [*ids, *common],
            {"description": "the collection", "content": json_or_html},
            "404",
            "410",
        ),
        f"{prefix}/items": _operation(
            f"{title}: features",
            f"getFeatures{suffix}",
            tag,
            [
                *ids,
                {"$ref": "#/components/parameters/limit"},
                {"$ref": "#/components/parameters/offset"},
                {"$ref": "#/components/parameters/bbox"},
                {"$ref": "#/components/parameters/bbox-crs"},
                {"$ref": "#/components/parameters/crs"},
                *({"$ref": f"#/components/parameters/{name}"} for name in PART3),
                *_shaping(names, more),
                *extra,
                *common,
            ],
            {
                "description": "a page of features",
                "content": {
                    GEOJSON: {"schema": collection_ref},
                    HTML: {"schema": {"type": "string"}},
                },
            },
            "404",
            "410",
        ),
        f"{prefix}/queryables": _operation(
            f"{title}: queryables",
            f"getQueryables{suffix}",
            tag,
            [*ids, *common],
            {
                "description": "the properties filter= may name (JSON Schema, Part 3)",
                "content": {
                    "application/schema+json": {"schema": {"type": "object"}},
                    JSON: {"schema": {"type": "object"}},
                    HTML: {"schema": {"type": "string"}},
                },
            },
            "404",
            "410",
        ),
        f"{prefix}/items/{{featureId}}": _operation(
            f"{title}: one feature",
            f"getFeature{suffix}",
            tag,
            [
                *ids,
                {"$ref": "#/components/parameters/featureId"},
                {"$ref": "#/components/parameters/crs"},
                *common,
            ],
            {
                "description": "the feature",
                "content": {GEOJSON: {"schema": feature_ref}, HTML: {"schema": {"type": "string"}}},
            },
            "404",
            "410",
        ),
    }


def openapi_document(base: str) -> dict:
    """The OpenAPI 3.0 definition of this service (see the module docstring for bounds)."""
    common = [{"$ref": "#/components/parameters/f"}, {"$ref": "#/components/parameters/lang"}]
    json_or_html = {JSON: {"schema": {"type": "object"}}, HTML: {"schema": {"type": "string"}}}
    paths: dict = {
        "/": _operation(
            "Landing page",
            "getLandingPage",
            "Capabilities",
            common,
            {"description": "links", "content": json_or_html},
        ),
        "/conformance": _operation(
            "Conformance classes",
            "getConformance",
            "Capabilities",
            common,
            {"description": "conformance classes", "content": json_or_html},
        ),
        "/api": _operation(
            "This document",
            "getAPI",
            "Capabilities",
            common,
            {
                "description": "the API definition",
                "content": {
                    OPENAPI: {"schema": {"type": "object"}},
                    HTML: {"schema": {"type": "string"}},
                },
            },
        ),
        "/collections": _operation(
            "Feature collections",
            "getCollections",
            "Capabilities",
            [
                *common,
                _parameter(
                    "limit",
                    "query",
                    {"type": "integer", "minimum": 1, "maximum": 1000, "default": 100},
                    "collections per page (built-in ones first; the 'next' link pages on)",
                ),
                _parameter(
                    "offset",
                    "query",
                    {"type": "integer", "minimum": 0, "maximum": 100000000, "default": 0},
                    "collections to skip",
                ),
            ],
            {"description": "collections", "content": json_or_html},
        ),
    }
    bundled = bundled_collections()
    for collection in bundled:
        cid = collection.id
        filters = [
            _parameter(
                name,
                "query",
                TEXT_PARAMETER,
                f"only features whose {name} equals this value"
                + (" (name_zh, or name_en ignoring case)" if name == "name" else ""),
                style="form",
                explode=False,
            )
            for name in queryables(collection)
        ]
        temporal = [{"$ref": "#/components/parameters/datetime"}] if collection.year_column else []
        paths.update(
            _collection_paths(
                f"/collections/{cid}",
                f"_{cid}",
                cid,
                collection.title,
                [*temporal, *filters],
                [],
                queryable_names(features(collection)),
            )
        )
    paths.update(
        _collection_paths(
            "/collections/{collectionId}",
            "",
            "Published datasets",
            "A published dataset (dataset-<id>)",
            [],
            [{"$ref": "#/components/parameters/collectionId"}],
            DATASET_PROPERTIES,
        )
    )
    offered = list(crs_ref.SUPPORTED)
    return {
        "openapi": "3.0.2",
        "info": {
            "title": TITLE,
            "description": DESCRIPTION,
            "version": bundled_version(),
            "license": {"name": LICENSE},
        },
        "servers": [{"url": base, "description": "this service"}],
        "tags": [
            {"name": "Capabilities"},
            *({"name": c.id} for c in bundled),
            {"name": "Published datasets"},
        ],
        "paths": paths,
        "components": {
            "schemas": {
                **_schemas(),
                "error": {
                    "type": "object",
                    "required": ["code", "description"],
                    "properties": {
                        "code": {"type": "string"},
                        "description": {"type": "string"},
                        "parameter": {"type": "string"},
                        "valid": {},
                    },
                },
            },
            "parameters": {
                "f": _parameter(
                    "f",
                    "query",
                    {"type": "string", "enum": list(FORMATS)},
                    "response format (default: from the Accept header, else JSON)",
                ),
                "lang": _parameter(
                    "lang",
                    "query",
                    {"type": "string", "enum": list(LANGS)},
                    "language of titles and descriptions (default: Accept-Language, else en)",
                ),
                "limit": _parameter(
                    "limit",
                    "query",
                    {"type": "integer", "minimum": 1, "default": DEFAULT_LIMIT},
                    f"features per page; at most {MAX_LIMIT} are returned (a larger value "
                    f"means {MAX_LIMIT}, OGC API Features Part 1 /req/core/fc-limit-response-1)",
                    style="form",
                    explode=False,
                ),
                "offset": _parameter(
                    "offset",
                    "query",
                    {"type": "integer", "minimum": 0, "default": 0},
                    "number of matching features to skip",
                ),
                "bbox": _parameter(
                    "bbox",
                    "query",
                    {
                        "oneOf": [
                            {
                                "type": "array",
                                "minItems": 4,
                                "maxItems": 4,
                                "items": {"type": "number"},
                            },
                            {
                                "type": "array",
                                "minItems": 6,
                                "maxItems": 6,
                                "items": {"type": "number"},
                            },
                        ]
                    },
                    BBOX_RULE,
                    style="form",
                    explode=False,
                ),
                "bbox-crs": _parameter(
                    "bbox-crs",
                    "query",
                    {"type": "string", "format": "uri", "enum": offered},
                    "CRS of bbox (OGC API Features Part 2; default CRS84)",
                ),
                "crs": _parameter(
                    "crs",
                    "query",
                    {"type": "string", "format": "uri", "enum": offered},
                    "CRS of the coordinates returned, in that CRS's axis order (Part 2; "
                    "default CRS84); the answer's Content-Crs header names it",
                ),
                "datetime": _parameter(
                    "datetime",
                    "query",
                    {"type": "string", "pattern": DATETIME_PATTERN},
                    "a date, year or interval (start/end, '..' or empty for one open end): "
                    "features whose year overlaps it; a start after the end matches nothing",
                    style="form",
                    explode=False,
                ),
                "filter": _parameter(
                    "filter",
                    "query",
                    {"type": "string", "format": "cql2-text", "minLength": 1},
                    "OGC API Features Part 3: a CQL2 expression over the collection's "
                    "queryables (comparisons, AND/OR/NOT, BETWEEN, IN, IS NULL, LIKE, "
                    "S_INTERSECTS with BBOX, POINT or POLYGON)",
                ),
                "filter-lang": _parameter(
                    "filter-lang",
                    "query",
                    {"type": "string", "enum": ["cql2-text", "cql-text"], "default": "cql2-text"},
                    "the language of filter: cql2-text (cql-text is its draft name, which "
                    "GDAL sends); cql2-json is accepted too (filter-lang=cql2-json with a JSON "
                    "filter), left out of this enum because a document cannot tie it to "
                    "filter's form",
                ),
                "filter-crs": _parameter(
                    "filter-crs",
                    "query",
                    {"type": "string", "format": "uri", "enum": offered},
                    "CRS of the geometries in filter (default CRS84)",
                ),
                "skipGeometry": _parameter(
                    "skipGeometry",
                    "query",
                    {"type": "boolean", "default": False},
                    "true: features without geometry",
                ),
                "collectionId": _parameter(
                    "collectionId",
                    "path",
                    TEXT_PARAMETER,
                    "a collection's id (published datasets: dataset-<id>)",
                ),
                "featureId": _parameter("featureId", "path", TEXT_PARAMETER, "the feature's id"),
            },
        },
    }
