"""An uploaded links table in headless Chromium: paste it on /datasets/new, read the
report, publish, open its links map (arcs, shading by incoming weight, the data table).

Screenshots: tests/artifacts/links_dataset_check.png, links_dataset_map.png (look at them).
"""

import pytest

pytestmark = pytest.mark.browser

TABLE = """起点,终点,人数
北京市,保定市,1200
北京市,廊坊市,2600
天津市,廊坊市,900
天津市,沧州市,400
石家庄市,北京市,350
<b>火星</b>,北京市,3
"""


def test_publish_a_links_table_and_see_its_map(page, live_server, artifacts):
    page.goto(live_server + "/datasets/new?lang=en")
    page.fill("textarea[name=text]", TABLE)
    page.click("#check")
    page.wait_for_selector("#report")
    assert page.inner_text("#report-matched") == "5"
    unmatched = page.inner_text("#unmatched-from")
    assert "<b>火星</b>" in unmatched and page.locator("#unmatched-from b").count() == 0
    page.fill("input[name=title_en]", "Commuting <i>flows</i> 2023")
    page.fill("input[name=weight_unit]", "commuters")
    page.fill("input[name=source]", "Survey of a planning bureau")
    page.select_option("select[name=licence]", "CC-BY-4.0")
    page.screenshot(path=artifacts / "links_dataset_check.png", full_page=True)

    page.click("#publish")
    page.wait_for_selector("#edit-token")
    map_url = page.get_attribute("#dataset-url", "href")
    page.goto(map_url + ("&" if "?" in map_url else "?") + "basemap=none&lang=en")
    page.wait_for_selector("body[data-links-drawn]", state="attached", timeout=20_000)
    assert page.locator("path.jjj-link").count() == 5
    legend = page.inner_text("#legend")
    assert "Commuting <i>flows</i> 2023" in legend and "commuters" in legend
    assert "CC-BY-4.0" in page.inner_text("#links-source")
    label = page.get_attribute(".map-frame[role=figure]", "aria-label")
    assert "most incoming: Langfang (2 links, 3,500 commuters)" in label
    page.locator("#data-table summary").focus()
    page.keyboard.press("Enter")
    assert page.locator("#map-table").is_visible()
    page.screenshot(path=artifacts / "links_dataset_map.png", full_page=True)
    assert page.js_errors == []
    # The bundled links embed in Chinese: the same data table and alt text.
    page.set_viewport_size({"width": 420, "height": 900})
    page.goto(live_server + "/embed/links?lang=zh&basemap=none")
    page.wait_for_selector("body[data-links-drawn]", state="attached", timeout=20_000)
    label = page.get_attribute(".map-frame[role=figure]", "aria-label")
    assert "接收最多的是" in label and "条" in label
    page.locator("#data-table summary").click()
    assert page.locator("#map-table tbody tr").count() == 13
    page.screenshot(path=artifacts / "links_embed_zh.png", full_page=True)
