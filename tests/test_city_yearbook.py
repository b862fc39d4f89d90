"""The China City Statistical Yearbook series (scripts/build_city_yearbook.py): every bundled
value equals the cell it was read from, the cities add up to the file's province row, the
cities cover the same area as the census, rates are count ÷ census residents × 1000, and the
2017 definition break and the flagged values reach the API, downloads and pages."""

import csv
import json
import re

import pandas as pd
import pytest

from geo.paths import INDICATORS_DIR
from geo.sources.catalog import get_indicator, indicators
from geo.sources.flags import all_flags
from geo.sources.indicators import indicator_values

MARK = "《中国城市统计年鉴"
CITIES = ["110100", "120100"] + [f"13{i:02d}00" for i in range(1, 12)]
YEARBOOK_INDICATORS = ("hospitals", "beds_in_hospitals", "doctors", "gdp")


def _read(name):
    with (INDICATORS_DIR / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def cells():
    return _read("city_yearbook/cells.csv")


@pytest.fixture(scope="module")
def files():
    return {int(r["edition"]): r for r in _read("city_yearbook/files.csv")}


def _cell_value(cell):
    factor = 1e-4 if "万元" in cell["header"] else 1.0
    return float(cell["raw"]) * factor


def test_every_bundled_yearbook_value_equals_its_cell(cells, files):
    by_key = {(c["indicator"], c["adcode"], int(c["data_year"])): c for c in cells}
    checked = 0
    for indicator in YEARBOOK_INDICATORS:
        for row in _read(f"{indicator}.csv"):
            if not row["source"].startswith(MARK):
                continue
            # A municipality's province row is its city row.
            adcode = {"110000": "110100", "120000": "120100"}.get(row["adcode"], row["adcode"])
            cell = by_key[(indicator, adcode, int(row["year"]))]
            assert float(row["value"]) == pytest.approx(_cell_value(cell), rel=1e-12), row
            # The value names its edition, sheet, cell and the source's own wording.
            assert f"{MARK}{cell['edition']}》" in row["source"]
            assert f"sheet {cell['sheet']}, cell {cell['cell']}" in row["source"]
            assert cell["header"] in row["source"]
            assert files[int(cell["edition"])]["blob_sha"][:12] in row["note"]
            checked += 1
    # 13 cities × 12 years × 3 health measures + 13 × 3 GDP years, plus province rows.
    assert checked >= 13 * 12 * 3 + 13 * 3


def test_every_city_cell_read_is_bundled(cells):
    values = {
        (ind, r["adcode"], int(r["year"]))
        for ind in YEARBOOK_INDICATORS
        for r in _read(f"{ind}.csv")
        if r["level"] == "prefecture" and r["source"].startswith(MARK)
    }
    for c in cells:
        if c["indicator"] and c["adcode"] in CITIES:
            assert c["raw"] != "", c
            assert (c["indicator"], c["adcode"], int(c["data_year"])) in values


def test_cells_keep_file_sha_and_whole_city_column(cells, files):
    assert sorted(files) == list(range(2010, 2022))
    for edition, f in files.items():
        assert re.fullmatch(r"[0-9a-f]{40}", f["blob_sha"])
        assert f["title"] == f"中国{edition - 1}年地级以上城市数据"
    for c in cells:
        assert c["blob_sha"] == files[int(c["edition"])]["blob_sha"]
        assert c["path"] == files[int(c["edition"])]["path"]
        assert c["column"] == "全市"
        year = int(c["data_year"])
        if c["measure"] in ("hospitals", "hospital_beds"):
            # The wording is the definition: 医院、卫生院 up to 2016, 医院 alone from 2017.
            assert ("卫生院" in c["header"]) == (year <= 2016), c["header"]


def test_hebei_cities_add_up_to_the_province_row(cells):
    frame = pd.DataFrame(cells)
    frame = frame[frame["indicator"].isin(["hospitals", "beds_in_hospitals", "doctors"])]
    checked = 0
    for (indicator, year), group in frame.groupby(["indicator", "data_year"]):
        province = group[group["adcode"] == "130000"]["raw"]
        if province.empty or province.iloc[0] == "":
            continue  # editions 2017–2021 leave the 河北省 row empty
        cities = group[group["adcode"].str.match(r"13\d\d00") & (group["adcode"] != "130000")]
        assert len(cities) == 11
        assert cities["raw"].astype(int).sum() == int(province.iloc[0]), (indicator, year)
        checked += 1
    assert checked == 3 * 7  # data years 2009–2015


def test_cities_cover_the_census_area(cells, files):
    # No file has rows of its own for Xinji, Dingzhou or Xiong'an: the city rows include them.
    assert all(f["rows_of_units_inside_cities"] == "" for f in files.values())
    # The 2021 edition's year-end resident population (万人, rounded) is the census total
    # of the same area within 0.5 % (Baoding 1155 vs 1154.4): Shijiazhuang with Xinji (5 % of
    # it), Baoding with Dingzhou (9 %) and the Xiong'an counties (10 %), none left out.
    census = indicator_values("population", "prefecture", 2020)["value"]
    residents = [c for c in cells if c["measure"] == "resident_population"]
    assert {c["adcode"] for c in residents} >= set(CITIES)
    for c in residents:
        if c["adcode"] in CITIES:
            printed = float(c["raw"]) * 1e4
            assert abs(printed - census[c["adcode"]]) <= 0.005 * census[c["adcode"]], c
    without_xinji = census["130100"] - 594_628
    shijiazhuang = next(float(c["raw"]) * 1e4 for c in residents if c["adcode"] == "130100")
    assert abs(shijiazhuang - without_xinji) > 0.04 * census["130100"]


@pytest.mark.parametrize(
    "rate, count, scale",
    [
        ("doctors_per_1000", "doctors", 1000),
        ("beds_in_hospitals_per_1000", "beds_in_hospitals", 1000),
        ("gdp_per_resident", "gdp", 1e8),
    ],
)
@pytest.mark.parametrize("year", [2010, 2020])
def test_rates_are_counts_over_census_residents(rate, count, scale, year):
    indicator = get_indicator(rate)
    assert indicator.measure == "rate"
    assert (indicator.numerator, indicator.denominator) == (count, "population")
    values = indicator_values(rate, "prefecture", year)["value"]
    counts = indicator_values(count, "prefecture", year)["value"]
    population = indicator_values("population", "prefecture", year)["value"]
    assert set(CITIES) <= set(values.index)
    for adcode in CITIES:
        expected = counts[adcode] / population[adcode] * scale
        assert values[adcode] == pytest.approx(round(expected, indicator.decimals), abs=1e-9)


def test_every_indicator_says_what_it_is():
    for ind in indicators():
        assert ind.measure in ("count", "rate", "share", "density", "distance", "index")
        if ind.measure in ("rate", "density"):
            assert ind.numerator and ind.denominator
    for ind in ("hospitals", "beds_in_hospitals", "beds_in_hospitals_per_1000"):
        assert [b["year"] for b in get_indicator(ind).breaks] == [2017]
    assert get_indicator("doctors").breaks == ()  # the same definition in every edition


BREAK_URLS = [
    "/maps/choropleth?indicator=hospitals&level=prefecture&year=2020&compare=2016",
    "/embed/choropleth?indicator=beds_in_hospitals&level=prefecture&year=2018&compare=2009",
    "/download/regions.geojson?level=prefecture&indicators=hospitals&year=2020&compare=2012",
    "/download/regions.csv?level=prefecture&indicators=beds_in_hospitals_per_1000&compare=2010",
    "/export/choropleth.png?indicator=hospitals&level=prefecture&year=2017&compare=2016",
    "/api/indicators/beds_in_hospitals?year=2019&compare=2015",
]


@pytest.mark.parametrize("url", BREAK_URLS)
def test_compare_across_the_2017_break_is_a_400_naming_it(client, url):
    response = client.get(url)
    assert response.status_code == 400
    body = response.get_data(as_text=True)
    assert "changes definition in 2017" in body and "2017年起口径变化" in body


def test_compare_within_a_segment_is_a_map(client):
    assert client.get(
        "/maps/choropleth?indicator=hospitals&level=prefecture&year=2016&compare=2009"
    ).status_code == 200
    payload = client.get(
        "/download/regions.csv?level=prefecture&indicators=doctors&year=2020&compare=2009"
    )
    assert payload.status_code == 200  # doctors: the same definition throughout


def test_year_selector_offers_only_comparable_years(client):
    page = client.get(
        "/maps/choropleth?indicator=hospitals&level=prefecture&year=2019&lang=zh"
    ).get_data(as_text=True)
    compare = re.search(r'id="compare-select">(.*?)</select>', page).group(1)
    assert re.findall(r'<option value="(\d+)"', compare) == ["2017", "2018"]
    assert "可相互比较的年份：2009–2016；2017–2020" in page
    english = client.get("/maps/choropleth?indicator=hospitals&year=2019").get_data(as_text=True)
    assert "Years that compare: 2009–2016; 2017–2020" in english


def test_flagged_values_carry_their_note_everywhere(client):
    flags = all_flags()
    tangshan = flags[
        (flags["indicator"] == "hospitals") & (flags["adcode"] == "130200")
        & (flags["year"] == "2012")
    ].iloc[0]
    # The value stays as printed.
    assert indicator_values("hospitals", "prefecture", 2012)["value"]["130200"] == 157
    api = client.get("/api/indicators/hospitals?year=2012").get_json()
    row = next(v for v in api["values"]["prefecture"] if v["adcode"] == "130200")
    assert row["flag"] == "suspect" and row["flag_note"] == tangshan["note"]
    assert row["flag_note_zh"] == tangshan["note_zh"]
    plain = next(v for v in api["values"]["prefecture"] if v["adcode"] == "130100")
    assert plain["flag"] == "" and plain["flag_note"] == ""
    geo = client.get(
        "/download/regions.geojson?level=prefecture&indicators=hospitals&year=2012"
    ).get_json()
    props = {f["properties"]["adcode"]: f["properties"] for f in geo["features"]}
    assert props["130200"]["hospitals_flag_note"] == tangshan["note"]
    assert props["130200"]["hospitals_flag_note_zh"] == tangshan["note_zh"]
    assert props["130100"]["hospitals_flag_note"] == ""
    csv_text = client.get(
        "/download/regions.csv?level=prefecture&indicators=hospitals&year=2012"
    ).get_data(as_text=True)
    assert "hospitals_flag_note_zh" in csv_text.splitlines()[0]
    page = client.get(
        "/maps/choropleth?indicator=hospitals&level=prefecture&year=2012&lang=zh"
    ).get_data(as_text=True)
    assert tangshan["note_zh"] in page  # the data table, under the value
    script = client.get(
        "/map-script/maps/choropleth.js?indicator=hospitals&level=prefecture&year=2012&lang=zh"
    ).get_data(as_text=True)
    assert '"flagNoteProperty": "hospitals_flag_note_zh"' in script  # the tooltip reads it
    topo = client.get(
        "/download/regions.topojson?level=prefecture&indicators=hospitals&year=2012&view=map"
    ).get_json()
    drawn = topo["objects"]["regions"]["geometries"]
    assert any(g["properties"].get("hospitals_flag_note_zh") == tangshan["note_zh"] for g in drawn)
    # Every flag names a value that exists.
    for f in flags.itertuples():
        values = indicator_values(f.indicator, f.level, int(f.year))
        assert f.adcode in values.index, f


def test_flags_are_absent_in_years_without_doubts(client):
    geo = client.get(
        "/download/regions.geojson?level=prefecture&indicators=hospitals&year=2020"
    ).get_json()
    assert "hospitals_flag_note" not in geo["features"][0]["properties"]


def test_zh_pages_show_the_zh_citation_title(client):
    page = client.get(
        "/maps/choropleth?indicator=population&level=county&lang=zh"
    ).get_data(as_text=True)
    assert "《中国人口普查分县资料—2020（分县常住人口）》" in page
    assert "《Tabulation on the 2020 China Population Census" not in page
    doctors = client.get("/maps/choropleth?indicator=doctors&lang=zh").get_data(as_text=True)
    assert "《中国城市统计年鉴（2010–2021年各卷）》" in doctors and "转载副本：" in doctors
    english = client.get("/maps/choropleth?indicator=doctors").get_data(as_text=True)
    assert "China City Statistical Yearbook, editions 2010–2021" in english
    assert "secondary copy: " in english


def test_api_lists_kind_numerator_denominator_and_breaks(client):
    catalog = {i["id"]: i for i in client.get("/api/indicators").get_json()["indicators"]}
    assert catalog["beds_in_hospitals_per_1000"]["kind"] == "rate"
    assert catalog["beds_in_hospitals_per_1000"]["numerator"] == "beds_in_hospitals"
    assert catalog["hospitals"]["breaks"][0]["year"] == 2017
    assert json.dumps(catalog["hospitals"]["breaks"][0]["note_zh"], ensure_ascii=False)


def test_api_compare_within_a_segment_gives_the_changes(client):
    body = client.get("/api/indicators/doctors?year=2020&compare=2010").get_json()
    assert body["compare"] == 2010
    beijing = next(r for r in body["changes"]["prefecture"] if r["adcode"] == "110100")
    assert beijing["value"] == 118541 and beijing["base"] == 65954
