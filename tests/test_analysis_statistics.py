"""The inequality and clustering figures against independent computations written here.

Gini and Theil (with its between/within decomposition) from their definitions in NumPy;
Moran's I and local Moran from a contiguity matrix this file builds with shapely
(``touches``/``intersects``), not libpysal.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from geo.analysis.analysis_values import AnalysisValues, analysis_values
from geo.analysis.autocorrelation import autocorrelation, queen_weights
from geo.analysis.inequality import _stats, inequality, parse_groups
from geo.errors import BadParameter
from geo.levels import XIONGAN
from geo.sources.indicators import bundled_indicator as get_indicator
from geo.sources.regions import regions

# --- independent definitions ------------------------------------------------------------


def gini_pairs(y, w=None):
    """Σ_i Σ_j π_i π_j |y_i − y_j| / (2 ȳ), π = weight shares (equal when unweighted)."""
    y = np.asarray(y, float)
    pi = np.full(len(y), 1 / len(y)) if w is None else np.asarray(w, float) / np.sum(w)
    mean = np.sum(pi * y)
    return np.sum(pi[:, None] * pi[None, :] * np.abs(y[:, None] - y[None, :])) / (2 * mean)


def theil_t(y, w=None):
    """Σ π_i (y_i/ȳ) ln(y_i/ȳ)."""
    y = np.asarray(y, float)
    pi = np.full(len(y), 1 / len(y)) if w is None else np.asarray(w, float) / np.sum(w)
    r = y / np.sum(pi * y)
    return float(np.sum(pi * r * np.log(r)))


def theil_decomposition(y, groups, w=None):
    """(between, within): between = Σ_g Π_g (ȳ_g/ȳ) ln(ȳ_g/ȳ), within = Σ_g Π_g (ȳ_g/ȳ) T_g."""
    y = np.asarray(y, float)
    groups = np.asarray(groups)
    w = np.ones(len(y)) if w is None else np.asarray(w, float)
    mean = np.sum(w * y) / np.sum(w)
    between = within = 0.0
    for g in np.unique(groups):
        m = groups == g
        share = np.sum(w[m]) / np.sum(w)
        mean_g = np.sum(w[m] * y[m]) / np.sum(w[m])
        between += share * (mean_g / mean) * np.log(mean_g / mean)
        within += share * (mean_g / mean) * theil_t(y[m], w[m])
    return between, within


def regular_values(indicator: str, level: str, year=None):
    """adcode → value straight from the catalog, Xiong'an and missing values dropped."""
    frame = get_indicator(indicator).values(level, year)
    values = frame["value"].astype(float).dropna()
    values = values[values.index != XIONGAN.adcode]
    return values.sort_index()


def per_resident(data: AnalysisValues) -> AnalysisValues:
    """``data`` with its indicator declared a rate per resident (a test device: the weighted
    code path on real values)."""
    toy = dataclasses.replace(data.source, measure="rate", denominator="population")
    return dataclasses.replace(data, source=toy)


# --- inequality ---------------------------------------------------------------------------


def test_unweighted_gini_theil_and_province_decomposition_match_numpy():
    # (a density: counts are refused, see tests/test_analysis_kinds.py)
    values = regular_values("population_density", "county", 2020)
    result = inequality(analysis_values({"indicator": "population_density", "level": "county"}))
    y = values.to_numpy()
    assert result["n"] == len(y) == 199
    assert result["n_missing"] == 0
    assert result["gini"] == pytest.approx(gini_pairs(y), rel=1e-9)
    assert result["theil"] == pytest.approx(theil_t(y), rel=1e-9)
    between, within = theil_decomposition(y, [a[:2] for a in values.index])
    assert result["theil_between"] == pytest.approx(between, rel=1e-9)
    assert result["theil_within"] == pytest.approx(within, rel=1e-9)
    assert result["theil_between"] + result["theil_within"] == pytest.approx(result["theil"])
    assert result["between_share"] == pytest.approx(between / theil_t(y))
    assert result["cv"] == pytest.approx(np.std(y) / np.mean(y))
    assert result["max"]["adcode"] == values.idxmax() and result["max"]["value"] == values.max()
    assert result["min"]["adcode"] == values.idxmin() and result["min"]["value"] == values.min()
    share = round(100 * between / theil_t(y))
    assert (
        "Of the inequality (Theil T) of Population density across 199 county-level units in "
        f"2020 (unweighted), {share} % is between the three provinces"
    ) in result["statement"]["en"]
    assert f"{share}%来自三省市之间" in result["statement"]["zh"]


