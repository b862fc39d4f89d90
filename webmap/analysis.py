"""Inequality and spatial clustering of any indicator or published dataset column.

- ``/api/analysis/inequality`` and ``/analysis/inequality`` (page), with
  ``/export/analysis/inequality.{png,svg,pdf}``: Gini, Theil and its between/within
  decomposition, CV, extremes, Lorenz curve (:mod:`geo.analysis.inequality`).
- ``/api/analysis/autocorrelation``, ``/maps/clusters`` and ``/embed/clusters`` (LISA cluster
  map), ``/export/clusters.{png,svg,pdf}``, ``/download/clusters.{geojson,csv}``
  (:mod:`geo.analysis.autocorrelation`).

Every GET is cached by the response cache (:func:`webmap.caching.cached_view`).
"""

from __future__ import annotations

from flask import Blueprint, current_app, render_template, request, url_for

from geo import render
from geo.analysis.autocorrelation import (
    CORRECTIONS,
    DEFAULT_CORRECTION,
    DEFAULT_PERMUTATIONS,
    MAX_PERMUTATIONS,
    METHODS,
    MIN_PERMUTATIONS,
    OUTSIDE_COLOR,
    SEED,
    autocorrelation_from_params,
    cluster_frame,
)
from geo.analysis.inequality import (
    DEFAULT_GROUPING,
    NAMED_GROUPINGS,
    inequality_from_params,
)
from geo.analysis.measures import kind_of
from geo.errors import BadParameter
from geo.formats import exports
from geo.i18n import DEFAULT_LANG, check_lang, text
from geo.maps.basemaps import DEFAULT_BASEMAP, check_basemap
from geo.maps.mapspec import format_value
from geo.render.clusters import render_clusters
from geo.render.lorenz import extreme_text, lorenz_svg, render_inequality

from . import maps, views
from .caching import attachment, cached_view
from .errors import error_response
from .export import export_links
from .json_output import dumps as finite_dumps

bp = Blueprint("analysis", __name__)


def _lang() -> str:
    return check_lang(request.args.get("lang") or DEFAULT_LANG)


def _names(data, lang: str) -> dict[str, str]:
    column = "name_zh" if lang == "zh" else "name_en"
    return dict(zip(data.units.index, data.units[column]))


# --- Inequality ----------------------------------------------------------------------


def _inequality_query(data, result, lang: str | None = None) -> dict[str, str]:
    """Canonical URL parameters of one inequality view."""
    query = data.query()
    if result["weight"] != "none":
        query["weight"] = result["weight"]
    default = DEFAULT_GROUPING[data.level]
    param = result["groups_param"]
    if param != default:
        query["groups"] = param
    if lang:
        query["lang"] = lang
    return query


def mean_format(data, lang: str):
    """Group means with two more decimals than the values (Tianjin's 0.19 hospitals per
    county is not 0)."""
    decimals = (data.source.decimals or 0) + 2

    def fmt(value):
        if value is None:
            return text("no_data", lang)
        return f"{value:,.{decimals}f}"

    return fmt


def _weight_choice(data, result, lang: str) -> dict:
    """Which weighting the page shows, and a link to the other one where both apply."""
    allowed = result["weights_allowed"]
    if len(allowed) < 2:
        return {"text": text("weight_only_none", lang), "url": None, "link": None}
    other = "none" if result["weight"] == "population" else "population"
    query = _inequality_query(data, result, lang)
    if other == "none":
        query.pop("weight", None)
    else:
        query["weight"] = other
    shown = text(f"weight_shown_{result['weight']}", lang)
    return {
        "text": text("weight_choice", lang).split("{other_link}")[0].format(shown=shown),
        "url": url_for("analysis.inequality_page", **query),
        "link": text(f"weight_see_{other}", lang),
        "tail": text("weight_choice", lang).split("{other_link}")[1],
    }


