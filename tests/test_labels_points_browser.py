"""Maps that read like maps, in headless Chromium.

Place names without overlaps, facility points over a choropleth (drawn and toggled), the
corridor legend, pages that never scroll sideways, the view kept across "Update map",
Chinese text drawn by static/atlas.js, the basemap note when tiles cannot be reached.

Screenshots: tests/artifacts/i16_*.png (look at them).
"""

from __future__ import annotations

import json
import re
import time

import pytest

from geo.maps.labels import label_points
from geo.maps.points import parse_points
from tests.test_datasets_server import multipart, prefecture_csv, request
from tests.test_language import wrong_script

pytestmark = pytest.mark.browser
DRAWN = "body[data-labels-shown]"
PREFECTURE = "/maps/choropleth?indicator=population&level=prefecture&basemap=none"
COUNTY = "/maps/choropleth?indicator=population&level=county&basemap=none"
WIDTHS = {1366: 900, 390: 844}

#: Visible labels with their boxes, and the number of overlapping pairs.
LABEL_BOXES = """() => {
  const shown = [...document.querySelectorAll('.jjj-label')]
    .filter(e => getComputedStyle(e).visibility !== 'hidden')
    .map(e => { const r = e.getBoundingClientRect();
                return {text: e.textContent, l: r.left, t: r.top, r: r.right, b: r.bottom}; });
  let overlaps = 0;
  for (let i = 0; i < shown.length; i++) for (let j = i + 1; j < shown.length; j++) {
    const a = shown[i], c = shown[j];
    if (a.l < c.r && c.l < a.r && a.t < c.b && c.t < a.b) overlaps++;
  }
  return {labels: shown.map(s => s.text), overlaps: overlaps};
}"""


def new_page(browser, width: int, touch: bool = False):
    context = browser.new_context(
        viewport={"width": width, "height": WIDTHS.get(width, 900)},
        has_touch=touch,
        is_mobile=touch,
    )
    page = context.new_page()
    page.js_errors = []
    page.on("pageerror", lambda err: page.js_errors.append(str(err)))
    return page


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_prefecture_map_names_13_units_and_xiongan_without_overlaps(
    browser, live_server, artifacts, lang
):
    page = new_page(browser, 1366)
    page.goto(f"{live_server}{PREFECTURE}&lang={lang}")
    page.wait_for_selector(DRAWN, state="attached", timeout=20_000)
    boxes = page.evaluate(LABEL_BOXES)
    expected = {p.name(lang) for p in label_points("prefecture")}
    assert len(expected) == 14
    assert set(boxes["labels"]) == expected
    assert boxes["overlaps"] == 0
    # The halo: white text-shadow on dark text, readable on every class colour.
    shadow = page.eval_on_selector(".jjj-label", "e => getComputedStyle(e).textShadow")
    assert "255, 255, 255" in shadow
    page.screenshot(path=artifacts / f"i16_prefecture_{lang}_1366.png")
    assert page.js_errors == []
    page.context.close()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_prefecture_labels_on_a_phone_do_not_overlap(browser, live_server, artifacts, lang):
    page = new_page(browser, 390, touch=True)
    page.goto(f"{live_server}{PREFECTURE}&lang={lang}")
    page.wait_for_selector(DRAWN, state="attached", timeout=20_000)
    boxes = page.evaluate(LABEL_BOXES)
    assert boxes["overlaps"] == 0
    assert len(boxes["labels"]) == 14
    page.screenshot(path=artifacts / f"i16_prefecture_{lang}_390.png")
    page.context.close()


@pytest.mark.parametrize("width", [1366, 390])
def test_county_labels_never_overlap_and_more_appear_when_zooming_in(
    browser, live_server, artifacts, width
):
    page = new_page(browser, width)
    page.goto(f"{live_server}{COUNTY}&lang=zh")
    page.wait_for_selector(DRAWN, state="attached", timeout=20_000)
    first = page.evaluate(LABEL_BOXES)
    assert first["overlaps"] == 0
    assert 10 <= len(first["labels"]) < 199
    zoom = page.evaluate("() => JJJAtlas.maps[0].getZoom() + 1.5")
    page.evaluate(f"() => JJJAtlas.maps[0].setZoom({zoom})")
    page.wait_for_selector(f"body[data-labels-zoom='{zoom:g}']", state="attached")
    page.wait_for_timeout(300)
    zoomed = page.evaluate(LABEL_BOXES)
    assert zoomed["overlaps"] == 0
    assert len(zoomed["labels"]) > len(first["labels"])
    page.screenshot(path=artifacts / f"i16_county_zoomed_zh_{width}.png")
    assert page.js_errors == []
    page.context.close()


