"""Finding a place on every map (headless Chromium, zh and en, 1366 and 390 px): a search
box that takes Chinese, pinyin and English and former names, zooms to the unit, outlines it
and opens its box; prefecture outlines over county maps; popups beside their unit, never
over it, and never under their own tooltip.

Screenshots go to tests/artifacts/ (look at them). Pages use basemap=none: tiles cannot load.
"""

from __future__ import annotations

import json

import pytest

from geo.maps.places import place_index, stem_zh

WIDTHS = [1366, 390]
LANGS = ["zh", "en"]
COUNTY_MAP = "/maps/choropleth?indicator=population&level=county&year=2020&basemap=none"
PREFECTURE_MAP = "/maps/choropleth?indicator=population&level=prefecture&year=2020&basemap=none"


# --- the index (no browser) ---


def test_place_index_has_every_unit_with_its_names(client):
    places = client.get("/api/places").get_json()["places"]
    assert len(places) == len(place_index()) == 3 + 14 + 199
    by_code = {(p["adcode"], p["level"]): p for p in places}
    tongzhou = by_code[("110112", "county")]
    assert (tongzhou["name_zh"], tongzhou["stem_zh"], tongzhou["short_en"]) == (
        "通州区",
        "通州",
        "Tongzhou",
    )
    assert tongzhou["parent_zh"] == "北京市"
    assert by_code[("130109", "county")]["aliases"] == ["藁城市"]  # former name
    assert by_code[("133100", "prefecture")]["special"] is True
    # same-named districts are told apart by their parent
    qiaoxi = sorted(p["parent_zh"] for p in places if p["name_zh"] == "桥西区")
    assert qiaoxi == ["张家口市", "石家庄市"]


@pytest.mark.parametrize(
    "name,stem",
    [("通州区", "通州"), ("北京市", "北京"), ("雄县", "雄县"), ("围场满族蒙古族自治县", "围场")],
)
def test_stem_drops_the_type_suffix(name, stem):
    assert stem_zh(name) == stem


def test_every_map_page_carries_the_search_words_and_script(client):
    for url in [
        COUNTY_MAP + "&lang=zh",
        "/embed/choropleth?indicator=population&lang=zh",
        "/maps/corridor/jing-jin?lang=zh",
        "/maps/links?lang=zh",
        "/maps/clusters?indicator=population&level=county&lang=zh",
    ]:
        page = client.get(url).get_data(as_text=True)
        assert "/static/place_search.js" in page, url
        script_url = page.split('<script src="/map-script/')[1].split('"')[0]
        script = client.get("/map-script/" + script_url.replace("&amp;", "&")).get_data(
            as_text=True
        )
        assert '"placeSearch"' in script and "/api/places" in script, url
        assert json.dumps("查找地名：中文、拼音或英文")[1:-1] in script, url


# --- in the browser ---


def _open(page, url: str, ready: str) -> None:
    page.goto(url)
    page.wait_for_selector(f"[{ready}]", timeout=20_000)


def _search(page, typed: str) -> list[str]:
    box = page.locator(".jjj-search input")
    box.click()
    box.fill("")
    box.type(typed)
    page.wait_for_selector(".jjj-search-list li", timeout=10_000)
    return page.locator(".jjj-search-list li").all_inner_texts()


def _viewport(browser, width: int):
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda err: errors.append(str(err)))
    page.js_errors = errors
    return context, page


POPUP_AND_UNIT = """(adcode) => {
  const popup = document.querySelector('.leaflet-popup');
  const unit = [...document.querySelectorAll('path.jjj-region')].find(p => p.jjjAdcode === adcode);
  return { popup: popup && popup.getBoundingClientRect().toJSON(),
           unit: unit && unit.getBoundingClientRect().toJSON() };
}"""

TAG_PATHS = """() => { JJJAtlas.maps.forEach(m => m.eachLayer(l => {
  if (l.feature && l.feature.properties.adcode && l._path) {
    l._path.jjjAdcode = l.feature.properties.adcode; } })); }"""


