"""A corridor map as a static map: context units, members, band, line and facilities."""

from __future__ import annotations

import geopandas as gpd
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from shapely.geometry import Point, box
from shapely.ops import polylabel

from geo.i18n import text
from geo.maps.describe import corridor_subtitle
from geo.maps.labels import label_points
from geo.maps.mapspec import CorridorSpec
from geo.maps.points import CATEGORY_COLORS
from geo.measure import ALBERS_JJJ
from geo.render.annotate import LABEL_SIZE, approximate_handle, draw_labels, project
from geo.render.choropleth import projected_units
from geo.render.fonts import cjk_font
from geo.render.layout import Sheet, drawing
from geo.render.options import ExportOptions
from geo.sources.zones import zone_members

# The web map's colours (static/atlas.js), so print and screen agree.
MEMBER_EDGE, MEMBER_FILL = "#54278f", "#9e9ac8"
BAND_EDGE, BAND_FILL = "#fd8d3c", "#fdd0a2"
LINE_COLOR = "#d94801"
CONTEXT_EDGE, CONTEXT_FILL = "#bdbdbd", "#f0f0f0"
PAD = 0.08
#: Frame aspect (height / width) kept within these bounds by widening the extent.
ASPECT_RANGE = (0.7, 1.35)


def _extent(bounds) -> tuple[float, float, float, float]:
    xmin, ymin, xmax, ymax = bounds
    dx, dy = (xmax - xmin) * PAD, (ymax - ymin) * PAD
    xmin, xmax, ymin, ymax = xmin - dx, xmax + dx, ymin - dy, ymax + dy
    w, h = xmax - xmin, ymax - ymin
    low, high = ASPECT_RANGE
    if h / w < low:  # too wide: add height
        grow = (w * low - h) / 2
        ymin, ymax = ymin - grow, ymax + grow
    elif h / w > high:  # too tall: add width
        grow = (h / high - w) / 2
        xmin, xmax = xmin - grow, xmax + grow
    return (xmin, ymin, xmax, ymax)


def visible_label_points(units: gpd.GeoDataFrame, extent) -> dict[str, tuple[float, float]]:
    """A label point inside the part of each unit the frame shows, for the units whose
    own label point (:mod:`geo.maps.labels`) falls outside the frame (Beijing on a map of
    its south-eastern suburbs)."""
    xmin, ymin, xmax, ymax = extent
    frame = box(xmin, ymin, xmax, ymax)
    inner = frame.buffer(-0.06 * min(xmax - xmin, ymax - ymin))
    records = label_points("prefecture")
    xs, ys = project([r.lon for r in records], [r.lat for r in records])
    own = {r.adcode: Point(x, y) for r, x, y in zip(records, xs, ys)}
    points = {}
    for adcode, geometry in zip(units["adcode"], units.geometry):
        shown = geometry.intersection(inner)
        if shown.is_empty or shown.area < 0.02 * inner.area:
            continue
        if adcode not in own or inner.contains(own[adcode]):
            continue
        polygon = max(getattr(shown, "geoms", [shown]), key=lambda g: g.area)
        if polygon.geom_type != "Polygon":
            continue
        point = polylabel(polygon, tolerance=500)  # metres
        points[adcode] = (point.x, point.y)
    return points


def unit_names(adcodes, lang: str) -> list[str]:
    """Names of units (prefectures or counties) in ``lang``, by adcode."""
    names = {}
    for level in ("prefecture", "county"):
        frame = projected_units(level)
        column = "name_zh" if lang == "zh" else "name_en"
        names.update(zip(frame["adcode"], frame[column]))
    return [names.get(a, a) for a in adcodes]


