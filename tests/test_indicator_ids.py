"""Indicator ids carry no year; the old one-year ids stay as aliases."""

from __future__ import annotations

import ast
import csv
import io
import re
from pathlib import Path

import pytest

from geo.sources.catalog import aliases, get_indicator, indicators, resolve_indicator
from geo.sources.indicators import indicator_values

YEARLESS = {
    "doctors_per_1000": 2020,
    "nurses_per_1000": 2020,
    "health_technicians_per_1000": 2020,
    "hospital_beds_per_1000": 2020,
    "top100_hospitals": 2021,
    "academician_share": 2023,
    "grade3a_per_million": 2020,
}


def test_no_indicator_id_ends_in_a_year_and_each_lists_its_years():
    for indicator in indicators():
        assert not re.search(r"_(19|20)\d\d$", indicator.id), indicator.id
    for indicator_id, year in YEARLESS.items():
        indicator = get_indicator(indicator_id)
        assert year in indicator.all_years and indicator.year == indicator.all_years[-1]
        assert str(year) not in indicator.title_en and str(year) not in indicator.title_zh


def test_derived_years_follow_their_inputs():
    for indicator in indicators():
        spec = indicator.derived
        if not spec:
            continue
        both = set(get_indicator(spec["numerator"]).all_years) & set(
            get_indicator(spec["denominator"]).all_years
        )
        assert both <= set(indicator.all_years), indicator.id
        assert "year" not in spec  # no year pinned: each year uses its inputs of that year


@pytest.mark.parametrize("old", sorted(aliases()))
def test_every_alias_resolves_in_values_api_download_and_pages(client, old):
    target, year = aliases()[old]
    assert resolve_indicator(old) == (get_indicator(target), year)
    level = get_indicator(target).levels[0]
    assert indicator_values(old, level)["value"].equals(
        indicator_values(target, level, year)["value"]
    )
    api = client.get(f"/api/indicators/{old}")
    assert api.status_code == 200
    body = api.get_json()
    assert body["year_shown"] == year and body["id"] == target
    download = client.get(f"/download/regions.csv?level={level}&indicators={old}")
    assert download.status_code == 200
    header = next(csv.reader(io.StringIO(download.get_data(as_text=True))))
    assert old in header
    page = client.get(f"/maps/choropleth?indicator={old}&level={level}")
    assert page.status_code == 301
    assert f"indicator={target}" in page.location and f"year={year}" in page.location


@pytest.mark.parametrize("indicator_id", sorted(YEARLESS))
def test_every_yearless_id_serves_values(client, indicator_id):
    level = get_indicator(indicator_id).levels[0]
    assert client.get(f"/api/indicators/{indicator_id}").status_code == 200
    page = client.get(f"/maps/choropleth?indicator={indicator_id}&level={level}")
    assert page.status_code == 200
    assert not indicator_values(indicator_id, level).empty


def test_catalog_does_not_import_the_value_layer():
    """catalog.py is metadata only: the catalog ↔ indicators import circle is broken."""
    source = Path(__file__).parents[1] / "geo" / "sources" / "catalog.py"
    imported = set()
    for node in ast.walk(ast.parse(source.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            imported.add(node.module)
        elif isinstance(node, ast.Import):
            imported.update(alias.name for alias in node.names)
    assert not {m for m in imported if m.startswith("geo.sources")}


def test_partial_later_years_are_years_of_the_indicator_and_maps_open_on_the_best_covered():
    from geo.sources.indicators import coverage

    gdp = get_indicator("gdp")
    # 2010, 2019, 2020 from the China City Statistical Yearbook (all 13 cities): the
    # best-covered recent year is 2020.
    assert gdp.all_years == (2010, 2019, 2020, 2021, 2022, 2023) and gdp.default_year == 2020
    assert indicator_values("gdp", "prefecture")["value"].equals(
        indicator_values("gdp", "prefecture", 2020)["value"]
    )
    assert coverage("gdp", "prefecture", 2020) == (13, 13)
    assert indicator_values("gdp", "prefecture", 2022)["value"]["131100"] == 1800.5  # Hengshui
    assert coverage("gdp", "prefecture", 2021) == (11, 13)
    assert coverage("gdp", "prefecture", 2022) == (2, 13)
    assert coverage("gdp", "prefecture", 2023) == (2, 13)


def test_a_change_without_a_year_runs_to_the_latest_year(client):
    from geo.sources.catalog import check_compare

    assert check_compare("gdp", None, "2021") == (2023, 2021)
    assert check_compare("gdp", None, None) == (2020, None)  # the default year
    assert client.get("/maps/choropleth?indicator=gdp&compare=2021").status_code == 200
