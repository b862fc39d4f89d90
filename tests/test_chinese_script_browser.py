"""Chinese throughout the text static/atlas.js draws on zh pages.

In headless Chromium, on zh pages: facility popups (corridor map, choropleth with
``points=hospital``) cite the facility's Chinese source (``source_zh``); link popups show the
link's Chinese note and publisher (``note_zh``, ``source_publisher_zh``); a county change
map's tooltip and keyboard label give the reason a unit's change is not comparable instead
of "no data"; the script's legends and error box carry no English sentence (the page
language test's ``wrong_script``).

A cited document keeps its own title (English titles stay, inside ``class="citation"``),
so the citations are checked against the data: the zh popup shows ``source_zh`` where it
differs from the English ``source``.

Screenshots: tests/artifacts/i20js_*.png (look at them).
"""

from __future__ import annotations

import html
import re

import pytest

from geo.i18n import text
from geo.sources import facilities as fac
from geo.sources.indicators import indicator_change
from geo.sources.links import links
from geo.sources.zones import corridor_analysis, zones
from tests.test_language import wrong_script

pytestmark = pytest.mark.browser
SIZES = {1366: 900, 390: 844}
OFFLINE = re.compile(r"^https?://(?!127\.0\.0\.1)")

#: Click every marker matching the selector and read the popup each one opens.
OPEN_EACH = """(selector) => [...document.querySelectorAll(selector)].map(el => {
  el.dispatchEvent(new MouseEvent('click', {bubbles: true}));
  const box = document.querySelector('.leaflet-popup-content');
  if (!box) { return null; }
  const name = box.querySelector('strong[lang=zh]');
  const cite = box.querySelector('.citation');
  return {html: box.innerHTML, name: name ? name.textContent : '',
          citation: cite ? cite.textContent : ''};
})"""


def new_page(browser, width: int = 1366):
    context = browser.new_context(viewport={"width": width, "height": SIZES[width]})
    page = context.new_page()
    page.js_errors = []
    page.on("pageerror", lambda err: page.js_errors.append(str(err)))
    page.route(OFFLINE, lambda route: route.abort())
    return page


def _sources() -> dict[str, tuple[str, str]]:
    frame = fac.facilities(located_only=False)
    return {r.name_zh: (r.source, r.source_zh) for r in frame.itertuples()}


def _check_facility_popups(popups: list[dict], lang: str = "zh") -> int:
    """Each popup cites its facility's source in ``lang`` (``source_zh`` on zh pages);
    returns how many of the two sources differ."""
    sources = _sources()
    differing = 0
    assert popups and all(popups)
    for popup in popups:
        source, source_zh = sources[popup["name"]]
        expected = source_zh if lang == "zh" else source
        assert expected, popup["name"]
        shown = popup["citation"].rstrip("…")
        assert shown and expected.startswith(shown), (popup["name"], shown[:80])
        differing += source_zh[:40] != source[:40]
        assert wrong_script(popup["html"], lang) == [], popup["html"]
    return differing


def _busiest_zone() -> str:
    return max(zones(), key=lambda z: len(corridor_analysis(z.id, 30).facilities)).id


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_corridor_facility_popups_cite_the_source_in_the_page_language(browser, live_server, lang):
    zone = _busiest_zone()
    page = new_page(browser)
    page.goto(f"{live_server}/maps/corridor/{zone}?lang={lang}&basemap=none")
    page.wait_for_selector("body[data-facilities-drawn]", state="attached", timeout=20_000)
    popups = page.evaluate(OPEN_EACH, "path.jjj-facility, path.jjj-facility-approximate")
    assert _check_facility_popups(popups, lang) > 0
    assert page.js_errors == []
    page.context.close()


@pytest.mark.parametrize("width", [1366, 390])
def test_choropleth_point_popups_cite_the_chinese_source(browser, live_server, artifacts, width):
    page = new_page(browser, width)
    page.goto(
        f"{live_server}/maps/choropleth?indicator=population&level=prefecture&lang=zh"
        "&basemap=none&points=hospital"
    )
    page.wait_for_selector("body[data-points-drawn]", state="attached", timeout=20_000)
    popups = page.evaluate(OPEN_EACH, "path.jjj-point")
    assert _check_facility_popups(popups) > 0
    # One popup open on a fresh page for the screenshot.
    page.reload()
    page.wait_for_selector("body[data-points-drawn]", state="attached", timeout=20_000)
    page.locator("path.jjj-point-site >> nth=0").dispatch_event("click")
    page.wait_for_timeout(300)
    page.screenshot(path=str(artifacts / f"i20js_point_popup_zh_{width}.png"))
    assert page.js_errors == []
    page.context.close()


