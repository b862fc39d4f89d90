"""The OpenAPI 3.0 definition of the OGC API – Features service (``/ogc/api``)."""

from __future__ import annotations

from geo.formats.ogc import (
    CRS84,
    DEFAULT_LIMIT,
    DESCRIPTION,
    FORMATS,
    GEOJSON,
    HTML,
    LICENSE,
    MAX_LIMIT,
    TITLE,
    collections,
    queryables,
)
from geo.version import data_version


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


def _parameter(name: str, where: str, schema: dict, description: str, **extra) -> dict:
    return {
        "name": name,
        "in": where,
        "description": description,
        "required": where == "path",
        "schema": schema,
        **extra,
    }


def openapi_document(base: str) -> dict:
    """The OpenAPI 3.0 definition of this service, one set of paths per collection."""
    f_param = {"$ref": "#/components/parameters/f"}
    json_or_html = {
        "application/json": {"schema": {"type": "object"}},
        "text/html": {"schema": {"type": "string"}},
    }
    errors = {
        "400": {"description": "a bad parameter (the body names it and what is valid)"},
        "404": {"description": "no such collection or feature"},
    }
    paths: dict = {
        "/": {
            "get": {
                "summary": "Landing page",
                "operationId": "getLandingPage",
                "tags": ["Capabilities"],
                "parameters": [f_param],
                "responses": {"200": {"description": "links", "content": json_or_html}},
            }
        },
        "/conformance": {
            "get": {
                "summary": "Conformance classes",
                "operationId": "getConformance",
                "tags": ["Capabilities"],
                "parameters": [f_param],
                "responses": {
                    "200": {"description": "conformance classes", "content": json_or_html}
                },
            }
        },
        "/api": {
            "get": {
                "summary": "This document",
                "operationId": "getAPI",
                "tags": ["Capabilities"],
                "parameters": [f_param],
                "responses": {"200": {"description": "the API definition"}},
            }
        },
        "/collections": {
            "get": {
                "summary": "Feature collections",
                "operationId": "getCollections",
                "tags": ["Capabilities"],
                "parameters": [f_param],
                "responses": {"200": {"description": "collections", "content": json_or_html}},
            }
        },
    }
    for collection in collections():
        cid = collection.id
        filters = [
            _parameter(
                name,
                "query",
                {"type": "string"},
                f"only features whose {name} equals this value"
                + (" (name_zh, or name_en ignoring case)" if name == "name" else ""),
                style="form",
                explode=False,
            )
            for name in queryables(collection)
        ]
        temporal = [{"$ref": "#/components/parameters/datetime"}] if collection.year_column else []
        paths[f"/collections/{cid}"] = {
            "get": {
                "summary": f"{collection.title}: metadata",
                "operationId": f"describe_{cid}",
                "tags": [cid],
                "parameters": [f_param],
                "responses": {
                    "200": {"description": "the collection", "content": json_or_html},
                    **errors,
                },
            }
        }
        paths[f"/collections/{cid}/items"] = {
            "get": {
                "summary": f"{collection.title}: features",
                "operationId": f"getFeatures_{cid}",
                "tags": [cid],
                "parameters": [
                    {"$ref": "#/components/parameters/limit"},
                    {"$ref": "#/components/parameters/offset"},
                    {"$ref": "#/components/parameters/bbox"},
                    {"$ref": "#/components/parameters/bbox-crs"},
                    *temporal,
                    *filters,
                    f_param,
                ],
                "responses": {
                    "200": {
                        "description": "a page of features",
                        "content": {
                            GEOJSON: {
                                "schema": {"$ref": "#/components/schemas/featureCollectionGeoJSON"}
                            },
                            HTML: {"schema": {"type": "string"}},
                        },
                    },
                    **errors,
                },
            }
        }
        paths[f"/collections/{cid}/items/{{featureId}}"] = {
            "get": {
                "summary": f"{collection.title}: one feature",
                "operationId": f"getFeature_{cid}",
                "tags": [cid],
                "parameters": [{"$ref": "#/components/parameters/featureId"}, f_param],
                "responses": {
                    "200": {
                        "description": "the feature",
                        "content": {
                            GEOJSON: {"schema": {"$ref": "#/components/schemas/featureGeoJSON"}},
                            HTML: {"schema": {"type": "string"}},
                        },
                    },
                    **errors,
                },
            }
        }
    return {
        "openapi": "3.0.2",
        "info": {
            "title": TITLE,
            "description": DESCRIPTION,
            "version": data_version(),
            "license": {"name": LICENSE},
        },
        "servers": [{"url": base, "description": "this service"}],
        "tags": [{"name": "Capabilities"}, *({"name": c.id} for c in collections())],
        "paths": paths,
        "components": {
            "schemas": _schemas(),
            "parameters": {
                "f": _parameter(
                    "f",
                    "query",
                    {"type": "string", "enum": list(FORMATS)},
                    "response format (default: from the Accept header, else JSON)",
                ),
                "limit": _parameter(
                    "limit",
                    "query",
                    {
                        "type": "integer",
                        "minimum": 1,
                        "maximum": MAX_LIMIT,
                        "default": DEFAULT_LIMIT,
                    },
                    f"features per page (values above {MAX_LIMIT} mean {MAX_LIMIT})",
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
                        "type": "array",
                        "minItems": 4,
                        "maxItems": 6,
                        "items": {"type": "number"},
                    },
                    "minLon,minLat,maxLon,maxLat in CRS84",
                    style="form",
                    explode=False,
                ),
                "bbox-crs": _parameter(
                    "bbox-crs",
                    "query",
                    {"type": "string", "format": "uri", "enum": [CRS84]},
                    "CRS of bbox (only CRS84)",
                ),
                "datetime": _parameter(
                    "datetime",
                    "query",
                    {"type": "string"},
                    "a date, year or interval (start/end, '..' open): features whose year "
                    "overlaps it",
                    style="form",
                    explode=False,
                ),
                "featureId": _parameter(
                    "featureId", "path", {"type": "string"}, "the feature's id"
                ),
            },
        },
    }