def test_lorenz_curve_points_are_the_sorted_cumulative_shares():
    values = regular_values("population_density", "county", 2020)
    result = inequality(analysis_values({"indicator": "population_density", "level": "county"}))
    points = result["lorenz"]
    y = np.sort(values.to_numpy())
    assert len(points) == len(y) + 1 == 200
    xs = np.array([p["unit_share"] for p in points])  # unweighted: shares of units
    ls = np.array([p["value_share"] for p in points])
    assert np.allclose(xs, np.arange(len(y) + 1) / len(y))
    assert np.allclose(ls, np.concatenate([[0], np.cumsum(y) / y.sum()]))
    # the Gini is 1 − twice the area under that curve
    area = np.sum(np.diff(xs) * (ls[1:] + ls[:-1]) / 2)
    assert result["gini"] == pytest.approx(1 - 2 * area, rel=1e-9)
    # each step names the unit added, lowest first
    assert points[1]["adcode"] == values.idxmin() and points[-1]["adcode"] == values.idxmax()


def test_county_grouping_by_prefecture_and_custom_groups():
    values = regular_values("population_density", "county", 2020)
    y = values.to_numpy()
    result = inequality(
        analysis_values({"indicator": "population_density", "level": "county"}),
        groups="prefecture",
    )
    between, within = theil_decomposition(y, [a[:4] for a in values.index])
    assert result["theil_between"] == pytest.approx(between, rel=1e-9)
    assert result["theil_within"] == pytest.approx(within, rel=1e-9)
    assert len(result["groups"]["groups"]) == 13
    assert sum(g["within_contribution"] for g in result["groups"]["groups"]) == pytest.approx(
        within
    )

    custom = "capitals:110000,120000;Xiong'an:130629,130632,130638"
    result = inequality(
        analysis_values({"indicator": "population_density", "level": "county"}), groups=custom
    )
    labels = [
        "capitals" if a[:2] in ("11", "12") else "Xiong'an" if a in XIONGAN.members else "other"
        for a in values.index
    ]
    between, within = theil_decomposition(y, labels)
    assert result["theil_between"] == pytest.approx(between, rel=1e-9)
    assert result["theil_within"] == pytest.approx(within, rel=1e-9)
    assert [g["id"] for g in result["groups"]["groups"]] == ["capitals", "Xiong'an", "other"]
    assert result["groups"]["groups"][1]["members"] == list(XIONGAN.members)
    assert "the 3 groups (capitals, Xiong'an, other)" in result["statement"]["en"]


def test_population_weighted_variants_match_the_weighted_definitions():
    # No bundled rate per resident has 5 units yet (the yearbook series will): population
    # density declared per resident reaches the weighted code with real values.
    data = per_resident(analysis_values({"indicator": "population_density", "level": "county"}))
    values = regular_values("population_density", "county", 2020)
    population = get_indicator("population").values("county", 2020)["value"]
    w = population.reindex(values.index).to_numpy(float)
    y = values.to_numpy()
    result = inequality(data, weight="population")
    assert result["weight"] == "population"
    assert result["weighting"]["population_year"] == 2020
    assert result["gini"] == pytest.approx(gini_pairs(y, w), rel=1e-9)
    assert result["theil"] == pytest.approx(theil_t(y, w), rel=1e-9)
    mean = np.average(y, weights=w)
    assert result["cv"] == pytest.approx(np.sqrt(np.average((y - mean) ** 2, weights=w)) / mean)
    # the Lorenz curve runs along population shares
    xs = [p["population_share"] for p in result["lorenz"]]
    order = np.argsort(y)
    assert np.allclose(xs, np.concatenate([[0], np.cumsum(w[order]) / w.sum()]))
    unweighted = inequality(data)
    assert unweighted["gini"] != pytest.approx(result["gini"])


