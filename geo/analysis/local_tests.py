"""Local tests of spatial association whose p-values a reviewer accepts: conditional
permutations that count ties against significance, and corrections for testing every unit.

Why not esda's own pseudo p-values: esda folds its permutation count with a strict
inequality on one side, so when most values are tied (195 of 199 counties with 0 incoming
medical links) a simulated local statistic *equal* to the observed one counts as less
extreme, and a crowd of tied zeros comes out as "Low–Low, p = 0.001". Here a unit's pseudo
p-value is

    p_i = (#{ |sim_i − c_i| ≥ |obs_i − c_i| } + 1) / (permutations + 1)

with ``≥`` (ties count against significance), on the two-sided scale: ``c_i = 0`` for local
Moran's I (its permutation centre, −z_i²/(n−1) · n/Σz², is within rounding of 0 at n ≥ 5)
and the conditional expectation ``(y_i + k_i · mean of the others) / Σy`` for Gi*. Equality
is tested with a relative tolerance of 1e-9 so sums taken in another order still tie.

The permutation draws (reproducible, documented so a test can redo them): a NumPy
``default_rng(seed)`` generator draws, in chunks of :data:`CHUNK` rows, one permutation of
``0 … n−2`` per row (``Generator.permuted`` of a tiled range, axis 1) and keeps its first
``k_max`` columns; unit *i* reads the first ``k_i`` columns, shifted by one at and above
*i* (so *i* itself is never drawn), and pairs them with its neighbours' weights in
``W.neighbors`` order. Every unit sees the same draws, as in esda.

Corrections over the m units tested: ``none``; ``fdr`` (Benjamini–Hochberg step-up:
q_(j) = min_{l ≥ j} m p_(l) / l, capped at 1); ``bonferroni`` (min(1, m p)). A unit is
significant when its adjusted p-value is ≤ alpha.
"""

from __future__ import annotations

import numpy as np

CORRECTIONS = ("fdr", "none", "bonferroni")
DEFAULT_CORRECTION = "fdr"
MIN_PERMUTATIONS = 99
MAX_PERMUTATIONS = 99_999
DEFAULT_PERMUTATIONS = 9_999
#: Rows of permutation draws made at once (memory: CHUNK × (n − 1) integers).
CHUNK = 10_000
#: Relative tolerance under which a simulated statistic ties with the observed one.
TIE_TOLERANCE = 1e-9


def permutation_draws(n: int, k_max: int, permutations: int, seed: int):
    """Yield blocks of draws, each ``(rows, k_max)`` of distinct indices in ``0 … n−2``."""
    rng = np.random.default_rng(seed)
    base = np.arange(n - 1)
    done = 0
    while done < permutations:
        rows = min(CHUNK, permutations - done)
        block = rng.permuted(np.tile(base, (rows, 1)), axis=1)[:, :k_max]
        done += rows
        yield block


def conditional_counts(
    values: np.ndarray,
    neighbours: list[np.ndarray],
    weights: list[np.ndarray],
    observed: np.ndarray,
    centre,
    scale,
    permutations: int,
    seed: int,
) -> np.ndarray:
    """For each unit, how many permutations give a statistic at least as far from its centre
    as the observed one (ties included).

    Parameters
    ----------
    values : array (n,)
        The values whose neighbours are drawn (z-scores for Moran, raw values for Gi*).
    neighbours, weights : lists of arrays
        Unit *i*'s neighbour positions and their weights (self excluded).
    observed : array (n,)
        The observed statistic.
    centre, scale : callables (i, sim_lag) → array
        ``scale(i, lag)`` turns simulated neighbour sums into the statistic;
        ``centre(i)`` is the point distances are measured from.
    """
    n = len(values)
    k = np.array([len(nb) for nb in neighbours])
    k_max = int(k.max())
    counts = np.zeros(n, dtype=np.int64)
    position = np.arange(n)
    for block in permutation_draws(n, k_max, permutations, seed):
        for i in position:
            if k[i] == 0:
                continue
            idx = block[:, : k[i]]
            idx = idx + (idx >= i)
            sim = scale(i, values[idx] @ weights[i])
            c = centre(i)
            obs = abs(observed[i] - c)
            counts[i] += int(np.sum(np.abs(sim - c) >= obs * (1 - TIE_TOLERANCE) - 1e-300))
    return counts


def pseudo_p(counts: np.ndarray, permutations: int) -> np.ndarray:
    return (counts + 1.0) / (permutations + 1.0)


def adjust(p: np.ndarray, correction: str) -> np.ndarray:
    """Adjusted p-values (see the module docstring)."""
    p = np.asarray(p, dtype=float)
    m = len(p)
    if correction == "none" or m == 0:
        return p.copy()
    if correction == "bonferroni":
        return np.minimum(1.0, p * m)
    order = np.argsort(p, kind="stable")
    ranked = p[order] * m / np.arange(1, m + 1)
    q = np.minimum.accumulate(ranked[::-1])[::-1]
    out = np.empty(m)
    out[order] = np.minimum(1.0, q)
    return out


def needed_p(m: int, correction: str, alpha: float) -> float:
    """The raw p-value the *most* significant unit needs to pass ``alpha``."""
    return alpha / m if correction in ("bonferroni", "fdr") and m else alpha


def local_moran_p(
    y: np.ndarray, neighbours, weights, permutations: int, seed: int
) -> tuple[np.ndarray, np.ndarray]:
    """(observed z_i · lag_i, tie-aware two-sided pseudo p) for local Moran's I."""
    z = (y - y.mean()) / y.std()
    lag = np.array([z[nb] @ w for nb, w in zip(neighbours, weights)])
    observed = z * lag
    counts = conditional_counts(
        z,
        neighbours,
        weights,
        observed,
        centre=lambda i: 0.0,
        scale=lambda i, sim_lag: z[i] * sim_lag,
        permutations=permutations,
        seed=seed,
    )
    return observed, pseudo_p(counts, permutations)


def gi_star_p(
    y: np.ndarray, neighbours, permutations: int, seed: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(G*_i, conditional expectation, tie-aware two-sided pseudo p) with binary weights and
    the unit itself included: G*_i = (y_i + Σ_neighbours y_j) / Σ y."""
    total = y.sum()
    n = len(y)
    ones = [np.ones(len(nb)) for nb in neighbours]
    observed = np.array([(y[i] + y[nb].sum()) / total for i, nb in enumerate(neighbours)])
    k = np.array([len(nb) for nb in neighbours])
    expected = (y + k * (total - y) / (n - 1)) / total
    counts = conditional_counts(
        y,
        neighbours,
        ones,
        observed,
        centre=lambda i: expected[i],
        scale=lambda i, sim_lag: (y[i] + sim_lag) / total,
        permutations=permutations,
        seed=seed,
    )
    return observed, expected, pseudo_p(counts, permutations)


__all__ = [
    "CORRECTIONS",
    "DEFAULT_CORRECTION",
    "DEFAULT_PERMUTATIONS",
    "MAX_PERMUTATIONS",
    "MIN_PERMUTATIONS",
    "adjust",
    "conditional_counts",
    "gi_star_p",
    "local_moran_p",
    "needed_p",
    "permutation_draws",
    "pseudo_p",
]
