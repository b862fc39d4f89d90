"""What an inequality answer may say, by the kind of the indicator and the data it has:
counts refused pointing to their rate, population weights only for rates per resident,
too few units, splits that cannot be made, sentences that stand alone, tied extremes."""

from __future__ import annotations

import io
import re

import pandas as pd
import pytest

from geo.analysis.analysis_values import AnalysisValues, analysis_values
from geo.analysis.inequality import inequality, inequality_from_params
from geo.errors import BadParameter
from geo.sources.indicators import bundled_indicator
from geo.sources.regions import regions


def synthetic(values: dict[str, float], level: str = "county", indicator="population_density"):
    units = regions(level, include_special=False).set_index("adcode").sort_index()
    return AnalysisValues(
        source=bundled_indicator(indicator),
        level=level,
        year=2020,
        units=units[["name_zh", "name_en", "parent_adcode"]],
        values=pd.Series(values, dtype=float).sort_index(),
    )


# --- kinds ------------------------------------------------------------------------------


def test_a_count_is_refused_and_pointed_to_its_rate():
    with pytest.raises(BadParameter) as err:
        inequality_from_params({"indicator": "doctors", "level": "prefecture"})
    assert err.value.name == "indicator"
    assert err.value.valid == ["doctors_per_1000"]
    assert "doctors_per_1000" in str(err.value) and "doctors_per_1000" in err.value.zh
    assert "总量" in err.value.zh
    with pytest.raises(BadParameter) as err:  # a count with a rate per resident
        inequality_from_params({"indicator": "gdp", "level": "prefecture"})
    assert err.value.valid == ["gdp_per_resident"]
    with pytest.raises(BadParameter) as err:  # a count without one
        inequality_from_params({"indicator": "incoming_links", "level": "prefecture"})
    assert "no rate" in str(err.value) and "没有它的比率指标" in err.value.zh


@pytest.mark.parametrize(
    ("indicator", "level", "kind"),
    [
        ("population", "county", "count"),
        ("top_hospitals", "county", "count"),
        ("nearest_grade3a_km", "county", "distance"),
        ("academician_share", "province", "share"),
        ("population_density", "county", "density per km²"),
    ],
)
def test_weight_population_is_refused_unless_the_rate_is_per_resident(indicator, level, kind):
    with pytest.raises(BadParameter) as err:
        inequality_from_params({"indicator": indicator, "level": level, "weight": "population"})
    assert err.value.name == "weight" and err.value.valid == ["none"], kind
    assert "weight" in err.value.zh and "none" in err.value.zh


def test_a_rate_per_resident_is_offered_both_ways():
    weighted = inequality_from_params(
        {"indicator": "doctors_per_1000", "level": "province", "weight": "population"}
    )[1]
    assert weighted["weights_allowed"] == ["none", "population"]
    assert weighted["weighting"]["by"] == "population"


def test_over_http_counts_and_weights_are_400s_in_both_languages(client):
    r = client.get("/api/analysis/inequality?indicator=population&level=county&weight=population")
    assert r.status_code == 400 and r.get_json()["parameter"] == "weight"
    assert "总量" in r.get_json()["error_zh"]
    r = client.get("/api/analysis/inequality?indicator=hospital_beds&level=prefecture")
    answer = r.get_json()
    assert r.status_code == 400 and answer["valid"] == ["hospital_beds_per_1000"]
    page = client.get("/analysis/inequality?indicator=hospital_beds&level=prefecture&lang=zh")
    assert page.status_code == 400 and "hospital_beds_per_1000" in page.data.decode()
    assert "总量指标" in page.data.decode()
    r = client.get("/api/analysis/inequality?indicator=population_density&compare=2010")
    assert r.status_code == 400 and r.get_json()["parameter"] == "compare"
    assert "trend" in r.get_json()["error"]


# --- minimum data -----------------------------------------------------------------------


def test_two_units_give_no_gini_but_a_sentence_that_says_why():
    # nurses per 1,000: Beijing and Tianjin only (the yearbook has no nurses)
    result = inequality(analysis_values({"indicator": "nurses_per_1000", "level": "prefecture"}))
    assert result["n"] == 2 and result["gini"] is None and result["theil"] is None
    assert result["cv"] is None and result["groups"] is None
    en, zh = result["statement"]["en"], result["statement"]["zh"]
    assert en.startswith("Too few units:")
    for part in ("nurses per 1,000", "2 prefecture-level units", "2020", "unweighted", "5 units"):
        assert part in en, part
    for part in ("单位过少", "2个地级单位", "2020年", "不加权", "5个单位"):
        assert part in zh, part
    assert "Gini coefficient of" not in en


