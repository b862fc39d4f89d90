"""County labels on PNG exports as cached sprites: each label (its white halo and its text)
is drawn once per process into a small transparent image and placed on later maps as an
image, so a cold county PNG does not draw ~150 CJK names as text paths again. Labels were
most of a cold county export's time (1.3 s of CPU with them, ~0.45 s without).

Only raster output uses sprites: SVG and PDF keep real text (searchable, selectable).
Sprites are placed at whole pixels (the text would be drawn at a fraction of one), so a
label may sit up to half a pixel from where the text would be; nothing else differs.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.transforms import Bbox

#: Sprites kept per process (a county label set in two languages at two sizes is ~800).
MAX_SPRITES = 4096
_sprites: OrderedDict[tuple, tuple[np.ndarray, float, float]] = OrderedDict()
_lock = threading.Lock()


def sprite(
    label: str, font, color: str, dpi: float, halo: list, halo_key: float, linespacing: float
) -> tuple[np.ndarray, float, float]:
    """(RGBA image, x, y): the label drawn centred, cropped to its ink; (x, y) is where the
    text's centre lies in the image, in pixels from its left and top edges. ``halo`` is the
    path effects of the halo, ``halo_key`` what tells them apart (their stroke width)."""
    key = (
        label, tuple(font.get_family()), font.get_file(), font.get_size_in_points(),
        font.get_weight(), color, dpi, halo_key, linespacing,
    )  # fmt: skip
    with _lock:
        found = _sprites.get(key)
        if found is not None:
            _sprites.move_to_end(key)
            return found
    made = _draw(label, font, color, dpi, halo, linespacing)
    with _lock:
        _sprites[key] = made
        while len(_sprites) > MAX_SPRITES:
            _sprites.popitem(last=False)
    return made


def _draw(label, font, color, dpi, halo, linespacing) -> tuple[np.ndarray, float, float]:
    lines = label.count("\n") + 1
    size_px = font.get_size_in_points() * dpi / 72
    width_px = size_px * (max(len(line) for line in label.split("\n")) + 4) * 1.2
    height_px = size_px * (lines * linespacing + 2) * 1.2
    figure = Figure(figsize=(width_px / dpi, height_px / dpi), dpi=dpi)
    figure.patch.set_alpha(0)
    FigureCanvasAgg(figure)
    style = {"fontproperties": font, "ha": "center", "va": "center", "linespacing": linespacing}
    figure.text(0.5, 0.5, label, color="white", path_effects=halo, **style)
    figure.text(0.5, 0.5, label, color=color, **style)
    figure.canvas.draw()
    image = np.asarray(figure.canvas.buffer_rgba()).copy()
    height, width = image.shape[:2]
    ink = np.nonzero(image[:, :, 3])
    if not len(ink[0]):
        return image[:1, :1], 0.0, 0.0
    top, bottom = ink[0].min(), ink[0].max() + 1
    left, right = ink[1].min(), ink[1].max() + 1
    # Centre of the figure in image pixels (row 0 at the top), relative to the crop.
    return image[top:bottom, left:right], width / 2 - left, height / 2 - top


@dataclass(frozen=True)
class SpriteLabel:
    """A label drawn as a sprite, standing in for its text artist: its text, its id and the
    box it was placed in (display pixels, as ``Text.get_window_extent`` gives)."""

    text: str
    gid: str
    box: Bbox

    def get_text(self) -> str:
        return self.text

    def get_gid(self) -> str:
        return self.gid

    def get_window_extent(self, renderer=None) -> Bbox:
        return self.box


#: Where :func:`place_all` leaves a figure's sprites for :func:`composite`.
SPRITES_ATTRIBUTE = "_atlas_label_sprites"


def place_all(figure, placed: list) -> None:
    """Queue the sprites ``placed`` — (image, anchor x, anchor y, x, y) with the anchor at
    display pixel (x, y), origin bottom left as ``transData.transform`` gives — on
    ``figure``: :func:`composite` lays them over the drawn figure (they are its top layer:
    nothing is drawn above labels), which costs less than one matplotlib image each."""
    queued = getattr(figure, SPRITES_ATTRIBUTE, None)
    if queued is None:
        queued = []
        setattr(figure, SPRITES_ATTRIBUTE, queued)
    for image, anchor_x, anchor_y, x, y in placed:
        queued.append((image, int(round(x - anchor_x)), int(round(y + anchor_y))))


def composite(figure, rgb: np.ndarray) -> None:
    """Lay the figure's queued sprites over ``rgb`` (its drawn pixels, row 0 at the top,
    modified in place)."""
    height, width = rgb.shape[:2]
    for image, left, top in getattr(figure, SPRITES_ATTRIBUTE, ()):
        row0 = height - top  # display y of the top row → buffer row
        r0, c0 = max(row0, 0), max(left, 0)
        r1, c1 = min(row0 + image.shape[0], height), min(left + image.shape[1], width)
        if r0 >= r1 or c0 >= c1:
            continue
        part = image[r0 - row0 : r1 - row0, c0 - left : c1 - left].astype(np.float32)
        alpha = part[..., 3:4] / 255
        under = rgb[r0:r1, c0:c1].astype(np.float32)
        rgb[r0:r1, c0:c1] = (part[..., :3] * alpha + under * (1 - alpha) + 0.5).astype(np.uint8)