def _notes(data, result, lang: str) -> list[str]:
    """What was left out and how units were weighted, in ``lang``."""
    notes = []
    weighting = result["weighting"]
    if weighting["by"] == "population":
        if weighting["requested_year"] is None:
            extra = text("ineq_weighted_latest", lang)
        elif weighting["requested_year"] != weighting["population_year"]:
            extra = text("ineq_weighted_nearest", lang)
        else:
            extra = ""
        notes.append(
            text("ineq_weighted", lang).format(year=weighting["population_year"], note=extra)
        )
    else:
        notes.append(text("ineq_unweighted", lang))
    key = "name_zh" if lang == "zh" else "name_en"
    for unit in data.left_out:
        host = data.units.loc[unit["counted_in"], key]
        notes.append(text("ineq_left_out_xiongan", lang).format(name=unit[key], host=host))
    return notes


@bp.get("/api/analysis/inequality")
@cached_view("api")
def inequality_api():
    data, result = inequality_from_params(request.args, current_app.config)
    query = _inequality_query(data, result)
    result["links"] = {
        "page": url_for("analysis.inequality_page", **query),
        "map": url_for("pages.choropleth", **data.query()),
    }
    if data.level != "province":  # Moran's I needs more than the three provinces
        result["links"]["clusters"] = url_for("analysis.clusters_page", **data.query())
    if len(data.source.all_years) > 1:
        result["links"]["trend"] = _trend_url(data, result, None)
    return result


@bp.get("/analysis/inequality")
@cached_view("page")
def inequality_page():
    lang = _lang()
    data, result = inequality_from_params(request.args, current_app.config)
    names = _names(data, lang)
    title = data.source.title(lang)
    query = _inequality_query(data, result)
    groups_param = result["groups_param"]
    return render_template(
        "analysis_inequality.html",
        data=data,
        result=result,
        title=title,
        unit=data.source.unit_label(lang),
        svg=lorenz_svg(result, lang, names, title),
        notes=_notes(data, result, lang),
        names=names,
        weights=result["weights_allowed"],
        weight_choice=_weight_choice(data, result, lang),
        extreme=lambda row: extreme_text(
            row,
            names,
            data.source.unit_label(lang),
            lang,
            lambda value: format_value(value, data.source, lang),
        ),
        fmt_mean=mean_format(data, lang),
        trend_url=_trend_url(data, result, lang),
        groupings=NAMED_GROUPINGS[data.level],
        groups_param=groups_param,
        custom_groups="" if groups_param in NAMED_GROUPINGS[data.level] else groups_param,
        source_text=data.source.source_text(lang),
        exports=export_links("analysis.inequality_export", **query, lang=lang),
        api_url=url_for("analysis.inequality_api", **query),
        map_url=url_for("pages.choropleth", **data.query(), lang=lang),
        clusters_url=url_for("analysis.clusters_page", **data.query(), lang=lang),
        fmt=lambda value: format_value(value, data.source, lang),
        **views.template_globals(lang),
    )


def _trend_url(data, result, lang: str | None) -> str | None:
    """The trend page of the same indicator and level, when it has several years."""
    if len(data.source.all_years) < 2:
        return None
    query = {**data.source.query_params(), "level": data.level}
    if lang:
        query["lang"] = lang
    if result.get("weight", "none") != "none":
        query["weight"] = result["weight"]
    return url_for("trend.trend_page", **query)


def _subtitle(data, lang: str) -> str:
    parts = [text(data.level, lang)]
    if data.year is not None:
        parts.append(f"{text('year', lang)}: {data.year}")
    parts.append(f"{text('unit', lang)}: {data.source.unit_label(lang)}")
    return " · ".join(parts)


@bp.get("/export/analysis/inequality.<fmt>")
@cached_view("download")
def inequality_export(fmt: str):
    options = render.export_options(request.args, fmt)
    lang = _lang()
    data, result = inequality_from_params(request.args, current_app.config)
    title = f"{text('ineq_title', lang)} · {data.source.title(lang)}"
    body = render_inequality(
        result,
        options,
        lang,
        title,
        _subtitle(data, lang),
        data.source.source_text(lang),
        _names(data, lang),
        _notes(data, result, lang),
        lambda value: format_value(value, data.source, lang),
    )
    name = f"jjj_inequality_{data.level}_{data.source.slug}_{lang}.{options.format}"
    return attachment(body, options.mimetype, name)


# --- Spatial autocorrelation ---------------------------------------------------------


@bp.get("/api/analysis/autocorrelation")
@cached_view("api")
def autocorrelation_api():
    data, result = autocorrelation_from_params(request.args, current_app.config)
    query = _cluster_query(data, result)
    result["links"] = {
        "map": url_for("analysis.clusters_page", **query),
        "geojson": url_for("analysis.clusters_download", fmt="geojson", **query),
    }
    return result


