"""County-level 2020 census population: coverage, sums against the city bulletins, notes."""

from __future__ import annotations

import pandas as pd

from geo.paths import INDICATORS_DIR
from geo.sources.indicators import coverage, indicator_values
from geo.sources.regions import regions


def _zones() -> pd.DataFrame:
    return pd.read_csv(
        INDICATORS_DIR / "census2020_county_zones.csv",
        dtype={"adcode": str, "prefecture_adcode": str},
    )


def _parent(adcode: str) -> str:
    return adcode[:2] + "0100" if adcode[:2] in ("11", "12") else adcode[:4] + "00"


def test_every_county_has_a_2020_census_value():
    counties = regions("county")
    values = indicator_values("population", "county", 2020)
    assert len(counties) == 199 and set(values.index) == set(counties["adcode"])
    assert (values["value"] > 0).all()
    assert coverage("population", "county", 2020) == (199, 199)
    assert values.loc["110101", "value"] == 708_829  # 东城区
    assert values.loc["130709", "value"] == 105_501  # 崇礼区


def test_counties_plus_separately_tabulated_zones_add_up_to_every_city_total():
    counties = indicator_values("population", "county", 2020)["value"]
    zones = _zones()
    assert len(zones) == 23 and zones["adcode"].str[4].eq("7").all()  # NBS 7x statistical codes
    assert not set(zones["adcode"]) & set(counties.index)
    sums = counties.groupby(counties.index.map(_parent)).sum()
    sums = sums.add(zones.groupby("prefecture_adcode")["value"].sum(), fill_value=0)
    cities = indicator_values("population", "prefecture", 2020)["value"]
    assert cities["110100"] == 21_893_095 and cities["120100"] == 13_866_009
    for city, total in cities.drop("133100").items():
        assert sums[city] == total, city
    # Beijing and Tianjin have no separate zones: their districts alone make the total.
    assert counties[counties.index.str[:2] == "11"].sum() == 21_893_095
    assert counties[counties.index.str[:2] == "12"].sum() == 13_866_009
    # Xiong'an = its three member counties (雄县, 容城县, 安新县).
    assert counties[["130638", "130629", "130632"]].sum() == cities["133100"] == 1_205_440


def test_counties_in_cities_with_zones_say_they_may_be_undercounted():
    values = indicator_values("population", "county", 2020)
    zone_cities = set(_zones()["prefecture_adcode"])
    flagged = values["note"].str.contains("may be below")
    assert (flagged == values.index.map(_parent).isin(zone_cities)).all()
    assert not flagged[values.index.str[:2].isin(["11", "12"])].any()
    assert values["url"].str.startswith("https://github.com/thebamboogrove/tudigong/blob/").all()


def test_density_exists_at_county_level():
    density = indicator_values("population_density", "county", 2020)["value"]
    area = indicator_values("area_km2", "county")["value"]
    population = indicator_values("population", "county", 2020)["value"]
    assert len(density) == 199
    expected = (population / area).round(1)
    assert (density - expected.reindex(density.index)).abs().max() < 0.051
    assert density["110101"] > 10_000 > density["130723"]  # Dongcheng vs Kangbao
