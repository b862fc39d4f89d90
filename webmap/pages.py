"""Map pages: the gallery, choropleth maps and corridor maps (with page chrome)."""

from __future__ import annotations

from flask import Blueprint, current_app, redirect, render_template, request, url_for

from geo.i18n import DEFAULT_LANG, check_lang, text
from geo.maps.basemaps import DEFAULT_BASEMAP, check_basemap
from geo.maps.labels import web_label_options
from geo.maps.mapspec import choropleth_spec, corridor_spec, default_level
from geo.sources.catalog import aliases, indicators
from geo.sources.indicators import coverage
from geo.sources.zones import zones

from . import maps, views
from .caching import cached_view

bp = Blueprint("pages", __name__)


@bp.get("/")
@cached_view("page")
def gallery():
    lang = check_lang(request.args.get("lang") or DEFAULT_LANG)
    basemap = check_basemap(request.args.get("basemap") or DEFAULT_BASEMAP, current_app.config)
    fmap = maps.base_map(basemap)
    maps.add_layer(
        fmap,
        "regions",
        {
            "url": url_for("downloads.regions_topojson", level="prefecture"),
            "object": "regions",
            "className": "jjj-region",
            "specialLabel": text("special_area", lang),
            "shiftToGcj02": basemap.datum == "GCJ02",
            "lang": lang,
            # Place names of the 13 prefecture-level units and Xiong'an (geo.maps.labels).
            "labelPoints": web_label_options("prefecture", lang),
        },
    )
    cards = [
        {
            "indicator": ind,
            "levels": ind.levels,
            "url": url_for(
                "pages.choropleth", indicator=ind.id, level=default_level(ind), lang=lang
            ),
            # What the linked map shows: its level and year, how many units have a value.
            "coverage": dict(zip(("with_value", "units"), coverage(ind.id, default_level(ind)))),
        }
        for ind in indicators()
    ]
    zone_cards = [
        {"zone": z, "url": url_for("pages.corridor", zone_id=z.id, lang=lang)} for z in zones()
    ]
    return render_template(
        "gallery.html",
        fmap=maps.render(fmap),
        cards=cards,
        zone_cards=zone_cards,
        **views.template_globals(lang),
    )


@bp.get("/maps/choropleth")
def choropleth():
    # Old one-year ids (population_2020) redirect to the indicator with that year; the
    # redirect is answered before the page cache, which keeps bodies, not statuses.
    old_id = request.args.get("indicator", "")
    if old_id in aliases():
        target, year = aliases()[old_id]
        args = request.args.to_dict()
        args.update(indicator=target, year=str(args.get("year") or year))
        return redirect(url_for("pages.choropleth", **args), code=301)
    return _choropleth_page()


@cached_view("page")
def _choropleth_page():
    spec = choropleth_spec(request.args, current_app.config)
    return views.render_choropleth(spec, embed=False)


@bp.get("/maps/corridor/<zone_id>")
@cached_view("page")
def corridor(zone_id: str):
    spec = corridor_spec(zone_id, request.args, current_app.config)
    return views.render_corridor(spec, embed=False)
