"""folium map builders: a Leaflet map whose layers fetch their data from download URLs.

Leaflet and topojson-client are served from this app (``static/vendor``), not a CDN, so
pages work offline and under a strict CSP; only basemap tiles come from elsewhere.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import folium
from branca.element import MacroElement
from flask import current_app, url_for
from jinja2 import Template
from jinja2.utils import htmlsafe_json_dumps
from markupsafe import Markup, escape

from geo.i18n import text
from geo.maps.basemaps import Basemap

#: Initial view: the centre of Beijing–Tianjin–Hebei (layers then fit their bounds).
JJJ_CENTER = (39.3, 116.4)


class AtlasLayer(MacroElement):
    """Calls ``JJJAtlas.<function>(map, options)`` from static/atlas.js."""

    _template = Template(
        "{% macro script(this, kwargs) %}"
        "JJJAtlas.{{ this.function }}({{ this._parent.get_name() }}, {{ this.options|tojson }});"
        "{% endmacro %}"
    )

    def __init__(self, function: str, options: dict):
        super().__init__()
        self._name = "AtlasLayer"
        self.function = function
        self.options = options


@dataclass
class RenderedMap:
    header: Markup
    html: Markup
    script: Markup


class MapBuilder:
    """What :func:`base_map` returns: a basemap and the atlas layers added to it.

    folium builds and renders a map in ~10 ms (a tile layer looks its URL up among all
    xyzservices providers, elements compile templates); the part of the output that does
    not depend on the layers — header, map div, map and tile-layer script — is the same for
    every page on one basemap. :func:`render` therefore has folium render each basemap once
    and appends each layer's ``JJJAtlas.<function>(map, options)`` call itself, the same
    text ``AtlasLayer`` renders (tests/test_cold_work.py compares the two).
    """

    def __init__(self, basemap: Basemap):
        self.basemap = basemap
        self.layers: list[AtlasLayer] = []
        #: Scripts beyond Leaflet, topojson-client and atlas.js, as folium's ``default_js``
        #: (name, URL) pairs: loaded after those (e.g. static/dataset_points.js).
        self.default_js: list[tuple[str, str]] = []

    def add_child(self, element: AtlasLayer) -> MapBuilder:
        self.layers.append(element)
        return self


def base_map(basemap: Basemap) -> MapBuilder:
    """An empty map on ``basemap`` with locally served Leaflet (no tiles for ``none``)."""
    return MapBuilder(basemap)


def folium_map(basemap: Basemap) -> folium.Map:
    """The folium map :func:`base_map` stands for (rendered once per basemap)."""
    fmap = folium.Map(
        location=JJJ_CENTER,
        zoom_start=7,
        tiles=None,
        control_scale=True,
        width="100%",
        height="100%",
        zoom_snap=0.25,  # fit small frames (embeds, phones) closely, not at whole zoom levels
    )
    # Per-instance resource lists: only what the atlas needs, from this origin.
    fmap.default_js = [
        ("leaflet", url_for("static", filename="vendor/leaflet/leaflet.js")),
        ("topojson", url_for("static", filename="vendor/topojson-client/topojson-client.min.js")),
        ("atlas", url_for("static", filename="atlas.js")),
        ("place_search", url_for("static", filename="place_search.js")),
    ]
    fmap.default_css = [
        ("leaflet_css", url_for("static", filename="vendor/leaflet/leaflet.css")),
        ("atlas_css", url_for("static", filename="atlas.css")),
    ]
    tiles = basemap.tiles_url(current_app.config)
    if tiles:
        folium.TileLayer(
            tiles=tiles,
            attr=basemap.attribution,
            name=basemap.title_en,
            subdomains=basemap.subdomains,
            max_zoom=basemap.max_zoom,
        ).add_to(fmap)
    return fmap


def page_options(lang: str) -> dict:
    """Options every map layer takes in the page's language: the note shown when basemap
    tiles cannot be loaded, and the scale bar's words (metric only, no "mi")."""
    return {
        "basemapNote": text("i16_basemap_unavailable", lang),
        "loadError": text("i16_load_error", lang),
        "scaleWords": {"km": text("i16_km", lang), "m": text("i16_m", lang)},
        "placeSearch": place_search_options(lang),
    }


def place_search_options(lang: str) -> dict:
    """What every map's place search box (static/place_search.js) needs: the index URL and
    its words in the page's language."""

    def word(key: str) -> str:
        return text(f"place_search_{key}", lang)

    words = {
        "label": word("label"),
        "placeholder": word("placeholder"),
        "noMatch": word("no_match"),
        "unavailable": word("unavailable"),
        "formerName": word("former_name"),
        "shown": word("shown"),
        **{level: text(level, lang) for level in ("province", "prefecture", "county")},
    }
    return {"url": url_for("api.places"), "lang": lang, "words": words}


def with_outlines(options: dict, level: str) -> dict:
    """County maps draw the prefecture outlines above the county borders (the lighter map
    TopoJSON the choropleth pages already fetch, so the browser usually has it cached)."""
    if level == "county":
        options["outlineUrl"] = url_for(
            "downloads.regions_topojson", level="prefecture", view="map"
        )
    return options


def add_layer(fmap: folium.Map, function: str, options: dict) -> None:
    if options.get("lang"):
        options = {**page_options(options["lang"]), **options}
    fmap.add_child(AtlasLayer(function, options))


def render(fmap: MapBuilder | folium.Map) -> RenderedMap:
    """Split a map into header links, map div and script, for our own templates."""
    if isinstance(fmap, folium.Map):
        return _render_folium(fmap)
    base, name = _rendered_base(fmap.basemap)
    calls = "".join(
        f"\n    JJJAtlas.{layer.function}({name}, "
        f"{htmlsafe_json_dumps(layer.options, sort_keys=True)});"
        for layer in fmap.layers
    )
    extra = "".join(f'\n<script src="{escape(url)}"></script>' for _, url in fmap.default_js)
    return RenderedMap(
        header=Markup(str(base.header) + extra),
        html=base.html,
        script=Markup(str(base.script) + calls),
    )


_bases: dict[tuple, tuple[RenderedMap, str]] = {}


def _rendered_base(basemap: Basemap) -> tuple[RenderedMap, str]:
    """The rendered layerless folium map on ``basemap`` and its JS variable name, once per
    basemap, tile URL and static asset URLs (content-versioned) of this app."""
    key = (
        basemap.id,
        basemap.tiles_url(current_app.config),
        url_for("static", filename="atlas.js"),
        url_for("static", filename="place_search.js"),
        url_for("static", filename="vendor/leaflet/leaflet.js"),
    )
    found = _bases.get(key)
    if found is None:
        fmap = folium_map(basemap)
        found = _bases[key] = (_render_folium(fmap), fmap.get_name())
    return found


def _render_folium(fmap: folium.Map) -> RenderedMap:
    root = fmap.get_root()
    root.render()
    # No nonce: pages are cached, so the CSP lists the hashes of their inline scripts.
    # folium's viewport meta forbids zooming (WCAG 1.4.4); base.html has its own.
    header = re.sub(r'<meta name="viewport"[^>]*user-scalable=no[^>]*>', "", root.header.render())
    return RenderedMap(
        header=Markup(header),
        html=Markup(root.html.render()),
        script=Markup(root.script.render()),
    )
