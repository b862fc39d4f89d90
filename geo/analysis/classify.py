"""Choropleth classification (mapclassify) and ColorBrewer palettes.

The schemes, class-count range and palettes are defined once here and read by the web
layer, its error messages and the tests.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from functools import lru_cache

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
    bins = list(_bins(data.tobytes(), scheme, k))
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
    return list(_bins(np.asarray(values, dtype=float).tobytes(), scheme, n))


@lru_cache(maxsize=4096)
def _bins(data: bytes, scheme: str, k: int) -> tuple[float, ...]:
    """Upper class bounds of the float64 ``data`` (its bytes: the cache key) by ``scheme``.

    Depends only on the values, the scheme and k — not on the palette or the language —
    so a map asked again with other colours or in the other language reuses it. With at
    most ``k`` distinct values each is its own class.
    """
    values = np.frombuffer(data, dtype=float)
    distinct = np.unique(values)
    if distinct.size <= k:
        return tuple(distinct.tolist())
    if scheme == "natural_breaks":
        bins = fisher_jenks_bins(values, k)
    else:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            bins = SCHEMES[scheme](values, k=k).bins
    return tuple(np.unique(np.asarray(bins, dtype=float)).tolist())


def fisher_jenks_bins(values, k: int) -> np.ndarray:
    """Fisher–Jenks optimal breaks, the same as ``mapclassify.FisherJenks(values, k).bins``.

    mapclassify's ``_fisher_jenks_means`` (without numba, which is not a dependency here)
    runs its O(k·n²) dynamic programme in Python loops: 25–30 ms for 199 counties. This is
    the same programme, in the same float32 arithmetic and with the same tie-breaking (the
    last candidate of equal cost wins), with the loops over the data done by numpy, one
    class at a time (tests/test_cold_work.py checks it against mapclassify).
    """
    x = np.sort(np.asarray(values, dtype="f8"))
    n = len(x)
    x32 = x.astype(np.float32)
    # Row l (1…n), column m (1…l): the values x[l-m … l-1], accumulated from the end as
    # mapclassify does (sequential float32 sums).
    rows = np.arange(1, n + 1)[:, None]
    cols = np.arange(1, n + 1)[None, :]
    valid = cols <= rows
    gathered = np.where(valid, x32[np.clip(rows - cols, 0, n - 1)], np.float32(0))
    s1 = np.cumsum(gathered, axis=1, dtype=np.float32)
    s2 = np.cumsum(gathered * gathered, axis=1, dtype=np.float32)
    w = np.arange(1, n + 1, dtype=np.float32)[None, :]
    variance = (s2 - (s1 * s1) / w).astype(np.float32)  # [l-1, m-1]
    cost = np.zeros((n + 1, k + 1), dtype=np.float32)  # mapclassify's mat2
    choice = np.zeros((n + 1, k + 1), dtype=np.int64)  # mapclassify's mat1
    choice[1, 1:] = 1
    cost[2:, 1:] = np.inf
    cost[1:, 1] = variance[np.arange(n), np.arange(n)]  # m = l: all of x[0 … l-1]
    choice[1:, 1] = 1
    ls = np.arange(2, n + 1)  # rows l ≥ 2 (row 1 keeps its initial values)
    ms = np.arange(1, n)  # m = 1 … n-1, valid while m < l
    before = ls[:, None] - ms[None, :]  # i4 = l - m (≥ 1 where valid)
    usable = before >= 1
    for j in range(2, k + 1):
        previous = cost[:, j - 1]
        candidates = variance[ls - 1][:, : n - 1] + previous[np.clip(before, 0, n)]
        candidates = np.where(usable, candidates, np.float32(np.inf)).astype(np.float32)
        best = candidates.min(axis=1)
        # The last m reaching the minimum (mapclassify replaces on >=); rows where nothing
        # is finite keep inf and take the last usable m, as the loop does.
        reached = (candidates == best[:, None]) & usable
        last_m = (n - 2) - np.argmax(reached[:, ::-1], axis=1)  # index into ms
        cost[2:, j] = best
        choice[2:, j] = ls - ms[last_m] + 1
    kclass = np.zeros(k + 1, dtype=x.dtype)
    kclass[k] = x[n - 1]
    kclass[0] = x[0]
    row = n
    for count in range(k, 1, -1):
        pivot = choice[row, count]
        kclass[count - 1] = x[int(pivot - 2)]
        row = int(pivot - 1)
    return np.delete(kclass, 0)


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
