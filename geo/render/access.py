"""The accessibility map as a static map (PNG/SVG/PDF): counties coloured by the measure,
the supply sites, the sentence and the method in the subtitle, source line."""

from __future__ import annotations

from matplotlib.lines import Line2D

from geo.maps.accessmap import AccessView
from geo.render.annotate import draw_points
from geo.render.choropleth import (
    MISSING_EDGE,
    MISSING_HATCH,
    legend_patches,
    projected_units,
    region_extent,
)
from geo.render.layout import INK, Sheet, drawing, edge_color
from geo.render.options import ExportOptions


def render_access(view: AccessView, options: ExportOptions) -> bytes:
    """``view`` as PNG, SVG or PDF bytes (``options.format``): the web map's classes and
    colours, the sites of the layer, legend, scale bar, north arrow and source line."""
    units = projected_units("county")
    units = units[~units["special"]]
    colors = [view.color_of(view.values.get(a)) for a in units["adcode"]]
    missing = [view.values.get(a) is None for a in units["adcode"]]
    stop = "。" if view.lang == "zh" else ". "
    subtitle = f"{view.subtitle}{stop}{view.result['statement'][view.lang]}"
    note = view.result.get("coverage_note")
    if note:
        subtitle += f" {note[view.lang]}"
    with drawing():
        sheet = Sheet(options, region_extent(), view.title, subtitle, view.source, view.lang)
        ax, pt = sheet.ax, sheet.pt
        valued = units[[not m for m in missing]]
        fills = [c for c, m in zip(colors, missing) if not m]
        if len(valued):
            valued.plot(
                ax=ax,
                color=fills,
                edgecolor=[edge_color(c) for c in fills],
                linewidth=0.05 * pt,
                gid="access-counties",
            )
        gaps = units[missing]
        if len(gaps):
            gaps.plot(
                ax=ax,
                facecolor=view.legend[-1].color,
                edgecolor=MISSING_EDGE,
                hatch=MISSING_HATCH,
                linewidth=0.05 * pt,
            )
        projected_units("province").boundary.plot(ax=ax, color=INK, linewidth=0.09 * pt)
        handles = legend_patches(view.legend)
        handles += draw_points(sheet, [view.site_layer()], view.lang)
        if not len(view.supply):
            handles.append(Line2D([], [], linestyle="none", label="—"))
        sheet.finish_map(
            handles,
            f"{view.unit}",
        )
        return sheet.to_bytes()