def test_labels_values_and_none(browser, live_server):
    page = new_page(browser, 1366)
    page.goto(f"{live_server}{PREFECTURE}&lang=en&labels=values")
    page.wait_for_selector(DRAWN, state="attached", timeout=20_000)
    labels = page.evaluate(LABEL_BOXES)["labels"]
    assert len(labels) == 14 and all(re.fullmatch(r"[\d,]+", t) for t in labels)
    page.goto(f"{live_server}{PREFECTURE}&lang=en&labels=both")
    page.wait_for_selector(DRAWN, state="attached", timeout=20_000)
    assert any("Beijing" in t and "21,893,095" in t for t in page.evaluate(LABEL_BOXES)["labels"])
    page.goto(f"{live_server}{PREFECTURE}&lang=en&labels=none")
    page.wait_for_selector("body[data-regions-drawn]", state="attached", timeout=20_000)
    assert page.locator(".jjj-label").count() == 0
    page.context.close()


def test_points_over_a_choropleth_are_drawn_and_toggled(browser, live_server, artifacts):
    layers = {layer.token: layer for layer in parse_points("hospital,park")}
    page = new_page(browser, 1366)
    page.goto(f"{live_server}{COUNTY}&lang=en&points=hospital,park")
    page.wait_for_selector("body[data-points-drawn]", state="attached", timeout=20_000)
    total = sum(len(layer.features) for layer in layers.values())
    assert page.locator("path.jjj-point").count() == total
    # District-only parks are hollow rings, as on the corridor maps.
    assert page.locator("path.jjj-point-approximate").count() == layers["park"].approximate_count
    legend = page.inner_text("#legend")
    assert "Hospital" in legend and "Park" in legend and "approximate" in legend
    page.uncheck("input[data-jjj-toggle='points:hospital']")
    assert page.locator("path.jjj-point").count() == len(layers["park"].features)
    page.uncheck("input[data-jjj-toggle='labels']")
    assert page.locator(".jjj-label").count() == 0
    page.check("input[data-jjj-toggle='points:hospital']")
    page.check("input[data-jjj-toggle='labels']")
    assert page.locator("path.jjj-point").count() == total
    assert page.evaluate(LABEL_BOXES)["overlaps"] == 0 and page.locator(".jjj-label").count()
    # A click on a point opens its popup: names, tier, precision, source.
    page.evaluate(
        "() => document.querySelector('path.jjj-point-site').dispatchEvent("
        "new MouseEvent('click', {bubbles: true}))"
    )
    popup = page.inner_text(".leaflet-popup-content")
    assert "Source" in popup and "located" in popup
    page.screenshot(path=artifacts / "i16_points_en_1366.png")
    assert page.js_errors == []
    page.context.close()


def test_points_in_the_embed(browser, live_server):
    page = new_page(browser, 600)
    page.goto(
        f"{live_server}/embed/choropleth?indicator=population&level=prefecture&basemap=none"
        "&points=fudan-top100&lang=zh"
    )
    page.wait_for_selector("body[data-points-drawn]", state="attached", timeout=20_000)
    assert page.locator("path.jjj-point").count() == len(parse_points("fudan-top100")[0].features)
    assert page.locator(".jjj-label").count() == 14
    page.context.close()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_corridor_legend_names_members_line_band_and_context(browser, live_server, artifacts, lang):
    page = new_page(browser, 1366)
    page.goto(f"{live_server}/maps/corridor/tong-wu-lang?basemap=none&lang={lang}")
    page.wait_for_selector("body[data-facilities-drawn]", state="attached", timeout=20_000)
    legend = page.inner_text("#legend")
    if lang == "zh":
        for words in ("成员单位", "通州区", "武清区", "廊坊市", "走廊线", "缓冲带", "背景", "医院"):
            assert words in legend
    else:
        for words in (
            "Member units",
            "Tongzhou",
            "Wuqing",
            "Langfang",
            "Corridor line",
            "Distance band: 30 km",
            "context",
            "Hospital",
        ):
            assert words in legend
    assert not re.search(r"\b1[123]\d{4}\b", legend)  # places by name, never adcodes
    assert page.evaluate(LABEL_BOXES)["overlaps"] == 0
    page.screenshot(path=artifacts / f"i16_corridor_{lang}_1366.png")
    page.uncheck("input[data-jjj-toggle='labels']")
    assert page.locator(".jjj-label").count() == 0
    page.context.close()


