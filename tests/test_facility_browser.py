"""Facility layers as users see them: filled site markers, hollow approximate ones, coverage."""

import pytest

from geo.sources import facilities

pytestmark = pytest.mark.browser
DRAWN = "body[data-corridor-drawn]"


@pytest.mark.parametrize("zone,lang", [("jing-jin", "en"), ("tong-wu-lang", "zh")])
def test_corridor_draws_site_and_hollow_approximate_markers(
    page, live_server, artifacts, zone, lang
):
    page.goto(f"{live_server}/maps/corridor/{zone}?basemap=none&band_km=30&lang={lang}")
    page.wait_for_selector(DRAWN, state="attached", timeout=20_000)
    sites = page.locator("path.jjj-facility")
    hollow = page.locator("path.jjj-facility-approximate")
    district = facilities.facilities()
    district = district[district["location_precision"] == "district"]
    assert hollow.count() == len(district) >= 1
    assert page.evaluate("document.body.dataset.approximateDrawn") == str(len(district))
    assert sites.count() >= 1
    assert hollow.first.get_attribute("fill-opacity") == "0"  # hollow ring
    legend = page.locator(".corridor-legend").inner_text()
    assert ("approximate" if lang == "en" else "近似位置") in legend
    hollow.first.click(force=True)
    popup = page.locator(".leaflet-popup-content")
    popup.wait_for(timeout=5_000)
    text = popup.inner_text()
    assert ("approximate location" if lang == "en" else "近似位置") in text
    assert "km" not in text.split("\n")[2]  # no distance for an approximate point
    page.screenshot(path=artifacts / f"corridor_{zone}_facilities.png", full_page=True)
    assert page.js_errors == []


def test_grade3a_choropleth_states_its_coverage(page, live_server, artifacts):
    page.goto(
        f"{live_server}/maps/choropleth?indicator=grade3a_hospitals&level=county&basemap=none"
    )
    page.wait_for_selector("body[data-regions-drawn]", state="attached", timeout=20_000)
    coverage = facilities.tier_coverage("grade-3a")
    text = page.locator("#coverage").inner_text()
    assert f"{coverage['located']} of {coverage['listed']}" in text
    assert "Beijing only" in text
    page.screenshot(path=artifacts / "grade3a_county_choropleth.png")
    assert page.js_errors == []
