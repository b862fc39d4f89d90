"""Download endpoints: RFC 7946 GeoJSON (application/geo+json) and CSV, cached and gzipped."""

from __future__ import annotations

import dataclasses

from flask import Blueprint, current_app, request

from geo import crs_ref
from geo.errors import BadParameter
from geo.formats import exports, gis_exports
from geo.sources import facilities, zones
from geo.sources.indicator_sources import regions_request

from .caching import send_cached

bp = Blueprint("downloads", __name__, url_prefix="/download")

#: Downloads that take ``crs=EPSG:NNNN`` (GIS files); every other one is CRS84 only.
_CRS_ENDPOINTS = ("regions_gpkg", "regions_shapefile", "facilities_gpkg", "facilities_shapefile")


@bp.before_request
def _crs_only_on_gis_files():
    """``crs=`` on a GeoJSON/TopoJSON/CSV download → 400 saying why (RFC 7946: CRS84)."""
    endpoint = (request.endpoint or "").split(".")[-1]
    if "crs" in request.args and endpoint not in _CRS_ENDPOINTS:
        crs_ref.refuse_crs(request.path.rsplit("/", 1)[-1].split(".", 1)[-1])


def _epsg() -> int:
    return crs_ref.download_epsg(request.args.get("crs"))


def _crs_suffix(epsg: int) -> str:
    return "" if epsg == 4326 else f"_epsg{epsg}"


GEOJSON = "application/geo+json"
CSV = "text/csv"
TOPOJSON = "application/json"
GPKG = "application/geopackage+sqlite3"
ZIP = "application/zip"


def _regions(fmt: str, mimetype: str, view: str | None = None):
    """Bundled indicators (``indicators=``) or a published dataset (``dataset=[&v=]``); the
    cache key holds the dataset version resolved for this request, never "latest"."""
    req = regions_request(request.args, current_app.config)
    latest = "dataset" in request.args and not request.args.get("v")
    overlays = _include_overlays()
    return send_cached(
        ("regions", fmt if view is None else f"{fmt}-{view}", *req.cache_key)
        + (() if overlays else ("without-overlays",)),
        lambda: exports.regions_export(
            req.level,
            req.sources,
            fmt,
            req.year,
            req.compare,
            req.export_name(),
            req.metadata,
            view=view,
            include_overlays=overlays,
        ),
        mimetype,
        req.download_name(fmt),
        **({"max_age": 0} if latest else {}),  # "latest" must be asked again each time
    )


def _include_overlays() -> bool:
    """``include_overlays=1`` (default) keeps units laid over the level (Xiong'an at
    prefecture level, marked ``overlay: true``); ``0`` leaves them out, so rows add up."""
    value = request.args.get("include_overlays", "1")
    if value not in ("0", "1"):
        raise BadParameter(
            "include_overlays",
            value,
            ("0", "1"),
            reason="0 leaves out units laid over others (Xiong'an), so rows add up",
            zh=f"参数「include_overlays」的值「{value}」无效。可用值：1（保留叠加单位，如雄安新区）、"
            "0（去掉叠加单位，各行相加即为全区）。",
        )
    return value == "1"


@bp.get("/regions.geojson")
def regions_geojson():
    return _regions("geojson", GEOJSON)


@bp.get("/regions.csv")
def regions_csv():
    return _regions("csv", CSV)


@bp.get("/regions.topojson")
def regions_topojson():
    """The same layer as TopoJSON (shared borders once); ``view=map`` is the lighter variant
    the map pages draw (coarser quantisation, only the properties the map reads)."""
    view = request.args.get("view")
    if view is not None and view not in exports.TOPOJSON_VIEWS:
        raise BadParameter("view", view, exports.TOPOJSON_VIEWS)
    return _regions("topojson", TOPOJSON, view)


def _facilities(fmt: str, mimetype: str):
    category = request.args.get("category") or None
    # The CSV also lists facilities whose coordinates could not be sourced.
    frame = facilities.facilities(category, located_only=fmt == "geojson")
    name = f"jjj_facilities_{category or 'all'}"
    return send_cached(
        ("facilities", fmt, category),
        lambda: exports.frame_export(frame, name, fmt),
        mimetype,
        f"{name}.{fmt}",
    )


@bp.get("/facilities.geojson")
def facilities_geojson():
    return _facilities("geojson", GEOJSON)


@bp.get("/facilities.csv")
def facilities_csv():
    return _facilities("csv", CSV)


def _layer(name: str, build):
    return send_cached(
        (name,),
        lambda: exports.frame_export(build(), f"jjj_{name}", "geojson"),
        GEOJSON,
        f"jjj_{name}.geojson",
    )


@bp.get("/zones.geojson")
def zones_geojson():
    return _layer("zones", zones.zones_frame)


@bp.get("/corridors.geojson")
def corridors_geojson():
    return _layer("corridors", zones.corridors_frame)


@bp.get("/corridor.geojson")
def corridor_geojson():
    zone_id = request.args.get("zone", "")
    band_km = zones.parse_band_km(request.args.get("band_km"))
    zones.get_zone(zone_id)  # 404 before caching anything
    return send_cached(
        ("corridor", zone_id, band_km),
        lambda: exports.corridor_export(zone_id, band_km),
        GEOJSON,
        f"jjj_corridor_{zone_id}_{band_km:g}km.geojson",
    )