def test_weighted_decomposition_equals_the_unweighted_package_on_repeated_units():
    """Integer weights: weighting a unit by k is repeating it k times (PySAL unweighted)."""
    rng = np.random.default_rng(7)
    y = rng.uniform(1, 50, 12)
    w = rng.integers(1, 9, 12)
    groups = np.array(list("aaabbbbccccc"))
    weighted = _stats(y, w.astype(float), groups, ["a", "b", "c"])
    repeated = _stats(np.repeat(y, w), None, np.repeat(groups, w), ["a", "b", "c"])
    for key in ("gini", "theil", "between", "within", "cv"):
        assert weighted[key] == pytest.approx(repeated[key], rel=1e-9), key
    between, within = theil_decomposition(y, groups, w)
    assert weighted["between"] == pytest.approx(between) and weighted["within"] == pytest.approx(
        within
    )


def test_population_of_the_nearest_year_is_said():
    data = per_resident(analysis_values({"indicator": "nearest_grade3a_km", "level": "county"}))
    assert data.year == 2023
    result = inequality(data, weight="population")
    weighting = result["weighting"]
    assert weighting["population_year"] == 2020 and weighting["requested_year"] == 2023
    assert "2020" in weighting["note"]


def test_xiongan_is_left_out_at_prefecture_level():
    data = analysis_values(
        {"indicator": "population_density", "level": "prefecture", "year": "2020"}
    )
    raw = get_indicator("population_density").values("prefecture", 2020)
    assert XIONGAN.adcode in raw.index  # the catalog has a value for it …
    result = inequality(data)
    assert result["n"] == 13  # … the statistics do not count it
    assert [u["adcode"] for u in result["left_out"]] == [XIONGAN.adcode]
    assert result["left_out"][0]["counted_in"] == "130600"
    assert all(p["adcode"] != XIONGAN.adcode for p in result["lorenz"])


def test_bad_groups_are_refused_with_the_valid_values():
    adcodes = list(regions("county", include_special=False)["adcode"])
    with pytest.raises(BadParameter) as err:
        parse_groups("prefecture", "prefecture", adcodes[:3])
    assert err.value.name == "groups" and "province" in str(err.value)
    for bad in ("a:110000;b:110101", "a:999999", "a:", ":110000", "a:110000;a:120000"):
        with pytest.raises(BadParameter) as err:
            parse_groups(bad, "county", adcodes)
        assert err.value.name == "groups"


# --- spatial autocorrelation --------------------------------------------------------------


def touching_matrix(adcodes, level, predicate="touches"):
    frame = regions(level, include_special=False).set_index("adcode").loc[adcodes]
    geoms = list(frame.geometry)
    n = len(geoms)
    m = np.zeros((n, n))
    for i in range(n):
        for j in range(n):
            if i != j and getattr(geoms[i], predicate)(geoms[j]):
                m[i, j] = 1
    return m


def morans_i(y, m):
    z = y - y.mean()
    w = m / m.sum(axis=1, keepdims=True)  # row-standardised
    return len(y) / w.sum() * (z @ w @ z) / (z @ z), w


@pytest.mark.parametrize(
    ("indicator", "level"),
    [("population_density", "county"), ("population_density", "prefecture"), ("gdp", "prefecture")],
)
def test_morans_i_matches_a_contiguity_matrix_built_with_shapely(indicator, level):
    values = regular_values(indicator, level, get_indicator(indicator).default_year)
    result = autocorrelation(analysis_values({"indicator": indicator, "level": level}))
    adcodes = list(values.index)
    m = touching_matrix(adcodes, level)
    assert (m == touching_matrix(adcodes, level, "intersects")).all()
    assert result["islands"] == [] and (m.sum(axis=1) > 0).all()
    y = values.to_numpy()
    expected, w = morans_i(y, m)
    assert result["n"] == len(y)
    assert result["moran_i"] == pytest.approx(expected, rel=1e-9)
    assert result["expected_i"] == pytest.approx(-1 / (len(y) - 1))
    assert 1 / 10000 <= result["p_value"] <= 1
    assert result["permutations"] == 9999 and result["correction"] == "fdr"
    # local Moran: I_i = (n − 1) z_i Σ_j w_ij z_j / Σ z², z standardised
    z = (y - y.mean()) / y.std()
    lag = w @ z
    local = (len(y) - 1) * z * lag / (z @ z)
    by_code = {c["adcode"]: c for c in result["clusters"]}
    assert [c["adcode"] for c in result["clusters"]] == adcodes
    for i, adcode in enumerate(adcodes):
        entry = by_code[adcode]
        assert entry["local_i"] == pytest.approx(local[i], rel=1e-9, abs=1e-12)
        assert entry["spatial_lag"] == pytest.approx((w @ y)[i])
        assert sorted(entry["neighbours"]) == sorted(np.array(adcodes)[m[i] > 0])
        quadrant = ("H" if z[i] > 0 else "L") + ("H" if lag[i] > 0 else "L")
        assert entry["cluster"] == (quadrant if entry["p_adjusted"] <= 0.05 else "ns")
    assert sum(result["counts"].values()) == len(y)