def _dataset_id(live_server) -> str:
    body, content_type = multipart(
        {"title_en": "Width https://example.org/a/very/long/url/that/wraps/inside/the/page/x"},
        prefecture_csv(7),
        "width.csv",
    )
    status, answer = request(
        live_server + "/api/datasets", body, "POST", {"Content-Type": content_type}
    )
    assert status == 201
    return json.loads(answer)["id"]


SCROLL = """() => { document.querySelectorAll('details').forEach(d => d.open = true);
  return [document.scrollingElement.scrollWidth, innerWidth]; }"""


def test_no_page_scrolls_sideways(browser, live_server, artifacts):
    dataset = _dataset_id(live_server)
    pages = [
        "/",
        COUNTY,
        "/maps/corridor/xiongan?basemap=none",
        "/maps/links?basemap=none",
        "/datasets",
        "/datasets/new",
        f"/datasets/{dataset}",
        "/embed/choropleth?indicator=population&level=county&basemap=none",
        "/embed/corridor/jing-jin?basemap=none",
        "/ogc?f=html",
        "/ogc/collections?f=html",
        "/ogc/collections/regions-county/items?f=html",
        "/maps/choropleth?indicator=nope",
    ]
    wide = []
    for width in WIDTHS:
        page = new_page(browser, width)
        for lang in ("zh", "en"):
            for path in pages:
                page.goto(f"{live_server}{path}{'&' if '?' in path else '?'}lang={lang}")
                page.wait_for_timeout(300)
                scroll, inner = page.evaluate(SCROLL)
                if scroll > inner:
                    wide.append((width, lang, path, scroll))
        page.context.close()
    assert wide == []


def test_update_map_keeps_the_view(browser, live_server):
    page = new_page(browser, 1366)
    page.goto(f"{live_server}{COUNTY}&lang=en")
    page.wait_for_selector(DRAWN, state="attached", timeout=20_000)
    page.evaluate("() => JJJAtlas.maps[0].setView([39.9, 116.4], 9, {animate: false})")
    page.select_option("select[name=k]", "6")
    page.click("form.controls button[type=submit]")
    page.wait_for_url(re.compile(r".*k=6.*#9/39\.9000/116\.4000$"), timeout=20_000)
    page.wait_for_selector(DRAWN, state="attached", timeout=20_000)
    view = page.evaluate(
        "() => { const m = JJJAtlas.maps[0], c = m.getCenter();"
        " return [m.getZoom(), c.lat, c.lng]; }"
    )
    assert view[0] == 9 and abs(view[1] - 39.9) < 1e-3 and abs(view[2] - 116.4) < 1e-3
    page.context.close()


def test_year_without_values_at_this_level_switches_level(browser, live_server):
    # gdp 2023 has values for two prefectures (city bulletins) and none for the provinces.
    page = new_page(browser, 1366)
    page.goto(f"{live_server}/maps/choropleth?indicator=gdp&level=province&basemap=none&lang=zh")
    page.wait_for_selector(DRAWN, state="attached", timeout=20_000)
    assert page.get_attribute("#year-select option[value='2023']", "data-level") == "prefecture"
    assert "本级无数值" in page.inner_text("#year-note")
    page.select_option("#year-select", "2023")
    assert page.input_value("select[name=level]") == "prefecture"
    page.click("form.controls button[type=submit]")
    page.wait_for_selector("body[data-regions-drawn]", state="attached", timeout=20_000)
    assert "level=prefecture" in page.url and "year=2023" in page.url
    page.context.close()


