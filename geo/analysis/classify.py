"""Choropleth classification (mapclassify) and ColorBrewer palettes.

The schemes, class-count range and palettes are defined once here and read by the web
layer, its error messages and the tests.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import mapclassify
import numpy as np
from branca.utilities import color_brewer

from geo.errors import BadParameter

#: Public scheme names → mapclassify classes. Fisher–Jenks is the deterministic optimal
#: "natural breaks" (mapclassify.NaturalBreaks is k-means with random starts).
SCHEMES = {
    "quantiles": mapclassify.Quantiles,
    "natural_breaks": mapclassify.FisherJenks,
    "equal_interval": mapclassify.EqualInterval,
}
K_RANGE = range(3, 10)
DEFAULT_SCHEME = "quantiles"
DEFAULT_K = 5

#: ColorBrewer sequential palettes (Brewer, Harrower & PSU, Apache-2.0), 3–9 classes.
PALETTES = (
    "YlGnBu",
    "YlOrRd",
    "Blues",
    "Greens",
    "Oranges",
    "Purples",
    "Reds",
    "Greys",
    "BuGn",
    "BuPu",
    "GnBu",
    "OrRd",
    "PuBu",
    "PuBuGn",
    "PuRd",
    "RdPu",
    "YlGn",
    "YlOrBr",
)
DEFAULT_PALETTE = "YlGnBu"
#: ColorBrewer diverging palettes for change maps (negative ← 0 → positive).
DIVERGING_PALETTES = ("RdBu", "BrBG", "PuOr", "PiYG", "PRGn", "RdYlBu", "RdGy", "Spectral")
DEFAULT_DIVERGING_PALETTE = "RdBu"
#: Fill for units without a sourced value: a neutral grey plus a hatch in the legend.
MISSING_COLOR = "#d9d9d9"


def check_scheme(scheme: str) -> str:
    if scheme not in SCHEMES:
        raise BadParameter("scheme", scheme, SCHEMES)
    return scheme


def check_k(k: str | int) -> int:
    try:
        value = int(k)
    except (TypeError, ValueError):
        value = None
    if value is None or value not in K_RANGE:
        raise BadParameter("k", k, f"an integer from {K_RANGE.start} to {K_RANGE.stop - 1}")
    return value


def check_palette(palette: str) -> str:
    if palette not in PALETTES:
        raise BadParameter("palette", palette, PALETTES)
    return palette


def check_diverging_palette(palette: str) -> str:
    if palette not in DIVERGING_PALETTES:
        raise BadParameter(
            "palette", palette, DIVERGING_PALETTES, reason="a change map needs a diverging palette"
        )
    return palette


def palette_colors(palette: str, k: int) -> list[str]:
    """The ``k`` ColorBrewer colours of ``palette``, light to dark."""
    colors = color_brewer(check_palette(palette), check_k(k))
    return [c.lower() for c in colors[:k]]


@dataclass(frozen=True)
class Classification:
    scheme: str
    k: int  # classes actually used (fewer than asked when values are too few/too alike)
    bins: list[float]  # upper bounds, the last equals the maximum
    minimum: float
    counts: list[int]
    colors: list[str]
    #: Lower bound of each class, when classes are not contiguous (diverging: the first
    #: class above 0 starts at the smallest positive value, not at the last negative one).
    lowers: list[float] | None = None

    def class_of(self, value: float) -> int | None:
        """Index of the class ``value`` falls in (None for missing)."""
        if value is None or np.isnan(value):
            return None
        return int(np.searchsorted(self.bins, value, side="left").clip(0, self.k - 1))


def classify(values, scheme: str, k: int, palette: str) -> Classification | None:
    """Classify the non-missing ``values`` with a mapclassify ``scheme`` into ``k`` classes.

    Returns None when there are no values. With fewer distinct values than ``k``, the
    number of classes is reduced to the number of distinct values (each its own class).
    """
    check_scheme(scheme)
    k = check_k(k)
    data = np.asarray([v for v in values if v is not None and not np.isnan(v)], dtype=float)
    if data.size == 0:
        return None
    distinct = np.unique(data)
    if distinct.size <= k:
        bins = distinct.tolist()
    else:
        with warnings.catch_warnings():
            # mapclassify suggests numba for Fisher–Jenks speed; 200 values need no JIT.
            warnings.simplefilter("ignore", UserWarning)
            classifier = SCHEMES[scheme](data, k=k)
        bins = np.unique(np.asarray(classifier.bins, dtype=float)).tolist()
    used = max(len(bins), 1)
    colors = palette_colors(palette, max(used, K_RANGE.start))
    if used < K_RANGE.start:
        # Spread the few classes over the palette instead of using only its lightest end.
        colors = [colors[i] for i in np.linspace(0, len(colors) - 1, used).round().astype(int)]
    counts = np.bincount(
        np.searchsorted(bins, data, side="left").clip(0, used - 1), minlength=used
    ).tolist()
    return Classification(
        scheme=scheme,
        k=used,
        bins=[float(b) for b in bins],
        minimum=float(data.min()),
        counts=counts,
        colors=colors[:used],
    )


def _side_bins(values: np.ndarray, scheme: str, n: int) -> list[float]:
    distinct = np.unique(values)
    if distinct.size <= n:
        return distinct.tolist()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        classifier = SCHEMES[scheme](values, k=n)
    return np.unique(np.asarray(classifier.bins, dtype=float)).tolist()


def classify_diverging(values, scheme: str, k: int, palette: str) -> Classification | None:
    """Classes centred on 0 for changes: up to ``k // 2`` classes each side, coloured from a
    ColorBrewer diverging ``palette`` so that 0 sits at the palette's centre.

    Negative values take the colours left of the centre (darkest = most negative), zero and
    positive values those right of it. Each side is classified with ``scheme`` on its own.
    """
    check_scheme(scheme)
    k = check_k(k)
    check_diverging_palette(palette)
    data = np.asarray([v for v in values if v is not None and not np.isnan(v)], dtype=float)
    if data.size == 0:
        return None
    per_side = max(k // 2, 1)
    negative, positive = data[data < 0], data[data >= 0]
    neg_bins = _side_bins(negative, scheme, per_side) if negative.size else []
    pos_bins = _side_bins(positive, scheme, per_side) if positive.size else []
    half = max(len(neg_bins), len(pos_bins), 2)
    colors = [c.lower() for c in color_brewer(palette, 2 * half)][: 2 * half]
    chosen = colors[half - len(neg_bins) : half] + colors[half : half + len(pos_bins)]
    bins = neg_bins + pos_bins
    lowers = []
    for side, side_bins in ((negative, neg_bins), (positive, pos_bins)):
        if side_bins:
            lowers.extend([float(side.min()), *side_bins[:-1]])
    counts = np.bincount(
        np.searchsorted(bins, data, side="left").clip(0, len(bins) - 1), minlength=len(bins)
    ).tolist()
    return Classification(
        scheme=scheme,
        k=len(bins),
        bins=[float(b) for b in bins],
        minimum=float(data.min()),
        counts=counts,
        colors=chosen,
        lowers=lowers,
    )
