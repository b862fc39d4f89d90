"""A user switches a map to the change view 2010→2020 (headless Chromium, screenshot)."""

import pytest

pytestmark = pytest.mark.browser


def test_user_picks_compare_year_and_sees_a_diverging_change_map(page, live_server, artifacts):
    page.goto(live_server + "/maps/choropleth?indicator=population&level=prefecture&basemap=none")
    page.wait_for_selector("body[data-regions-drawn]", state="attached", timeout=20_000)
    assert page.locator("#year-select").input_value() == "2020"
    page.select_option("#compare-select", "2010")
    page.locator("form.controls button[type=submit]").click()
    page.wait_for_selector("body[data-regions-drawn]", state="attached", timeout=20_000)
    assert "compare=2010" in page.url
    legend = page.locator("#legend").inner_text()
    assert "change 2010→2020" in legend and "Unit: %" in legend
    missing = page.locator("#legend li.legend-missing").inner_text()
    assert "no data" in missing and "(0)" in missing  # every city has both censuses
    shapes = page.locator("path.jjj-region")
    assert shapes.count() == 13
    fills = {shapes.nth(i).get_attribute("fill") for i in range(13)}
    assert "#ca0020" in fills or "#f4a582" in fills  # a shrinking city (red side)
    assert "#92c5de" in fills or "#0571b0" in fills  # a growing city (blue side)
    coloured = [i for i in range(13) if shapes.nth(i).get_attribute("fill") != "#d9d9d9"]
    shapes.nth(coloured[0]).hover(force=True)
    tooltip = page.locator(".jjj-tooltip")
    tooltip.wait_for(timeout=5_000)
    text = tooltip.inner_text()
    assert "2010:" in text and "2020:" in text and "change in %:" in text
    page.screenshot(path=artifacts / "population_change_2010_2020.png")
    assert page.js_errors == []


def test_picking_an_earlier_year_drops_later_compare_years(page, live_server):
    page.goto(
        live_server
        + "/maps/choropleth?indicator=population&level=prefecture&compare=2010&basemap=none"
    )
    page.wait_for_selector("body[data-regions-drawn]", state="attached", timeout=20_000)
    assert page.locator("#compare-select").input_value() == "2010"
    page.select_option("#year-select", "2010")
    assert page.locator("#compare-select option").all_inner_texts()[1:] == []
    assert page.locator("#compare-select").input_value() == ""
    page.locator("form.controls button[type=submit]").click()
    page.wait_for_selector("body[data-regions-drawn]", state="attached", timeout=20_000)
    assert "year=2010" in page.url and "Year: 2010" in page.locator("p.subtitle").inner_text()
    assert page.js_errors == []