def test_density_clusters_hot_around_the_cities_and_the_answer_is_reproducible():
    params = {"indicator": "population_density", "level": "county"}
    first = autocorrelation(analysis_values(params))
    again = autocorrelation(analysis_values(params))
    assert [c["p_value"] for c in first["clusters"]] == [c["p_value"] for c in again["clusters"]]
    assert first["p_value"] == again["p_value"] == 0.0001  # beyond every permutation
    hot = {c["adcode"] for c in first["clusters"] if c["cluster"] == "HH"}
    # hot spots in the city cores (Tianjin's inner districts survive the FDR correction)
    assert hot and all(a[:4] in ("1101", "1201") for a in hot)


def test_islands_are_left_out_and_reported():
    level = "county"
    units = regions(level, include_special=False)
    source = get_indicator("population_density")
    full = source.values(level, 2020)["value"].astype(float)
    # Beijing's districts plus Zhangbei county (130722), far from all of them
    keep = sorted([a for a in full.index if a.startswith("11")] + ["130722"])
    data = AnalysisValues(
        source=source,
        level=level,
        year=2020,
        units=units.set_index("adcode").sort_index()[["name_zh", "name_en", "parent_adcode"]],
        values=full.loc[keep],
    )
    w, islands = queen_weights(level, keep)
    assert islands == ["130722"] and "130722" not in w.id_order
    result = autocorrelation(data)
    assert [u["adcode"] for u in result["islands"]] == ["130722"]
    assert result["n"] == len(keep) - 1
    assert all(c["adcode"] != "130722" for c in result["clusters"])
    y = full.loc[[a for a in keep if a != "130722"]].to_numpy()
    expected, _ = morans_i(y, touching_matrix([a for a in keep if a != "130722"], level))
    assert result["moran_i"] == pytest.approx(expected, rel=1e-9)


def test_too_few_units_or_equal_values_are_refused():
    with pytest.raises(BadParameter) as err:
        autocorrelation(analysis_values({"indicator": "population", "level": "province"}))
    assert err.value.name == "level" and "prefecture" in err.value.valid


def _synthetic(values: dict[str, float], level: str = "prefecture") -> AnalysisValues:
    import pandas as pd

    units = regions(level, include_special=False).set_index("adcode").sort_index()
    return AnalysisValues(
        source=get_indicator("population_density"),
        level=level,
        year=2020,
        units=units[["name_zh", "name_en", "parent_adcode"]],
        values=pd.Series(values, dtype=float).sort_index(),
    )


def test_negative_or_all_zero_values_and_equal_values_are_refused():
    codes = sorted(regions("prefecture", include_special=False)["adcode"])
    with pytest.raises(BadParameter) as err:
        inequality(_synthetic({codes[0]: -1.0, codes[1]: 2.0, codes[2]: 3.0}))
    assert err.value.name == "indicator" and "negative" in str(err.value)
    with pytest.raises(BadParameter):
        inequality(_synthetic({codes[0]: 0.0, codes[1]: 0.0}))
    with pytest.raises(BadParameter) as err:
        autocorrelation(_synthetic(dict.fromkeys(codes, 5.0)))
    assert "same value" in str(err.value)
    # one value of zero is fine: Gini and Theil treat 0 · ln 0 as 0
    y = [0.0, 1.0, 3.0, 2.0, 4.0]
    result = inequality(_synthetic(dict(zip(codes, y))))
    assert result["gini"] == pytest.approx(gini_pairs(y))
    assert result["theil"] == pytest.approx(
        np.sum([(v / 2) * np.log(v / 2) / 5 for v in y if v > 0])
    )