def render_corridor(spec: CorridorSpec, options: ExportOptions) -> bytes:
    """The corridor ``spec`` as PNG, SVG or PDF bytes (``options.format``)."""
    lang = spec.lang
    analysis = spec.analysis
    members = zone_members(spec.zone).to_crs(ALBERS_JJJ)
    band = gpd.GeoSeries([analysis.band], crs=4326).to_crs(ALBERS_JJJ)
    line = gpd.GeoSeries([analysis.line], crs=4326).to_crs(ALBERS_JJJ)
    points = analysis.facilities.to_crs(ALBERS_JJJ)
    bounds = band.total_bounds
    mb = members.total_bounds
    extent = _extent(
        (min(bounds[0], mb[0]), min(bounds[1], mb[1]), max(bounds[2], mb[2]), max(bounds[3], mb[3]))
    )
    source = spec.zone.source_text(lang)
    with drawing():
        sheet = Sheet(options, extent, spec.zone.name(lang), corridor_subtitle(spec), source, lang)
        ax = sheet.ax
        pt = sheet.pt
        context = projected_units("prefecture")
        context[~context["special"]].plot(
            ax=ax, facecolor=CONTEXT_FILL, edgecolor=CONTEXT_EDGE, linewidth=0.06 * pt
        )
        members.plot(
            ax=ax, facecolor=MEMBER_FILL, edgecolor=MEMBER_EDGE, alpha=0.6, linewidth=0.14 * pt
        )
        band.plot(
            ax=ax,
            facecolor=BAND_FILL,
            edgecolor=BAND_EDGE,
            alpha=0.6,
            linewidth=0.08 * pt,
            linestyle=(0, (4, 4)),
        )
        line.plot(ax=ax, color=LINE_COLOR, linewidth=0.3 * pt)
        places = " – ".join(unit_names(spec.zone.line, lang))
        handles = [
            Patch(
                facecolor=MEMBER_FILL, edgecolor=MEMBER_EDGE, label=text("i16_member_units", lang)
            ),
            Line2D(
                [],
                [],
                color=LINE_COLOR,
                linewidth=0.3 * pt,
                label=text("i16_corridor_line_between", lang).format(places=places),
            ),
            Patch(
                facecolor=BAND_FILL,
                edgecolor=BAND_EDGE,
                linestyle=(0, (4, 4)),
                label=text("i16_band_km", lang).format(km=f"{analysis.band_km:g}"),
            ),
            Patch(
                facecolor=CONTEXT_FILL,
                edgecolor=CONTEXT_EDGE,
                label=text("i16_context_units", lang),
            ),
        ]
        for category, color in CATEGORY_COLORS.items():
            chosen = points[points["category"] == category]
            if not len(chosen):
                continue
            ax.scatter(
                chosen.geometry.x,
                chosen.geometry.y,
                s=(0.75 * pt) ** 2,
                c=color,
                edgecolors="white",
                linewidths=0.08 * pt,
                zorder=5,
            )
            handles.append(
                Line2D(
                    [],
                    [],
                    linestyle="none",
                    marker="o",
                    markersize=0.75 * pt,
                    markerfacecolor=color,
                    markeredgecolor="white",
                    label=f"{text(category, lang)} ({len(chosen)})",
                )
            )
        # District-precision points (approximate): hollow rings, never counted in the band.
        approximate = analysis.approximate
        if approximate is not None and len(approximate):
            rings = approximate.to_crs(ALBERS_JJJ)
            ax.scatter(
                rings.geometry.x,
                rings.geometry.y,
                s=(1.0 * pt) ** 2,
                facecolors="none",
                edgecolors=[CATEGORY_COLORS.get(c, "#6a3d9a") for c in rings["category"]],
                linewidths=0.12 * pt,
                linestyle="--",
                zorder=4,
            )
            handles.append(approximate_handle(1.0 * pt, len(approximate), lang))
        sheet.legend(
            handles,
            prop=cjk_font(1.05 * pt),
        )
        sheet.decorate(scalebar_loc="lower left", arrow_xy=(0.95, 0.94))
        # Member units named first (they are what the map is about), then the prefectures
        # around them, each only where it fits.
        taken: list = []
        member_codes = set(members["adcode"])
        size = LABEL_SIZE["prefecture"] * pt
        (xmin, xmax), (ymin, ymax) = ax.get_xlim(), ax.get_ylim()
        shown_points = visible_label_points(context, (xmin, ymin, xmax, ymax))
        for level in ("county", "prefecture"):
            draw_labels(
                sheet,
                level,
                lang,
                keep=lambda a, level=level: level == "prefecture" or a in member_codes,
                all_named=False,
                taken=taken,
                size=size,
                where=shown_points,
            )
        return sheet.to_bytes()
