"""What users see: pages served by gunicorn, opened in headless Chromium, screenshots saved.

Screenshots go to tests/artifacts/ (look at them). Basemap tiles cannot load offline, so the
pages use basemap=none; the vector layers must render without tiles.
"""

import functools
import http.server
import threading

import pytest

from geo.crs import wgs84_to_gcj02

pytestmark = pytest.mark.browser
DRAWN = "body[data-regions-drawn], body[data-corridor-drawn]"


def open_map(page, url):
    page.goto(url)
    page.wait_for_selector(DRAWN, state="attached", timeout=20_000)


def test_home_draws_the_13_prefecture_units(page, live_server, artifacts):
    open_map(page, live_server + "/?basemap=none")
    assert page.locator("path.jjj-region").count() == 13
    assert page.locator("path.jjj-region-special").count() == 1  # Xiong'an outline
    assert page.evaluate("document.body.dataset.regionsDrawn") == "13"
    page.screenshot(path=artifacts / "home.png")
    assert page.js_errors == []


def test_county_choropleth_draws_199_shapes_legend_and_tooltips(page, live_server, artifacts):
    open_map(page, live_server + "/maps/choropleth?indicator=area_km2&level=county&basemap=none")
    shapes = page.locator("path.jjj-region")
    assert shapes.count() == 199
    legend = page.locator("#legend")
    assert legend.is_visible()
    assert legend.locator("li.legend-class").count() == 5
    assert "no data" in legend.inner_text()
    fills = {shapes.nth(i).get_attribute("fill") for i in range(0, 199, 7)}
    assert len(fills) >= 3  # classes are coloured differently
    box = page.locator("#legend").bounding_box()
    target = shapes.nth(60)
    target.scroll_into_view_if_needed()
    target.hover(force=True)
    tooltip = page.locator(".jjj-tooltip")
    tooltip.wait_for(timeout=5_000)
    text = tooltip.inner_text()
    assert "Area:" in text and "km²" in text
    assert box is not None
    page.screenshot(path=artifacts / "county_choropleth.png")
    assert page.js_errors == []


def test_missing_values_are_drawn_distinctly(page, live_server, artifacts):
    open_map(
        page,
        live_server
        + "/maps/choropleth?indicator=gdp&level=prefecture&year=2021&basemap=none&lang=zh",
    )
    assert page.locator("path.jjj-region").count() == 13
    dashed = page.locator("path.jjj-region[stroke-dasharray]")
    assert dashed.count() >= 2  # Chengde and Hengshui have no sourced 2021 GDP
    assert "无数据" in page.locator("#legend").inner_text()
    page.screenshot(path=artifacts / "gdp_missing_zh.png")


def test_corridor_page_draws_line_band_and_facilities(page, live_server, artifacts):
    open_map(page, live_server + "/maps/corridor/jing-bao-shi?basemap=none&band_km=30")
    assert page.locator("path.jjj-corridor-line").count() == 1
    assert page.locator("path.jjj-band").count() == 1
    assert page.locator("path.jjj-member").count() == 3
    markers = page.locator("path.jjj-facility")
    assert markers.count() >= 1
    assert page.evaluate("document.body.dataset.facilitiesDrawn") == str(markers.count())
    markers.first.click(force=True)
    popup = page.locator(".leaflet-popup-content")
    popup.wait_for(timeout=5_000)
    assert "km" in popup.inner_text()
    # members as columns, indicators as rows (tests/test_corridor_members.py)
    assert page.locator("#members thead th.member").count() == 3
    page.screenshot(path=artifacts / "corridor_jing_bao_shi.png")
    assert page.js_errors == []


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def test_embed_renders_inside_an_iframe_from_another_origin(page, live_server, artifacts, tmp_path):
    embed = (
        live_server + "/embed/choropleth?indicator=population_density&level=prefecture&basemap=none"
    )
    (tmp_path / "report.html").write_text(
        f"<!DOCTYPE html><html><body><h1>A planning report</h1>"
        f'<iframe id="widget" src="{embed}" width="900" height="560" style="border:0"></iframe>'
        f"</body></html>",
        encoding="utf-8",
    )
    handler = functools.partial(_Quiet, directory=str(tmp_path))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        page.goto(f"http://127.0.0.1:{server.server_address[1]}/report.html")
        frame = page.frame_locator("#widget")
        frame.locator("body[data-regions-drawn]").wait_for(state="attached", timeout=20_000)
        assert frame.locator("path.jjj-region").count() == 13
        assert frame.locator("#legend").is_visible()
        assert frame.locator("header.site").count() == 0  # no page chrome
        page.screenshot(path=artifacts / "embed_in_report.png")
    finally:
        server.shutdown()


def test_amap_basemap_shifts_layers_to_gcj02(page, live_server):
    open_map(
        page, live_server + "/maps/choropleth?indicator=area_km2&level=prefecture&basemap=none"
    )
    lon, lat = page.evaluate("JJJAtlas.wgs84ToGcj02(116.3912, 39.9066)")
    expected = wgs84_to_gcj02(116.3912, 39.9066)
    assert lon == pytest.approx(float(expected[0]), abs=1e-9)
    assert lat == pytest.approx(float(expected[1]), abs=1e-9)
    assert page.evaluate("JJJAtlas.escapeHtml('<b a=\"1\">')") == "&lt;b a=&quot;1&quot;&gt;"
