"""Embeds in reports, the data-table alternative and axe-core, in headless Chromium.

Screenshots go to tests/artifacts/ (look at them). Pages use basemap=none: tiles cannot load
here, and the vector layers must stand on their own.
"""

from __future__ import annotations

import functools
import http.server
import threading

import pytest
from axe_playwright_python.sync_playwright import Axe

pytestmark = pytest.mark.browser
DRAWN = "body[data-regions-drawn], body[data-corridor-drawn]"
BLOCKING = ("serious", "critical")


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture()
def report_site(tmp_path):
    """Another origin serving report pages that embed our maps."""
    handler = functools.partial(_Quiet, directory=str(tmp_path))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield tmp_path, f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def _snippet(client_html: str) -> str:
    import html
    import re

    return html.unescape(re.search(r"<textarea[^>]*>(.*?)</textarea>", client_html, re.S).group(1))


def _overlap(a: dict, b: dict) -> bool:
    return not (
        a["x"] + a["width"] <= b["x"] + 0.5
        or b["x"] + b["width"] <= a["x"] + 0.5
        or a["y"] + a["height"] <= b["y"] + 0.5
        or b["y"] + b["height"] <= a["y"] + 0.5
    )


@pytest.mark.parametrize("width", [320, 1280])
def test_embed_snippet_sizes_the_frame_and_legend_never_covers_the_map(
    browser, live_server, artifacts, report_site, width
):
    import urllib.request

    page_url = live_server + "/maps/choropleth?indicator=gdp&level=prefecture&basemap=none"
    with urllib.request.urlopen(page_url) as response:
        snippet = _snippet(response.read().decode())
    folder, origin = report_site
    (folder / "report.html").write_text(
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width'><title>Report</title></head>"
        f"<body style='margin:0'><h1>A planning report</h1>{snippet}<p>After the map.</p>"
        "</body></html>",
        encoding="utf-8",
    )
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    try:
        page.goto(origin + "/report.html")
        frame = page.frame_locator("iframe[data-jjj-atlas]")
        frame.locator("body[data-regions-drawn]").wait_for(state="attached", timeout=20_000)
        iframe = page.locator("iframe[data-jjj-atlas]")
        page.wait_for_function(
            "document.querySelector('iframe[data-jjj-atlas]').hasAttribute('data-jjj-atlas-sized')",
            timeout=10_000,
        )
        sized = int(iframe.get_attribute("data-jjj-atlas-sized"))
        box = iframe.bounding_box()
        assert box["height"] == pytest.approx(sized, abs=1)
        assert sized != 480  # the snippet's fallback height was replaced
        assert box["width"] == pytest.approx(width, abs=1)
        inner = frame.locator("#embed")
        # The frame is as tall as the embed needs: nothing cut off, nothing to scroll.
        assert inner.evaluate("e => e.scrollHeight") <= box["height"] + 1
        map_box = frame.locator(".folium-map").bounding_box()
        legend_box = frame.locator("#legend").bounding_box()
        assert not _overlap(map_box, legend_box)
        if width < 500:
            assert legend_box["y"] >= map_box["y"] + map_box["height"] - 0.5  # a bar below
            assert legend_box["width"] > 0.9 * box["width"]
        else:
            assert legend_box["x"] >= map_box["x"] + map_box["width"] - 0.5  # beside it
        assert map_box["height"] >= 200
        assert frame.locator(".embed-title").is_visible()
        assert frame.locator(".get-data a[download]").count() == 2
        page.screenshot(path=artifacts / f"embed_snippet_{width}.png", full_page=True)
    finally:
        context.close()


def test_map_page_at_320px_keeps_legend_below_the_map(browser, live_server, artifacts):
    context = browser.new_context(viewport={"width": 320, "height": 800})
    page = context.new_page()
    try:
        page.goto(live_server + "/maps/choropleth?indicator=area_km2&level=county&basemap=none")
        page.wait_for_selector(DRAWN, state="attached", timeout=20_000)
        map_box = page.locator(".folium-map").bounding_box()
        legend_box = page.locator("#legend").bounding_box()
        assert not _overlap(map_box, legend_box)
        assert map_box["height"] >= 200
        # Tap-friendly: a tap on a region opens its value in a popup.
        page.locator("path.jjj-region").nth(40).click(force=True)
        popup = page.locator(".jjj-tap .leaflet-popup-content")
        popup.wait_for(timeout=5_000)
        assert "km²" in popup.inner_text()
        page.screenshot(path=artifacts / "choropleth_320.png", full_page=True)
    finally:
        context.close()


def test_data_table_opens_from_the_keyboard_and_sorts(page, live_server, artifacts):
    # 2021: the bulletin year without Chengde and Hengshui (two "no data" rows to sort last)
    page.goto(
        live_server + "/maps/choropleth?indicator=gdp&level=prefecture&year=2021&basemap=none"
    )
    page.wait_for_selector(DRAWN, state="attached", timeout=20_000)
    summary = page.locator("#data-table summary")
    summary.focus()
    page.keyboard.press("Enter")
    table = page.locator("#map-table")
    assert table.is_visible()
    value_header = table.locator("thead th").nth(2)
    value_header.locator("button").focus()
    page.keyboard.press("Enter")
    assert value_header.get_attribute("aria-sort") == "ascending"
    values = table.locator("tbody tr td:nth-child(3)").evaluate_all(
        "cells => cells.map(c => c.dataset.value)"
    )
    numbers = [float(v) for v in values if v]
    assert numbers == sorted(numbers) and values[-2:] == ["", ""]  # no data last
    page.keyboard.press("Enter")
    assert value_header.get_attribute("aria-sort") == "descending"
    first = table.locator("tbody tr").first.inner_text()
    assert "Beijing" in first and "40,269.6" in first
    page.screenshot(path=artifacts / "data_table.png", full_page=True)


AXE_PAGES = [
    ("home", "/?basemap=none"),
    ("choropleth", "/maps/choropleth?indicator=gdp&level=prefecture&basemap=none"),
    ("corridor", "/maps/corridor/jing-bao-shi?basemap=none"),
    ("embed", "/embed/choropleth?indicator=population_density_2020&basemap=none"),
    ("links", "/maps/links?basemap=none"),
    ("links-embed", "/embed/links?basemap=none"),
]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_axe_finds_no_serious_or_critical_violations(page, live_server, artifacts, lang):
    axe = Axe()
    problems = {}
    for name, path in AXE_PAGES:
        page.goto(f"{live_server}{path}&lang={lang}")
        page.wait_for_selector(DRAWN, state="attached", timeout=20_000)
        if page.locator("#data-table summary").count():
            page.locator("#data-table summary").first.click()  # check the table too
        results = axe.run(page)
        blocking = [
            f"{v['id']} ({v['impact']}): {v['help']} — "
            + "; ".join(n["target"][0] if n["target"] else "" for n in v["nodes"][:3])
            for v in results.response["violations"]
            if v["impact"] in BLOCKING
        ]
        if blocking:
            problems[name] = blocking
    assert problems == {}
