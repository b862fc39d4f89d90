"""The map page's style inside a GeoPackage: a ``layer_styles`` table (QML and SLD).

QGIS opens a GeoPackage layer with the default style stored in its ``layer_styles`` table,
so a choropleth download (``/download/regions.gpkg?indicators=…&scheme=&k=&palette=``)
opens drawn as the web map draws it: the same classes (the breaks and colours of
:class:`geo.analysis.classify.Classification`, from the same
:func:`geo.maps.mapspec.choropleth_spec` the page uses), the legend's labels, the
"no data" grey with a dashed outline, and overlay units such as Xiong'an as a dashed
purple outline without fill. The SLD carries the same rules for other clients.

A class ``i`` holds the values ``v`` with ``bins[i-1] < v <= bins[i]`` (the first class
everything up to ``bins[0]``, the last everything above ``bins[-2]``): exactly
``Classification.class_of``, so no value falls between rules.
"""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET
from dataclasses import dataclass

import pandas as pd

#: How the web map outlines units (webmap/static/atlas.js, ``regions`` layer).
OUTLINE = "#ffffff"
MISSING_OUTLINE = "#969696"
SPECIAL_OUTLINE = "#7a0177"
FILL_OPACITY = 0.85
#: The name of the stored style (QGIS lists it in Layer Properties → Style).
STYLE_NAME = "JJJ Atlas map"


@dataclass(frozen=True)
class StyleRule:
    """One legend entry: units whose ``property`` is in (lower, upper] get ``color``."""

    label: str
    color: str
    lower: float | None = None  # exclusive; None: no lower bound
    upper: float | None = None  # inclusive; None: no upper bound
    missing: bool = False


@dataclass(frozen=True)
class LayerStyle:
    """A choropleth style: the property coloured, its classes and the title."""

    title: str
    property: str
    rules: tuple[StyleRule, ...]
    missing_color: str

    @property
    def key(self) -> tuple:
        """What the style depends on (part of the download's cache key)."""
        return ("style", self.property, self.rules, self.missing_color, self.title)


def choropleth_style(spec) -> LayerStyle | None:
    """The style of a :class:`geo.maps.mapspec.ChoroplethSpec` (None: no values to class)."""
    c = spec.classification
    if c is None:
        return None
    entries = [entry for entry in spec.legend if not entry.missing]
    rules = []
    for i, (upper, color) in enumerate(zip(c.bins, c.colors)):
        lower = None if i == 0 else float(c.bins[i - 1])
        last = i == len(c.bins) - 1
        label = entries[i].label if i < len(entries) else f"≤ {upper:g}"
        rules.append(StyleRule(label, color, lower, None if last else float(upper)))
    missing_label = next((e.label for e in spec.legend if e.missing), "no data")
    rules.append(StyleRule(missing_label, spec.missing_color, missing=True))
    unit = spec.unit
    title = spec.legend_title + (f" ({unit})" if unit else "")
    return LayerStyle(title, spec.property_name, tuple(rules), spec.missing_color)


def _rgba(color: str, alpha: float = 1.0) -> str:
    color = color.lstrip("#")
    red, green, blue = (int(color[i : i + 2], 16) for i in (0, 2, 4))
    return f"{red},{green},{blue},{round(alpha * 255)}"


def _number(value: float) -> str:
    return repr(float(value)) if math.isfinite(value) else "0"


def qgis_filter(rule: StyleRule, prop: str) -> str:
    """The QGIS expression of ``rule`` (regular units only)."""
    field = '"' + prop.replace('"', '""') + '"'
    parts = ['NOT coalesce("special", 0)']
    if rule.missing:
        parts.append(f"{field} IS NULL")
    else:
        if rule.lower is not None:
            parts.append(f"{field} > {_number(rule.lower)}")
        if rule.upper is not None:
            parts.append(f"{field} <= {_number(rule.upper)}")
        if rule.lower is None and rule.upper is None:
            parts.append(f"{field} IS NOT NULL")
    return " AND ".join(parts)


def _fill_symbol(parent, name: str, fill: str | None, outline: str, width: float, dashed: bool):
    symbol = ET.SubElement(
        parent,
        "symbol",
        {"type": "fill", "name": name, "alpha": "1", "clip_to_extent": "1", "force_rhr": "0"},
    )
    layer = ET.SubElement(
        symbol, "layer", {"class": "SimpleFill", "enabled": "1", "pass": "0", "locked": "0"}
    )
    props = {
        "color": _rgba(fill, FILL_OPACITY) if fill else "0,0,0,0",
        "style": "solid" if fill else "no",
        "outline_color": _rgba(outline),
        "outline_style": "dash" if dashed else "solid",
        "outline_width": f"{width:g}",
        "outline_width_unit": "MM",
    }
    options = ET.SubElement(layer, "Option", {"type": "Map"})
    for key, value in props.items():
        ET.SubElement(options, "Option", {"type": "QString", "name": key, "value": value})
    for key, value in props.items():  # the older form, read by QGIS before 3.26 as well
        ET.SubElement(layer, "prop", {"k": key, "v": value})


