"""Accessibility of top medical care and siting of new capacity (issue 26).

- ``/api/analysis/access``, ``/maps/access``, ``/embed/access``,
  ``/download/access.{geojson,csv,gpkg}``, ``/export/access.{png,svg,pdf}``
  (:mod:`geo.analysis.access`, :mod:`geo.maps.accessmap`, :mod:`geo.render.access`).
- ``/api/analysis/siting``, ``/maps/siting`` (:mod:`geo.analysis.siting`).

Handlers only read parameters, call ``geo`` and render; every GET is cached by the
response cache.
"""

from __future__ import annotations

import json
from collections import OrderedDict
from threading import Lock

import geopandas as gpd
import pandas as pd
from flask import Blueprint, current_app, render_template, request, url_for

from geo import render
from geo.analysis import access as acc
from geo.analysis import siting as sit
from geo.errors import BadParameter, message_in
from geo.formats import exports, gis_exports
from geo.i18n import DEFAULT_LANG, check_lang, text
from geo.maps import accessmap
from geo.maps.basemaps import DEFAULT_BASEMAP, check_basemap
from geo.maps.labels import web_label_options
from geo.maps.points import points_options, valid_tokens
from geo.render.access import render_access
from geo.render.siting import render_siting
from geo.sources.regions import regions
from geo.version import data_version

from . import maps, views
from .caching import attachment, cached_view
from .errors import error_response
from .export import export_links

bp = Blueprint("access", __name__)

#: Which query parameters each view takes is declared in webmap/query_params.py (from
#: geo.analysis.access/siting PARAMETERS); unknown or repeated ones never reach a view.


def _lang() -> str:
    return check_lang(request.args.get("lang") or DEFAULT_LANG)


@bp.errorhandler(BadParameter)
def _bad_parameter(err: BadParameter):
    lang = request.args.get("lang") if request.args.get("lang") in ("en", "zh") else "en"
    response, status = error_response(400, message_in(err, lang), err.name, err.valid)
    if request.path.startswith(("/api/", "/download/")):
        body = response.get_json()
        body["error"] = str(err)
        body["error_zh"] = message_in(err, "zh")
        response.set_data(json.dumps(body, ensure_ascii=False))
    return response, status


@bp.errorhandler(sit.SolverTimeout)
def _solver_timeout(err: sit.SolverTimeout):
    lang = request.args.get("lang") if request.args.get("lang") in ("en", "zh") else "en"
    response, status = error_response(503, err.zh if lang == "zh" else str(err), "k")
    if request.path.startswith("/api/"):
        body = response.get_json()
        body["error"] = str(err)
        body["error_zh"] = err.zh
        response.set_data(json.dumps(body, ensure_ascii=False))
    return response, status, {"Retry-After": "60"}


@bp.errorhandler(render.FontMissing)
def _font_missing(err: render.FontMissing):
    return error_response(503, str(err))


# --- Accessibility --------------------------------------------------------------------


def _access():
    return acc.access_from_params(request.args, current_app.config)


@bp.get("/api/analysis/access")
@cached_view("api")
def access_api():
    params, _, result, _ = _access()
    query = acc.query_of(params)
    result["links"] = {
        "page": url_for("access.access_page", **query),
        "siting": url_for("access.siting_page", facilities=params["facilities"]),
        "geojson": url_for("access.access_download", fmt="geojson", **query),
    }
    return result


def _access_frame(frame):
    """County polygons (EPSG:4326) with every measure, for the downloads."""
    units = regions("county").set_index("adcode")[["geometry"]]
    table = frame.rename(columns={"lon": "point_lon", "lat": "point_lat"})
    table = table.drop(columns=["prefecture_en", "province_en"]).rename(
        columns={"prefecture_zh": "prefecture_name", "province_zh": "province_name"}
    )
    table["beyond"] = table["beyond"].astype(bool)
    joined = units.join(table, how="inner").reset_index()
    return gpd.GeoDataFrame(joined, geometry="geometry", crs="EPSG:4326")


@bp.get("/download/access.<fmt>")
@cached_view("download")
def access_download(fmt: str):
    if fmt not in ("geojson", "csv", "gpkg"):
        raise BadParameter("format", fmt, ("geojson", "csv", "gpkg"))
    params, supply, result, frame = _access()
    layer = _access_frame(frame)
    name = f"jjj_access_{supply.token.replace(':', '-').replace('@', '-v')}"
    name += f"_{params['method']}_{params['catchment_km']:g}km"
    summary = {
        k: result[k]
        for k in (
            "method",
            "facilities",
            "coverage_note",
            "region",
            "provinces",
            "prefectures",
            "statement",
        )
    }
    if fmt == "gpkg":
        title = f"{text('acc_title', 'en')} · {supply.title('en')}"
        sources = [
            ("population", accessmap.source_line(supply, "en")),
            ("method", acc.TEXT["acc_method_note"]["en"]),
            ("statement", result["statement"]["en"]),
        ]
        body = gis_exports.layer_file("gpkg", name, layer, title, sources)
        mimetype = "application/geopackage+sqlite3"
    else:
        body = exports.frame_export(layer, name, fmt)
        mimetype = "text/csv"
        if fmt == "geojson":
            collection = json.loads(body)
            collection["analysis"] = summary
            body = json.dumps(collection, ensure_ascii=False, separators=(",", ":")).encode()
            mimetype = "application/geo+json"
    return attachment(body, mimetype, f"{name}.{fmt}")


