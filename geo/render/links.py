"""The cooperation-links map as a static map: units shaded by incoming links, arcs
origin → destination coloured by kind with an arrowhead, ends (hollow = approximate)."""

from __future__ import annotations

import numpy as np
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from geo.i18n import text
from geo.maps.linkmap import LinksSpec
from geo.measure import ALBERS_JJJ
from geo.render.annotate import draw_labels
from geo.render.choropleth import projected_units, region_extent
from geo.render.fonts import cjk_font
from geo.render.layout import INK, Sheet, drawing, edge_color
from geo.render.options import ExportOptions
from geo.sources.link_query import endpoints_frame, link_counts, links_frame
from geo.sources.links import KIND_COLORS

END_COLOR = "#252525"
EXACT_PRECISIONS = ("site", "area")


def subtitle(spec: LinksSpec) -> str:
    parts = [f"{spec.link_total} {spec.t('links')}", spec.link_filter.describe(spec.lang)]
    parts.append(f"{spec.shade_label} · {text(spec.level, spec.lang)}")
    return " · ".join(parts)


def _shade_colors(spec: LinksSpec, adcodes) -> list[str]:
    counts = link_counts(spec.level, "incoming", link_filter=spec.link_filter)[spec.shade_by]
    c = spec.shading
    if c is None:
        return ["#f0f0f0"] * len(adcodes)
    return [c.colors[c.class_of(float(counts.get(a, 0)))] for a in adcodes]


def render_links(spec: LinksSpec, options: ExportOptions) -> bytes:
    """The links map ``spec`` as PNG, SVG or PDF bytes (``options.format``).

    Same filter, classes, colours and kinds as the web map (:mod:`geo.maps.linkmap`).
    """
    lang = spec.lang
    units = projected_units(spec.level)
    regular = units[~units["special"]]
    lines = links_frame(spec.link_filter).to_crs(ALBERS_JJJ)
    ends = endpoints_frame(spec.link_filter).to_crs(ALBERS_JJJ)
    pairs = lines.groupby(["from", "to"])["id"].transform("count").to_numpy()
    max_weight = spec.max_weight
    with drawing():
        sheet = Sheet(
            options,
            region_extent(),
            spec.title,
            subtitle(spec),
            spec.source_line,
            lang,
        )
        ax, pt = sheet.ax, sheet.pt
        fills = _shade_colors(spec, regular["adcode"])
        regular.plot(
            ax=ax,
            color=fills,
            edgecolor=[edge_color(c) for c in fills],
            linewidth=0.05 * pt,
        )
        if spec.level != "province":
            projected_units("province").boundary.plot(ax=ax, color=INK, linewidth=0.09 * pt)
        for geom, link_id, kind, weight, pair in zip(
            lines.geometry.values, lines["id"], lines["kind"], lines["weight"], pairs
        ):
            if max_weight and weight == weight:  # NaN-safe
                width = (0.1 + 0.3 * weight / max_weight) * pt
            else:
                width = (0.08 + 0.06 * pair) * pt
            xs, ys = np.asarray(geom.xy)
            color = KIND_COLORS[kind]
            (drawn,) = ax.plot(
                xs, ys, color=color, linewidth=width, alpha=0.85, solid_capstyle="round"
            )
            drawn.set_gid(f"jjj-{link_id}")  # an SVG group per link, named by its id
            ax.annotate(
                "",
                xy=(xs[-1], ys[-1]),
                xytext=(xs[-3], ys[-3]),
                arrowprops={
                    "arrowstyle": "-|>",
                    "color": color,
                    "linewidth": 0,
                    "mutation_scale": 0.9 * pt + 2 * width,
                },
            )
        exact = ends["precision"].isin(EXACT_PRECISIONS).to_numpy()
        sizes = ((0.35 + 0.08 * np.minimum(ends["links"].to_numpy(), 6)) * pt) ** 2
        for chosen, face in ((exact, END_COLOR), (~exact, "white")):
            if chosen.any():
                ax.scatter(
                    ends.geometry.x[chosen],
                    ends.geometry.y[chosen],
                    s=sizes[chosen],
                    facecolors=face,
                    edgecolors=END_COLOR,
                    linewidths=0.08 * pt,
                    zorder=5,
                )
        handles = [
            Line2D([], [], color=e.color, linewidth=0.25 * pt, label=f"{e.label} ({e.count})")
            for e in spec.kinds
        ]
        handles += [
            Patch(facecolor=e.color, edgecolor="#999999", linewidth=0.5, label=f"{e.label}")
            for e in spec.shade_legend
        ]
        handles.append(
            Line2D(
                [],
                [],
                linestyle="none",
                marker="o",
                markersize=0.7 * pt,
                markerfacecolor="white",
                markeredgecolor=END_COLOR,
                label=spec.t("approximate"),
            )
        )
        sheet.legend(
            handles,
            title=f"{spec.shade_label} · {text(spec.level, lang)}",
            prop=cjk_font(0.95 * pt),
            title_fontproperties=cjk_font(1.0 * pt, "bold"),
        )
        sheet.decorate(scalebar_loc="lower left", arrow_xy=(0.93, 0.95))
        draw_labels(sheet, spec.level, lang)
        return sheet.to_bytes()
