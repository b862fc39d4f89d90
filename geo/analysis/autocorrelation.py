"""Where values cluster: global Moran's I, and local classes on queen contiguity: local
Moran (LISA) or Getis-Ord Gi* hot and cold spots.

Computed with PySAL: contiguity from the boundary polygons by ``libpysal``
(:class:`libpysal.weights.Queen`: units sharing a border or a corner are neighbours);
global :class:`esda.moran.Moran` (row-standardised, its own permutation p-value from a fixed
seed); local statistics by :class:`esda.moran.Moran_Local` or :class:`esda.getisord.G_Local`
(``star=True``), whose p-values come from :mod:`geo.analysis.local_tests`: conditional
permutations (``permutations=``, 99 … 99,999, default 9,999) in which ties count against
significance, adjusted for testing every unit (``correction=fdr|none|bonferroni``, default
fdr). Results are cached per data version (keyed by the values themselves).

The values are analysed as given (no rate smoothing). Units without a value are left out,
and so are overlay units (Xiong'an New Area at prefecture level). A unit with no neighbour
among the units analysed (an *island*) has no spatial lag: it is left out of the statistics
and reported in ``islands``.

LISA classes at adjusted p ≤ 0.05: ``HH`` a high value among high neighbours (hot spot),
``LL`` low among low (cold spot), ``HL`` high among low, ``LH`` low among high (outliers),
``ns`` not significant. Gi* classes: ``hot99`` … ``cold90`` at adjusted p ≤ 0.01/0.05/0.10.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from functools import lru_cache
from threading import Lock

import esda
import libpysal
import numpy as np
from libpysal.weights import Queen, lag_spatial, w_subset

from geo.analysis.analysis_values import AnalysisValues, analysis_values, check_enough
from geo.analysis.local_tests import (
    CORRECTIONS,
    DEFAULT_CORRECTION,
    DEFAULT_PERMUTATIONS,
    MAX_PERMUTATIONS,
    MIN_PERMUTATIONS,
    adjust,
    gi_star_p,
    local_moran_p,
    needed_p,
)
from geo.analysis.rate_moran import rate_moran
from geo.analysis.sentences import indicator_phrase, p_text, short_p, units_phrase, year_phrase
from geo.errors import BadParameter
from geo.i18n import text
from geo.sources.indicators import bundled_indicator
from geo.sources.regions import regions

#: Kept for callers that show the default; requests choose with ``permutations=``.
PERMUTATIONS = DEFAULT_PERMUTATIONS
#: ``method=``: local Moran (LISA) or Getis-Ord Gi* hot and cold spots.
METHODS = ("lisa", "gi_star")
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
#: Gi* confidence levels: class suffix and the adjusted p-value it needs.
GI_LEVELS = (("99", 0.01), ("95", 0.05), ("90", 0.10))
GI_CLASSES = ("hot99", "hot95", "hot90", "cold99", "cold95", "cold90", "ns")
GI_COLORS = {
    "hot99": "#b2182b",
    "hot95": "#ef8a62",
    "hot90": "#fddbc7",
    "cold99": "#2166ac",
    "cold95": "#67a9cf",
    "cold90": "#d1e5f0",
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


def check_local_params(params: Mapping[str, str]) -> tuple[str, str, int]:
    """``method=`` (lisa|gi_star), ``correction=`` (fdr|none|bonferroni, default fdr) and
    ``permutations=`` (99 … 99,999, default 9,999), each a 400 naming the valid values."""
    method = (params.get("method") or "lisa").strip()
    if method not in METHODS:
        raise BadParameter("method", method, METHODS)
    correction = (params.get("correction") or DEFAULT_CORRECTION).strip()
    if correction not in CORRECTIONS:
        raise BadParameter("correction", correction, CORRECTIONS)
    raw = (params.get("permutations") or str(DEFAULT_PERMUTATIONS)).strip().replace(",", "")
    valid = f"a whole number from {MIN_PERMUTATIONS} to {MAX_PERMUTATIONS}"
    try:
        permutations = int(raw)
    except ValueError:
        raise BadParameter(
            "permutations",
            raw,
            valid,
            zh=f"参数「permutations」的值「{raw}」无效：应为{MIN_PERMUTATIONS}至"
            f"{MAX_PERMUTATIONS}之间的整数。",
        ) from None
    if not MIN_PERMUTATIONS <= permutations <= MAX_PERMUTATIONS:
        raise BadParameter(
            "permutations",
            raw,
            valid,
            zh=f"参数「permutations」的值「{raw}」无效：应为{MIN_PERMUTATIONS}至"
            f"{MAX_PERMUTATIONS}之间的整数。",
        )
    return method, correction, permutations


@lru_cache(maxsize=64)
def _local_figures(level: str, adcodes: tuple, values: bytes, method: str, permutations: int):
    """The permutation work for one data version (keyed by the values themselves, so a
    replaced dataset or a new year never reads an old answer): weights, global Moran and
    the local statistics with their raw pseudo p-values."""
    y_all = np.frombuffer(values, dtype=float)
    w, islands = queen_weights(level, list(adcodes))
    kept = list(w.id_order)
    index = {a: i for i, a in enumerate(adcodes)}
    y = np.array([y_all[index[a]] for a in kept])
    if len(kept) < MIN_UNITS or np.ptp(y) == 0:
        return w, islands, kept, y, None
    w.transform = "r"
    position = {a: i for i, a in enumerate(kept)}
    neighbours = [np.array([position[b] for b in w.neighbors[a]]) for a in kept]
    row_weights = [np.asarray(w.weights[a], dtype=float) for a in kept]
    moran = _seeded(lambda: esda.Moran(y, w, transformation="r", permutations=permutations))
    figures = {"moran": moran, "lag": lag_spatial(w, y), "w": w}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if method == "lisa":
            local = esda.Moran_Local(y, w, transformation="r", permutations=0)
            _, p = local_moran_p(y, neighbours, row_weights, permutations, SEED)
            figures.update(statistic=np.asarray(local.Is, float), q=local.q, p=p)
        else:
            local = esda.G_Local(y, w, star=True, transform="B", permutations=0)
            g, expected, p = gi_star_p(y, neighbours, permutations, SEED)
            figures.update(statistic=g, expected=expected, z=np.asarray(local.Zs, float), p=p)
    return w, islands, kept, y, figures


#: Rate-smoothed Moran answers by (numerator, denominator, level, year, units, permutations):
#: its inputs are bundled indicators, fixed for the process.
_RATE_CACHE: dict[tuple, dict | None] = {}


def _rate_moran(data, w, kept: list[str], permutations: int):
    source = data.source
    key = (
        getattr(source, "numerator", None),
        getattr(source, "denominator", None),
        getattr(source, "measure", None),
        data.level,
        data.year,
        tuple(kept),
        permutations,
    )
    if key not in _RATE_CACHE:
        if len(_RATE_CACHE) > 64:
            _RATE_CACHE.clear()
        with _rng_lock:
            _RATE_CACHE[key] = rate_moran(data, w, kept, permutations, SEED)
    return _RATE_CACHE[key]


def _gi_class(adjusted: float, above: bool) -> str:
    for level, alpha in GI_LEVELS:
        if adjusted <= alpha:
            return ("hot" if above else "cold") + level
    return "ns"


def autocorrelation(
    data: AnalysisValues,
    method: str = "lisa",
    correction: str = DEFAULT_CORRECTION,
    permutations: int = DEFAULT_PERMUTATIONS,
) -> dict:
    """Global Moran's I and each unit's local class for ``data``'s values.

    Parameters
    ----------
    data : AnalysisValues
        From :func:`geo.analysis.analysis_values.analysis_values`.
    method : {"lisa", "gi_star"}
        Local Moran classes (HH, LL, HL, LH at adjusted p ≤ 0.05) or Getis-Ord Gi* hot
        and cold spots at 90/95/99 % confidence.
    correction : {"fdr", "none", "bonferroni"}
        Over the units tested (:mod:`geo.analysis.local_tests`).
    permutations : int
        Conditional permutations (99 … 99,999); ties count against significance.

    Returns
    -------
    dict
        JSON-ready: ``n``, ``n_missing``, ``islands``, ``moran_i``, ``expected_i``,
        ``p_value`` (permutation), ``z_sim``, ``clusters`` (one entry per unit analysed:
        value, spatial lag, local statistic, raw and adjusted pseudo p-value, class),
        ``counts`` per class, ``statements``.

    Raises
    ------
    BadParameter
        Fewer than 5 units with a value and a neighbour, or all values equal.
    """
    adcodes = list(data.values.index)
    check_enough(data, MIN_UNITS, "Moran's I")
    values = data.values.to_numpy(dtype=float)
    w, islands, kept, y, figures = _local_figures(
        data.level, tuple(adcodes), values.tobytes(), method, permutations
    )
    analysed = data.values.loc[kept]
    check_enough(
        AnalysisValues(data.source, data.level, data.year, data.units, analysed),
        MIN_UNITS,
        "Moran's I (units with a neighbour)",
    )
    if figures is None:
        param = "column" if data.source.kind == "dataset" else "indicator"
        raise BadParameter(
            param,
            data.source.query_params().get(param, ""),
            "an indicator whose values differ between units",
            reason="every unit analysed has the same value",
        )
    moran, lag, p = figures["moran"], figures["lag"], figures["p"]
    adjusted = adjust(p, correction)
    neighbours = {a: sorted(w.neighbors[a]) for a in kept}
    classes = CLASSES if method == "lisa" else GI_CLASSES
    colors = COLORS if method == "lisa" else GI_COLORS
    clusters = []
    counts = dict.fromkeys(classes, 0)
    for i, adcode in enumerate(kept):
        if method == "lisa":
            cls = QUADRANTS[int(figures["q"][i])] if adjusted[i] <= ALPHA else "ns"
            extra = {"local_i": float(figures["statistic"][i])}
        else:
            above = figures["statistic"][i] > figures["expected"][i]
            cls = _gi_class(adjusted[i], above)
            extra = {
                "g_star": float(figures["statistic"][i]),
                "z": _finite(figures["z"][i]),
                "local_i": None,
            }
        counts[cls] += 1
        clusters.append(
            {
                **data.unit_dict(adcode),
                "value": float(y[i]),
                "spatial_lag": float(lag[i]),
                **extra,
                "p_value": float(p[i]),
                "p_adjusted": float(adjusted[i]),
                "p_text": p_text(float(p[i]), permutations),
                "cluster": cls,
                "neighbours": neighbours[adcode],
            }
        )
    m = len(kept)
    floor = 1.0 / (permutations + 1)
    needed = needed_p(m, correction, ALPHA if method == "lisa" else GI_LEVELS[-1][1])
    result = {
        "source": {
            **data.source_dict("en"),
            "title_zh": data.source.title("zh"),
            "unit_zh": data.source.unit_label("zh"),
        },
        "level": data.level,
        "year": data.year,
        "n": m,
        "n_missing": len(data.missing),
        "missing": [data.unit_dict(a) for a in data.missing],
        "left_out": data.left_out,
        "islands": [data.unit_dict(a) for a in islands],
        "weights": {
            "type": "queen contiguity (shared border or corner) from the boundary polygons",
            "transformation": "row-standardised"
            if method == "lisa"
            else "binary, the unit itself included (Gi*)",
            "mean_neighbours": float(np.mean([len(v) for v in neighbours.values()])),
        },
        "local_method": method,
        "moran_i": float(moran.I),
        "expected_i": float(moran.EI),
        "p_value": float(moran.p_sim),
        "p_text": p_text(float(moran.p_sim), permutations),
        "z_sim": _finite(moran.z_sim),
        "permutations": permutations,
        "p_floor": floor,
        "correction": correction,
        "needed_p": needed,
        "floor_reaches": floor <= needed,
        "seed": SEED,
        "alpha": ALPHA,
        "classes": list(classes),
        "clusters": clusters,
        "counts": counts,
        "n_significant": sum(v for k, v in counts.items() if k != "ns"),
        "colors": colors,
        "method": {
            "library": f"esda {esda.__version__} Moran, "
            + ("Moran_Local" if method == "lisa" else "G_Local(star=True)")
            + f", libpysal {libpysal.__version__} Queen; local p-values by "
            "geo.analysis.local_tests",
            "p_value": "global: esda pseudo p-value (m + 1) / (permutations + 1), folded; "
            "local: conditional permutation, two-sided, (#{|sim − c| ≥ |obs − c|} + 1) / "
            "(permutations + 1): ties count against significance",
            "correction": correction,
        },
    }
    result["rate_moran"] = _rate_moran(data, figures["w"], kept, permutations)
    result["statements"] = {lang: statements(result, lang) for lang in ("en", "zh")}
    result["statement"] = {
        lang: ("" if lang == "zh" else " ").join(result["statements"][lang][:1])
        for lang in ("en", "zh")
    }
    return result


def statements(result: dict, lang: str) -> list[str]:
    """Global Moran's I, then the local count, each naming indicator, level, units, year;
    plus a note when the permutations cannot reach the corrected threshold."""
    i = result["moran_i"]
    if result["p_value"] >= ALPHA:
        verdict = text("moran_random", lang)
    elif i > result["expected_i"]:
        verdict = text("moran_clustered", lang)
    else:
        verdict = text("moran_dispersed", lang)
    indicator = indicator_phrase(result["source"], lang)
    units = units_phrase(result["level"], result["n"], lang)
    year = year_phrase(result["year"], lang)
    perms = f"{result['permutations']:,}"
    correction = text(f"correction_{result['correction']}", lang)
    alpha = "p ≤ 0.05" if result["local_method"] == "lisa" else "p ≤ 0.10"
    out = [
        text("moran_sentence", lang).format(
            indicator=indicator,
            units=units,
            year=year,
            i=f"{i:.3f}",
            e=f"{result['expected_i']:.3f}",
            p=p_text(result["p_value"], result["permutations"], lang),
            permutations=perms,
            verdict=verdict,
        ),
        text("local_summary", lang).format(
            method=text(f"method_{result['local_method']}", lang),
            indicator=indicator,
            units=units,
            year=year,
            k=result["n_significant"],
            n=result["n"],
            alpha=alpha,
            correction=text(f"after_{result['correction']}", lang),
            permutations=perms,
        ),
    ]
    if result["correction"] != "none" or not result["floor_reaches"]:
        out.append(
            text("local_floor_note", lang).format(
                permutations=perms,
                floor=short_p(result["p_floor"]),
                correction=correction,
                needed=short_p(result["needed_p"]),
                reach=text(
                    "floor_reachable" if result["floor_reaches"] else "floor_unreachable", lang
                ),
            )
        )
    rate = result.get("rate_moran")
    if rate and "i" in rate:
        out.insert(
            1,
            text("rate_moran_sentence", lang).format(
                indicator=indicator,
                numerator=bundled_indicator(rate["numerator"]).title(lang),
                denominator=bundled_indicator(rate["denominator"]).title(lang),
                units=units,
                year=year,
                i=f"{rate['i']:.3f}",
                p=p_text(rate["p_value"], result["permutations"], lang),
                permutations=perms,
            ),
        )
    return out


def autocorrelation_from_params(params: Mapping[str, str], config: Mapping | None = None):
    """Validate a request (``indicator``/``dataset``, ``level``, ``year``, ``method``,
    ``correction``, ``permutations``) and compute :func:`autocorrelation`; returns
    ``(AnalysisValues, result)``."""
    method, correction, permutations = check_local_params(params)
    data = analysis_values(params, config)
    return data, autocorrelation(data, method, correction, permutations)


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
                "g_star": entry.get("g_star") if entry else None,
                "p_value": entry["p_value"] if entry else None,
                "p_adjusted": entry["p_adjusted"] if entry else None,
                "p_text": entry["p_text"] if entry else None,
                "cluster": entry["cluster"] if entry else None,
            }
        )
    columns = ("status", "value", "spatial_lag", "local_i", "g_star", "p_value", "p_adjusted")
    for column in (*columns, "p_text", "cluster"):
        frame[column] = [row[column] for row in rows]
    return frame
