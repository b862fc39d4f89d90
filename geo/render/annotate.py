"""Place names, values and facility points on static maps, as on the web maps.

Label positions come from :mod:`geo.maps.labels` (one point inside each unit, computed
once per level, ranked); the facility layers of ``points=`` from :mod:`geo.maps.points`.
This module only draws them on a :class:`~geo.render.layout.Sheet`:

* Prefecture and province level: every unit is named (13 prefectures and 雄安新区), in the
  export's language, with a white halo so names read on every class colour.
* County level (199 units): a subset that fits without overlaps. Labels are tried in
  rank order (special units, then the largest units); one is kept only when its box, as
  the renderer measures it, overlaps no label kept before, nor the legend, scale bar or
  north arrow, and lies inside the map frame.
* Points: filled markers for facilities located at their site, hollow dashed rings for
  approximate (district-precision) ones, one legend entry per layer plus one for
  "approximate", the rule of the corridor maps. A label never hides a point: given the
  points' boxes (:func:`point_boxes`), a label that would cover one moves aside to the
  first free spot (above, below, left, right), and points draw above labels with a white
  ring, so one that no label could avoid still shows.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import lru_cache

import numpy as np
from matplotlib import patheffects
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.lines import Line2D
from matplotlib.transforms import Bbox
from pyproj import Transformer

from geo.i18n import text
from geo.maps.labels import label_points
from geo.maps.points import PointLayer
from geo.measure import ALBERS_JJJ
from geo.render import label_sprites
from geo.render.fonts import cjk_font
from geo.render.layout import INK, Sheet, text_width

#: Levels whose units are all named; finer levels get the subset that fits.
ALL_NAMED = ("province", "prefecture")
SPECIAL_INK = "#54025a"
#: Type size of labels, in points per inch of the sheet's type scale (``Sheet.pt``).
LABEL_SIZE = {"province": 1.3, "prefecture": 1.1, "county": 0.72}
#: Extra room kept around a county label (points) so kept names do not touch.
LABEL_GAP_PT = 1.5
LABEL_ZORDER = 7
#: Below this height in pixels (oEmbed thumbnails) labels are left out.
MIN_LABEL_PX = 7.0
#: Points above labels (and their halos): a name that could not move off a point never
#: hides it.
POINT_ZORDER = 8

_to_albers = Transformer.from_crs("EPSG:4326", ALBERS_JJJ, always_xy=True)


def project(lon, lat) -> tuple[np.ndarray, np.ndarray]:
    """WGS 84 longitude/latitude to the sheet's ALBERS_JJJ metres."""
    return _to_albers.transform(np.asarray(lon, dtype=float), np.asarray(lat, dtype=float))


def halo(pt: float, width: float = 0.3) -> list:
    """A white outline (only the outline) drawn behind a label, so it reads on every fill
    colour, line and point."""
    return [patheffects.Stroke(linewidth=width * pt, foreground="white")]


def _renderer(sheet: Sheet):
    figure = sheet.figure
    if not isinstance(figure.canvas, FigureCanvasAgg):
        FigureCanvasAgg(figure)  # attaches itself: text can be measured before saving
    return figure.canvas.get_renderer()


def obstacles(sheet: Sheet) -> list[Bbox]:
    """Boxes labels must keep clear of: legend, scale bar, north arrow (display units)."""
    renderer = _renderer(sheet)
    boxes = []
    for artist in [*sheet.ax.artists, *sheet.ax.texts]:
        boxes.append(artist.get_window_extent(renderer))
    legend = sheet.ax.get_legend()
    if legend is not None:
        boxes.append(legend.get_window_extent(renderer))
    return [b for b in boxes if b.width > 0 and b.height > 0]


@lru_cache(maxsize=4096)
def _width_at_10pt(value: str, weight: str) -> float:
    """Width of one line of a label at 10 pt, in points (scaled to any size)."""
    return text_width(value, cjk_font(10, weight))


def _line_height(ax, renderer, size: float) -> float:
    """Height in pixels of one line of label text at ``size`` points, as drawn."""
    probe = ax.text(0, 0, "国Ag", fontproperties=cjk_font(size), va="center")
    height = probe.get_window_extent(renderer).height
    probe.remove()
    return height