def test_text_drawn_by_the_script_on_zh_pages_is_chinese(browser, live_server):
    page = new_page(browser, 1366)
    page.route(re.compile(r"^https?://(?!127\.0\.0\.1)"), lambda route: route.abort())
    page.goto(
        f"{live_server}/maps/choropleth?indicator=population&level=county&lang=zh"
        "&points=hospital,park,base&labels=both"
    )
    page.wait_for_selector("body[data-points-drawn]", state="attached", timeout=20_000)
    page.wait_for_selector(".jjj-basemap-note", timeout=10_000)
    page.hover("path.jjj-region >> nth=5", force=True)
    page.evaluate(
        "() => document.querySelector('path.jjj-point-approximate').dispatchEvent("
        "new MouseEvent('click', {bubbles: true}))"
    )
    html = page.inner_html(".map-frame")
    assert "近似位置" in html and "来源" in html
    assert wrong_script(html, "zh") == []
    scale = page.inner_text(".leaflet-control-scale")
    assert "千米" in scale and "mi" not in scale
    assert "底图不可用" in page.inner_text(".jjj-basemap-note")
    page.context.close()


def test_vector_map_shows_within_a_second_when_tiles_hang(browser, live_server):
    """Tiles whose host never answers do not hold the vector layers back."""
    page = new_page(browser, 1366)
    page.route(re.compile(r"^https?://(?!127\.0\.0\.1)"), lambda route: None)  # never answered
    page.goto(
        f"{live_server}/maps/choropleth?indicator=population&level=prefecture&lang=en",
        wait_until="domcontentloaded",
    )
    start = time.monotonic()
    page.wait_for_selector("body[data-regions-drawn]", state="attached", timeout=20_000)
    elapsed = time.monotonic() - start
    assert elapsed < 1.0, elapsed
    page.wait_for_selector(".jjj-basemap-note", timeout=10_000)
    page.context.close()


def test_one_tap_opens_one_info_box(browser, live_server):
    page = new_page(browser, 390, touch=True)
    page.goto(f"{live_server}{PREFECTURE}&lang=zh")
    page.wait_for_selector(DRAWN, state="attached", timeout=20_000)
    # Measured as fitted: a popup opens north of its unit, so the map may pan to show it.
    lowest = page.evaluate(
        "() => Math.max(...[...document.querySelectorAll('path.jjj-region')]"
        ".map(p => p.getBoundingClientRect().bottom))"
    )
    box = page.locator("path.jjj-region >> nth=3").bounding_box()
    page.touchscreen.tap(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.wait_for_timeout(400)
    shown = page.locator(".leaflet-popup, .leaflet-tooltip").count()
    assert shown == 1
    # The attribution does not cover the scale bar.
    attribution = page.locator(".leaflet-control-attribution").bounding_box()
    scale = page.locator(".leaflet-control-scale").bounding_box()
    assert scale["x"] + scale["width"] <= attribution["x"] or (
        scale["y"] + scale["height"] <= attribution["y"]
    )
    # Nor the southern units: the map is fitted with room below for both controls.
    assert lowest <= min(attribution["y"], scale["y"]) + 1
    page.context.close()


def test_points_chosen_on_the_page_without_typing_a_url(browser, live_server):
    page = new_page(browser, 1366)
    page.goto(f"{live_server}{PREFECTURE}&lang=zh")
    page.wait_for_selector(DRAWN, state="attached", timeout=20_000)
    page.click("details.points-choice summary")
    page.check("input[name=points][value=hospital]")
    page.check("input[name=points][value=park]")
    page.click("form.controls button[type=submit]")
    page.wait_for_url(re.compile(r".*points=hospital,park.*"), timeout=20_000)
    page.wait_for_selector("body[data-points-drawn]", state="attached", timeout=20_000)
    expected = sum(len(layer.features) for layer in parse_points("hospital,park"))
    assert page.locator("path.jjj-point").count() == expected
    assert "医院" in page.inner_text("#map-layers")
    page.context.close()
