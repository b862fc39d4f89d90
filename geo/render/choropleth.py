"""A choropleth as a static map: the classes, colours and legend of the web map."""

from __future__ import annotations

from functools import lru_cache

import geopandas as gpd
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from geo.i18n import text
from geo.levels import LEVELS
from geo.maps.describe import choropleth_rows, choropleth_subtitle, spec_year
from geo.maps.mapspec import ChoroplethSpec, change_label
from geo.measure import ALBERS_JJJ
from geo.render.annotate import draw_labels, draw_points, point_boxes
from geo.render.layout import INK, Sheet, drawing, edge_color
from geo.render.options import ExportOptions
from geo.sources.regions import regions

SPECIAL_COLOR = "#7a0177"  # the web map's outline colour for special units (Xiong'an)
MISSING_HATCH = "////"
MISSING_EDGE = "#6b6b6b"
PAD = 0.03  # map extent padding, fraction of the region's size


@lru_cache(maxsize=len(LEVELS))
def projected_units(level: str) -> gpd.GeoDataFrame:
    """Units of ``level`` (special ones included) in ALBERS_JJJ metres, cached per process."""
    return regions(level).to_crs(ALBERS_JJJ)


@lru_cache(maxsize=1)
def region_extent() -> tuple[float, float, float, float]:
    """Beijing–Tianjin–Hebei in ALBERS_JJJ metres, padded."""
    xmin, ymin, xmax, ymax = projected_units("province").total_bounds
    dx, dy = (xmax - xmin) * PAD, (ymax - ymin) * PAD
    return (xmin - dx, ymin - dy, xmax + dx, ymax + dy)


def legend_title(spec: ChoroplethSpec) -> str:
    """Unit and year (or change) of the legend, with the web map's note when fewer classes
    are drawn than ``k`` asks ("5 classes asked, 2 drawn: only 2 units have values")."""
    if getattr(spec, "compare", None) is not None:
        title = f"{spec.unit} · {change_label(spec.year, spec.compare, spec.lang)}"
    else:
        year = spec_year(spec)
        title = f"{spec.unit}" + (f" · {year}" if year else "")
    note = getattr(spec, "classes_reason", None)  # a planner's words, not "5 asked"
    return f"{title}\n{note}" if note else title


def legend_patches(entries) -> list:
    """A legend swatch per class (``color``, ``label``, ``count``; hatched when ``missing``)."""

    return [
        Patch(
            facecolor=entry.color,
            edgecolor=MISSING_EDGE if entry.missing else "#999999",
            hatch=MISSING_HATCH if entry.missing else None,
            linewidth=0.5,
            label=f"{entry.label} ({entry.count})",
        )
        for entry in entries
    ]


def label_values(spec: ChoroplethSpec) -> dict[str, str]:
    """adcode → the value as the legend writes it (``labels=values|both``); the unit is in
    the legend's title."""
    if spec.labels not in ("values", "both"):
        return {}
    return {
        adcode: spec.format_map_value(value)
        for adcode, value in spec.map_values().items()
        if value == value  # NaN: no value, no label
    }


def render_choropleth(spec: ChoroplethSpec, options: ExportOptions) -> bytes:
    """The choropleth ``spec`` as PNG, SVG or PDF bytes (``options.format``).

    Same classes and colours as the web map (``spec.classification``), "no data" in the
    spec's neutral grey with a hatch, special units as dashed outlines; units named
    (``spec.labels``) and facility layers drawn (``spec.points``) as on the web map.
    """
    rows = {row.adcode: row for row in choropleth_rows(spec)}
    units = projected_units(spec.level)
    regular = units[~units["special"]]
    special = units[units["special"]]
    colors = [rows[a].color for a in regular["adcode"]]
    missing = [rows[a].value is None for a in regular["adcode"]]

    with drawing():
        sheet = Sheet(
            options,
            region_extent(),
            spec.heading,
            choropleth_subtitle(spec),
            spec.indicator.source_text(spec.lang),
            spec.lang,
        )
        ax = sheet.ax
        pt = sheet.pt
        valued = regular[[not m for m in missing]]
        if len(valued):
            fills = [c for c, m in zip(colors, missing) if not m]
            valued.plot(
                ax=ax,
                color=fills,
                edgecolor=[edge_color(c) for c in fills],
                linewidth=0.05 * pt,
            )
        gaps = regular[missing]
        if len(gaps):
            gaps.plot(
                ax=ax,
                facecolor=spec.missing_color,
                edgecolor=MISSING_EDGE,
                hatch=MISSING_HATCH,
                linewidth=0.05 * pt,
            )
        if spec.level != "province":
            projected_units("province").boundary.plot(ax=ax, color=INK, linewidth=0.09 * pt)
        if len(special):
            special.boundary.plot(
                ax=ax, color=SPECIAL_COLOR, linewidth=0.12 * pt, linestyle=(0, (4, 2.5))
            )

        handles = legend_patches(spec.legend)
        if len(special):
            name = special.iloc[0]["name_zh" if spec.lang == "zh" else "name_en"]
            handles.append(
                Line2D(
                    [],
                    [],
                    color=SPECIAL_COLOR,
                    linestyle=(0, (4, 2.5)),
                    linewidth=0.12 * pt,
                    label=f"{name} ({text('special_area', spec.lang)})",
                )
            )
        handles += draw_points(sheet, spec.points, spec.lang)
        sheet.finish_map(
            handles,
            legend_title(spec),
        )
        avoid = point_boxes(sheet, spec.points)  # names move off the points
        draw_labels(sheet, spec.level, spec.lang, spec.labels, label_values(spec), avoid=avoid)
        return sheet.to_bytes()