def label_text(name: str, value: str | None, mode: str) -> str | None:
    """What a unit's label says for ``labels=`` ``mode`` (None: nothing to write)."""
    if mode == "names":
        return name
    if mode == "values":
        return value
    if mode == "both":
        return f"{name}\n{value}" if value else name
    return None


def draw_labels(
    sheet: Sheet,
    level: str,
    lang: str,
    mode: str = "names",
    values: Mapping[str, str] | None = None,
    keep: Callable[[str], bool] | None = None,
    all_named: bool | None = None,
    taken: list[Bbox] | None = None,
    size: float | None = None,
    where: Mapping[str, tuple[float, float]] | None = None,
    avoid: np.ndarray | None = None,
) -> list:
    """Label the units of ``level`` on ``sheet``; returns the text artists kept (on a PNG
    county map, :class:`~geo.render.label_sprites.SpriteLabel` stand-ins: text, id, box).

    ``values``: adcode → formatted value (``labels=values|both``); ``keep``: which adcodes
    may be labelled (e.g. the units inside a corridor map's frame); ``all_named``: name
    every unit (default: at province and prefecture level) instead of the subset that fits;
    ``taken``: boxes already used (shared between calls, extended with the kept labels);
    ``size``: type size in points (default: by level); ``where``: adcode → (x, y) in
    ALBERS_JJJ metres replacing a label point (a unit whose point lies outside the frame);
    ``avoid``: boxes (display units, rows x0, y0, x1, y1: :func:`point_boxes`) a label moves
    off when it would cover them.
    """
    if mode == "none":
        return []
    values = values or {}
    everything = level in ALL_NAMED if all_named is None else all_named
    ax, pt = sheet.ax, sheet.pt
    records = [p for p in label_points(level) if keep is None or keep(p.adcode)]
    xs, ys = project([p.lon for p in records], [p.lat for p in records])
    if where:
        moved = [where.get(r.adcode, xy) for r, xy in zip(records, zip(xs, ys))]
        xs, ys = [xy[0] for xy in moved], [xy[1] for xy in moved]
    size = size or LABEL_SIZE.get(level, LABEL_SIZE["county"]) * pt
    if size * sheet.options.dpi / 72 < MIN_LABEL_PX:
        return []  # a thumbnail: names this small would be specks, not text
    renderer = _renderer(sheet)
    frame = ax.get_window_extent(renderer)
    if taken is None:
        taken = []
    if not everything and not taken:
        taken.extend(obstacles(sheet))
    dpi = sheet.options.dpi
    gap = LABEL_GAP_PT * dpi / 72
    line_px = _line_height(ax, renderer, size) if not everything else 0.0
    kept = []
    # Sprites only where nothing is nudged (placement needs text artists) and the output is
    # raster; SVG and PDF keep their text.
    sprites = not everything and sheet.options.format == "png"
    placed: list[tuple[np.ndarray, float, float, float, float]] = []
    extents: list[np.ndarray] = []  # the boxes of ``taken`` as an array, kept in step
    for record, x, y in zip(records, xs, ys):
        name = record.name(lang, short=level == "county")  # short at county, as on screen
        label = label_text(name, values.get(record.adcode), mode)
        if not label:
            continue
        weight = "bold" if record.special else "normal"
        if not everything:
            # Measured before drawing (widths cached per name), so the many county names
            # that do not fit cost no text artist.
            cx, cy = ax.transData.transform((x, y))
            width = max(_width_at_10pt(line, weight) for line in label.split("\n"))
            width *= size / 10 * dpi / 72
            lines = label.count("\n") + 1
            height = line_px * (1 + 1.1 * (lines - 1))
            unpadded = Bbox.from_bounds(cx - width / 2, cy - height / 2, width, height)
            box = unpadded.padded(gap)
            inside = frame.containsx(box.x0) and frame.containsx(box.x1)
            inside = inside and frame.containsy(box.y0) and frame.containsy(box.y1)
            if not inside or _overlaps_any(box, taken, extents):
                continue
            if _covers(box, avoid):
                # Over a point: the first spot beside it that is free of points and labels.
                box = _free_spot(box, frame, taken, avoid)
                if box is None:
                    continue
                cx, cy = (box.x0 + box.x1) / 2, (box.y0 + box.y1) / 2
                unpadded = Bbox.from_bounds(cx - width / 2, cy - height / 2, width, height)
                x, y = ax.transData.inverted().transform((cx, cy))
            taken.append(box)
        style = {
            "fontproperties": cjk_font(size, weight),
            "ha": "center",
            "va": "center",
            "linespacing": 1.1,
            "clip_on": True,
        }
        if sprites:  # a raster county map: the label as a cached image (label_sprites)
            font = style["fontproperties"]
            ink = SPECIAL_INK if record.special else INK
            image, ax_, ay_ = label_sprites.sprite(label, font, ink, dpi, halo(pt), pt, 1.1)
            placed.append((image, ax_, ay_, cx, cy))
            kept.append(label_sprites.SpriteLabel(label, f"label-{record.adcode}", unpadded))
            continue
        # The halo is its own artist (a stroke only): text drawn with path effects becomes
        # outlines in PDF and SVG, and the name must stay searchable, selectable text.
        backing = ax.text(
            x, y, label, color="white", zorder=LABEL_ZORDER, path_effects=halo(pt), **style
        )
        artist = ax.text(
            x,
            y,
            label,
            color=SPECIAL_INK if record.special else INK,
            zorder=LABEL_ZORDER + 0.1,
            **style,
        )
        artist.set_gid(f"label-{record.adcode}")
        if everything:
            # Every unit is named: a label that would cover one placed before moves a
            # little (above, below, aside) to the first spot that is free, else stays.
            taken.append(_nudge(ax, renderer, artist, backing, (x, y), taken, gap, avoid))
        kept.append(artist)
    if placed:
        label_sprites.place_all(sheet.figure, placed)
    return kept


