"""The trend page, the Gi* hot-spot map and the weighting choice in headless Chromium, zh
and en, 1366 and 390 px wide (screenshots in tests/artifacts/)."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

WIDTHS = {"wide": 1366, "narrow": 390}


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("size", list(WIDTHS))
def test_trend_page(browser, live_server, artifacts, lang, size):
    context = browser.new_context(viewport={"width": WIDTHS[size], "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda err: errors.append(str(err)))
    page.goto(f"{live_server}/analysis/trend?indicator=population_density&level=county&lang={lang}")
    chart = page.locator("svg.trend-chart")
    assert chart.is_visible()
    box = chart.bounding_box()
    assert 250 < box["width"] <= WIDTHS[size]
    assert page.locator("svg.trend-chart circle.trend-point").count() == 6
    statements = page.locator("#statement").inner_text()
    if lang == "en":
        assert "across the same 183 county-level units" in statements
        assert "β-convergence test" in statements
    else:
        assert "同一组183个县级单位" in statements and "β收敛检验" in statements
    assert page.locator("#trend-table tbody tr").count() == 2
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDTHS[size] + 1
    page.screenshot(path=artifacts / f"trend_{lang}_{size}.png", full_page=True)
    assert errors == []
    context.close()


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("size", list(WIDTHS))
def test_hot_spot_map(browser, live_server, artifacts, lang, size):
    context = browser.new_context(viewport={"width": WIDTHS[size], "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda err: errors.append(str(err)))
    page.goto(
        f"{live_server}/maps/clusters?indicator=population_density&level=county"
        f"&method=gi_star&basemap=none&lang={lang}"
    )
    page.wait_for_selector("body[data-clusters-drawn]", state="attached", timeout=30_000)
    hot = page.locator("path.jjj-cluster-hot99")
    assert hot.count() > 0 and hot.first.get_attribute("fill") == "#b2182b"
    legend = page.locator("#legend").inner_text()
    assert (
        ("Hot spot, 99 % confidence" in legend) if lang == "en" else ("热点，99%置信度" in legend)
    )
    # the sentences name the correction (narrow screens hide the legend's heading)
    said = page.locator("#statement").inner_text()
    assert ("false discovery rate" in said) if lang == "en" else ("错误发现率" in said)
    assert page.locator("select[name=method]").input_value() == "gi_star"
    assert page.locator("input[name=permutations]").input_value() == "9999"
    # switching the correction through the form reloads with it
    page.select_option("select[name=correction]", "bonferroni")
    page.locator("form.controls button[type=submit]").click()
    page.wait_for_url("**correction=bonferroni**")
    page.wait_for_selector("body[data-clusters-drawn]", state="attached", timeout=30_000)
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDTHS[size] + 1
    page.screenshot(path=artifacts / f"hotspots_{lang}_{size}.png", full_page=True)
    assert errors == []
    context.close()


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_rate_per_resident_offers_both_weightings(page, live_server, artifacts, lang):
    page.goto(
        f"{live_server}/analysis/inequality?indicator=doctors_per_1000&level=province&lang={lang}"
    )
    choice = page.locator("#weight-choice")
    assert (
        ("unweighted figures" in choice.inner_text())
        if lang == "en"
        else ("不加权结果" in choice.inner_text())
    )
    choice.locator("a").click()
    page.wait_for_url("**weight=population**")
    text = page.locator("#weight-choice").inner_text()
    assert ("population-weighted" in text) if lang == "en" else ("人口加权" in text)
    statement = page.locator("#statement").inner_text()
    assert ("Too few units" in statement) if lang == "en" else ("单位过少" in statement)
    page.screenshot(path=artifacts / f"weighting_{lang}.png", full_page=True)
    assert page.js_errors == []


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_axe_finds_no_serious_violations_on_the_trend_and_hot_spot_pages(page, live_server, lang):
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    problems = {}
    for name, path, ready in (
        ("trend", "/analysis/trend?indicator=population_density&level=county", "svg.trend-chart"),
        (
            "hot-spots",
            "/maps/clusters?indicator=population_density&level=county&method=gi_star&basemap=none",
            "body[data-clusters-drawn]",
        ),
    ):
        page.goto(f"{live_server}{path}&lang={lang}")
        page.wait_for_selector(ready, state="attached", timeout=30_000)
        results = axe.run(page)
        blocking = [
            f"{v['id']} ({v['impact']}): {v['help']}"
            for v in results.response["violations"]
            if v["impact"] in ("serious", "critical")
        ]
        if blocking:
            problems[name] = blocking
    assert problems == {}