def _render_access(embed: bool) -> str:
    lang = _lang()
    params, supply, result, frame = _access()
    basemap = check_basemap(request.args.get("basemap") or DEFAULT_BASEMAP, current_app.config)
    view = accessmap.access_view(params, supply, result, frame, lang)
    query = {**acc.query_of(params), "lang": lang, "basemap": basemap.id}
    fmap = maps.base_map(basemap)
    maps.add_layer(
        fmap,
        "regions",
        {
            "url": url_for("downloads.regions_topojson", level="county", view="map"),
            "format": "topojson",
            "object": "regions",
            "property": "access",
            "values": view.values,
            "bins": view.web_bins,
            "colors": view.web_colors,
            "missingColor": view.legend[-1].color if view.legend[-1].missing else "#d9d9d9",
            "decimals": view.decimals,
            "unit": view.unit,
            "lang": lang,
            "noData": text("no_data", lang),
            "valueLabel": accessmap.measure_label(view.measure, lang),
            "shiftToGcj02": basemap.datum == "GCJ02",
            "className": "jjj-region",
            "specialLabel": text("special_area", lang),
            "classWord": text("class", lang),
            "classLabels": [e.label for e in view.legend if not e.missing],
            "labelMode": "names",
            "labelPoints": web_label_options("county", lang),
            "collide": True,
            "points": points_options([view.site_layer()], lang),
        },
    )
    page_url = url_for("access.access_page", _external=True, **query)
    return render_template(
        "access.html",
        embed=embed,
        view=view,
        params=params,
        result=result,
        supply=supply,
        fmap=maps.render(fmap),
        query=query,
        methods=acc.METHODS,
        point_tokens=valid_tokens(),
        catchment_range=acc.CATCHMENT_RANGE,
        threshold_range=acc.THRESHOLD_RANGE,
        downloads={
            fmt: url_for("access.access_download", fmt=fmt, **acc.query_of(params))
            for fmt in ("geojson", "csv", "gpkg")
        },
        api_url=url_for("access.access_api", **acc.query_of(params)),
        siting_url=url_for("access.siting_page", facilities=params["facilities"], lang=lang),
        publish_url=url_for("datasets.new", lang=lang),
        exports=export_links("access.access_export", **acc.query_of(params), lang=lang),
        embed_snippet=views.embed_snippet("access.access_embed", view.title, **query),
        chrome=request.args.get("chrome") != "0",
        page_url=page_url,
        **views.template_globals(lang),
    )


@bp.get("/maps/access")
@cached_view("page")
def access_page():
    return _render_access(embed=False)


@bp.get("/embed/access")
@cached_view("page")
def access_embed():
    return _render_access(embed=True)


@bp.get("/export/access.<fmt>")
@cached_view("download")
def access_export(fmt: str):
    params, supply, result, frame = _access()
    options = render.export_options(request.args, fmt)
    lang = _lang()
    view = accessmap.access_view(params, supply, result, frame, lang)
    body = render_access(view, options)
    slug = supply.token.replace(":", "-").replace("@", "-v")
    name = f"jjj_access_{slug}_{params['method']}_{lang}.{options.format}"
    return attachment(body, options.mimetype, name)


# --- Siting ---------------------------------------------------------------------------


#: Solved siting answers by (data version, analysis parameters): a page and its map script
#: (rendered separately, webmap/map_scripts.py), its embed and the API share one solve.
_SOLVED: OrderedDict[tuple, tuple] = OrderedDict()
_SOLVED_MAX = 32
_SOLVED_LOCK = Lock()


def _siting():
    key = (
        data_version(),
        tuple((name, request.args.get(name, "")) for name in sit.PARAMETERS if name != "lang"),
    )
    with _SOLVED_LOCK:
        found = _SOLVED.get(key)
        if found is not None:
            _SOLVED.move_to_end(key)
            return found
    answer = sit.siting_from_params(request.args, current_app.config)
    with _SOLVED_LOCK:
        _SOLVED[key] = answer
        while len(_SOLVED) > _SOLVED_MAX:
            _SOLVED.popitem(last=False)
    return answer


@bp.get("/api/analysis/siting")
@cached_view("api")
def siting_api():
    params, _, result = _siting()
    # The answer is shared with pages (the solve cache above): add links to a copy.
    return {**result, "links": {"page": url_for("access.siting_page", **sit.siting_query(params))}}


