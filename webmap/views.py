"""Rendering shared by the map pages and their embeds (same spec, with or without chrome)."""

from __future__ import annotations

from flask import current_app, render_template, request, url_for
from markupsafe import escape

from geo.basemaps import BASEMAPS, available_basemaps
from geo.classify import DIVERGING_PALETTES, K_RANGE, PALETTES, SCHEMES
from geo.i18n import text
from geo.linkmap import link_style_options, zone_link_kinds
from geo.mapspec import CHANGE_MODES, ChoroplethSpec, CorridorSpec

from . import maps
from .export import export_links

EMBED_HEIGHT = 480


def template_globals(lang: str) -> dict:
    other = "zh" if lang == "en" else "en"
    args = request.args.to_dict()
    args["lang"] = other
    return {
        "lang": lang,
        "t": lambda key: text(key, lang),
        "lang_url": url_for(request.endpoint, **(request.view_args or {}), **args),
        "basemaps": [BASEMAPS[b] for b in available_basemaps(current_app.config)],
    }


def embed_snippet(endpoint: str, title: str, **values) -> str:
    src = url_for(endpoint, _external=True, **values)
    return (
        f'<iframe src="{src}" width="100%" height="{EMBED_HEIGHT}" style="border:0" '
        f'loading="lazy" title="{escape(title)}"></iframe>'
    )


def render_choropleth(spec: ChoroplethSpec, embed: bool) -> str:
    data = spec.data_query()
    fmap = maps.base_map(spec.basemap)
    maps.add_layer(
        fmap, "regions", spec.layer_options(url_for("downloads.regions_topojson", **data))
    )
    return render_template(
        "choropleth.html",
        spec=spec,
        embed=embed,
        fmap=maps.render(fmap),
        schemes=SCHEMES,
        k_range=K_RANGE,
        palettes=PALETTES,
        diverging_palettes=DIVERGING_PALETTES,
        change_modes=CHANGE_MODES,
        downloads={
            "geojson": url_for("downloads.regions_geojson", **data),
            "csv": url_for("downloads.regions_csv", **data),
        },
        embed_snippet=embed_snippet("embed.choropleth", spec.title, **spec.query()),
        exports=export_links("export.choropleth", **spec.query()),
        **template_globals(spec.lang),
    )


def render_corridor(spec: CorridorSpec, embed: bool) -> str:
    fmap = maps.base_map(spec.basemap)
    data = {"zone": spec.zone.id, "band_km": f"{spec.analysis.band_km:g}"}
    options = spec.layer_options(url_for("downloads.corridor_geojson", **data))
    options["contextUrl"] = url_for("downloads.regions_topojson", level="prefecture")
    # Cooperation links whose both ends lie in the zone's members.
    options["linksUrl"] = url_for("links.download", fmt="geojson", zone=spec.zone.id)
    options["links"] = link_style_options(spec.lang, spec.basemap)
    maps.add_layer(fmap, "corridor", options)
    return render_template(
        "corridor.html",
        spec=spec,
        embed=embed,
        fmap=maps.render(fmap),
        downloads={"geojson": url_for("downloads.corridor_geojson", **data)},
        exports=export_links("export.corridor", zone_id=spec.zone.id, **spec.query()),
        zone_links=zone_link_kinds(spec.zone.id, spec.lang),
        zone_links_url=url_for("links.page", zone=spec.zone.id, lang=spec.lang),
        embed_snippet=embed_snippet(
            "embed.corridor", spec.zone.name(spec.lang), zone_id=spec.zone.id, **spec.query()
        ),
        **template_globals(spec.lang),
    )
