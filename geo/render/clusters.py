"""The cluster map as a static map: each unit coloured by its local Moran (LISA) or Gi*
class."""

from __future__ import annotations

from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from geo.i18n import text
from geo.measure import ALBERS_JJJ
from geo.render.choropleth import (
    MISSING_EDGE,
    MISSING_HATCH,
    SPECIAL_COLOR,
    projected_units,
    region_extent,
)
from geo.render.layout import INK, Sheet, drawing
from geo.render.options import ExportOptions


def render_clusters(
    frame,
    result: dict,
    options: ExportOptions,
    lang: str,
    title: str,
    subtitle: str,
    source: str,
    legend: list[dict],
) -> bytes:
    """The cluster map as PNG, SVG or PDF bytes (``options.format``).

    Parameters
    ----------
    frame : GeoDataFrame
        From :func:`geo.analysis.autocorrelation.cluster_frame` (EPSG:4326).
    result : dict
        From :func:`geo.analysis.autocorrelation.autocorrelation`.
    legend : list of dict
        ``id``, ``label``, ``color``, ``count`` per class, the units outside the analysis
        last (``missing``).
    """
    units = frame.to_crs(ALBERS_JJJ)
    regular = units[~units["special"]]
    special = units[units["special"]]
    colors = {entry["id"]: entry["color"] for entry in legend}
    with drawing():
        sheet = Sheet(options, region_extent(), title, subtitle, source, lang)
        ax, pt = sheet.ax, sheet.pt
        analysed = regular[regular["cluster"].notna()]
        outside = regular[regular["cluster"].isna()]
        if len(analysed):
            for cls in analysed["cluster"].unique():
                part = analysed[analysed["cluster"] == cls]
                part.plot(
                    ax=ax,
                    color=colors[cls],
                    edgecolor="white",
                    linewidth=0.05 * pt,
                    gid=f"cluster-{cls}",
                )
        if len(outside):
            outside.plot(
                ax=ax,
                facecolor=colors["outside"],
                edgecolor=MISSING_EDGE,
                hatch=MISSING_HATCH,
                linewidth=0.05 * pt,
            )
        if result["level"] != "province":
            projected_units("province").boundary.plot(ax=ax, color=INK, linewidth=0.09 * pt)
        if len(special):
            special.boundary.plot(
                ax=ax, color=SPECIAL_COLOR, linewidth=0.12 * pt, linestyle=(0, (4, 2.5))
            )
        handles = [
            Patch(
                facecolor=entry["color"],
                edgecolor=MISSING_EDGE if entry.get("missing") else "#999999",
                hatch=MISSING_HATCH if entry.get("missing") else None,
                linewidth=0.5,
                label=f"{entry['label']} ({entry['count']})",
            )
            for entry in legend
        ]
        if len(special):
            name = special.iloc[0]["name_zh" if lang == "zh" else "name_en"]
            handles.append(
                Line2D(
                    [],
                    [],
                    color=SPECIAL_COLOR,
                    linestyle=(0, (4, 2.5)),
                    linewidth=0.12 * pt,
                    label=f"{name} ({text('special_area', lang)})",
                )
            )
        sheet.finish_map(
            handles,
            result.get("legend_title", f"LISA, p ≤ {result['alpha']:g}")
            + f"\n{text('moran_i', lang)} = {result['moran_i']:.3f} "
            f"({result.get('p_text', result['p_value'])})",
        )
        return sheet.to_bytes()