def _cluster_query(data, result) -> dict[str, str]:
    """Canonical URL parameters of one cluster view (defaults left out)."""
    query = data.query()
    if result["local_method"] != "lisa":
        query["method"] = result["local_method"]
    if result["correction"] != DEFAULT_CORRECTION:
        query["correction"] = result["correction"]
    if result["permutations"] != DEFAULT_PERMUTATIONS:
        query["permutations"] = str(result["permutations"])
    return query


def _class_label(result: dict, cls: str, lang: str) -> str:
    return text(f"cluster_{cls}" if result["local_method"] == "lisa" else f"gi_{cls}", lang)


def _legend(result: dict, lang: str) -> list[dict]:
    entries = [
        {
            "id": c,
            "label": _class_label(result, c, lang),
            "color": result["colors"][c],
            "count": result["counts"][c],
        }
        for c in result["classes"]
    ]
    outside = result["n_missing"] + len(result["islands"])
    entries.append(
        {
            "id": "outside",
            "label": text("cluster_outside", lang),
            "color": OUTSIDE_COLOR,
            "count": outside,
            "missing": True,
        }
    )
    return entries


def _legend_title(result: dict, lang: str) -> str:
    """ "LISA · p ≤ 0.05 · <correction> · 9,999 permutations" (Gi*: the confidence levels)."""
    correction = text(f"correction_{result['correction']}", lang)
    perms = text("permutations_count", lang).format(n=f"{result['permutations']:,}")
    if result["local_method"] == "lisa":
        return f"LISA · p ≤ {result['alpha']:g} · {correction} · {perms}"
    return f"Gi* · 90/95/99 % · {correction} · {perms}"


def _render_clusters(embed: bool) -> str:
    lang = _lang()
    basemap = check_basemap(request.args.get("basemap") or DEFAULT_BASEMAP, current_app.config)
    data, result = autocorrelation_from_params(request.args, current_app.config)
    frame = cluster_frame(data, result)
    local_query = _cluster_query(data, result)
    query = {**local_query, "lang": lang, "basemap": basemap.id}
    fmap = maps.base_map(basemap)
    legend = _legend(result, lang)
    # The light map TopoJSON the choropleths draw (cached by the browser across maps) and
    # each unit's class inline: the cluster GeoJSON download is ~860 KB for counties.
    units = {
        r.adcode: [
            r.status,
            r.value,
            r.spatial_lag,
            r.p_value,
            r.cluster,
            r.p_text if isinstance(r.p_text, str) else None,
        ]
        for r in frame.itertuples()
    }
    maps.add_layer(
        fmap,
        "clusters",
        {
            "url": url_for("downloads.regions_topojson", level=data.level, view="map"),
            "object": "regions",
            "units": units,
            "colors": {**result["colors"], "outside": OUTSIDE_COLOR},
            "labels": {e["id"]: e["label"] for e in legend},
            "lang": lang,
            "unit": data.source.unit_label(lang),
            "decimals": data.source.decimals,
            "valueLabel": data.source.title(lang),
            "lagLabel": text("spatial_lag", lang),
            "pLabel": text("p_value", lang),
            "noData": text("no_data", lang),
            "islandLabel": text("cluster_island", lang),
            "specialLabel": text("special_area", lang),
            "shiftToGcj02": basemap.datum == "GCJ02",
            **maps.with_outlines({}, data.level),
        },
    )
    key = "name_zh" if lang == "zh" else "name_en"
    regular = frame[~frame["special"]]
    rows = [
        {
            "adcode": r.adcode,
            "name": getattr(r, key),
            "value": r.value,
            "display": format_value(r.value, data.source, lang),
            "lag": None
            if r.spatial_lag is None
            else format_value(r.spatial_lag, data.source, lang),
            "p": r.p_value,
            "p_adjusted": r.p_adjusted,
            "p_text": r.p_text,
            "cluster": r.cluster or "outside",
            "status": r.status,
        }
        for r in regular.itertuples()
    ]
    title = data.source.title(lang)
    heading_key = "clusters_title" if result["local_method"] == "lisa" else "gi_title"
    page_url = url_for("analysis.clusters_page", _external=True, **query)
    return render_template(
        "clusters.html",
        embed=embed,
        data=data,
        result=result,
        title=title,
        heading=f"{text(heading_key, lang)} · {title}",
        subtitle=_subtitle(data, lang),
        legend=legend,
        labels={e["id"]: e["label"] for e in legend},
        colors={**result["colors"], "outside": OUTSIDE_COLOR},
        rows=rows,
        fmap=maps.render(fmap),
        query=query,
        method=text("clusters_method_v2", lang).format(
            seed=SEED,
            permutations=f"{result['permutations']:,}",
            correction=text(f"correction_{result['correction']}", lang),
        ),
        methods=METHODS,
        corrections=CORRECTIONS,
        permutation_range=(MIN_PERMUTATIONS, MAX_PERMUTATIONS),
        legend_title=_legend_title(result, lang),
        downloads={
            fmt: url_for("analysis.clusters_download", fmt=fmt, **local_query)
            for fmt in ("geojson", "csv")
        },
        exports=export_links("analysis.clusters_export", **query),
        embed_snippet=views.embed_snippet("analysis.clusters_embed", title, **query),
        # a count has no inequality page (it is refused): no link to it
        inequality_url=None
        if kind_of(data.source) == "count"
        else url_for("analysis.inequality_page", **data.query(), lang=lang),
        map_url=url_for("pages.choropleth", **data.query(), lang=lang),
        api_url=url_for("analysis.autocorrelation_api", **local_query),
        trend_url=_trend_url(data, {}, lang) if kind_of(data.source) != "count" else None,
        chrome=request.args.get("chrome") != "0",
        page_url=page_url,
        **views.template_globals(lang),
    )


