"""Keyboard users move through a map's regions and read their values (headless Chromium).

Screenshots go to tests/artifacts/ (look at them). Pages use basemap=none: tiles cannot load.
"""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

ACTIVE = """() => {
  const el = document.activeElement;
  return { tag: el.tagName.toLowerCase(), role: el.getAttribute('role'),
           label: el.getAttribute('aria-label'), cls: el.getAttribute('class') || '',
           outline: getComputedStyle(el).outlineStyle,
           stroke: getComputedStyle(el).strokeWidth };
}"""


SHOWN_TOOLTIPS = """() => Array.from(document.querySelectorAll('.leaflet-tooltip.jjj-tooltip'))
  .filter(t => getComputedStyle(t).opacity !== '0').map(t => t.innerText)"""


def _shown_tooltip(page) -> str:
    """The one tooltip on screen (a closed one fades out for 200 ms at opacity 0)."""
    page.wait_for_function(f"({SHOWN_TOOLTIPS})().length === 1", timeout=5_000)
    return page.evaluate(SHOWN_TOOLTIPS)[0]


def _tab_into_map(page) -> dict:
    page.locator(".folium-map").focus()  # the map itself (Leaflet: arrow keys pan it)
    page.keyboard.press("Tab")
    return page.evaluate(ACTIVE)


def test_tab_into_a_choropleth_lands_on_regions_and_announces_their_values(
    page, live_server, artifacts
):
    page.goto(f"{live_server}/maps/choropleth?indicator=gdp&level=prefecture&basemap=none&lang=en")
    page.wait_for_selector("body[data-regions-focusable]", state="attached", timeout=20_000)
    assert int(page.get_attribute("body", "data-regions-focusable")) >= 13
    first = _tab_into_map(page)
    assert first["tag"] == "path" and first["role"] == "button", first
    assert "jjj-focusable" in first["cls"]
    # Beijing first (adcode order): name, value with unit, class as the legend names it.
    assert first["label"].startswith("北京市 Beijing"), first["label"]
    assert "100 million yuan" in first["label"] and "Class " in first["label"], first["label"]
    assert first["outline"] == "solid" and float(first["stroke"].rstrip("px")) >= 3
    # The same text is visible: the tooltip opens on focus.
    assert "Beijing" in _shown_tooltip(page)
    page.screenshot(path=str(artifacts / "keyboard_focus_region.png"))
    # Tab moves on to the next unit (Tianjin), and its tooltip replaces Beijing's.
    page.keyboard.press("Tab")
    second = page.evaluate(ACTIVE)
    assert second["label"].startswith("天津市 Tianjin"), second["label"]
    assert "Tianjin" in _shown_tooltip(page)
    # Enter opens the popup, Escape closes it and focus stays on the region.
    page.keyboard.press("Enter")
    popup = page.locator(".leaflet-popup")
    popup.wait_for(state="visible", timeout=5_000)
    assert "Tianjin" in popup.inner_text()
    page.wait_for_timeout(300)  # the popup fades in
    page.screenshot(path=str(artifacts / "keyboard_popup_region.png"))
    page.keyboard.press("Escape")
    popup.wait_for(state="detached", timeout=5_000)
    assert page.evaluate(ACTIVE)["label"] == second["label"]
    # Space opens it too.
    page.keyboard.press(" ")
    popup.wait_for(state="visible", timeout=5_000)
    # Shift+Tab goes back to Beijing.
    page.keyboard.press("Escape")
    page.keyboard.press("Shift+Tab")
    assert page.evaluate(ACTIVE)["label"] == first["label"]


def test_missing_values_are_announced_as_no_data(page, live_server):
    page.goto(
        f"{live_server}/maps/choropleth?indicator=top_hospitals&level=county&basemap=none&lang=zh"
    )
    page.wait_for_selector("body[data-regions-focusable]", state="attached", timeout=20_000)
    labels = page.eval_on_selector_all(
        "path.jjj-focusable", "els => els.map(e => e.getAttribute('aria-label'))"
    )
    assert len(labels) >= 150
    assert all(label and label.strip() for label in labels)
    assert any("无数据" in label for label in labels) or all("分级" in label for label in labels)


def test_corridor_members_are_focusable(page, live_server, artifacts):
    page.goto(f"{live_server}/maps/corridor/jing-bao-shi?basemap=none&lang=en")
    page.wait_for_selector("body[data-members-focusable]", state="attached", timeout=20_000)
    assert int(page.get_attribute("body", "data-members-focusable")) >= 2
    active = _tab_into_map(page)
    assert active["tag"] == "path" and active["role"] == "button", active
    assert "Members" in active["label"]
    assert active["label"].split(";")[0].split()[-1] in _shown_tooltip(page)
    page.keyboard.press("Enter")
    page.locator(".leaflet-popup").wait_for(state="visible", timeout=5_000)
    page.wait_for_timeout(300)
    page.screenshot(path=str(artifacts / "keyboard_corridor_member.png"))


def test_focus_order_keeps_the_corridor_line_above_its_members(page, live_server):
    """Ordering members for Tab must not draw them over the corridor line and the band."""
    page.goto(f"{live_server}/maps/corridor/jing-bao-shi?basemap=none&lang=en")
    page.wait_for_selector("body[data-members-focusable]", state="attached", timeout=20_000)
    order = page.evaluate(
        """() => Array.from(document.querySelectorAll('.leaflet-overlay-pane path'))
             .map(p => p.getAttribute('class').split(' ')[0])"""
    )
    members = [i for i, c in enumerate(order) if c == "jjj-member"]
    assert members and members == list(range(members[0], members[-1] + 1))  # together
    assert order.index("jjj-band") < members[0] < order.index("jjj-corridor-line")
