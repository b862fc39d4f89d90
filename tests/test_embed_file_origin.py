"""Embeds are framable from any page, a report opened from disk (file://) included.

CSP's ``frame-ancestors *`` matches only network schemes, so Chromium refused a file page's
frame ("127.0.0.1 refused to connect"); embeds now also name ``file:``, ``data:`` and
``blob:``. Checked in headless Chromium with an HTML file written to a temporary directory
and opened by its file:// URL: the frame's map is drawn (zh and en, 1366 and 390 px).
Pages that are not embeds stay same-origin only.
"""

from __future__ import annotations

import pytest

from webmap.security import EMBED_ANCESTORS

CHORO = "indicator=population&level=prefecture&basemap=none"


def test_embed_policy_names_file_pages_and_other_pages_stay_same_origin(client):
    embed = client.get(f"/embed/choropleth?{CHORO}")
    policy = embed.headers["Content-Security-Policy"]
    assert EMBED_ANCESTORS in policy
    ancestors = next(d for d in policy.split("; ") if d.startswith("frame-ancestors"))
    assert ancestors.split()[1:] == ["*", "file:", "data:", "blob:"]
    assert "X-Frame-Options" not in embed.headers
    page = client.get(f"/maps/choropleth?{CHORO}")
    assert "frame-ancestors 'self'" in page.headers["Content-Security-Policy"]
    assert page.headers["X-Frame-Options"] == "SAMEORIGIN"


def _report(tmp_path, snippet: str, lang: str):
    path = tmp_path / f"report_{lang}.html"
    path.write_text(
        "<!DOCTYPE html><html><head><meta charset='utf-8'><title>report</title></head><body>"
        f"<h1>{'报告' if lang == 'zh' else 'Report'}</h1>{snippet}</body></html>",
        encoding="utf-8",
    )
    return path


@pytest.mark.browser
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_an_html_file_on_disk_frames_the_embed(browser, live_server, artifacts, tmp_path, lang):
    map_page = f"{live_server}/maps/choropleth?{CHORO}&lang={lang}"
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    page = context.new_page()
    page.goto(map_page)
    snippet = page.input_value("#embed-code")  # what a planner copies into the report
    assert "<iframe" in snippet and "/embed/choropleth" in snippet
    report = _report(tmp_path, snippet, lang)
    for width in (1366, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(report.as_uri())
        assert page.url.startswith("file://")
        frame_element = page.wait_for_selector("iframe[data-jjj-atlas]")
        frame = frame_element.content_frame()
        assert frame is not None
        # The embed's own page loaded (not Chromium's "refused to connect" error page) and
        # drew its map.
        frame.wait_for_selector("body[data-regions-drawn]", state="attached", timeout=20_000)
        assert frame.url.startswith(live_server + "/embed/choropleth")
        assert frame.locator("path.jjj-region").count() >= 13  # the 13 prefecture-level units
        title = frame.inner_text(".embed-title")
        assert title.strip()
        page.wait_for_timeout(300)
        page.screenshot(path=artifacts / f"embed_file_{lang}_{width}.png", full_page=True)
    context.close()
