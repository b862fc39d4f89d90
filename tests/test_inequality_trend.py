"""Inequality over time: one fixed set of units, per-year Gini/Theil/CV and the split
recomputed with NumPy, β-convergence by ordinary least squares written here, definition
breaks splitting the series, and the API, page, CSV and exports."""

from __future__ import annotations

import csv
import dataclasses
import io

import numpy as np
import pytest
from scipy import stats

from geo.analysis.trend import parse_years, trend, trend_from_params
from geo.errors import BadParameter
from geo.levels import XIONGAN
from geo.sources.indicators import bundled_indicator


def gini(y):
    y = np.asarray(y, float)
    return np.abs(y[:, None] - y[None, :]).sum() / (2 * len(y) ** 2 * y.mean())


def theil(y):
    r = np.asarray(y, float) / np.mean(y)
    return float(np.mean(r * np.log(r)))


def theil_between(y, groups):
    y, groups = np.asarray(y, float), np.asarray(groups)
    return sum(
        (groups == g).mean()
        * (y[groups == g].mean() / y.mean())
        * np.log(y[groups == g].mean() / y.mean())
        for g in np.unique(groups)
    )


def catalog_values(indicator, level, year):
    frame = bundled_indicator(indicator).values(level, year)["value"].astype(float).dropna()
    return frame[frame.index != XIONGAN.adcode]


def test_every_year_on_the_same_units_matches_numpy():
    result = trend_from_params({"indicator": "population_density", "level": "county"})[1]
    y2010 = catalog_values("population_density", "county", 2010)
    y2020 = catalog_values("population_density", "county", 2020)
    fixed = sorted(set(y2010.index) & set(y2020.index))
    assert result["n"] == len(fixed) == 183
    assert [u["adcode"] for u in result["units"]] == fixed
    dropped = {u["adcode"]: u["years_missing"] for u in result["dropped"]}
    assert dropped == {a: [2010] for a in set(y2020.index) - set(y2010.index)}
    (segment,) = result["segments"]
    assert segment["years"] == [2010, 2020] and segment["break"] is None
    for row, values in zip(segment["series"], (y2010, y2020)):
        y = values.loc[fixed].to_numpy()
        assert row["n"] == 183
        assert row["gini"] == pytest.approx(gini(y), rel=1e-9)
        assert row["theil"] == pytest.approx(theil(y), rel=1e-9)
        assert row["cv"] == pytest.approx(np.std(y) / np.mean(y), rel=1e-9)
        between = theil_between(y, [a[:2] for a in fixed])
        assert row["theil_between"] == pytest.approx(between, rel=1e-9)
        assert row["theil_between"] + row["theil_within"] == pytest.approx(row["theil"])


def test_sigma_and_beta_convergence_by_hand():
    result = trend_from_params({"indicator": "population_density", "level": "county"})[1]
    fixed = [u["adcode"] for u in result["units"]]
    y0 = catalog_values("population_density", "county", 2010).loc[fixed].to_numpy()
    y1 = catalog_values("population_density", "county", 2020).loc[fixed].to_numpy()
    (segment,) = result["segments"]
    sigma = segment["sigma"]
    cv0, cv1 = np.std(y0) / np.mean(y0), np.std(y1) / np.mean(y1)
    assert sigma["first"] == pytest.approx(cv0) and sigma["last"] == pytest.approx(cv1)
    en = result["statements"]["en"][0]
    verb = "fell" if cv1 < cv0 else "rose"
    assert (
        f"The coefficient of variation of Population density across the same 183 county-level "
        f"units (unweighted) {verb} from {cv0:.3f} in 2010 to {cv1:.3f} in 2020" in en
    )
    # β: OLS of annual log growth on the log of the 2010 level, with a 95 % t interval
    x = np.log(y0)
    g = np.log(y1 / y0) / 10
    design = np.column_stack([np.ones_like(x), x])
    coef, residual, *_ = np.linalg.lstsq(design, g, rcond=None)
    n = len(x)
    sigma2 = residual[0] / (n - 2)
    se = np.sqrt(sigma2 / np.sum((x - x.mean()) ** 2))
    t = stats.t.ppf(0.975, n - 2)
    beta = segment["beta"]
    assert beta["n"] == n == 183
    assert beta["slope"] == pytest.approx(coef[1], rel=1e-9)
    assert beta["low"] == pytest.approx(coef[1] - t * se, rel=1e-9)
    assert beta["high"] == pytest.approx(coef[1] + t * se, rel=1e-9)
    words = result["statements"]["en"][1]
    assert f"slope {coef[1]:.4f}" in words and "183 county-level units" in words
    assert "2010–2020" in words