def _indicator_ids() -> tuple[str, ...]:
    raw = request.args.get("indicators", "")
    return tuple(i.strip() for i in raw.split(",") if i.strip())


def _regions_gis(kind: str, mimetype: str):
    epsg = _epsg()
    if request.args.get("dataset"):
        req = regions_request(request.args, current_app.config)
        return send_cached(
            ("regions", kind, epsg, *req.cache_key),
            lambda: gis_exports.sources_file(req.level, req.sources, req.export_name(), kind, epsg)[
                1
            ],
            mimetype,
            _with_suffix(req.download_name(kind), kind, epsg),
            **({} if request.args.get("v") else {"max_age": 0}),
        )
    level = request.args.get("level", "prefecture")
    year = request.args.get("year") or None
    compare = request.args.get("compare") or None
    return regions_gis_file(kind, mimetype, level, _indicator_ids(), year, compare, epsg)


def regions_gis_file(
    kind: str,
    mimetype: str,
    level: str,
    indicator_ids: tuple[str, ...],
    year: str | None,
    compare: str | None,
    epsg: int,
    choropleth=None,
):
    """The GeoPackage or zipped Shapefile of a level with bundled indicators (the query
    form above and the path form of :mod:`webmap.download_paths` share it); ``choropleth``
    (a :class:`geo.formats.gpkg_styles.LayerStyle`) adds the map's style to a GeoPackage."""
    ids = exports.check_regions_request(level, indicator_ids, year, compare)
    name = _with_suffix(
        exports.download_name("regions", level, ids, kind, year, compare), kind, epsg
    )
    style_key = (choropleth.key,) if choropleth is not None else ()
    return send_cached(
        ("regions", kind, level, ids)
        + ((year, compare) if (year or compare) else ())
        + ((epsg,) if epsg != 4326 else ())
        + style_key,
        lambda: gis_exports.regions_file(
            level, ids, kind, year, compare, epsg, choropleth=choropleth
        )[1],
        mimetype,
        name,
    )


def _with_suffix(name: str, kind: str, epsg: int) -> str:
    """``x.gpkg`` → ``x_epsg4547.gpkg`` for a reprojected file."""
    if epsg == 4326 or not name.endswith(f".{kind}"):
        return name
    return f"{name[: -len(kind) - 1]}{_crs_suffix(epsg)}.{kind}"


def map_style(level: str, indicator_ids, year, compare):
    """The style of the map page of the first indicator at ``level`` (``scheme``, ``k``,
    ``palette``, ``change`` and ``lang`` as the page takes them), or None without
    indicators: :func:`geo.maps.mapspec.choropleth_spec` classes it as the page does."""
    ids = [i for i in indicator_ids if i]
    if not ids:
        return None
    from geo.formats.gpkg_styles import choropleth_style
    from geo.maps.mapspec import choropleth_spec

    params = {"indicator": ids[0], "level": level}
    params.update({k: v for k, v in (("year", year), ("compare", compare)) if v})
    for name in ("scheme", "k", "palette", "change", "lang"):
        if request.args.get(name):
            params[name] = request.args[name]
    spec = choropleth_spec(params, current_app.config)
    style = choropleth_style(spec)
    if style is None or ids[0] == spec.indicator.id:
        return style
    # an alias (population_2010) names the file's column: colour that column
    renamed = ids[0] + style.property[len(spec.indicator.id) :]
    return dataclasses.replace(style, property=renamed)


@bp.get("/regions.gpkg")
def regions_gpkg():
    """A level with indicators as a GeoPackage (one MultiPolygon layer + metadata table;
    with indicators, the first one's map style in ``layer_styles``)."""
    if request.args.get("dataset"):
        return _regions_gis("gpkg", GPKG)
    level = request.args.get("level", "prefecture")
    year = request.args.get("year") or None
    compare = request.args.get("compare") or None
    ids = exports.check_regions_request(level, _indicator_ids(), year, compare)
    return regions_gis_file(
        "gpkg", GPKG, level, ids, year, compare, _epsg(), map_style(level, ids, year, compare)
    )


@bp.get("/regions.shp.zip")
def regions_shapefile():
    """The same as a zipped Shapefile (with fields.csv: DBF names → full names)."""
    return _regions_gis("shp.zip", ZIP)


def _facilities_gis(kind: str, mimetype: str):
    category = request.args.get("category") or None
    return facilities_gis_file(kind, mimetype, category, _epsg())


def facilities_gis_file(kind: str, mimetype: str, category: str | None, epsg: int):
    """The facilities (one category or all) as a GeoPackage or zipped Shapefile."""
    facilities.facilities(category)  # 400 on a bad category before caching anything
    name = f"jjj_facilities_{category or 'all'}{_crs_suffix(epsg)}.{kind}"
    return send_cached(
        ("facilities", kind, category) + ((epsg,) if epsg != 4326 else ()),
        lambda: gis_exports.facilities_file(category, kind, epsg)[1],
        mimetype,
        name,
    )


@bp.get("/facilities.gpkg")
def facilities_gpkg():
    return _facilities_gis("gpkg", GPKG)


@bp.get("/facilities.shp.zip")
def facilities_shapefile():
    return _facilities_gis("shp.zip", ZIP)