def _overlaps_any(box: Bbox, taken: list[Bbox], extents: list[np.ndarray]) -> bool:
    """``any(box.overlaps(t) for t in taken)``, vectorised (16,000 pairs on a county map).

    ``extents`` caches the boxes' (x0, y0, x1, y1) rows; boxes appended to ``taken`` since
    the last call are added to it first.
    """
    if len(extents) < len(taken):
        rows = np.array([b.extents for b in taken[len(extents) :]], dtype=float).reshape(-1, 4)
        rows = np.column_stack(
            [np.minimum(rows[:, 0], rows[:, 2]), np.minimum(rows[:, 1], rows[:, 3]),
             np.maximum(rows[:, 0], rows[:, 2]), np.maximum(rows[:, 1], rows[:, 3])]
        )  # fmt: skip
        extents.extend(rows)
    if not extents:
        return False
    boxes = np.asarray(extents)
    x0, y0, x1, y1 = (
        min(box.x0, box.x1),
        min(box.y0, box.y1),
        max(box.x0, box.x1),
        max(box.y0, box.y1),
    )
    hit = (x0 <= boxes[:, 2]) & (boxes[:, 0] <= x1) & (y0 <= boxes[:, 3]) & (boxes[:, 1] <= y1)
    return bool(hit.any())


#: Where an all-named label may move, in multiples of its (width, height).
NUDGES = ((0, 0), (0, 0.75), (0, -0.75), (0.45, 0), (-0.45, 0), (0, 1.3), (0, -1.3))


def _inside(frame: Bbox, box: Bbox) -> bool:
    return (
        frame.containsx(box.x0)
        and frame.containsx(box.x1)
        and frame.containsy(box.y0)
        and frame.containsy(box.y1)
    )


def _covers(box: Bbox, avoid: np.ndarray | None) -> bool:
    """Whether ``box`` overlaps any of the ``avoid`` boxes (rows x0, y0, x1, y1)."""
    if avoid is None or not len(avoid):
        return False
    return bool(
        np.any(
            (avoid[:, 0] < box.x1)
            & (avoid[:, 2] > box.x0)
            & (avoid[:, 1] < box.y1)
            & (avoid[:, 3] > box.y0)
        )
    )


