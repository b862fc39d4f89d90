"""Indicator catalog and values: seed figures, census counting rule, sources, computed ones."""

import pandas as pd
import pytest

from geo.errors import BadParameter, UnknownItem
from geo.measure import ALBERS_JJJ
from geo.sources.catalog import get_indicator, indicators
from geo.sources.facilities import top_hospitals
from geo.sources.indicators import coverage, indicator_values, regions_with_indicators
from geo.sources.regions import regions

REQUIRED = {
    "top100_hospitals",
    "health_technicians_per_1000",
    "doctors_per_1000",
    "nurses_per_1000",
    "academician_share",
    "population",
    "area_km2",
    "population_density",
    "gdp",
    "health_technicians",
    "hospital_beds_per_1000",
    "top_hospitals",
    "nearest_top_hospital_km",
}

# Jing & Zhang (2024) §3.4 (2020) and Mu & Yang (2024) (2023), Beijing / Tianjin / Hebei.
SEED_FIGURES = {
    "top100_hospitals_2020": (21, 3, 0),  # alias: the paper's year, not the 2021 edition
    "health_technicians_per_1000": (13.8, 8.2, 6.9),
    "doctors_per_1000": (5.4, 3.5, 3.2),
    "nurses_per_1000": (6.1, 3.0, 2.7),
    "academician_share": (88.5, 8.0, 3.5),
}


def test_catalog_has_required_indicators_with_full_metadata():
    ids = {i.id for i in indicators()}
    assert REQUIRED <= ids
    for ind in indicators():
        assert ind.title_zh and ind.title_en and ind.unit and ind.source and ind.levels


@pytest.mark.parametrize("indicator_id,expected", SEED_FIGURES.items())
def test_seed_figures_equal_the_papers(indicator_id, expected):
    values = indicator_values(indicator_id, "province")["value"]
    assert [values["110000"], values["120000"], values["130000"]] == list(expected)


def test_population_counts_cities_as_drawn():
    values = indicator_values("population_2020", "prefecture")["value"]
    hebei_cities = [a for a in values.index if a.startswith("13") and a != "133100"]
    assert len(hebei_cities) == 11
    assert values[hebei_cities].sum() == 74_610_235
    assert values["130100"] == 10_640_458 + 594_628  # Shijiazhuang incl. Xinji
    assert values["130600"] == 9_242_610 + 1_095_986 + 1_205_440  # incl. Dingzhou, Xiong'an
    assert values["133100"] == 1_205_440
    assert values["110100"] == 21_893_095


def test_every_value_has_a_source():
    for ind in indicators():
        for level in ind.levels:
            table = indicator_values(ind.id, level)
            assert table["source"].str.len().gt(0).all(), (ind.id, level)


def test_missing_stays_missing():
    gdp = regions_with_indicators("prefecture", ["gdp_2021"]).set_index("adcode")
    assert gdp["gdp_2021"].isna().sum() >= 1  # Chengde/Hengshui have no sourced 2021 value
    with_value, total = coverage("gdp_2021", "prefecture")
    assert total == 13 and with_value < 13


def test_area_and_density_are_computed():
    area = indicator_values("area_km2", "county")
    assert len(area) == 199
    density = indicator_values("population_density_2020", "prefecture")["value"]
    population = indicator_values("population_2020", "prefecture")["value"]
    prefecture_area = regions("prefecture").set_index("adcode")["area_km2"]
    assert density["110100"] == pytest.approx(
        population["110100"] / prefecture_area["110100"], abs=0.1
    )


def test_top_hospital_counts_and_distances():
    counts = indicator_values("top_hospitals", "province")["value"]
    assert counts.to_dict() == {"110000": 22, "120000": 3, "130000": 0}  # 2021年度 edition
    county = indicator_values("top_hospitals", "county")["value"]
    assert county.sum() == 25 and len(county) == 199
    upper = indicator_values("nearest_top_hospital_km", "county")
    lower = indicator_values("nearest_top_hospital_county_km", "county")["value"]
    assert len(upper) == 199 and (upper["value"] >= 0).all()
    assert (lower <= upper["value"] + 0.1).all()  # the two bracket the true distance
    assert lower["110101"] == 0  # Dongcheng has ranked hospitals
    uncertain = upper["note"].str.startswith("upper bound")
    # Only a ranked hospital without coordinates can be nearer than the located minimum:
    # a value is flagged exactly where the district of such a hospital is nearer.
    ranked = top_hospitals(located_only=False)
    unlocated = ranked[ranked["location_precision"] != "site"]
    assert len(unlocated) >= 1
    counties = regions("county").set_index("adcode").to_crs(ALBERS_JJJ)
    targets = counties.loc[sorted(set(unlocated["county_adcode"]))].geometry
    centroids = counties.centroid
    lower_unlocated = pd.Series(
        [targets.distance(p).min() / 1000 for p in centroids], index=counties.index
    )
    expected = lower_unlocated.reindex(upper.index) < upper["value"] - 0.05
    assert (uncertain == expected)[(lower_unlocated - upper["value"]).abs() > 0.1].all()
    assert uncertain.any() and not uncertain.all()
    assert upper["value"].max() > 300  # southern Hebei is far from Beijing's hospitals


def test_bad_requests_name_what_is_valid():
    with pytest.raises(UnknownItem, match="population_density"):
        get_indicator("no_such_indicator")
    with pytest.raises(BadParameter, match="province"):
        indicator_values("doctors_per_1000", "county")
    with pytest.raises(BadParameter, match="prefecture"):
        indicator_values("population_2020", "township")
