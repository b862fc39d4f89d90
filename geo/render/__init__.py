"""Static maps (PNG, SVG, PDF) drawn with matplotlib, without a browser or a web server.

Fed by the same map specs as the web pages (:mod:`geo.maps.mapspec`), so a printed map shows
the same classes, colours and legend as the interactive one. Drawn in the region's Albers
equal-area projection (:data:`geo.measure.ALBERS_JJJ`) with title, subtitle (unit, year),
legend (with "no data"), scale bar in km, north arrow, source line and credit.

>>> from geo.maps.mapspec import choropleth_spec
>>> from geo.render import export_options, render_choropleth
>>> png = render_choropleth(choropleth_spec({"indicator": "area_km2"}), export_options({}))
"""

from geo.render.choropleth import render_choropleth
from geo.render.corridor import render_corridor
from geo.render.fonts import CJK_FONT_PATH, FontMissing, cjk_font
from geo.render.options import (
    DPI_RANGE,
    FORMATS,
    MIMETYPES,
    WIDTH_RANGE,
    ExportOptions,
    export_options,
)

__all__ = [
    "CJK_FONT_PATH",
    "DPI_RANGE",
    "FORMATS",
    "MIMETYPES",
    "WIDTH_RANGE",
    "ExportOptions",
    "FontMissing",
    "cjk_font",
    "export_options",
    "render_choropleth",
    "render_corridor",
]
