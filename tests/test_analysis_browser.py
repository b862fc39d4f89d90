"""The inequality page and the LISA cluster map in headless Chromium, zh and en, wide and
narrow (screenshots in tests/artifacts/)."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

WIDTHS = {"wide": 1366, "narrow": 390}


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("size", list(WIDTHS))
def test_inequality_page(browser, live_server, artifacts, lang, size):
    context = browser.new_context(viewport={"width": WIDTHS[size], "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda err: errors.append(str(err)))
    page.goto(
        live_server
        + "/analysis/inequality?indicator=population_density&level=county&groups=prefecture"
        + f"&lang={lang}"
    )
    svg = page.locator("svg.lorenz")
    assert svg.is_visible()
    box = svg.bounding_box()
    assert box["width"] <= WIDTHS[size] and box["width"] > 250
    assert page.locator("svg.lorenz circle.lorenz-point").count() == 199
    statement = page.locator("#statement").inner_text()
    if lang == "en":
        assert "% is between the 13 prefecture-level units" in statement
    else:
        assert "来自13个地级单位之间的差异" in statement
    assert page.locator("#groups tbody tr").count() == 13
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDTHS[size] + 1
    # a density per km²: the page offers no population weighting and says so
    assert page.locator("select[name=weight] option").count() == 1
    choice = page.locator("#weight-choice").inner_text()
    assert ("Unweighted only" in choice) if lang == "en" else ("仅不加权" in choice)
    page.screenshot(path=artifacts / f"i19_inequality_{lang}_{size}.png", full_page=True)
    assert errors == []
    context.close()


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("size", list(WIDTHS))
def test_cluster_map(browser, live_server, artifacts, lang, size):
    context = browser.new_context(viewport={"width": WIDTHS[size], "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda err: errors.append(str(err)))
    page.goto(
        live_server
        + f"/maps/clusters?indicator=population_density&level=county&basemap=none&lang={lang}"
    )
    page.wait_for_selector("body[data-clusters-drawn]", state="attached", timeout=30_000)
    assert page.get_attribute("body", "data-clusters-drawn") == "199"
    hot = page.locator("path.jjj-cluster-HH")
    assert hot.count() > 0
    assert hot.first.get_attribute("fill") == "#d7191c"
    # no Low–Low county survives the tie-aware test with FDR; its legend colour stays
    ll = page.locator('#legend li[data-cluster="LL"] .swatch').get_attribute("style")
    assert "#2c7bb6" in ll
    assert page.locator("path.jjj-cluster-ns").first.get_attribute("fill") == "#e0e0e0"
    legend = page.locator("#legend").inner_text()
    assert ("High–High" in legend) if lang == "en" else ("高–高" in legend)
    hot.first.hover(force=True)
    tooltip = page.locator(".jjj-tooltip")
    tooltip.wait_for(timeout=5_000)
    assert (
        ("High–High" in tooltip.inner_text()) if lang == "en" else ("高–高" in tooltip.inner_text())
    )
    note = page.locator("#cluster-note").inner_text()
    assert ("hot spot" in note) if lang == "en" else ("热点" in note)
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDTHS[size] + 1
    page.screenshot(path=artifacts / f"i19_clusters_{lang}_{size}.png", full_page=True)
    assert errors == []
    context.close()


def test_cluster_embed(browser, live_server, artifacts):
    context = browser.new_context(viewport={"width": 600, "height": 520})
    page = context.new_page()
    page.goto(live_server + "/embed/clusters?indicator=population_density&level=prefecture")
    page.wait_for_selector("body[data-clusters-drawn]", state="attached", timeout=30_000)
    assert page.get_attribute("body", "data-clusters-drawn") == "13"
    page.screenshot(path=artifacts / "i19_clusters_embed.png")
    context.close()


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_axe_finds_no_serious_or_critical_violations(page, live_server, lang):
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    problems = {}
    for name, path, ready in (
        (
            "inequality",
            "/analysis/inequality?indicator=population_density&level=prefecture",
            "svg.lorenz",
        ),
        (
            "clusters",
            "/maps/clusters?indicator=population_density&level=county&basemap=none",
            "body[data-clusters-drawn]",
        ),
        (
            "clusters-embed",
            "/embed/clusters?indicator=population_density&level=prefecture&basemap=none",
            "body[data-clusters-drawn]",
        ),
    ):
        page.goto(f"{live_server}{path}&lang={lang}")
        page.wait_for_selector(ready, state="attached", timeout=30_000)
        if page.locator("#data-table summary").count():
            page.locator("#data-table summary").first.click()
        results = axe.run(page)
        blocking = [
            f"{v['id']} ({v['impact']}): {v['help']}"
            for v in results.response["violations"]
            if v["impact"] in ("serious", "critical")
        ]
        if blocking:
            problems[name] = blocking
    assert problems == {}


def test_a_planner_types_a_custom_grouping(page, live_server):
    page.goto(
        live_server + "/analysis/inequality?indicator=population_density&level=county&lang=en"
    )
    page.fill("#custom-groups", "capitals:110000,120000")
    page.locator("form.ineq-custom button[type=submit]").click()
    page.wait_for_url("**groups=capitals**")
    statement = page.locator("#statement").inner_text()
    assert "between the 2 groups (capitals, other)" in statement
    assert page.locator("#groups tbody tr").count() == 2
    assert page.locator("#custom-groups").input_value() == "capitals:110000,120000"
