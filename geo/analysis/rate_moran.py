"""Rate-smoothed Moran's I for rates and densities: esda :class:`esda.moran.Moran_Rate`
(Assunção–Reis empirical-Bayes standardisation of numerator / denominator) on the same queen
weights as the cluster map.

A rate from a small denominator is noisy (one more doctor in a county of 20,000 residents
moves "per 1,000" a lot); the EB standardisation divides each rate's deviation from the
pooled rate by its expected spread given its denominator, so small units do not dominate
Moran's I. Computed only when the indicator's ``numerator`` and ``denominator`` are bundled
indicators with values for every unit analysed (the year of the rate, or the indicator's only
values when it has no years, as for ``area_km2``); otherwise ``None`` with the reason.
"""

from __future__ import annotations

import warnings

import esda
import numpy as np

from geo.analysis.measures import kind_of
from geo.sources.indicators import bundled_indicator


def _inputs(source, level: str, year: int | None, adcodes: list[str]):
    """(numerator, denominator) arrays over ``adcodes``, or (None, reason)."""
    arrays = []
    for indicator_id in (source.numerator, source.denominator):
        indicator = bundled_indicator(indicator_id)
        years = indicator.all_years
        use = (year if year in years else None) if years else None
        if years and use is None:
            return None, f"{indicator_id} has no values for {year}"
        if level not in indicator.levels:
            return None, f"{indicator_id} has no values at {level} level"
        values = indicator.values(level, use)["value"].astype(float).reindex(adcodes)
        if values.isna().any() or (values < 0).any():
            return None, f"{indicator_id} lacks values for some units analysed"
        arrays.append(values.to_numpy())
    if (arrays[1] <= 0).any():
        return None, f"{source.denominator} is 0 for some unit"
    return arrays, ""


def rate_moran(data, w, kept: list[str], permutations: int, seed: int) -> dict | None:
    """Moran's I of the EB-standardised rates, or a dict with only ``reason`` when it cannot
    be computed; None for indicators that are not rates or densities."""
    source = data.source
    if kind_of(source) not in ("rate", "density") or not getattr(source, "numerator", None):
        return None
    arrays, reason = _inputs(source, data.level, data.year, kept)
    if arrays is None:
        return {"reason": reason}
    numerator, denominator = arrays
    state = np.random.get_state()
    np.random.seed(seed)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            moran = esda.Moran_Rate(
                numerator, denominator, w, adjusted=True, permutations=permutations
            )
    finally:
        np.random.set_state(state)
    return {
        "i": float(moran.I),
        "expected_i": float(moran.EI),
        "p_value": float(moran.p_sim),
        "numerator": source.numerator,
        "denominator": source.denominator,
        "method": "esda Moran_Rate: Assunção–Reis empirical-Bayes standardised rates",
    }


__all__ = ["rate_moran"]
