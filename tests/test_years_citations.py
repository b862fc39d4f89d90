"""Years, change views, derived rates, aliases of old ids, and public citations only."""

import csv
import io
import json
import re

import pytest

from geo.analysis.classify import classify_diverging
from geo.errors import BadParameter
from geo.maps.mapspec import choropleth_spec
from geo.paths import INDICATORS_DIR, ZONES_DIR
from geo.sources.catalog import aliases, get_indicator, indicators, resolve_indicator
from geo.sources.indicators import coverage, indicator_change, indicator_values
from geo.sources.zones import zones


def test_population_has_both_censuses_and_old_ids_resolve():
    population = get_indicator("population")
    assert population.all_years == (2010, 2020) and population.year == 2020
    v2020 = indicator_values("population", "prefecture")["value"]
    assert v2020.equals(indicator_values("population_2020", "prefecture")["value"])
    v2010 = indicator_values("population", "prefecture", 2010)["value"]
    assert v2010["110100"] == 19_612_368 and v2010["120100"] == 12_938_693  # county table
    assert v2010["130700"] == 4_345_485  # Zhangjiakou: the 2020 bulletin's comparison figure
    assert "133100" not in v2010.index  # Xiong'an did not exist in 2010
    assert coverage("population", "prefecture", 2010) == (13, 13)
    assert resolve_indicator("gdp_2021") == (get_indicator("gdp"), 2021)
    assert set(aliases()) >= {"population_2020", "gdp_2021", "population_density_2020"}


def test_change_is_later_minus_earlier_where_both_are_sourced():
    change = indicator_change("population", "prefecture", 2020, 2010)
    assert change.loc["130700", "change"] == 4_118_908 - 4_345_485
    assert change.loc["130100", "change"] == 1_071_298  # as the Shijiazhuang bulletin says
    assert change.loc["130400", "change_pct"] == pytest.approx(2.61, abs=0.01)  # Handan: 2.61%
    assert change.loc["130500", "base"] == 7_104_103  # Xingtai 2010: sum of its counties


def test_change_view_spec_is_centred_on_zero_with_a_diverging_palette():
    spec = choropleth_spec({"indicator": "population", "level": "prefecture", "compare": "2010"})
    assert (spec.year, spec.compare, spec.change, spec.palette) == (2020, 2010, "percent", "RdBu")
    assert spec.legend_title.endswith("change 2010→2020")
    assert spec.query()["compare"] == "2010" and spec.data_query()["year"] == "2020"
    assert spec.layer_options("/x")["property"] == "population_change_pct"
    c = spec.classification
    negative = [color for upper, color in zip(c.bins, c.colors) if upper < 0]
    positive = [color for upper, color in zip(c.bins, c.colors) if upper >= 0]
    assert negative and positive  # Zhangjiakou, Chengde, Hengshui shrank; others grew
    assert set(negative) <= {"#ca0020", "#f4a582", "#b2182b", "#ef8a62", "#fddbc7"}  # red side
    assert spec.units_with_value == 13 and spec.legend[-1].count == 0  # none missing
    zh = choropleth_spec({"indicator": "population", "compare": "2010", "lang": "zh"})
    assert "2010→2020年变化" in zh.legend_title
    absolute = choropleth_spec({"indicator": "population", "compare": "2010", "change": "absolute"})
    # The form carries the other family's palette when the view switches: its default is used.
    assert choropleth_spec({**spec.query(), "palette": "YlGnBu"}).palette == "RdBu"
    assert choropleth_spec({"indicator": "population", "palette": "BrBG"}).palette == "YlGnBu"
    assert absolute.layer_options("/x")["property"] == "population_change"


def test_diverging_classes_put_zero_between_the_sides():
    c = classify_diverging([-4, -1, 2, 5, 9, 12], "quantiles", 5, "BrBG")
    assert c.counts and sum(c.counts) == 6
    assert all(b < 0 for b in c.bins[:2]) and all(b > 0 for b in c.bins[2:])
    assert c.lowers[2] == 2  # first positive class starts at the smallest positive value