@pytest.mark.browser
@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("lang", LANGS)
def test_search_finds_tongzhou_by_chinese_pinyin_and_english(
    browser, live_server, artifacts, width, lang
):
    context, page = _viewport(browser, width)
    try:
        _open(page, f"{live_server}{COUNTY_MAP}&lang={lang}", "data-regions-drawn")
        for typed in ["通州", "tongzhou", "Tongzhou District", "TONGZHOU"]:
            options = _search(page, typed)
            assert options[0].startswith("通州区 Tongzhou District"), (typed, options)
            assert ("北京市" if lang == "zh" else "Beijing") in options[0]
        before = page.evaluate("JJJAtlas.maps[0].getZoom()")
        page.locator(".jjj-search input").press("Enter")
        page.wait_for_selector("[data-place-found='110112']")
        page.wait_for_selector(".leaflet-popup")
        assert page.evaluate("JJJAtlas.maps[0].getZoom()") > before
        popup = page.locator(".leaflet-popup-content").inner_text()
        assert "通州区" in popup and "1,840,295" in popup
        highlighted = page.evaluate(
            """() => { let c = null; JJJAtlas.maps[0].eachLayer(l => {
                 if (l.feature && l.feature.properties.adcode === '110112' && l.setStyle)
                   c = l.options.color; }); return c; }"""
        )
        assert highlighted == "#ff7f00"
        page.evaluate(TAG_PATHS)
        rects = page.evaluate(POPUP_AND_UNIT, "110112")
        assert rects["popup"]["bottom"] <= rects["unit"]["top"] + 2, rects
        page.screenshot(path=str(artifacts / f"place-search-tongzhou-{lang}-{width}.png"))
        assert not page.js_errors
    finally:
        context.close()


@pytest.mark.browser
def test_search_tells_apart_same_names_and_knows_former_names(browser, live_server):
    context, page = _viewport(browser, 1366)
    try:
        _open(page, f"{live_server}{COUNTY_MAP}&lang=zh", "data-regions-drawn")
        options = _search(page, "桥西")
        # two current 桥西区 first, then 信都区 of 邢台市, which was 桥西区 until 2020
        assert [o.split("\n")[0] for o in options[:2]] == ["桥西区 Qiaoxi District"] * 2
        assert {o.split(" · ")[-1] for o in options[:2]} == {"石家庄市", "张家口市"}
        assert options[2].startswith("信都区") and "旧称 桥西区" in options[2]
        options = _search(page, "藁城市")
        assert options[0].startswith("藁城区") and "旧称 藁城市" in options[0]
        page.locator(".jjj-search input").press("ArrowDown")  # the only option stays chosen
        page.locator(".jjj-search input").press("Enter")
        page.wait_for_selector("[data-place-found='130109']")
        box = page.locator(".jjj-search input")
        box.fill("")
        box.type("没有这个地方")
        page.wait_for_function(
            "document.querySelector('.jjj-search-status').textContent.includes('没有')"
        )
        assert not page.js_errors
    finally:
        context.close()


@pytest.mark.browser
@pytest.mark.parametrize(
    "url,ready,typed,adcode",
    [
        ("/maps/corridor/tong-wu-lang?band_km=10&basemap=none", "data-facilities-drawn",
         "langfang", "131000"),
        ("/maps/links?level=county&basemap=none", "data-labels-drawn", "通州", "110112"),
        ("/maps/clusters?indicator=population&level=county&basemap=none",
         "data-clusters-drawn", "wuqing", "120114"),
        ("/embed/choropleth?indicator=population&level=prefecture&basemap=none",
         "data-regions-drawn", "廊坊", "131000"),
        ("/embed/links?basemap=none", "data-labels-drawn", "Langfang", "131000"),
    ],
)  # fmt: skip
@pytest.mark.parametrize("lang", LANGS)
def test_every_map_has_the_search(browser, live_server, artifacts, url, ready, typed, adcode, lang):
    for width in WIDTHS:
        context, page = _viewport(browser, width)
        try:
            _open(page, f"{live_server}{url}&lang={lang}", ready)
            options = _search(page, typed)
            assert options, url
            page.locator(".jjj-search input").press("Enter")
            page.wait_for_selector(f"[data-place-found='{adcode}']")
            page.wait_for_selector(".leaflet-popup")
            name = url.split("?")[0].strip("/").replace("/", "-")
            page.screenshot(path=str(artifacts / f"place-search-{name}-{lang}-{width}.png"))
            assert not page.js_errors, page.js_errors
        finally:
            context.close()


