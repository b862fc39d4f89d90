"""The siting map as a static map (PNG/SVG/PDF): counties by coverage status, existing and
chosen sites, the sentence in the subtitle, legend, scale bar, north arrow, sources."""

from __future__ import annotations

from matplotlib.patches import Patch

from geo.analysis.supply import Supply
from geo.i18n import text
from geo.maps.accessmap import STATUS_COLORS, facility_name, siting_layers, source_line
from geo.render.annotate import draw_points
from geo.render.choropleth import projected_units, region_extent
from geo.render.layout import INK, Sheet, drawing
from geo.render.options import ExportOptions


def render_siting(supply: Supply, result: dict, options: ExportOptions, lang: str) -> bytes:
    """``result`` (:func:`geo.analysis.siting.siting`) as PNG, SVG or PDF bytes."""
    units = projected_units("county")
    units = units[~units["special"]]
    status = {c["adcode"]: c["status"] for c in result["counties"]}
    units = units.assign(status=[status.get(a, "not_covered") for a in units["adcode"]])
    method = result["method"]
    title = f"{text('acc_siting_title', lang)} · {facility_name(supply, lang)}"
    subtitle = (
        f"{text('acc_' + method['objective'], lang)} · k = {method['k']} · "
        f"{text('acc_radius', lang)} {method['radius_km']:g}"
        + ("。" if lang == "zh" else ". ")
        + result["statement"][lang]
    )
    with drawing():
        sheet = Sheet(options, region_extent(), title, subtitle, source_line(supply, lang), lang)
        ax, pt = sheet.ax, sheet.pt
        for name, color in STATUS_COLORS.items():
            part = units[units["status"] == name]
            if len(part):
                part.plot(
                    ax=ax,
                    color=color,
                    edgecolor="#7f2704" if name == "newly_covered" else "#bdbdbd",
                    linewidth=0.05 * pt,
                    gid=f"siting-{name}",
                )
        projected_units("province").boundary.plot(ax=ax, color=INK, linewidth=0.09 * pt)
        counts = units["status"].value_counts()
        handles = [
            Patch(
                facecolor=color,
                edgecolor="#999999",
                linewidth=0.5,
                label=f"{text('acc_' + name, lang)} ({int(counts.get(name, 0))})",
            )
            for name, color in STATUS_COLORS.items()
        ]
        handles += draw_points(sheet, siting_layers(supply, result), lang)
        sheet.finish_map(
            handles,
            f"{text('acc_status', lang)} · {method['radius_km']:g} {text('acc_unit_km', lang)}",
        )
        return sheet.to_bytes()