@pytest.mark.parametrize("width", [1366, 390])
def test_link_popups_show_the_chinese_note_and_publisher(browser, live_server, artifacts, width):
    frame = links()
    notes_zh = set(frame["note_zh"])
    publishers_zh = set(frame["source_publisher_zh"])
    english_only = set(frame["source_publisher"]) - publishers_zh
    page = new_page(browser, width)
    page.goto(f"{live_server}/maps/links?lang=zh&basemap=none")
    page.wait_for_selector("body[data-links-drawn]", state="attached", timeout=20_000)
    popups = page.evaluate(
        """() => [...document.querySelectorAll('path.jjj-link')].map(el => {
          el.dispatchEvent(new MouseEvent('click', {bubbles: true}));
          const box = document.querySelector('.leaflet-popup-content');
          const note = box.querySelector('small.jjj-link-note');
          const pub = box.querySelector('.jjj-link-publisher');
          return {html: box.innerHTML, note: note ? note.textContent : null,
                  publisher: pub ? pub.textContent : null};
        })"""
    )
    assert len(popups) == len(frame)
    for popup in popups:
        assert wrong_script(popup["html"], "zh") == [], popup["html"]
        assert popup["note"] is None or any(
            n.startswith(popup["note"].rstrip("…")) for n in notes_zh if n
        ), popup["note"]
        assert popup["publisher"] in publishers_zh, popup["publisher"]
        assert popup["publisher"] not in english_only
    assert any(p["note"] for p in popups)
    page.reload()
    page.wait_for_selector("body[data-links-drawn]", state="attached", timeout=20_000)
    # A real click on the middle of the first arc (the popup opens where it is clicked).
    point = page.evaluate(
        """() => { const el = document.querySelector('path.jjj-link');
          const p = el.getPointAtLength(el.getTotalLength() / 2);
          const m = el.getScreenCTM();
          return {x: m.a * p.x + m.c * p.y + m.e, y: m.b * p.x + m.d * p.y + m.f}; }"""
    )
    page.mouse.click(point["x"], point["y"])
    page.wait_for_selector(".leaflet-popup-content", timeout=5_000)
    page.wait_for_timeout(400)
    # The popup opens clear of the zoom buttons.
    popup = page.locator(".leaflet-popup-content-wrapper").bounding_box()
    zoom = page.locator(".leaflet-control-zoom").bounding_box()
    assert not (
        popup["x"] < zoom["x"] + zoom["width"]
        and zoom["x"] < popup["x"] + popup["width"]
        and popup["y"] < zoom["y"] + zoom["height"]
        and zoom["y"] < popup["y"] + popup["height"]
    ), (popup, zoom)
    page.screenshot(path=str(artifacts / f"i20js_link_popup_zh_{width}.png"))
    assert page.js_errors == []
    page.context.close()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_county_change_tooltip_says_why_a_change_is_not_comparable(browser, live_server, lang):
    change = indicator_change("population", "county", None, 2010)
    column = "change_note_zh" if lang == "zh" else "change_note"
    notes = change[change["change"].isna() & (change[column] != "")]
    assert len(notes) > 0
    page = new_page(browser)
    page.goto(
        f"{live_server}/maps/choropleth?indicator=population&level=county&compare=2010&lang={lang}"
        "&basemap=none"
    )
    page.wait_for_selector("body[data-regions-drawn]", state="attached", timeout=20_000)
    shown = page.evaluate(
        """() => {
          const out = {};
          JJJAtlas.layers.forEach(group => group.eachLayer && group.eachLayer(layer => {
            const p = layer.feature && layer.feature.properties;
            if (!p) { return; }
            const tip = layer.getTooltip() || layer.getPopup();
            const el = layer.getElement && layer.getElement();
            out[p.adcode] = {tip: tip ? String(tip.getContent()) : '',
                             label: el ? el.getAttribute('aria-label') || '' : ''};
          }));
          return out;
        }"""
    )
    for adcode, note in zip(notes.index, notes[column]):
        if adcode not in shown:
            continue  # not drawn at this level (e.g. a special area)
        assert note in html.unescape(shown[adcode]["tip"]), (adcode, shown[adcode]["tip"])
        assert note in shown[adcode]["label"], (adcode, shown[adcode]["label"])
        if lang == "zh":  # the English notes name places in Chinese (data/boundaries)
            assert wrong_script(shown[adcode]["tip"], "zh") == []
    assert any(a in shown for a in notes.index)
    page.context.close()