def _free_spot(box: Bbox, frame: Bbox, taken: list, avoid: np.ndarray | None) -> Bbox | None:
    """``box`` moved by the first of :data:`NUDGES` that lies in the frame and covers no
    label and no point (None: no such spot)."""
    for dx, dy in NUDGES[1:]:
        moved = Bbox.from_bounds(
            box.x0 + dx * box.width, box.y0 + dy * box.height, box.width, box.height
        )
        if (
            _inside(frame, moved)
            and not _covers(moved, avoid)
            and not any(moved.overlaps(other) for other in taken)
        ):
            return moved
    return None


def point_boxes(sheet: Sheet, layers: list[PointLayer]) -> np.ndarray:
    """The box each drawn point covers on ``sheet`` (display units; rows x0, y0, x1, y1):
    what labels keep clear of (``draw_labels(avoid=…)``)."""
    features = [f for layer in layers for f in layer.features]
    if not features:
        return np.empty((0, 4))
    x, y = project([f.lon for f in features], [f.lat for f in features])
    centres = sheet.ax.transData.transform(np.column_stack([x, y]))
    # Marker diameters as draw_points draws them (points → pixels), halved, plus the ring.
    radius = 0.62 * sheet.pt * sheet.options.dpi / 72 / 2
    radius = np.where([f.approximate for f in features], 1.3 * radius, radius) + 1.0
    return np.column_stack(
        [
            centres[:, 0] - radius,
            centres[:, 1] - radius,
            centres[:, 0] + radius,
            centres[:, 1] + radius,
        ]
    )


def _nudge(ax, renderer, artist, backing, xy, taken: list, gap: float, avoid=None) -> Bbox:
    box = artist.get_window_extent(renderer).padded(gap)
    to_data = ax.transData.inverted()
    x0, y0 = ax.transData.transform(xy)
    for dx, dy in NUDGES:
        moved = Bbox.from_bounds(
            box.x0 + dx * box.width, box.y0 + dy * box.height, box.width, box.height
        )
        if not any(moved.overlaps(other) for other in taken) and not _covers(moved, avoid):
            position = to_data.transform((x0 + dx * box.width, y0 + dy * box.height))
            artist.set_position(position)
            backing.set_position(position)
            return moved
    return box


def draw_points(sheet: Sheet, layers: list[PointLayer], lang: str) -> list:
    """Facility point layers over the areas; returns their legend handles."""
    ax, pt = sheet.ax, sheet.pt
    handles = []
    approximate_total = 0
    marker = 0.62 * pt
    for layer in layers:
        if not layer.features:
            continue
        x, y = project([f.lon for f in layer.features], [f.lat for f in layer.features])
        approximate = np.array([f.approximate for f in layer.features])
        site = ~approximate
        if site.any():
            ax.scatter(
                x[site],
                y[site],
                s=marker**2,
                c=layer.color,
                edgecolors="white",
                linewidths=0.07 * pt,
                zorder=POINT_ZORDER,
                gid=f"points-{layer.token}",
            )
        if approximate.any():
            ax.scatter(
                x[approximate],
                y[approximate],
                s=(1.3 * marker) ** 2,
                facecolors="none",
                edgecolors=layer.color,
                linewidths=0.1 * pt,
                linestyle="--",
                zorder=POINT_ZORDER,
                gid=f"points-{layer.token}-approximate",
            )
            approximate_total += int(approximate.sum())
        handles.append(
            Line2D(
                [],
                [],
                linestyle="none",
                marker="o",
                markersize=marker,
                markerfacecolor=layer.color,
                markeredgecolor="white",
                label=f"{layer.title(lang)} ({len(layer.features)})",
            )
        )
    if approximate_total:
        handles.append(approximate_handle(1.3 * marker, approximate_total, lang))
    return handles


def approximate_handle(size: float, count: int, lang: str) -> Line2D:
    """The legend entry of approximate (district-only) points: a hollow grey ring and their
    count, as on the corridor maps and the points layers of choropleths."""
    return Line2D(
        [],
        [],
        linestyle="none",
        marker="o",
        markersize=size,
        markerfacecolor="none",
        markeredgecolor="#555555",
        label=f"{text('approximate_short', lang)} ({count})",
    )