@pytest.mark.parametrize(
    "params,name",
    [
        ({"indicator": "population", "year": "1990"}, "year"),
        ({"indicator": "population", "compare": "2020"}, "compare"),
        ({"indicator": "population", "year": "2010", "compare": "2020"}, "compare"),
        ({"indicator": "gdp", "compare": "2015"}, "compare"),
        ({"indicator": "hospitals", "year": "2020", "compare": "2016"}, "compare"),
        ({"indicator": "population", "compare": "2010", "palette": "Viridis"}, "palette"),
        ({"indicator": "population", "compare": "2010", "change": "ratio"}, "change"),
        ({"indicator": "population_2020", "year": "2010"}, "year"),
    ],
)
def test_bad_year_and_compare_name_what_is_valid(params, name):
    with pytest.raises(BadParameter) as err:
        choropleth_spec(params)
    assert err.value.name == name and err.value.valid


def test_prefecture_health_counts_and_derived_rates():
    beds = indicator_values("hospital_beds", "prefecture")["value"]
    assert beds.to_dict() == {"110100": 127_143, "120100": 68_400}
    assert indicator_values("health_technicians", "prefecture")["value"]["110100"] == 303_699
    rate = indicator_values("health_technicians_per_1000", "prefecture")
    assert rate["value"]["110100"] == round(303_699 / 21_893_095 * 1000, 1)
    assert rate["source"].str.startswith("derived: ").all()
    formula = get_indicator("health_technicians_per_1000").derived["formula"]
    assert formula.startswith("health_technicians / population × 1000")
    # Beijing publishes 13.87 and 5.81 per 1,000: the derived rates agree.
    assert rate["value"]["110100"] == pytest.approx(13.87, abs=0.05)
    beds_rate = indicator_values("hospital_beds_per_1000", "prefecture")["value"]
    assert beds_rate["110100"] == pytest.approx(5.81, abs=0.01)
    # Province values stay the paper's published figures, not derived ones.
    province = indicator_values("health_technicians_per_1000", "province")["value"]
    assert province["110000"] == 13.8
    assert coverage("hospital_beds", "prefecture") == (2, 13)


def test_download_takes_year_and_compare(client):
    csv_2010 = client.get("/download/regions.csv?level=prefecture&indicators=population&year=2010")
    assert csv_2010.status_code == 200
    assert "2010" in csv_2010.headers["Content-Disposition"]
    text_2010 = csv_2010.data.decode("utf-8-sig")  # CSV downloads start with a BOM (Excel)
    rows = {r["adcode"]: r for r in csv.DictReader(io.StringIO(text_2010))}
    assert rows["110100"]["population"] == "19612368" and rows["130500"]["population"] == "7104103"
    change = client.get(
        "/download/regions.geojson?level=prefecture&indicators=population&year=2020&compare=2010"
    )
    data = json.loads(change.data)
    props = {f["properties"]["adcode"]: f["properties"] for f in data["features"]}
    assert props["130700"]["population_change"] == -226_577
    assert props["130700"]["population_2010"] == 4_345_485
    assert data["year"] == 2020 and data["compare"] == 2010
    bad = client.get("/download/regions.csv?level=prefecture&indicators=gdp&year=2015")
    assert bad.status_code == 400 and bad.get_json()["parameter"] == "year"
    assert {f["geometry"]["type"] for f in data["features"]} == {"MultiPolygon"}


def test_old_ids_redirect_and_still_download(client):
    response = client.get("/maps/choropleth?indicator=population_2020&lang=zh")
    assert response.status_code == 301
    assert "indicator=population" in response.location and "year=2020" in response.location
    assert client.get("/embed/choropleth?indicator=population_2020").status_code == 200
    old = client.get("/download/regions.csv?level=prefecture&indicators=population_2020")
    assert "population_2020" in old.get_data(as_text=True).splitlines()[0]
    api = client.get("/api/indicators/population_2010").get_json()
    assert api["year_shown"] == 2010 and api["coverage_by_year"]["prefecture"]["2010"] == {
        "with_value": 13,
        "units": 13,
    }


def test_choropleth_page_has_year_and_compare_selectors_and_coverage(client):
    html = client.get(
        "/maps/choropleth?indicator=population&level=prefecture&compare=2010&lang=zh"
    ).get_data(as_text=True)
    assert 'id="year-select"' in html and 'id="compare-select"' in html
    assert "2010→2020年变化" in html and 'data-with-value="13"' in html
    assert "13个单位中13个有数据" in html


# --- citations: public documents only --------------------------------------------------

#: What a citation must never point at: files of this repository or research notes.
FORBIDDEN = re.compile(
    r"research leads|research pass|jjj-data-leads|\.\./shared|shared/|seeds?/|seed \d|"
    r"\b\d{3}_[0-9a-f]{16}\.txt|data/(boundaries|facilities|indicators|zones)|\.md\b",
    re.IGNORECASE,
)