def _render_siting(embed: bool) -> str:
    lang = _lang()
    params, supply, result = _siting()
    basemap = check_basemap(request.args.get("basemap") or DEFAULT_BASEMAP, current_app.config)
    query = {**sit.siting_query(params), "lang": lang, "basemap": basemap.id}
    statuses = {c["adcode"]: c["status"] for c in result["counties"]}
    counts = {s: sum(1 for v in statuses.values() if v == s) for s in accessmap.STATUS_COLORS}
    legend = [
        {
            "id": status,
            "label": text(f"acc_{status}", lang),
            "color": color,
            "count": counts[status],
        }
        for status, color in accessmap.STATUS_COLORS.items()
    ]
    layers = accessmap.siting_layers(supply, result)
    fmap = maps.base_map(basemap)
    fmap.default_js.append(("siting", url_for("static", filename="siting.js")))
    maps.add_layer(
        fmap,
        "siting",
        {
            "url": url_for("downloads.regions_topojson", level="county", view="map"),
            "status": statuses,
            "colors": accessmap.STATUS_COLORS,
            "labels": {e["id"]: e["label"] for e in legend},
            "lang": lang,
            "statusLabel": text("acc_status", lang),
            "shiftToGcj02": basemap.datum == "GCJ02",
            "labelMode": "names",
            "labelPoints": web_label_options("county", lang),
            "collide": True,
            "points": points_options(layers, lang),
        },
    )
    key = "name_zh" if lang == "zh" else "name_en"
    rows = [
        {**c, "name": c[key], "label": text(f"acc_{c['status']}", lang)} for c in result["counties"]
    ]
    title = f"{text('acc_siting_title', lang)} · {accessmap.facility_name(supply, lang)}"
    return render_template(
        "siting.html",
        embed=embed,
        title=title,
        params=params,
        result=result,
        supply=supply,
        legend=legend,
        layers=layers,
        rows=rows,
        fmap=maps.render(fmap),
        query=query,
        point_tokens=valid_tokens(),
        objectives=sit.OBJECTIVES,
        k_range=sit.K_RANGE,
        radius_range=sit.RADIUS_RANGE,
        colors=accessmap.STATUS_COLORS,
        api_url=url_for("access.siting_api", **sit.siting_query(params)),
        downloads={
            fmt: url_for("access.siting_download", fmt=fmt, **sit.siting_query(params))
            for fmt in ("geojson", "csv")
        },
        exports=export_links("access.siting_export", **sit.siting_query(params), lang=lang),
        access_url=url_for("access.access_page", facilities=params["facilities"], lang=lang),
        publish_url=url_for("datasets.new", lang=lang),
        embed_snippet=views.embed_snippet("access.siting_embed", title, **query),
        chrome=request.args.get("chrome") != "0",
        page_url=url_for("access.siting_page", _external=True, **query),
        **views.template_globals(lang),
    )


@bp.get("/maps/siting")
@cached_view("page")
def siting_page():
    return _render_siting(embed=False)


@bp.get("/embed/siting")
@cached_view("page")
def siting_embed():
    return _render_siting(embed=True)


@bp.get("/download/siting.<fmt>")
@cached_view("download")
def siting_download(fmt: str):
    if fmt not in ("geojson", "csv"):
        raise BadParameter("format", fmt, ("geojson", "csv"))
    params, supply, result = _siting()
    table = pd.DataFrame(result["counties"]).set_index("adcode")
    units = regions("county").set_index("adcode")[["geometry"]]
    layer = gpd.GeoDataFrame(
        units.join(table, how="inner").reset_index(), geometry="geometry", crs="EPSG:4326"
    )
    slug = supply.token.replace(":", "-").replace("@", "-v")
    name = f"jjj_siting_{slug}_{params['objective']}_k{params['k']}_{params['radius_km']:g}km"
    body = exports.frame_export(layer, name, fmt)
    mimetype = "text/csv"
    if fmt == "geojson":
        collection = json.loads(body)
        collection["analysis"] = {k: v for k, v in result.items() if k != "counties"}
        body = json.dumps(collection, ensure_ascii=False, separators=(",", ":")).encode()
        mimetype = "application/geo+json"
    return attachment(body, mimetype, f"{name}.{fmt}")


@bp.get("/export/siting.<fmt>")
@cached_view("download")
def siting_export(fmt: str):
    params, supply, result = _siting()
    options = render.export_options(request.args, fmt)
    lang = _lang()
    body = render_siting(supply, result, options, lang)
    slug = supply.token.replace(":", "-").replace("@", "-v")
    name = f"jjj_siting_{slug}_{params['objective']}_k{params['k']}_{lang}.{options.format}"
    return attachment(body, options.mimetype, name)