def test_one_group_leaves_the_split_out_with_its_reason():
    beijing = {
        a: v
        for a, v in bundled_indicator("population_density").values("county", 2020)["value"].items()
        if a.startswith("11")
    }
    result = inequality(synthetic(beijing), groups="province")
    assert result["n"] == 16 and result["gini"] is not None
    assert result["groups"] is None and result["theil_between"] is None
    assert result["split_left_out"]["reason"] == "one_group"
    en = result["statement"]["en"]
    assert "No between/within split: all units with a value are in one group (Beijing)" in en
    assert "0 %" not in en and "between the 1" not in en
    assert "同一分组（北京市）" in result["statement"]["zh"]


def test_groups_of_one_unit_leave_the_split_out():
    result = inequality(analysis_values({"indicator": "population_density", "level": "prefecture"}))
    assert result["n"] == 13 and result["groups"] is None
    assert result["split_left_out"]["groups"] == ["110000", "120000"]
    assert "100 %" not in result["statement"]["en"]


def test_every_quotable_sentence_names_indicator_level_units_year_and_weighting():
    data = analysis_values({"indicator": "population_density", "level": "county", "year": "2010"})
    result = inequality(data)
    en, zh = result["statements"]["en"], result["statements"]["zh"]
    assert len(en) == len(zh) == 2  # the figures, the split
    for sentence in en:
        for part in ("Population density", "183 county-level units", "2010", "unweighted"):
            assert part in sentence, (part, sentence)
    for sentence in zh:
        for part in ("人口密度", "183个县级单位", "2010年", "不加权"):
            assert part in sentence, (part, sentence)
    gini = re.search(r"Gini coefficient of (\d\.\d{3})", en[0]).group(1)
    assert float(gini) == pytest.approx(result["gini"], abs=5e-4)


# --- extremes and group means ---------------------------------------------------------------


def test_tied_extremes_and_small_group_means_on_the_page(client):
    counties = sorted(regions("county", include_special=False)["adcode"])
    # 190 counties at 0, a few with a value; Tianjin's mean is a fraction of one
    values = dict.fromkeys(counties, 0.0)
    positive = ["110101", "110102", "110105", "110108", "120101", "130102", "130104", "130602"]
    positive += ["130203"]
    for k, adcode in enumerate(positive):
        values[adcode] = float(k + 1)
    lines = ["adcode,sites"] + [f"{a},{v:g}" for a, v in values.items()]
    form = {
        "file": (io.BytesIO("\n".join(lines).encode()), "sites.csv"),
        "title_en": "Sites per county",
        "source": "test",
    }
    published = client.post("/api/datasets", data=form, content_type="multipart/form-data")
    assert published.status_code == 201, published.data
    dataset = published.get_json()["id"]
    a = client.get(f"/api/analysis/inequality?dataset={dataset}&column=sites").get_json()
    assert a["min"]["n_tied"] == 190 and a["max"]["n_tied"] == 1
    assert a["source"]["measure"] == "unknown"
    assert "kind of its values is not declared" in a["statement"]["en"]
    tianjin = next(g for g in a["groups"]["groups"] if g["id"] == "120000")
    assert tianjin["mean"] == pytest.approx(5 / 16)
    page = client.get(f"/analysis/inequality?dataset={dataset}&column=sites&lang=en")
    html = page.data.decode()
    assert "190 units at 0" in html
    assert f"{5 / 16:,.2f}" in html  # 0.31, not 0
    zh = client.get(f"/analysis/inequality?dataset={dataset}&column=sites&lang=zh").data.decode()
    assert "190个单位为0" in zh
    # a dataset column does not say it is a rate per resident: no population weights
    r = client.get(f"/api/analysis/inequality?dataset={dataset}&column=sites&weight=population")
    assert r.status_code == 400 and r.get_json()["parameter"] == "weight"
    assert "用户数据列" in r.get_json()["error_zh"]
