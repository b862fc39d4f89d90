"""The accessibility and siting pages in Chromium (zh and en, 1366 and 390 px): counties and
sites drawn without basemap tiles, legend and sentence visible, no sideways scrolling,
layer toggles, the embed; no script errors."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser


def _open(page, url: str, width: int, drawn: str) -> None:
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(url, timeout=120_000)
    page.wait_for_selector(f"body[data-{drawn}]", state="attached", timeout=120_000)


@pytest.mark.parametrize(("lang", "width"), [("zh", 1366), ("en", 390)])
def test_access_page_draws_counties_sites_and_legend(page, live_server, artifacts, lang, width):
    url = f"{live_server}/maps/access?basemap=none&lang={lang}&method=e2sfca&catchment_km=90"
    _open(page, url, width, "regions-drawn")
    assert page.get_attribute("body", "data-regions-drawn") == "199"
    assert page.get_attribute("body", "data-points-fudan-top100") == "24"
    assert page.locator("path.jjj-region").count() == 199
    assert page.locator("#legend li").count() >= 3
    statement = page.inner_text("#statement")
    assert ("超过 60 千米" in statement) if lang == "zh" else ("more than 60 km" in statement)
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.screenshot(path=str(artifacts / f"access_{lang}_{width}.png"), full_page=True)
    # The sites' layer turns off and on without a reload.
    box = page.locator('input[data-jjj-toggle="points:fudan-top100"]')
    assert box.is_enabled()
    box.uncheck()
    assert page.locator("path.jjj-point").count() == 0
    box.check()
    assert page.locator("path.jjj-point").count() == 24
    assert page.js_errors == []


@pytest.mark.parametrize(("lang", "width"), [("en", 1366), ("zh", 390)])
def test_siting_page_draws_status_and_chosen_sites(page, live_server, artifacts, lang, width):
    url = f"{live_server}/maps/siting?basemap=none&lang={lang}&k=3"
    _open(page, url, width, "siting-drawn")
    assert page.get_attribute("body", "data-siting-drawn") == "199"
    assert page.get_attribute("body", "data-points-chosen") == "3"
    newly = page.locator("path.jjj-siting-newly_covered").count()
    legend = page.inner_text('#legend li[data-status="newly_covered"] .count')
    assert newly > 0 and legend == f"({newly})"
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.screenshot(path=str(artifacts / f"siting_{lang}_{width}.png"), full_page=True)
    assert page.js_errors == []


def test_access_embed_fits_a_narrow_frame(page, live_server):
    _open(page, f"{live_server}/embed/access?basemap=none&lang=zh", 390, "regions-drawn")
    assert page.locator("#legend").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert page.js_errors == []
