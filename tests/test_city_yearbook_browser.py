"""The yearbook series in the browser: a flagged value's note in the tooltip (zh and en), the
break note beside the year selector, and the doctors-per-1,000 map with all 13 cities."""

import pytest

pytestmark = pytest.mark.browser

TANGSHAN_2012 = "/maps/choropleth?indicator=hospitals&level=prefecture&year=2012&basemap=none"


@pytest.mark.parametrize(
    "lang, unit, note",
    [
        ("en", "Tangshan", "suspicious as printed: Tangshan's 2012 hospital count"),
        ("zh", "唐山市", "原表数值存疑：唐山2012年医院数"),
    ],
)
def test_a_flagged_value_shows_its_note_in_the_tooltip(page, live_server, artifacts, lang, unit,
                                                        note):
    page.goto(f"{live_server}{TANGSHAN_2012}&lang={lang}")
    page.wait_for_selector("body[data-regions-focusable]", state="attached", timeout=20_000)
    region = page.locator(f'path.jjj-focusable[aria-label*="{unit}"]').first
    region.focus()
    tooltip = page.locator(".jjj-tooltip")
    tooltip.wait_for(timeout=5_000)
    text = tooltip.inner_text()
    assert note in text and "157" in text
    page.screenshot(path=artifacts / f"flagged_tooltip_{lang}.png")
    # An unflagged city's tooltip has no note.
    page.locator('path.jjj-focusable[aria-label*="Shijiazhuang"], '
                 'path.jjj-focusable[aria-label*="石家庄"]').first.focus()
    page.wait_for_timeout(300)
    assert note not in page.locator(".jjj-tooltip").last.inner_text()
    assert page.js_errors == []


def test_year_selector_keeps_compare_within_a_definition(page, live_server):
    page.goto(f"{live_server}/maps/choropleth?indicator=hospitals&level=prefecture"
              "&year=2020&basemap=none")
    page.wait_for_selector("body[data-regions-drawn]", state="attached", timeout=20_000)
    assert page.locator("#compare-select option").all_inner_texts()[1:] == [
        "2017", "2018", "2019"]
    page.select_option("#year-select", "2016")
    offered = page.locator("#compare-select option").all_inner_texts()[1:]
    assert offered and all(int(y) < 2016 for y in offered)
    assert "Years that compare: 2009–2016; 2017–2020" in page.locator(".break-note").inner_text()
    assert page.js_errors == []


def test_doctors_per_1000_2020_colours_all_13_cities(page, live_server, artifacts):
    page.goto(f"{live_server}/maps/choropleth?indicator=doctors_per_1000&level=prefecture"
              "&year=2020&basemap=none")
    page.wait_for_selector("body[data-regions-drawn]", state="attached", timeout=20_000)
    shapes = page.locator("path.jjj-region")
    assert shapes.count() == 13
    missing = page.locator("#legend li.legend-missing").inner_text()
    assert "(0)" in missing
    fills = [shapes.nth(i).get_attribute("fill") for i in range(13)]
    assert len(set(fills)) >= 3  # classed colours; "no data" counts none
    assert "13 of 13" in page.locator(".coverage").inner_text()
    page.screenshot(path=artifacts / "doctors_per_1000_2020_prefecture.png")
    assert page.js_errors == []