def qml(style: LayerStyle) -> str:
    """A QGIS style document (rule-based renderer) for ``style``."""
    root = ET.Element("qgis", {"version": "3.22.16-Białowieża", "styleCategories": "Symbology"})
    renderer = ET.SubElement(
        root,
        "renderer-v2",
        {"type": "RuleRenderer", "symbollevels": "0", "enableorderby": "0", "forceraster": "0"},
    )
    rules = ET.SubElement(renderer, "rules", {"key": "{jjj-root}"})
    symbols = ET.Element("symbols")
    for n, rule in enumerate(style.rules):
        ET.SubElement(
            rules,
            "rule",
            {
                "key": f"{{jjj-class-{n}}}",
                "symbol": str(n),
                "label": rule.label,
                "filter": qgis_filter(rule, style.property),
            },
        )
        outline = MISSING_OUTLINE if rule.missing else OUTLINE
        _fill_symbol(
            symbols, str(n), rule.color, outline, 0.35 if rule.missing else 0.26, rule.missing
        )
    special = len(style.rules)
    ET.SubElement(
        rules,
        "rule",
        {
            "key": "{jjj-special}",
            "symbol": str(special),
            "label": "overlay unit (counted in its counties)",
            "filter": 'coalesce("special", 0)',
        },
    )
    _fill_symbol(symbols, str(special), None, SPECIAL_OUTLINE, 0.7, True)
    renderer.append(symbols)
    ET.SubElement(root, "layerGeometryType").text = "2"
    body = ET.tostring(root, encoding="unicode")
    return "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n" + body


SLD = "http://www.opengis.net/sld"
OGC = "http://www.opengis.net/ogc"
SE = "http://www.opengis.net/se"


def _sld_filter(parent, rule: StyleRule, prop: str):
    ogc_filter = ET.SubElement(parent, f"{{{OGC}}}Filter")
    conditions = []

    def compare(tag: str, name: str, value: str):
        node = ET.Element(f"{{{OGC}}}{tag}")
        ET.SubElement(node, f"{{{OGC}}}PropertyName").text = name
        ET.SubElement(node, f"{{{OGC}}}Literal").text = value
        conditions.append(node)

    compare("PropertyIsEqualTo", "special", "0")
    if rule.missing:
        null = ET.Element(f"{{{OGC}}}PropertyIsNull")
        ET.SubElement(null, f"{{{OGC}}}PropertyName").text = prop
        conditions.append(null)
    else:
        if rule.lower is not None:
            compare("PropertyIsGreaterThan", prop, _number(rule.lower))
        if rule.upper is not None:
            compare("PropertyIsLessThanOrEqualTo", prop, _number(rule.upper))
    both = ET.SubElement(ogc_filter, f"{{{OGC}}}And")
    both.extend(conditions)


def sld(style: LayerStyle, layer: str) -> str:
    """An SLD 1.1 document with the same rules as :func:`qml`."""
    ET.register_namespace("sld", SLD)
    ET.register_namespace("ogc", OGC)
    ET.register_namespace("se", SE)
    root = ET.Element(f"{{{SLD}}}StyledLayerDescriptor", {"version": "1.1.0"})
    named = ET.SubElement(root, f"{{{SLD}}}NamedLayer")
    ET.SubElement(named, f"{{{SE}}}Name").text = layer
    user = ET.SubElement(named, f"{{{SLD}}}UserStyle")
    ET.SubElement(user, f"{{{SE}}}Name").text = STYLE_NAME
    ET.SubElement(ET.SubElement(user, f"{{{SE}}}Description"), f"{{{SE}}}Title").text = style.title
    feature_style = ET.SubElement(user, f"{{{SE}}}FeatureTypeStyle")
    for rule in style.rules:
        node = ET.SubElement(feature_style, f"{{{SE}}}Rule")
        ET.SubElement(node, f"{{{SE}}}Name").text = rule.label
        _sld_filter(node, rule, style.property)
        symbolizer = ET.SubElement(node, f"{{{SE}}}PolygonSymbolizer")
        fill = ET.SubElement(symbolizer, f"{{{SE}}}Fill")
        ET.SubElement(fill, f"{{{SE}}}SvgParameter", {"name": "fill"}).text = rule.color
        ET.SubElement(fill, f"{{{SE}}}SvgParameter", {"name": "fill-opacity"}).text = str(
            FILL_OPACITY
        )
        stroke = ET.SubElement(symbolizer, f"{{{SE}}}Stroke")
        outline = MISSING_OUTLINE if rule.missing else OUTLINE
        ET.SubElement(stroke, f"{{{SE}}}SvgParameter", {"name": "stroke"}).text = outline
    return ET.tostring(root, encoding="unicode", xml_declaration=False)


def layer_styles_frame(style: LayerStyle, layer: str, geometry_column: str, stamp: str):
    """The one row of QGIS's ``layer_styles`` table: ``style`` as the layer's default."""
    return pd.DataFrame(
        [
            {
                "f_table_catalog": "",
                "f_table_schema": "",
                "f_table_name": layer,
                "f_geometry_column": geometry_column,
                "styleName": STYLE_NAME,
                "styleQML": qml(style),
                "styleSLD": sld(style, layer),
                "useAsDefault": True,
                "description": style.title,
                "owner": "JJJ Atlas",
                "ui": "",
                "update_time": stamp,
            }
        ]
    )