@pytest.mark.browser
@pytest.mark.parametrize("lang", LANGS)
def test_county_maps_draw_prefecture_outlines_above_county_borders(
    browser, live_server, artifacts, lang
):
    context, page = _viewport(browser, 1366)
    try:
        _open(page, f"{live_server}{COUNTY_MAP}&lang={lang}", "data-prefecture-outlines")
        assert page.get_attribute(".folium-map", "data-prefecture-outlines") == "13"
        order = page.evaluate(
            """() => { const o = document.querySelector('path.jjj-prefecture-outline');
                 const r = document.querySelector('path.jjj-region');
                 const z = el => Number(getComputedStyle(el.closest('.leaflet-pane')).zIndex);
                 return { outline: z(o), region: z(r),
                          width: getComputedStyle(o).strokeWidth,
                          events: getComputedStyle(o).pointerEvents }; }"""
        )
        assert order["outline"] > order["region"]
        assert float(order["width"].rstrip("px")) > 1
        page.screenshot(path=str(artifacts / f"prefecture-outlines-{lang}.png"))
        # prefecture maps draw none
        _open(page, f"{live_server}{PREFECTURE_MAP}&lang={lang}", "data-regions-drawn")
        page.wait_for_timeout(300)
        assert page.locator("path.jjj-prefecture-outline").count() == 0
    finally:
        context.close()


@pytest.mark.browser
@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("lang", LANGS)
def test_langfang_popup_never_hides_langfang_nor_its_tooltip_covers_it(
    browser, live_server, artifacts, width, lang
):
    context, page = _viewport(browser, width)
    try:
        _open(page, f"{live_server}{PREFECTURE_MAP}&lang={lang}", "data-regions-drawn")
        page.evaluate(TAG_PATHS)
        # click the narrow strip where it is: the centre of its widest horizontal run
        point = page.evaluate(
            """() => { const p = [...document.querySelectorAll('path.jjj-region')]
                 .find(p => p.jjjAdcode === '131000');
               const r = p.getBoundingClientRect();
               for (let dy = 0.5; dy < 0.95; dy += 0.05) {
                 const y = r.top + r.height * dy;
                 for (let x = r.left; x < r.right; x += 2) {
                   if (document.elementFromPoint(x, y) === p) return { x: x + 3, y: y };
                 } }
               return null; }"""
        )
        assert point, "Langfang not clickable"
        if width < 500:
            page.mouse.click(point["x"], point["y"])
        else:
            page.mouse.move(point["x"], point["y"])
            page.wait_for_selector(".leaflet-tooltip.jjj-tooltip")
            page.mouse.click(point["x"], point["y"])
        page.wait_for_selector(".leaflet-popup")
        page.wait_for_timeout(400)  # autopan
        rects = page.evaluate(POPUP_AND_UNIT, "131000")
        assert "廊坊市" in page.locator(".leaflet-popup-content").inner_text()
        assert rects["popup"]["bottom"] <= rects["unit"]["top"] + 2, rects
        # its own tooltip is not shown beside its popup (another unit's may be, under it)
        page.mouse.move(point["x"], point["y"] + 1)
        page.wait_for_timeout(200)
        visible = page.evaluate(
            """() => [...document.querySelectorAll('.leaflet-tooltip.jjj-tooltip')]
                 .filter(t => t.textContent.includes('廊坊市')
                              && getComputedStyle(t).visibility !== 'hidden'
                              && getComputedStyle(t).opacity !== '0').length"""
        )
        assert visible == 0
        page.screenshot(path=str(artifacts / f"langfang-popup-{lang}-{width}.png"))
        assert not page.js_errors
    finally:
        context.close()
