"""Colour facts for accessible maps: CIELAB lightness and the "no data" grey.

A choropleth's missing units must not be mistaken for a class, by anyone (including people
with colour-vision deficiencies, who still see lightness). The "no data" fill is therefore
a neutral grey chosen, for the classes actually drawn, to differ in CIELAB lightness (L*)
from every class colour as much as possible; the web map adds a dashed outline and the
static exports a hatch.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

import numpy as np

#: Lightest and darkest grey considered for "no data": a dark grey reads as "much".
MISSING_L_RANGE = (55.0, 92.0)
#: Wanted L* difference between "no data" and every class (the lightest grey that has it).
MISSING_L_GAP = 8.0


def hex_to_rgb(color: str) -> tuple[float, float, float]:
    """``#rrggbb`` → sRGB components in [0, 1]."""
    value = color.lstrip("#")
    if len(value) != 6:
        raise ValueError(f"not a #rrggbb colour: {color!r}")
    return tuple(int(value[i : i + 2], 16) / 255.0 for i in (0, 2, 4))


def _linear(channel: np.ndarray) -> np.ndarray:
    return np.where(channel <= 0.04045, channel / 12.92, ((channel + 0.055) / 1.055) ** 2.4)


def lightness(color: str) -> float:
    """CIELAB L* (0 black … 100 white, D65) of an sRGB ``#rrggbb`` colour."""
    rgb = _linear(np.asarray(hex_to_rgb(color)))
    y = float(rgb @ np.array([0.2126729, 0.7151522, 0.0721750]))
    f = np.cbrt(y) if y > 216 / 24389 else (24389 / 27 * y + 16) / 116
    return float(116 * f - 16)


@lru_cache(maxsize=1)
def _grey_lightness() -> np.ndarray:
    """L* of the 256 neutral greys ``#000000`` … ``#ffffff`` (computed once)."""
    return np.array([lightness(f"#{v:02x}{v:02x}{v:02x}") for v in range(256)])


def grey_of_lightness(target: float) -> str:
    """The neutral sRGB grey ``#vvvvvv`` whose L* is closest to ``target``."""
    v = int(np.argmin(np.abs(_grey_lightness() - target)))
    return f"#{v:02x}{v:02x}{v:02x}"


def missing_color(class_colors: Sequence[str]) -> str:
    """The neutral grey for "no data" next to these class colours.

    The lightest grey with L* in :data:`MISSING_L_RANGE` that differs by at least
    :data:`MISSING_L_GAP` from every class colour; when the classes leave no such gap,
    the grey whose smallest difference is largest. Over every ColorBrewer palette in
    :mod:`geo.analysis.classify` with 3–9 classes the smallest difference is at least 4.5 L*
    (tests/test_render.py checks every combination).

    Depends only on the colours, so it is computed once per palette and class count
    (:func:`missing_color_computations` counts the computations).
    """
    return _missing_color(tuple(class_colors))


@lru_cache(maxsize=1024)
def _missing_color(class_colors: tuple[str, ...]) -> str:
    _computed[class_colors] = _computed.get(class_colors, 0) + 1
    if not class_colors:
        return grey_of_lightness(MISSING_L_RANGE[1])
    class_l = np.array([lightness(c) for c in class_colors])
    candidates = np.arange(MISSING_L_RANGE[1], MISSING_L_RANGE[0] - 0.01, -0.5)
    gaps = np.abs(candidates[:, None] - class_l[None, :]).min(axis=1)
    wide = np.flatnonzero(gaps >= MISSING_L_GAP)
    if wide.size:
        return grey_of_lightness(float(candidates[wide[0]]))
    return grey_of_lightness(float(candidates[int(np.argmax(gaps))]))


_computed: dict[tuple[str, ...], int] = {}


def missing_color_computations() -> dict[tuple[str, ...], int]:
    """How many times the grey was computed, per tuple of class colours (for tests)."""
    return dict(_computed)


def min_lightness_gap(color: str, class_colors: Sequence[str]) -> float:
    """Smallest |ΔL*| between ``color`` and any of ``class_colors``."""
    own = lightness(color)
    return min(abs(own - lightness(c)) for c in class_colors)