def test_fewer_than_ten_units_give_no_beta_and_say_so():
    result = trend_from_params(
        {"indicator": "population_density", "level": "province", "groups": "none"}
    )[1]
    assert result["n"] == 3
    (segment,) = result["segments"]
    assert segment["beta"] is None and segment["sigma"] is None  # 3 units: no CV either
    assert all(row["gini"] is None for row in segment["series"])
    assert any("No β-convergence test" in s for s in result["statements"]["en"])


def test_a_definition_break_splits_the_series():
    source = dataclasses.replace(
        bundled_indicator("population_density"),
        breaks=({"year": 2020, "note": "New boundaries.", "note_zh": "区划调整。"},),
    )
    result = trend(source, "county", [2010, 2020])
    assert [s["years"] for s in result["segments"]] == [[2010], [2020]]
    assert result["segments"][1]["break"]["year"] == 2020
    assert all(s["sigma"] is None and s["beta"] is None for s in result["segments"])
    en = " ".join(result["statements"]["en"])
    assert "Definition break in 2020: New boundaries." in en
    assert "fell from" not in en and "rose from" not in en
    assert "2020年起统计口径变化：区划调整。" in "".join(result["statements"]["zh"])


def test_years_are_parsed_and_bad_ones_refused():
    assert parse_years("", (2010, 2020)) == [2010, 2020]
    assert parse_years("2010-2020", (2009, 2010, 2015, 2020)) == [2010, 2015, 2020]
    assert parse_years("2020,2010", (2010, 2020)) == [2010, 2020]
    for raw, available in (("2010", (2010, 2020)), ("1999,2010", (2010, 2020)), ("x", (1, 2))):
        with pytest.raises(BadParameter) as err:
            parse_years(raw, available)
        assert err.value.name == "years" and err.value.zh
    with pytest.raises(BadParameter):
        parse_years("", (2020,))  # one year: no trend


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ("indicator=gdp&level=prefecture", "indicator"),  # a count
        ("indicator=doctors_per_1000&level=province", "years"),  # one year
        ("indicator=population_density&years=2010", "years"),
        ("indicator=population_density&years=1990,2010", "years"),
        ("indicator=population_density&year=2020", "year"),
        ("indicator=population_density&weight=population", "weight"),
    ],
)
def test_bad_trend_requests(client, query, parameter):
    r = client.get("/api/analysis/inequality/trend?" + query)
    assert r.status_code == 400
    assert r.get_json()["parameter"] == parameter and r.get_json()["error_zh"]


def test_api_page_csv_and_exports(client):
    q = "indicator=population_density&level=prefecture"
    a = client.get(f"/api/analysis/inequality/trend?{q}").get_json()
    assert a["years"] == [2010, 2020] and a["n"] == 13
    assert a["links"]["page"].startswith("/analysis/trend?")
    rows = list(csv.DictReader(io.StringIO(client.get(a["links"]["csv"]).data.decode())))
    assert [int(r["year"]) for r in rows] == [2010, 2020]
    for row, series in zip(rows, a["segments"][0]["series"]):
        assert float(row["gini"]) == pytest.approx(series["gini"], rel=1e-5)
        assert float(row["cv"]) == pytest.approx(series["cv"], rel=1e-5)
    for lang, words in (("en", "coefficient of variation"), ("zh", "变异系数")):
        page = client.get(f"/analysis/trend?{q}&lang={lang}")
        html = page.data.decode()
        assert page.status_code == 200 and '<svg class="trend-chart"' in html
        assert html.count('class="trend-point"') == 6  # 3 figures × 2 years
        assert (
            words in html
            and "trend-table" in html
            and "<script" not in html.split('<main class="analysis-page">')[1].split("</main>")[0]
        )
    png = client.get(f"/export/analysis/trend.png?{q}&width=800")
    assert png.status_code == 200 and png.mimetype == "image/png"
    svg = client.get(f"/export/analysis/trend.svg?{q}&lang=zh")
    assert svg.status_code == 200 and svg.data.lstrip().startswith(b"<?xml")
    pdf = client.get(f"/export/analysis/trend.pdf?{q}")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    # the inequality page and the cluster map link the trend of an indicator with years
    api = client.get(f"/api/analysis/inequality?{q}").get_json()
    assert api["links"]["trend"] == "/analysis/trend?indicator=population_density&level=prefecture"
    ineq = client.get(f"/analysis/inequality?{q}").data.decode()
    assert "/analysis/trend?" in ineq
    single = client.get("/analysis/inequality?indicator=nearest_grade3a_km&level=county")
    assert "/analysis/trend?" not in single.data.decode()


