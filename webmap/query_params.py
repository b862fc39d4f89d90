"""Every route declares its query parameters once; anything else is a 400 before the view.

One ``before_request`` hook (:func:`check_query`) looks up the declaration of the endpoint
being asked for and refuses

- a query parameter the route does not declare (``?srs=EPSG:4548``, ``?lvl=county``,
  ``&junk=…``) with a 400 naming it and listing the valid ones, and
- a single-value parameter given more than once (``indicator=gdp&indicator=population``),
  which views would otherwise answer with whichever value they read first.

The hook runs before any view touches the response cache (:mod:`webmap.caching`), so a
refused URL never stores an entry: random junk cannot evict warm pages. Declarations live
in :data:`DECLARED` (by endpoint) or on the view (:func:`accepts`); a GET route that
declares nothing is a test failure (``tests/test_strict_params.py`` walks the URL map),
so routes added later are caught.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from flask import current_app, request

from geo.errors import BadParameter


@dataclass(frozen=True)
class Declaration:
    """The query parameters one endpoint accepts.

    ``repeatable``: names that may be given several times (checkbox lists, the exploded
    ``bbox``); ``prefixes``: families such as ``unit:<column>``; ``dynamic``: a function of
    the path arguments returning more names (an OGC collection's queryables).
    """

    names: frozenset[str]
    repeatable: frozenset[str] = frozenset()
    prefixes: tuple[str, ...] = ()
    dynamic: Callable[[dict], Iterable[str]] | None = field(default=None, compare=False)

    def valid(self, view_args: dict) -> set[str]:
        names = set(self.names)
        if self.dynamic is not None:
            names.update(self.dynamic(view_args))
        return names


def _declaration(*groups: Iterable[str], repeatable=(), prefixes=(), dynamic=None) -> Declaration:
    names = frozenset(n for group in groups for n in group)
    return Declaration(names, frozenset(repeatable), tuple(prefixes), dynamic)


#: Endpoint → declaration. Built from the groups below so a parameter that several routes
#: share (the map parameters) is named once.
DECLARED: dict[str, Declaration] = {}


def declare(endpoint: str, *groups: Iterable[str], repeatable=(), prefixes=(), dynamic=None):
    """Declare ``endpoint``'s query parameters (the union of ``groups``)."""
    DECLARED[endpoint] = _declaration(
        *groups, repeatable=repeatable, prefixes=prefixes, dynamic=dynamic
    )


def accepts(*groups: Iterable[str], repeatable=(), prefixes=(), dynamic=None):
    """Decorator form of :func:`declare` for a view function."""

    def decorate(view):
        view.query_parameters = _declaration(
            *groups, repeatable=repeatable, prefixes=prefixes, dynamic=dynamic
        )
        return view

    return decorate


def declaration_for(endpoint: str | None) -> Declaration | None:
    if endpoint is None:
        return None
    view = current_app.view_functions.get(endpoint)
    found = getattr(view, "query_parameters", None)
    return found if found is not None else DECLARED.get(endpoint)


def check_args(args, declaration: Declaration, view_args: dict | None = None) -> None:
    """400 (:class:`BadParameter`) for an undeclared or a repeated single-value parameter."""
    valid = None
    for name in args:
        if name in declaration.names or name.startswith(declaration.prefixes or ("\0",)):
            pass
        else:
            valid = valid if valid is not None else declaration.valid(view_args or {})
            if name not in valid:
                shown = sorted(valid) + [f"{p}<name>" for p in declaration.prefixes]
                raise BadParameter(
                    name,
                    args.get(name),
                    shown or "none: this address takes no query parameters",
                    reason=f"unknown query parameter {name!r}",
                    zh=f"未知的查询参数「{name}」。可用参数：" + "、".join(shown or ["无"]) + "。",
                )
        if hasattr(args, "getlist") and name not in declaration.repeatable:
            values = args.getlist(name)
            if len(values) > 1:
                raise BadParameter(
                    name,
                    values,
                    f"one value of {name}",
                    reason=f"{name} given {len(values)} times",
                    zh=f"参数「{name}」只能给出一次（收到 {len(values)} 次）。",
                )


def check_query() -> None:
    """The ``before_request`` hook: check a GET's query against its route's declaration.

    Only reads are checked: an upload (POST/PUT) may carry its form's fields in the query
    when its body is the raw table (``POST /api/datasets?dry_run=1`` with ``text/csv``),
    and its views validate those fields themselves.
    """
    if request.method not in ("GET", "HEAD") or not request.args:
        return
    declaration = declaration_for(request.endpoint)
    if declaration is None:
        return
    check_args(request.args, declaration, request.view_args)


# ------------------------------------------------------------------ the declarations

LANG = ("lang",)
BASEMAP = ("basemap",)
#: What names the values of a map or an analysis: a bundled indicator or a dataset column.
SOURCE = ("indicator", "dataset", "column", "v")
#: The choropleth map parameters (geo.maps.mapspec.choropleth_spec).
MAP = (
    *SOURCE,
    "year",
    "compare",
    "change",
    "level",
    "scheme",
    "k",
    "palette",
    "labels",
    "points",
    *LANG,
    *BASEMAP,
)
EMBED = ("chrome",)
#: Static exports (geo.render.options.export_options).
EXPORT = ("format", "width", "dpi", "paper", "orientation")
CORRIDOR = ("band_km", *LANG, *BASEMAP)
ANALYSIS = (*SOURCE, "level", "year", *LANG)
#: ``compare`` is declared so the inequality views answer it with their own reason (the trend).
INEQUALITY = (*ANALYSIS, "weight", "groups", "compare")
#: Spatial autocorrelation: LISA or Gi*, the multiple-testing correction, the permutations.
CLUSTERS = (*ANALYSIS, "method", "correction", "permutations")
#: Inequality over time (geo.analysis.trend): a set of years instead of one.
TREND = (*SOURCE, "level", "years", "weight", "groups", "year", "compare", *LANG)
#: CSV downloads: UTF-8 with a BOM unless ``bom=0`` (webmap.csv_bom).
BOM = ("bom",)
#: Regions downloads: ``include_overlays=0`` leaves Xiong'an out of the prefecture rows.
OVERLAYS = ("include_overlays",)
LINKS = ("dataset", "v", "kind", "from", "to", "year", "zone", "level", *LANG, *BASEMAP)
REGIONS = ("level", "indicators", "year", "compare", "dataset", "v")
#: ``crs`` on a GeoJSON/CSV download is refused with its own reason (RFC 7946 is CRS84:
#: webmap.downloads), so those routes declare it too.
GIS = ("crs",)
#: Prefill of the upload form (GET /datasets/new): the form's own field names.
UPLOAD_FORM = (
    "title_zh",
    "title_en",
    "description",
    "source",
    "source_url",
    "licence",
    "text",
    "draft",
    "level",
    "key_column",
    "value_columns",
    "preview_column",
    "year_column",
    "wide_years",
    "value_name",
    "datum",
    "lon_column",
    "lat_column",
    "category_column",
    "kind",
    "from_column",
    "to_column",
    "weight_column",
    "weight_unit",
    "year",
    *LANG,
)


def _ogc_items_names(view_args: dict) -> Iterable[str]:
    """An OGC collection's queryable properties are query parameters of its items."""
    from geo.formats import ogc

    return ogc.queryables(ogc.get_collection(view_args.get("collection_id", "")))


def _map_script_names(view_args: dict) -> Iterable[str]:
    """A page's map script takes the query of the page it belongs to."""
    from werkzeug.exceptions import HTTPException

    from .map_scripts import ROOT

    page = view_args.get("page", "")
    adapter = current_app.url_map.bind("localhost")
    try:
        endpoint, _ = adapter.match("/" if page == ROOT else "/" + page, method="GET")
    except HTTPException:
        return ()
    found = declaration_for(endpoint)
    return () if found is None or endpoint.startswith("map_scripts.") else found.names


def _register_declarations() -> None:
    from geo.analysis import access as acc
    from geo.analysis import siting as sit
    from geo.formats import ogc

    from .catalogue import PARAMETERS as CATALOGUE_PARAMETERS
    from .point_datasets import SEARCH_PARAMS

    declare("static", ("v",))
    # Pages, embeds and their exports
    declare("pages.gallery", LANG, BASEMAP)
    declare("pages.choropleth", MAP, repeatable=("points",))
    declare("pages.corridor", CORRIDOR)
    declare("embed.choropleth", MAP, EMBED, repeatable=("points",))
    declare("embed.corridor", CORRIDOR, EMBED)
    declare("export.choropleth", MAP, EXPORT, repeatable=("points",))
    declare("export.corridor", CORRIDOR, EXPORT)
    declare("oembed.oembed", ("url", "format", "maxwidth", "maxheight"))
    declare("links.page", LINKS)
    declare("links.embed", LINKS, EMBED)
    declare("links.export", LINKS, EXPORT)
    declare("links.download", LINKS, BOM)
    declare("links.api", LINKS)
    declare("analysis.inequality_api", INEQUALITY)
    declare("analysis.inequality_page", INEQUALITY)
    declare("analysis.inequality_export", INEQUALITY, EXPORT)
    declare("analysis.autocorrelation_api", CLUSTERS)
    declare("analysis.clusters_page", CLUSTERS, BASEMAP)
    declare("analysis.clusters_embed", CLUSTERS, BASEMAP, EMBED)
    declare("analysis.clusters_download", CLUSTERS, BOM)
    declare("analysis.clusters_export", CLUSTERS, EXPORT)
    declare("trend.trend_api", TREND)
    declare("trend.trend_page", TREND)
    declare("trend.trend_export", TREND, EXPORT)
    declare("trend.trend_csv", TREND, BOM)
    # Accessibility and siting (geo.analysis.access / siting name their parameters)
    declare("access.access_api", acc.PARAMETERS)
    declare("access.access_page", acc.PARAMETERS, BASEMAP)
    declare("access.access_embed", acc.PARAMETERS, BASEMAP, EMBED)
    declare("access.access_download", acc.PARAMETERS, BOM)
    declare("access.access_export", acc.PARAMETERS, EXPORT)
    declare("access.siting_api", sit.PARAMETERS)
    declare("access.siting_page", sit.PARAMETERS, BASEMAP)
    declare("access.siting_embed", sit.PARAMETERS, BASEMAP, EMBED)
    declare("access.siting_download", sit.PARAMETERS, BOM)
    declare("access.siting_export", sit.PARAMETERS, EXPORT)
    declare("map_scripts.page_script", repeatable=("points",), dynamic=_map_script_names)
    declare("map_scripts.draft_script")
    # API
    declare("api.indicator_catalog")
    declare("api.indicator", ("year", "compare"))
    declare("api.places", LANG)
    declare("api.zone_catalog")
    declare("api.zone")
    # Downloads
    declare("downloads.regions_geojson", GIS, REGIONS, OVERLAYS)
    declare("downloads.regions_csv", GIS, REGIONS, OVERLAYS, BOM)
    declare("downloads.regions_topojson", REGIONS, GIS, OVERLAYS, ("view",))
    declare("downloads.regions_gpkg", REGIONS, GIS, ("scheme", "k", "palette", "change", "lang"))
    declare("downloads.regions_shapefile", REGIONS, GIS)
    declare("downloads.facilities_geojson", GIS, ("category",))
    declare("downloads.facilities_csv", GIS, BOM, ("category",))
    declare("downloads.facilities_gpkg", ("category",), GIS)
    declare("downloads.facilities_shapefile", ("category",), GIS)
    # the path forms for GDAL and QGIS (webmap.download_paths) take no query at all
    for name in ("regions_gpkg", "regions_shapefile", "regions_gpkg_year"):
        declare(f"download_paths.{name}")
    for name in ("regions_shapefile_year", "facilities_gpkg", "facilities_shapefile"):
        declare(f"download_paths.{name}")
    declare("downloads.zones_geojson", GIS)
    declare("downloads.corridors_geojson", GIS)
    declare("downloads.corridor_geojson", ("zone", "band_km"), GIS)
    declare("point_datasets.download", ("dataset", "v"), BOM)
    declare("point_datasets.search", SEARCH_PARAMS)
    declare("point_datasets.embed", ("dataset", "v", *LANG, *BASEMAP, *EMBED))
    # Published datasets
    declare("datasets.index", CATALOGUE_PARAMETERS)
    declare("datasets.new", UPLOAD_FORM, prefixes=("unit:", "year:"))
    declare("datasets.manage", LANG)
    page = ("column", "scheme", "k", "palette", "year", "compare", "change", "level")
    declare("datasets.dataset_page", LANG, BASEMAP, page)
    declare("datasets.version_page", LANG, BASEMAP, page)
    declare("datasets.original")
    declare("datasets_api.catalog", CATALOGUE_PARAMETERS)
    declare("moderation.audit_trail", ("dataset", "limit"))
    declare("datasets_api.dataset", ("v",))
    # OGC API – Features (its own paths also say which they take: geo.formats.ogc)
    for name, accepted in ogc.PATH_PARAMETERS.items():
        declare(f"ogc.{name}", accepted)
    declare(
        "ogc.items",
        ogc.RESERVED,
        LANG,
        ogc.PART3_PARAMETERS,
        repeatable=("bbox",),
        dynamic=_ogc_items_names,
    )
    declare("ogc.queryables", ogc.PATH_PARAMETERS["queryables"])


def register(app) -> None:
    """Declare the routes' parameters and check every request against them."""
    _register_declarations()
    app.before_request(check_query)
