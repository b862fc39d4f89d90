"""Publishing a point table in headless Chromium, zh and en, 1366 and 390 px wide: the
table with 经度/纬度 on "auto" asks for the coordinate system (Publish disabled), choosing
one draws the points' preview and enables Publish (no new upload, no "Check" pressed);
the published page's map link opens the dataset; on the manage page a new version is
previewed before "Publish this version" is enabled, and the page then says version 2.

Screenshots: tests/artifacts/point_publishing_*.png.
"""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.browser

HOSPITALS = (
    "名称,经度,纬度,类别\n"
    "北京协和医院,116.4177,39.9122,医院\n"
    "天津医科大学总医院,117.1816,39.1105,医院\n"
    "河北医科大学第二医院,114.4843,38.0486,医院\n"
    "石家庄站,114.4836,38.0125,车站\n"
    "上海瑞金医院,121.4684,31.2118,医院\n"
)
WORDS = {
    "zh": {"datum": "请选择坐标系：WGS-84（GPS）、GCJ-02（高德/腾讯）或 BD-09（百度）", "v2": "2"},
    "en": {"datum": "Choose the coordinate system: WGS-84 (GPS), GCJ-02 (AMap/Tencent)", "v2": "2"},
}


def _shot(page, artifacts, name: str) -> None:
    for width in (1366, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.wait_for_timeout(200)
        page.screenshot(path=artifacts / f"point_publishing_{name}_{width}.png", full_page=True)
    page.set_viewport_size({"width": 1366, "height": 900})


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_publish_a_point_table_from_auto_with_previews(
    page, live_server, artifacts, tmp_path, lang
):
    page.set_viewport_size({"width": 1366, "height": 900})
    table = tmp_path / "hospitals.csv"
    table.write_text(HOSPITALS, encoding="utf-8")
    page.goto(f"{live_server}/datasets/new?lang={lang}")
    assert page.input_value("#kind") == ""  # 自动识别 / Detect
    page.set_input_files("input[name=file]", str(table))
    page.click("#check")
    page.wait_for_selector("#form-error")
    assert WORDS[lang]["datum"] in page.inner_text("#form-error")
    assert page.is_disabled("#publish")
    assert "经度" in page.inner_text("#points-detected")
    assert page.get_attribute("#datum", "aria-invalid") == "true"
    _shot(page, artifacts, f"ask_datum_{lang}")

    # Choosing the datum checks the kept file again and draws the points.
    page.select_option("#datum", "gcj02")
    page.wait_for_selector("#publish:not([disabled])", timeout=20_000)
    assert page.locator("#form-error").count() == 0
    assert page.inner_text("#report-points") == "4"
    page.wait_for_selector("#preview-frame")
    frame = page.frame(name="preview-frame")
    frame.wait_for_selector("body[data-points-drawn]", state="attached", timeout=20_000)
    assert frame.get_attribute("body", "data-points-drawn") == "4"
    assert frame.locator("path.jjj-dataset-point").count() == 4
    _shot(page, artifacts, f"preview_{lang}")

    page.fill("input[name=title_zh]", "医院点位")
    page.fill("input[name=title_en]", "Hospital sites")
    page.click("#publish")
    page.wait_for_selector("#manage-url")
    manage = page.get_attribute("#manage-url", "href")
    href = page.get_attribute("#published-map", "href")
    assert re.search(r"/datasets/\w+/v/1\?lang=" + lang + "$", href), href
    assert page.locator("#over-choropleth").count() == 1
    _shot(page, artifacts, f"published_{lang}")
    page.click("#published-map")
    page.wait_for_selector("#dataset-title")
    assert page.inner_text("#dataset-title") == ("医院点位" if lang == "zh" else "Hospital sites")
    page.wait_for_selector("body[data-points-drawn]", state="attached", timeout=20_000)
    page.wait_for_selector("body[data-regions-drawn]", state="attached", timeout=20_000)
    _shot(page, artifacts, f"dataset_{lang}")

    # A new version: checked and previewed, then published; the page says version 2.
    page.goto(manage)
    page.wait_for_selector("#keep-secret")
    assert page.inner_text("#manage-version") == "1"
    v2 = tmp_path / "v2.csv"
    v2.write_text(HOSPITALS + "河北省人民医院,114.5206,38.0474,医院\n", encoding="utf-8")
    page.set_input_files("#new-version input[name=file]", str(v2))
    assert page.is_disabled("#upload-version")
    page.click("#check-version")
    page.wait_for_selector("#manage[data-previewed=ok]", state="attached", timeout=20_000)
    preview = page.frame(name="version-preview")
    preview.wait_for_selector("body[data-points-drawn]", state="attached", timeout=20_000)
    assert preview.get_attribute("body", "data-points-drawn") == "5"
    assert page.is_enabled("#upload-version")
    _shot(page, artifacts, f"manage_preview_{lang}")
    page.click("#upload-version")
    page.wait_for_selector("#new-version-link")
    assert page.inner_text("#manage-version") == WORDS[lang]["v2"]
    assert page.inner_text("#new-version-link").strip() == "v2"
    _shot(page, artifacts, f"manage_published_{lang}")
    assert page.js_errors == []