def test_choropleths_with_several_years_link_a_trend(client):
    html = client.get("/maps/choropleth?indicator=population_density&level=county").data
    assert b'href="/analysis/trend?level=county&amp;lang=en&amp;indicator=population_density"' in (
        html
    )
    # a count links the trend of its rate, said so in words
    zh = client.get("/maps/choropleth?indicator=population&level=county&lang=zh").data.decode()
    assert "indicator=population_density" in zh and "（按比率指标）" in zh
    single = client.get("/maps/choropleth?indicator=nearest_grade3a_km&level=county").data
    assert b"/analysis/trend?" not in single


def test_a_weighted_trend_weights_each_year_by_its_population():
    source = dataclasses.replace(
        bundled_indicator("population_density"), measure="rate", denominator="population"
    )  # declared per resident: reaches the weighted code on real values
    result = trend(source, "county", [2010, 2020], weight="population")
    fixed = [u["adcode"] for u in result["units"]]
    population = bundled_indicator("population")
    for row in result["segments"][0]["series"]:
        y = catalog_values("population_density", "county", row["year"]).loc[fixed].to_numpy()
        w = population.values("county", row["year"])["value"].astype(float).loc[fixed].to_numpy()
        assert row["population_year"] == row["year"]
        mean = np.average(y, weights=w)
        cv = np.sqrt(np.average((y - mean) ** 2, weights=w)) / mean
        assert row["cv"] == pytest.approx(cv, rel=1e-9)
    assert "each year by the population of that year" in result["statements"]["en"][0]


def test_a_published_table_with_years_has_a_trend(client):
    prefectures = ["110100", "120100"] + [f"13{i:02d}00" for i in range(1, 12)]
    rows = ["adcode,year,beds"]
    for k, adcode in enumerate(prefectures):
        rows += [f"{adcode},2015,{4 + k % 5}", f"{adcode},2020,{5 + k % 3}"]
    rows.append("130100,2016,9")  # one unit with an extra year: not in the 2015–2020 trend
    form = {
        "file": (io.BytesIO("\n".join(rows).encode()), "beds.csv"),
        "title_en": "Beds per 1000",
        "source": "test",
    }
    published = client.post("/api/datasets", data=form, content_type="multipart/form-data")
    assert published.status_code == 201, published.data
    dataset = published.get_json()["id"]
    q = f"dataset={dataset}&column=beds&years=2015,2020"
    a = client.get(f"/api/analysis/inequality/trend?{q}").get_json()
    assert a["n"] == 13 and a["years"] == [2015, 2020]
    y0 = np.array([4 + k % 5 for k in range(13)], float)
    y1 = np.array([5 + k % 3 for k in range(13)], float)
    series = a["segments"][0]["series"]
    assert series[0]["gini"] == pytest.approx(gini(y0)) and series[1]["gini"] == pytest.approx(
        gini(y1)
    )
    assert a["segments"][0]["beta"]["n"] == 13
    page = client.get(f"/analysis/trend?{q}&lang=zh")
    assert page.status_code == 200 and "13个地级单位" in page.data.decode()
    weighted = client.get(f"/api/analysis/inequality/trend?{q}&weight=population")
    assert weighted.status_code == 400 and weighted.get_json()["parameter"] == "weight"


def test_user_text_is_escaped_on_the_trend_page(client):
    page = client.get(
        "/analysis/trend?indicator=population_density&level=county"
        "&groups=%3Cb%3Ex%3C/b%3E:110000&lang=en"
    )
    assert page.status_code == 200
    html = page.data.decode()
    assert "<b>x</b>" not in html and "&lt;b&gt;x&lt;/b&gt;" in html