@pytest.mark.parametrize("status", [500, 200])
@pytest.mark.parametrize(
    "path",
    [
        "/maps/choropleth?indicator=population&level=prefecture&lang=zh&points=hospital",
        "/maps/corridor/jing-jin?lang=zh",
        "/maps/links?lang=zh",
        "/embed/links?lang=zh",
    ],
)
def test_error_box_and_legends_drawn_by_the_script_are_chinese(browser, live_server, path, status):
    """A data download that fails (HTTP 500) or is not JSON (200 with a broken body: the
    browser's own English parse error) shows the error box in Chinese."""
    page = new_page(browser)
    broken = re.compile(r"/download/|/api/")
    page.route(broken, lambda route: route.fulfill(status=status, body="x"))
    page.goto(f"{live_server}{path}")
    page.wait_for_selector(".jjj-load-error", timeout=20_000)
    shown = page.inner_text(".jjj-load-error")
    assert shown.startswith(text("i16_load_error", "zh"))
    assert ("HTTP 500" in shown) == (status == 500)
    drawn = page.inner_html(".map-frame") if page.locator(".map-frame").count() else page.content()
    assert wrong_script(drawn, "zh") == []
    page.context.close()


@pytest.mark.parametrize("kind", ["corridor", "links"])
def test_embeds_draw_chinese_popups(browser, live_server, kind):
    page = new_page(browser, 390)
    if kind == "corridor":
        page.goto(f"{live_server}/embed/corridor/{_busiest_zone()}?lang=zh&basemap=none")
        page.wait_for_selector("body[data-facilities-drawn]", state="attached", timeout=20_000)
        popups = page.evaluate(OPEN_EACH, "path.jjj-facility")
        assert _check_facility_popups(popups) > 0
    else:
        page.goto(f"{live_server}/embed/links?lang=zh&basemap=none")
        page.wait_for_selector("body[data-links-drawn]", state="attached", timeout=20_000)
        popups = page.evaluate(OPEN_EACH, "path.jjj-link")
        assert popups and all(wrong_script(p["html"], "zh") == [] for p in popups)
    page.context.close()


def test_one_tap_on_a_corridor_facility_opens_one_box_inside_the_map(browser, live_server):
    """On a phone a facility's long citation scrolls inside its popup, which stays within the
    map, clear of the zoom buttons, with no tooltip on top."""
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, has_touch=True, is_mobile=True
    )
    page = context.new_page()
    page.route(OFFLINE, lambda route: route.abort())
    page.goto(f"{live_server}/maps/corridor/{_busiest_zone()}?lang=zh&basemap=none")
    page.wait_for_selector("body[data-facilities-drawn]", state="attached", timeout=20_000)
    box = page.locator("path.jjj-facility >> nth=0").bounding_box()
    page.touchscreen.tap(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.wait_for_selector(".leaflet-popup", timeout=5_000)
    page.wait_for_timeout(400)
    assert page.locator(".leaflet-popup, .leaflet-tooltip").count() == 1
    popup = page.locator(".leaflet-popup-content-wrapper").bounding_box()
    frame = page.locator(".leaflet-container").bounding_box()
    zoom = page.locator(".leaflet-control-zoom").bounding_box()
    assert frame["y"] <= popup["y"] and popup["y"] + popup["height"] <= frame["y"] + frame["height"]
    assert popup["x"] >= zoom["x"] + zoom["width"] or popup["y"] >= zoom["y"] + zoom["height"]
    context.close()