@bp.get("/maps/clusters")
@cached_view("page")
def clusters_page():
    return _render_clusters(embed=False)


@bp.get("/embed/clusters")
@cached_view("page")
def clusters_embed():
    return _render_clusters(embed=True)


@bp.get("/download/clusters.<fmt>")
@cached_view("download")
def clusters_download(fmt: str):
    if fmt not in ("geojson", "csv"):
        raise BadParameter("format", fmt, ("geojson", "csv"))
    data, result = autocorrelation_from_params(request.args, current_app.config)
    frame = cluster_frame(data, result)
    name = f"jjj_clusters_{data.level}_{data.source.slug}"
    if result["local_method"] != "lisa":
        name = name.replace("clusters", "hotspots", 1)
    if data.year is not None:
        name += f"_{data.year}"
    body = exports.frame_export(frame, name, fmt)
    if fmt == "geojson":
        import json

        collection = json.loads(body)
        collection["analysis"] = {
            k: result[k]
            for k in (
                "source",
                "level",
                "year",
                "n",
                "n_missing",
                "moran_i",
                "expected_i",
                "p_value",
                "local_method",
                "permutations",
                "p_floor",
                "correction",
                "seed",
                "alpha",
                "classes",
                "n_significant",
                "counts",
                "weights",
                "islands",
                "left_out",
                "statement",
                "statements",
            )
        }
        body = finite_dumps(collection, ensure_ascii=False, separators=(",", ":")).encode()
    mimetype = "application/geo+json" if fmt == "geojson" else "text/csv"
    return attachment(body, mimetype, f"{name}.{fmt}")


@bp.get("/export/clusters.<fmt>")
@cached_view("download")
def clusters_export(fmt: str):
    options = render.export_options(request.args, fmt)
    lang = _lang()
    data, result = autocorrelation_from_params(request.args, current_app.config)
    frame = cluster_frame(data, result)
    heading_key = "clusters_title" if result["local_method"] == "lisa" else "gi_title"
    result = {**result, "legend_title": _legend_title(result, lang)}
    body = render_clusters(
        frame,
        result,
        options,
        lang,
        f"{text(heading_key, lang)} · {data.source.title(lang)}",
        _subtitle(data, lang),
        data.source.source_text(lang),
        _legend(result, lang),
    )
    name = f"jjj_clusters_{data.level}_{data.source.slug}_{lang}.{options.format}"
    return attachment(body, options.mimetype, name)


@bp.errorhandler(render.FontMissing)
def _font_missing(err: render.FontMissing):
    return error_response(503, str(err))