def _indicator_and_zone_text():
    yield "catalog.json", (INDICATORS_DIR / "catalog.json").read_text(encoding="utf-8")
    yield "zones.json", (ZONES_DIR / "zones.json").read_text(encoding="utf-8")
    for path in sorted(INDICATORS_DIR.glob("*.csv")):
        yield path.name, path.read_text(encoding="utf-8")


@pytest.mark.parametrize("name,text", list(_indicator_and_zone_text()))
def test_no_citation_points_at_repository_files_or_notes(name, text):
    assert not FORBIDDEN.findall(text), name


def test_every_indicator_and_zone_cites_public_documents():
    for item in [*indicators(), *zones()]:
        assert item.citations, item.id
        for c in item.citations:
            assert c["title"] and c["publisher"] and c["date"], (item.id, c)
            # A document read in a copy only names the copy (labelled as one).
            copy = (c.get("copy") or {}).get("url", "")
            assert c["url"].startswith("http") or c.get("unavailable") or copy.startswith(
                "http"
            ), (item.id, c)
    seeded = get_indicator("nurses_per_1000").citations[0]
    assert seeded["url"] == "https://ojs.bbwpublisher.com/index.php/PBES"
    assert seeded["date"] == "2024-02-25" and seeded["section"] == "3.4"


def test_every_table_row_names_a_source():
    for path in sorted(INDICATORS_DIR.glob("*.csv")):
        for row in csv.DictReader(path.open(encoding="utf-8")):
            assert row["source"] and row["year"], (path.name, row["adcode"])


def test_gis_downloads_take_the_year_and_are_one_multipolygon_layer(client, tmp_path):
    import pyogrio

    response = client.get("/download/regions.gpkg?level=prefecture&indicators=population&year=2010")
    assert response.status_code == 200 and "2010" in response.headers["Content-Disposition"]
    path = tmp_path / "regions.gpkg"
    path.write_bytes(response.data)
    layer = pyogrio.list_layers(path)[0][0]
    assert pyogrio.read_info(path, layer=layer)["geometry_type"] == "MultiPolygon"
    frame = pyogrio.read_dataframe(path, layer=layer).set_index("adcode")
    assert frame.loc["110100", "population"] == 19_612_368
    bad = client.get("/download/regions.gpkg?level=prefecture&indicators=population&compare=1990")
    assert bad.status_code == 400 and bad.get_json()["parameter"] == "compare"


def test_static_export_and_data_table_follow_the_change_view():
    from geo.maps.describe import choropleth_rows
    from geo.maps.describe import choropleth_subtitle as subtitle
    from geo.render.choropleth import legend_title

    spec = choropleth_spec({"indicator": "population", "level": "prefecture", "compare": "2010"})
    assert "change 2010→2020" in subtitle(spec) and "change 2010→2020" in legend_title(spec)
    rows = {row.adcode: row for row in choropleth_rows(spec)}
    assert rows["130700"].display == "-5.2" and rows["130500"].display == "+0.1"
    plain = choropleth_spec({"indicator": "population", "level": "prefecture", "year": "2010"})
    assert {r.adcode: r.value for r in choropleth_rows(plain)}["110100"] == 19_612_368


def test_gallery_cards_state_the_coverage_of_the_map_they_link(client):
    html = client.get("/").get_data(as_text=True)
    assert "Coverage (Prefecture, 2020): 2 of 13 units have a value" in html  # health counts
    assert "Coverage (Prefecture, 2020): 13 of 13 units have a value" in html  # GDP


def test_default_level_has_every_year_the_map_asks_for(client):
    """population has county values for both censuses (2010 from the census county table):
    a change view without level= opens at county level, with the comparable counties."""
    from geo.maps.mapspec import choropleth_spec

    assert choropleth_spec({"indicator": "population"}).level == "county"
    for query in ({"compare": "2010"}, {"year": "2010"}):
        spec = choropleth_spec({"indicator": "population", **query})
        assert spec.level == "county"
        assert spec.units_with_value > 0
    response = client.get("/maps/choropleth?indicator=population&compare=2010")
    assert response.status_code == 200
    assert "level=county" in response.get_data(as_text=True)
    # An explicit level is kept.
    assert choropleth_spec(
        {"indicator": "population", "year": "2010", "level": "prefecture"}
    ).level == ("prefecture")
