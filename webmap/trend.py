"""Inequality over time (:mod:`geo.analysis.trend`): the API, the page, its exports and the
CSV of its table.

- ``GET /api/analysis/inequality/trend?indicator=&level=&years=&weight=&groups=``
- ``GET /analysis/trend`` (same parameters and ``lang``): line chart as inline SVG, table,
  σ- and β-convergence sentences, downloads;
- ``GET /export/analysis/trend.{png,svg,pdf}`` and ``GET /download/analysis/trend.csv``.
"""

from __future__ import annotations

import csv
import io

from flask import Blueprint, current_app, render_template, request, url_for

from geo import render
from geo.analysis.inequality import DEFAULT_GROUPING, NAMED_GROUPINGS
from geo.analysis.measures import allowed_weights, kind_of, rates_of
from geo.analysis.trend import trend_from_params
from geo.i18n import DEFAULT_LANG, check_lang, text
from geo.render.trend_chart import render_trend, trend_svg
from geo.sources.indicators import bundled_indicator

from . import views
from .caching import attachment, cached_view
from .export import export_links

bp = Blueprint("trend", __name__)

#: The CSV's columns, one row per year.
CSV_COLUMNS = (
    "segment",
    "year",
    "n",
    "gini",
    "theil",
    "cv",
    "theil_between",
    "theil_within",
    "between_share",
    "mean",
    "weight",
    "population_year",
)


def trend_target(source, level: str) -> dict[str, str] | None:
    """URL parameters of the trend a choropleth of ``source`` links to: its own when it has
    several years and is not a count; for a count, the first rate of it with several years
    (``population`` → ``population_density``); None otherwise."""
    if len(getattr(source, "all_years", ())) > 1 and kind_of(source) != "count":
        return source.query_params()
    if kind_of(source) == "count":
        for rate in rates_of(source.query_params().get("indicator", "")):
            indicator = bundled_indicator(rate)
            if len(indicator.all_years) > 1 and level in indicator.levels:
                return {"indicator": rate}
    return None


@bp.app_context_processor
def _trend_helpers() -> dict:
    return {"trend_target": trend_target}


def _lang() -> str:
    return check_lang(request.args.get("lang") or DEFAULT_LANG)


def _query(data, result, lang: str | None = None) -> dict[str, str]:
    """Canonical URL parameters of one trend view."""
    query = {**data.source.query_params(), "level": data.level}
    if result["years"] != list(data.source.all_years):
        query["years"] = ",".join(map(str, result["years"]))
    if result["weight"] != "none":
        query["weight"] = result["weight"]
    if result["groups"] != DEFAULT_GROUPING[data.level]:
        query["groups"] = result["groups"]
    if lang:
        query["lang"] = lang
    return query


def _subtitle(data, result, lang: str) -> str:
    years = result["years"]
    return " · ".join(
        [
            text(data.level, lang),
            f"{text('trend_years', lang)}: {', '.join(map(str, years))}",
            f"{text('unit', lang)}: {data.source.unit_label(lang)}",
            text(f"weight_shown_{result['weight']}", lang),
        ]
    )


@bp.get("/api/analysis/inequality/trend")
@cached_view("api")
def trend_api():
    data, result = trend_from_params(request.args, current_app.config)
    query = _query(data, result)
    result["links"] = {
        "page": url_for("trend.trend_page", **query),
        "csv": url_for("trend.trend_csv", **query),
        "map": url_for("pages.choropleth", **data.query()),
    }
    return result


@bp.get("/analysis/trend")
@cached_view("page")
def trend_page():
    lang = _lang()
    data, result = trend_from_params(request.args, current_app.config)
    title = data.source.title(lang)
    query = _query(data, result)
    key = "name_zh" if lang == "zh" else "name_en"
    return render_template(
        "analysis_trend.html",
        data=data,
        result=result,
        title=title,
        subtitle=_subtitle(data, result, lang),
        svg=trend_svg(result, lang, title),
        dropped=[u[key] for u in result["dropped"]],
        left_out=[u[key] for u in result["left_out"]],
        groupings=NAMED_GROUPINGS[data.level],
        weights_allowed=allowed_weights(data.source),
        source_text=data.source.source_text(lang),
        exports=export_links("trend.trend_export", **query, lang=lang),
        api_url=url_for("trend.trend_api", **query),
        csv_url=url_for("trend.trend_csv", **query),
        map_url=url_for("pages.choropleth", **data.query(), lang=lang),
        inequality_url=url_for("analysis.inequality_page", **data.query(), lang=lang),
        **views.template_globals(lang),
    )


@bp.get("/export/analysis/trend.<fmt>")
@cached_view("download")
def trend_export(fmt: str):
    options = render.export_options(request.args, fmt)
    lang = _lang()
    data, result = trend_from_params(request.args, current_app.config)
    body = render_trend(
        result,
        options,
        lang,
        f"{text('trend_title', lang)} · {data.source.title(lang)}",
        _subtitle(data, result, lang),
        data.source.source_text(lang),
    )
    name = f"jjj_inequality_trend_{data.level}_{data.source.slug}_{lang}.{options.format}"
    return attachment(body, options.mimetype, name)


@bp.get("/download/analysis/trend.csv")
@cached_view("download")
def trend_csv():
    data, result = trend_from_params(request.args, current_app.config)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for number, segment in enumerate(result["segments"], start=1):
        for row in segment["series"]:
            writer.writerow(
                [number, row["year"], row["n"]]
                + ["" if row[k] is None else f"{row[k]:.6g}" for k in CSV_COLUMNS[3:10]]
                + [result["weight"], row["population_year"] or ""]
            )
    name = f"jjj_inequality_trend_{data.level}_{data.source.slug}.csv"
    return attachment(buffer.getvalue().encode("utf-8"), "text/csv", name)
