"""Local cluster tests a reviewer accepts: ties count against significance, corrections for
testing every unit, the permutation floor, and Getis-Ord Gi*, each checked against a
computation written here (neighbours from the polygons with shapely, the documented
permutation draws replayed with NumPy, Benjamini–Hochberg by hand)."""

from __future__ import annotations

import numpy as np
import pytest

from geo.analysis.analysis_values import analysis_values
from geo.analysis.autocorrelation import autocorrelation, autocorrelation_from_params
from geo.analysis.local_tests import adjust
from geo.errors import BadParameter
from geo.sources.regions import regions

SEED = 12345


def neighbours_from_polygons(adcodes, level):
    """Queen neighbours (shared border or corner) straight from the geometries."""
    frame = regions(level, include_special=False).set_index("adcode").loc[adcodes]
    geoms = list(frame.geometry)
    return [
        np.array([j for j in range(len(geoms)) if j != i and geoms[i].intersects(geoms[j])])
        for i in range(len(geoms))
    ]


def replayed_p(values, neighbours, permutations, statistic, centre):
    """The module's documented draws, counted with ties against significance."""
    n = len(values)
    k_max = max(len(nb) for nb in neighbours)
    rng = np.random.default_rng(SEED)
    draws = []
    done = 0
    while done < permutations:
        rows = min(10_000, permutations - done)
        draws.append(rng.permuted(np.tile(np.arange(n - 1), (rows, 1)), axis=1)[:, :k_max])
        done += rows
    draws = np.vstack(draws)
    p = np.empty(n)
    for i, nb in enumerate(neighbours):
        idx = draws[:, : len(nb)]
        idx = idx + (idx >= i)
        sims = statistic(i, values[idx])
        obs = statistic(i, values[nb][None, :])[0]
        c = centre(i)
        extreme = np.abs(sims - c) >= np.abs(obs - c) * (1 - 1e-9)
        p[i] = (extreme.sum() + 1) / (permutations + 1)
    return p


def benjamini_hochberg(p, alpha):
    """Indices rejected by the BH step-up procedure, written as in the 1995 paper."""
    m = len(p)
    order = np.argsort(p)
    largest = 0
    for rank, i in enumerate(order, start=1):
        if p[i] <= rank / m * alpha:
            largest = rank
    return set(order[:largest].tolist())


def county(indicator):
    data = analysis_values({"indicator": indicator, "level": "county"})
    adcodes = list(data.values.index)
    return data, adcodes, data.values.to_numpy(float)


def test_tied_zeros_make_no_clusters():
    """195 of 199 counties receive no medical link: no crowd of false cold spots."""
    data, adcodes, y = county("incoming_medical_links")
    assert (y == 0).sum() >= 190
    for correction in ("none", "fdr", "bonferroni"):
        result = autocorrelation(data, correction=correction)
        assert result["n_significant"] <= 20, correction
        assert result["counts"]["LL"] == 0
    assert result["p_value"] > 0.05  # global Moran's I: no pattern either


def test_local_moran_p_values_are_the_tie_aware_permutation_count():
    data, adcodes, y = county("incoming_medical_links")
    result = autocorrelation(data, correction="none", permutations=999)
    neighbours = neighbours_from_polygons(adcodes, "county")
    z = (y - y.mean()) / y.std()

    def local(i, drawn):  # z_i × mean of the neighbours' z (row-standardised)
        return z[i] * drawn.mean(axis=1)

    expected = replayed_p(z, neighbours, 999, local, lambda i: 0.0)
    got = np.array([c["p_value"] for c in result["clusters"]])
    assert [c["adcode"] for c in result["clusters"]] == adcodes
    assert np.allclose(got, expected)
    # the strict count esda uses would call most tied zeros significant; ties do not
    assert (got <= 0.05).sum() <= 20


def test_density_fdr_and_bonferroni_match_the_procedures_by_hand():
    data, adcodes, y = county("population_density")
    raw = autocorrelation(data, correction="none")
    p = np.array([c["p_value"] for c in raw["clusters"]])
    fdr = autocorrelation(data, correction="fdr")
    significant = {i for i, c in enumerate(fdr["clusters"]) if c["cluster"] != "ns"}
    assert significant == benjamini_hochberg(p, 0.05)
    bonferroni = autocorrelation(data, correction="bonferroni")
    significant = {i for i, c in enumerate(bonferroni["clusters"]) if c["cluster"] != "ns"}
    assert significant == set(np.flatnonzero(p <= 0.05 / len(p)).tolist())
    assert fdr["n_significant"] <= raw["n_significant"]
    # adjusted values: monotone in p, never below p, capped at 1
    q = adjust(p, "fdr")
    assert (q >= p - 1e-15).all() and (q <= 1).all()
    assert (np.diff(q[np.argsort(p)]) >= -1e-15).all()


def test_the_permutation_floor_is_said_and_bonferroni_needs_enough_permutations():
    data, _, _ = county("population_density")
    result = autocorrelation(data, correction="bonferroni", permutations=999)
    assert result["p_floor"] == pytest.approx(1 / 1000)
    assert result["needed_p"] == pytest.approx(0.05 / 199)
    assert result["floor_reaches"] is False and result["n_significant"] == 0
    assert "cannot be reached" in " ".join(result["statements"]["en"])
    assert "无法达到" in "".join(result["statements"]["zh"])
    # the global p-value at its floor reads "p ≤", never "p = 0.001"
    assert result["p_value"] == pytest.approx(1 / 1000)
    assert "p ≤ 0.001" in result["statements"]["en"][0]
    assert "p = 0.001" not in result["statements"]["en"][0]
    default = autocorrelation(data)
    assert default["permutations"] == 9999 and default["correction"] == "fdr"
    assert default["floor_reaches"] is True
    assert "p ≤ 0.0001" in default["statements"]["en"][0]


