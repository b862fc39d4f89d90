"""2010 census by county: sums, the province total, and comparable changes."""

from __future__ import annotations

import pandas as pd

from geo.paths import BOUNDARIES_DIR, INDICATORS_DIR
from geo.sources.indicators import (
    coverage,
    indicator_change,
    indicator_values,
    regions_with_indicators,
)
from geo.sources.regions import regions


def _source() -> pd.DataFrame:
    return pd.read_csv(
        INDICATORS_DIR / "census2010_county.csv",
        dtype={"adcode_2010": str, "prefecture_adcode": str},
    )


def _changes() -> pd.DataFrame:
    return pd.read_csv(BOUNDARIES_DIR / "county_changes_2010_2020.csv", dtype=str).fillna("")


def test_2010_city_values_equal_the_sum_of_their_counties_in_the_source_file():
    source = _source()
    assert (
        source["url"]
        .str.contains("leiii/census/blob/fe45ae633e43d7cb8c7af40772bfa5820c30c99c")
        .all()
    )
    sums = source.groupby("prefecture_adcode")["value"].sum()
    cities = indicator_values("population", "prefecture", 2010)["value"]
    assert set(sums.index) == set(cities.index) and len(cities) == 13
    for city, total in cities.items():
        assert sums[city] == total, city
    assert cities["130500"] == 7_104_103  # Xingtai
    assert cities["130900"] == 7_134_062  # Cangzhou
    assert cities["131000"] == 4_358_839  # Langfang
    assert cities["130400"] == 9_174_683  # Handan: the county table wins over 9,174,679


def test_hebei_2010_cities_add_up_to_the_bundled_province_total():
    cities = indicator_values("population", "prefecture", 2010)["value"]
    province = indicator_values("population", "province", 2010)["value"]
    assert cities[cities.index.str[:2] == "13"].sum() == province["130000"] == 71_854_210
    assert cities["110100"] == province["110000"] and cities["120100"] == province["120000"]
    assert coverage("population", "prefecture", 2010) == (13, 13)


def test_every_matched_county_has_its_2010_value_and_reorganised_ones_have_none():
    changes = _changes().set_index("adcode")
    assert set(changes.index) == set(regions("county")["adcode"])
    values = indicator_values("population", "county", 2010)["value"]
    source = _source().set_index("adcode_2010")["value"]
    matched = changes[changes["codes_2010"] != ""]
    assert set(values.index) == set(matched.index)
    for adcode, codes in matched["codes_2010"].items():
        assert values[adcode] == sum(source[c] for c in codes.split(";")), adcode
    assert values["110101"] == 573_180 + 346_073  # 东城 = 东城 + 崇文 (2010-07 merger)
    assert values["110118"] == 467_680  # 密云区 ← 密云县 (aliases.csv)
    assert "130502" not in values.index  # 襄都区: gained part of 邢台县
    # Every 2010 unit is used at most once.
    used = [c for codes in matched["codes_2010"] for c in codes.split(";")]
    assert len(used) == len(set(used))
    assert coverage("population", "county", 2010) == (len(matched), 199)


def test_county_change_map_marks_changed_counties_never_a_wrong_change():
    change = indicator_change("population", "county", 2020, 2010)
    changes = _changes().set_index("adcode")
    comparable = set(changes.index[changes["comparable"] == "yes"])
    shown = set(change.index[change["change"].notna()])
    assert shown == comparable
    marked = change[change["change_note"] != ""]
    assert set(marked.index) == set(changes.index) - comparable
    assert marked["change_note"].str.startswith("not comparable: ").all()
    assert marked["change_note_zh"].str.startswith("不可比：").all()
    # A reorganised district, a merger, a rename, a Hebei county with 2020 development zones.
    assert "邢台县" in change.loc["130502", "change_note"]
    assert change.loc["110101", "change"] == 708_829 - 919_253
    assert change.loc["110118", "change_note"] == ""
    assert "development zones" in change.loc["130225", "change_note"]  # 乐亭县
    assert pd.isna(change.loc["130225", "change"])


def test_change_notes_reach_the_map_data_and_the_density_change():
    frame = regions_with_indicators("county", ["population"], year=2020, compare=2010)
    row = frame.set_index("adcode").loc["130602"]
    assert pd.isna(row["population_change"]) and row["population_change_note_zh"].startswith(
        "不可比"
    )
    density = indicator_change("population_density", "county", 2020, 2010)
    assert density["change"].notna().sum() == len(_changes().query("comparable == 'yes'"))
    prefecture = regions_with_indicators("prefecture", ["population"], compare=2010)
    assert "population_change_note" not in prefecture.columns


def test_download_carries_the_change_note_in_both_languages(client):
    response = client.get(
        "/download/regions.geojson?level=county&indicators=population&year=2020&compare=2010"
    )
    assert response.status_code == 200
    features = {f["properties"]["adcode"]: f["properties"] for f in response.get_json()["features"]}
    assert features["130502"]["population_change"] is None
    assert features["130502"]["population_change_note_zh"].startswith("不可比")
    assert features["110101"]["population_change"] == 708_829 - 919_253
    csv_text = client.get(
        "/download/regions.csv?level=county&indicators=population&year=2010"
    ).get_data(as_text=True)
    assert "919253" in csv_text  # 东城区 2010 (with 崇文区)


def test_change_map_names_the_note_property_in_the_page_language():
    from geo.maps.mapspec import choropleth_spec

    zh = choropleth_spec(
        {"indicator": "population", "level": "county", "compare": "2010", "lang": "zh"}
    )
    assert zh.layer_options("/x")["changeNoteProperty"] == "population_change_note_zh"
    en = choropleth_spec({"indicator": "population", "level": "county", "compare": "2010"})
    assert en.layer_options("/x")["changeNoteProperty"] == "population_change_note"
    assert en.units_with_value == 32  # Beijing and Tianjin districts; Hebei not comparable
