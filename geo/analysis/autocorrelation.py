"""Where values cluster: global Moran's I and local Moran (LISA) classes on queen contiguity.

Computed with PySAL: contiguity from the boundary polygons by ``libpysal``
(:class:`libpysal.weights.Queen`: units sharing a border or a corner are neighbours),
row-standardised; :class:`esda.moran.Moran` and :class:`esda.moran.Moran_Local` with 999
conditional permutations from a fixed seed, so the same request always gives the same
p-values.

The values are analysed as given (no rate smoothing). Units without a value are left out,
and so are overlay units (Xiong'an New Area at prefecture level). A unit with no neighbour
among the units analysed (an *island*) has no spatial lag: it is left out of the statistics
and reported in ``islands``.

LISA classes at p < 0.05 (pseudo p-value of the permutation test): ``HH`` a high value among
high neighbours (hot spot), ``LL`` low among low (cold spot), ``HL`` high among low, ``LH``
low among high (outliers), ``ns`` not significant.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from threading import Lock

import esda
import libpysal
import numpy as np
from libpysal.weights import Queen, lag_spatial, w_subset

from geo.analysis.analysis_values import AnalysisValues, analysis_values, check_enough
from geo.errors import BadParameter
from geo.i18n import text
from geo.sources.regions import regions

PERMUTATIONS = 999
#: Fixed seed of the permutation tests (global and local): answers are reproducible.
SEED = 12345
ALPHA = 0.05
#: Fewer units leave too few distinct permutations for a test (3 provinces: every
#: permutation gives the same I).
MIN_UNITS = 5
CLASSES = ("HH", "LL", "HL", "LH", "ns")
#: esda's quadrants (``Moran_Local.q``): 1 HH, 2 LH, 3 LL, 4 HL.
QUADRANTS = {1: "HH", 2: "LH", 3: "LL", 4: "HL"}
#: The usual LISA cluster map colours (GeoDa, PySAL splot).
COLORS = {
    "HH": "#d7191c",
    "LL": "#2c7bb6",
    "HL": "#fdae61",
    "LH": "#abd9e9",
    "ns": "#e0e0e0",
}
#: Units outside the analysis (no value, island, overlay): white, dashed/hatched outline.
OUTSIDE_COLOR = "#ffffff"

#: esda's permutations draw from NumPy's global generator: one seeded run at a time, and
#: the process's generator state put back afterwards.
_rng_lock = Lock()


def queen_weights(level: str, adcodes: list[str]):
    """Queen contiguity among ``adcodes`` (units of ``level``), and the islands.

    Returns
    -------
    (libpysal.weights.W, list of str)
        Weights over the units that have at least one neighbour among ``adcodes`` (ids are
        adcodes, in the order given), and the adcodes of those that have none.
    """
    frame = regions(level, include_special=False).set_index("adcode").loc[adcodes]
    w = Queen.from_dataframe(frame, use_index=True, silence_warnings=True)
    islands = [a for a in adcodes if w.cardinalities[a] == 0]
    if islands:
        kept = [a for a in adcodes if a not in set(islands)]
        w = w_subset(w, kept, silence_warnings=True)
    return w, islands


def _finite(value) -> float | None:
    value = float(value)
    return value if np.isfinite(value) else None


def _seeded(function):
    with _rng_lock:
        state = np.random.get_state()
        np.random.seed(SEED)
        try:
            return function()
        finally:
            np.random.set_state(state)


def autocorrelation(data: AnalysisValues) -> dict:
    """Global Moran's I and each unit's LISA class for ``data``'s values.

    Parameters
    ----------
    data : AnalysisValues
        From :func:`geo.analysis.analysis_values.analysis_values`.

    Returns
    -------
    dict
        JSON-ready: ``n``, ``n_missing``, ``islands``, ``moran_i``, ``expected_i``,
        ``p_value`` (permutation), ``z_sim``, ``clusters`` (one entry per unit analysed:
        value, spatial lag, local I, pseudo p-value, class) and ``counts`` per class.

    Raises
    ------
    BadParameter
        Fewer than 5 units with a value and a neighbour, or all values equal.
    """
    adcodes = list(data.values.index)
    check_enough(data, MIN_UNITS, "Moran's I")
    w, islands = queen_weights(data.level, adcodes)
    kept = list(w.id_order)
    analysed = data.values.loc[kept]
    check_enough(
        AnalysisValues(data.source, data.level, data.year, data.units, analysed),
        MIN_UNITS,
        "Moran's I (units with a neighbour)",
    )
    y = analysed.to_numpy(dtype=float)
    if np.ptp(y) == 0:
        param = "column" if data.source.kind == "dataset" else "indicator"
        raise BadParameter(
            param,
            data.source.query_params().get(param, ""),
            "an indicator whose values differ between units",
            reason="every unit analysed has the same value",
        )
    w.transform = "r"
    neighbours = {a: sorted(w.neighbors[a]) for a in kept}
    lag = lag_spatial(w, y)
    moran = _seeded(lambda: esda.Moran(y, w, transformation="r", permutations=PERMUTATIONS))
    with warnings.catch_warnings():
        # esda announces a two-sided default for a later major release; the p-values here
        # are the folded (directed) ones GeoDa reports, as documented in ``method``.
        warnings.simplefilter("ignore", DeprecationWarning)
        local = _seeded(
            lambda: esda.Moran_Local(
                y, w, transformation="r", permutations=PERMUTATIONS, seed=SEED, n_jobs=1
            )
        )
    clusters = []
    counts = dict.fromkeys(CLASSES, 0)
    for i, adcode in enumerate(kept):
        p = float(local.p_sim[i])
        cls = QUADRANTS[int(local.q[i])] if p < ALPHA else "ns"
        counts[cls] += 1
        clusters.append(
            {
                **data.unit_dict(adcode),
                "value": float(y[i]),
                "spatial_lag": float(lag[i]),
                "local_i": float(local.Is[i]),
                "p_value": p,
                "cluster": cls,
                "neighbours": neighbours[adcode],
            }
        )
    result = {
        "source": data.source_dict("en"),
        "level": data.level,
        "year": data.year,
        "n": len(kept),
        "n_missing": len(data.missing),
        "missing": [data.unit_dict(a) for a in data.missing],
        "left_out": data.left_out,
        "islands": [data.unit_dict(a) for a in islands],
        "weights": {
            "type": "queen contiguity (shared border or corner) from the boundary polygons",
            "transformation": "row-standardised",
            "mean_neighbours": float(np.mean([len(v) for v in neighbours.values()])),
        },
        "moran_i": float(moran.I),
        "expected_i": float(moran.EI),
        "p_value": float(moran.p_sim),
        "z_sim": _finite(moran.z_sim),
        "permutations": PERMUTATIONS,
        "seed": SEED,
        "alpha": ALPHA,
        "clusters": clusters,
        "counts": counts,
        "colors": COLORS,
        "method": {
            "library": f"esda {esda.__version__} Moran / Moran_Local, "
            f"libpysal {libpysal.__version__} Queen",
            "p_value": "pseudo p-value of the permutation test, (m + 1) / (999 + 1) where m "
            "permutations are at least as extreme on the observed side (folded, as GeoDa); "
            "local p-values by conditional permutation",
        },
    }
    result["statement"] = {lang: statement(result, lang) for lang in ("en", "zh")}
    return result


def statement(result: dict, lang: str) -> str:
    """Moran's I in a sentence, e.g. "Moran's I = 0.42 (expected −0.08, p = 0.001): similar
    values cluster."""
    i, p = result["moran_i"], result["p_value"]
    if p >= ALPHA:
        verdict = text("moran_random", lang)
    elif i > result["expected_i"]:
        verdict = text("moran_clustered", lang)
    else:
        verdict = text("moran_dispersed", lang)
    return text("moran_statement", lang).format(
        i=f"{i:.3f}", e=f"{result['expected_i']:.3f}", p=f"{p:.3f}", verdict=verdict
    )


def autocorrelation_from_params(params: Mapping[str, str], config: Mapping | None = None):
    """Validate a request (``indicator``/``dataset``, ``level``, ``year``) and compute
    :func:`autocorrelation`; returns ``(AnalysisValues, result)``."""
    data = analysis_values(params, config)
    return data, autocorrelation(data)


#: ``status`` of a unit in :func:`cluster_frame`.
STATUSES = ("analysed", "no_value", "island", "overlay")


def cluster_frame(data: AnalysisValues, result: dict):
    """Every unit of the level (overlay units too) with its LISA class, as a GeoDataFrame
    (EPSG:4326) in adcode order: ``adcode``, names, ``special``, ``status``
    (``analysed``, ``no_value``, ``island``, ``overlay``), ``value``, ``spatial_lag``,
    ``local_i``, ``p_value``, ``cluster`` (HH|LL|HL|LH|ns, empty when not analysed)."""
    frame = regions(data.level)[["adcode", "name_zh", "name_en", "special", "geometry"]]
    frame = frame.sort_values(["special", "adcode"]).reset_index(drop=True)
    by_code = {c["adcode"]: c for c in result["clusters"]}
    islands = {u["adcode"] for u in result["islands"]}
    rows = []
    for adcode, special in zip(frame["adcode"], frame["special"]):
        entry = by_code.get(adcode)
        if special:
            status = "overlay"
        elif entry is not None:
            status = "analysed"
        elif adcode in islands:
            status = "island"
        else:
            status = "no_value"
        value = data.values.get(adcode) if not special else None
        rows.append(
            {
                "status": status,
                "value": None if value is None else float(value),
                "spatial_lag": entry["spatial_lag"] if entry else None,
                "local_i": entry["local_i"] if entry else None,
                "p_value": entry["p_value"] if entry else None,
                "cluster": entry["cluster"] if entry else None,
            }
        )
    for column in ("status", "value", "spatial_lag", "local_i", "p_value", "cluster"):
        frame[column] = [row[column] for row in rows]
    return frame