def test_gi_star_against_its_definition():
    data, adcodes, y = county("population_density")
    result = autocorrelation(data, method="gi_star", correction="fdr", permutations=999)
    neighbours = neighbours_from_polygons(adcodes, "county")
    total = y.sum()
    n = len(y)
    g = np.array([(y[i] + y[nb].sum()) / total for i, nb in enumerate(neighbours)])
    expected = np.array(
        [(y[i] + len(nb) * (total - y[i]) / (n - 1)) / total for i, nb in enumerate(neighbours)]
    )

    def gstar(i, drawn):
        return (y[i] + drawn.sum(axis=1)) / total

    p = replayed_p(y, neighbours, 999, gstar, lambda i: expected[i])
    q = adjust(p, "fdr")
    for i, entry in enumerate(result["clusters"]):
        assert entry["g_star"] == pytest.approx(g[i], rel=1e-9)
        assert entry["p_value"] == pytest.approx(p[i])
        side = "hot" if g[i] > expected[i] else "cold"
        want = next(
            (f"{side}{lvl}" for lvl, a in (("99", 0.01), ("95", 0.05), ("90", 0.10)) if q[i] <= a),
            "ns",
        )
        assert entry["cluster"] == want
    hot = {c["adcode"][:4] for c in result["clusters"] if c["cluster"].startswith("hot")}
    assert hot and hot <= {"1101", "1201"}  # the city cores


@pytest.mark.parametrize(
    ("params", "name"),
    [
        ({"permutations": "98"}, "permutations"),
        ({"permutations": "100000"}, "permutations"),
        ({"permutations": "many"}, "permutations"),
        ({"correction": "holm"}, "correction"),
        ({"method": "kriging"}, "method"),
    ],
)
def test_bad_local_parameters_are_refused(params, name):
    with pytest.raises(BadParameter) as err:
        autocorrelation_from_params(
            {"indicator": "population_density", "level": "county", **params}
        )
    assert err.value.name == name


def test_the_api_the_page_and_the_downloads_carry_method_and_correction(client):
    q = "indicator=incoming_medical_links&level=county"
    a = client.get(f"/api/analysis/autocorrelation?{q}").get_json()
    assert a["correction"] == "fdr" and a["permutations"] == 9999
    assert a["n_significant"] <= 20
    assert all("p_adjusted" in c and c["p_text"].startswith("p ") for c in a["clusters"])
    bad = client.get(f"/api/analysis/autocorrelation?{q}&permutations=5")
    assert bad.status_code == 400 and bad.get_json()["parameter"] == "permutations"
    assert "99" in bad.get_json()["error_zh"]
    page = client.get(f"/maps/clusters?{q}&method=gi_star&lang=en").data.decode()
    assert "Hot spot, 99 % confidence" in page and "false discovery rate" in page
    assert 'name="permutations"' in page and "(default)" in page
    zh = client.get(f"/maps/clusters?{q}&lang=zh&correction=bonferroni").data.decode()
    assert "经 Bonferroni 校正" in zh and "并列值" in zh
    geo = client.get(
        "/download/clusters.geojson?indicator=population_density&level=county&method=gi_star"
    ).get_json()
    assert geo["analysis"]["local_method"] == "gi_star"
    assert set(geo["analysis"]["classes"]) >= {"hot99", "cold90", "ns"}


def test_rate_smoothed_moran_matches_the_empirical_bayes_standardisation_by_hand():
    data = analysis_values({"indicator": "population_density", "level": "prefecture"})
    result = autocorrelation(data)
    adcodes = list(data.values.index)
    from geo.sources.indicators import bundled_indicator

    e = bundled_indicator("population").values("prefecture", 2020)["value"].loc[adcodes]
    b = bundled_indicator("area_km2").values("prefecture", None)["value"].loc[adcodes]
    e, b = e.to_numpy(float), b.to_numpy(float)
    # Assunção & Reis (1999): (r_i − p) / sqrt(a + p / b_i), a = s² − p / b̄
    r = e / b
    p = e.sum() / b.sum()
    s2 = np.sum(b * (r - p) ** 2) / b.sum()
    v = s2 - p / b.mean() + p / b
    v = np.where(v < 0, p / b, v)
    z = (r - p) / np.sqrt(v)
    neighbours = neighbours_from_polygons(adcodes, "prefecture")
    w = np.zeros((len(z), len(z)))
    for i, nb in enumerate(neighbours):
        w[i, nb] = 1 / len(nb)
    d = z - z.mean()
    expected = len(z) / w.sum() * (d @ w @ d) / (d @ d)
    rate = result["rate_moran"]
    assert rate["numerator"] == "population" and rate["denominator"] == "area_km2"
    assert rate["i"] == pytest.approx(expected, rel=1e-9)
    assert "Rate-smoothed Moran's I of Population density" in result["statements"]["en"][1]
    assert "13 prefecture-level units in 2020" in result["statements"]["en"][1]
    # a count has no rate to smooth
    counts = autocorrelation(analysis_values({"indicator": "population", "level": "county"}))
    assert counts["rate_moran"] is None


def test_the_cluster_map_of_a_count_links_no_inequality_page(client):
    html = client.get("/maps/clusters?indicator=incoming_medical_links&level=county").data
    assert b"/analysis/inequality?" not in html
    html = client.get("/maps/clusters?indicator=population_density&level=county").data
    assert b"/analysis/inequality?" in html and b"/analysis/trend?" in html
