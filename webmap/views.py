"""Rendering shared by the map pages and their embeds (same spec, with or without chrome)."""

from __future__ import annotations

from flask import current_app, render_template, request, url_for
from markupsafe import escape

from geo.analysis.classify import DIVERGING_PALETTES, K_RANGE, PALETTES, SCHEMES
from geo.i18n import text
from geo.maps.basemaps import BASEMAPS, available_basemaps
from geo.maps.describe import (
    choropleth_rows,
    choropleth_subtitle,
    choropleth_summary,
    corridor_subtitle,
    corridor_summary,
)
from geo.maps.labels import LABEL_MODES
from geo.maps.linkmap import link_style_options, zone_link_kinds
from geo.maps.mapspec import (
    CHANGE_MODES,
    ChoroplethSpec,
    CorridorSpec,
    palette_swatches,
    year_choices,
)
from geo.maps.points import valid_tokens

from . import maps
from .datatable import table_body
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


def responsive_snippet(
    src: str, title: str, width: int | None = None, height: int = EMBED_HEIGHT
) -> str:
    """An iframe plus the sizing script (static/embed.js) from this origin.

    The script sets the iframe's height from the embed's ``postMessage``; without it the
    iframe keeps ``height`` and the embed fills it.
    """
    script = url_for("static", filename="embed.js", _external=True)
    style = "border:0;width:100%" + (f";max-width:{width}px" if width else "")
    return (
        f'<iframe src="{escape(src)}" title="{escape(title)}" width="{width or "100%"}" '
        f'height="{height}" style="{style}" loading="lazy" data-jjj-atlas></iframe>'
        f'<script src="{escape(script)}" async></script>'
    )


def embed_snippet(endpoint: str, title: str, **values) -> str:
    return responsive_snippet(url_for(endpoint, _external=True, **values), title)


def embed_context(page_url: str) -> dict:
    """What a page and its embed share about embedding: the chrome flag, the page's URL."""
    return {"chrome": request.args.get("chrome") != "0", "page_url": page_url}


def source_url(spec: ChoroplethSpec) -> str:
    """Where a map's values are cited one by one: the indicator API or the dataset version."""
    if getattr(spec.indicator, "kind", "indicator") == "dataset":
        info = spec.indicator.dataset_dict()
        return url_for("datasets.version_page", dataset_id=info["id"], version=info["version"])
    return url_for("api.indicator", indicator_id=spec.indicator.id)


def render_choropleth(spec: ChoroplethSpec, embed: bool) -> str:
    data = spec.data_query()
    fmap = maps.base_map(spec.basemap)
    maps.add_layer(
        fmap,
        "regions",
        maps.with_outlines(
            spec.layer_options(url_for("downloads.regions_topojson", **data, view="map")),
            spec.level,
        ),
    )
    rows = choropleth_rows(spec)
    return render_template(
        "choropleth.html",
        spec=spec,
        embed=embed,
        rows=rows,
        data_table_body=table_body(rows, spec.lang),
        summary=choropleth_summary(spec, rows),
        subtitle=choropleth_subtitle(spec),
        source_url=source_url(spec),
        fmap=maps.render(fmap),
        schemes=SCHEMES,
        k_range=K_RANGE,
        palettes=PALETTES,
        diverging_palettes=DIVERGING_PALETTES,
        change_modes=CHANGE_MODES,
        year_choices=year_choices(spec.indicator, spec.level),
        palette_swatches=palette_swatches(spec.k, diverging=spec.compare is not None),
        label_modes=LABEL_MODES,
        point_tokens=valid_tokens(),
        downloads={
            "geojson": url_for("downloads.regions_geojson", **data),
            "csv": url_for("downloads.regions_csv", **data),
        },
        embed_snippet=embed_snippet("embed.choropleth", spec.title, **spec.query()),
        exports=export_links("export.choropleth", **spec.query()),
        **embed_context(url_for("pages.choropleth", _external=True, **spec.query())),
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
        summary=corridor_summary(spec),
        subtitle=corridor_subtitle(spec),
        fmap=maps.render(fmap),
        downloads={"geojson": url_for("downloads.corridor_geojson", **data)},
        exports=export_links("export.corridor", zone_id=spec.zone.id, **spec.query()),
        zone_links=zone_link_kinds(spec.zone.id, spec.lang),
        zone_links_url=url_for("links.page", zone=spec.zone.id, lang=spec.lang),
        embed_snippet=embed_snippet(
            "embed.corridor", spec.zone.name(spec.lang), zone_id=spec.zone.id, **spec.query()
        ),
        **embed_context(
            url_for("pages.corridor", zone_id=spec.zone.id, _external=True, **spec.query())
        ),
        **template_globals(spec.lang),
    )
