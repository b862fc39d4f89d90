"""In headless Chromium: from a map page to a published, maintained dataset.

Upload a table with a misspelt city → pick the suggestion (the report is fetched again,
no Check pressed) → publish → open the manage link → upload a new version → switch
language (the token stays in the fragment) → delete; a point table drawn on its page.

Screenshots (tests/artifacts/i17_*.png, 1366 and 390 px wide, zh and en): look at them.
"""

from __future__ import annotations

import re

import pytest

from geo.sources.regions import regions

pytestmark = pytest.mark.browser
DRAWN = "body[data-regions-drawn]"


def _table(tmp_path, name: str, misspelt: bool, factor: int) -> str:
    units = regions("prefecture", include_special=False)
    lines = ["城市,医院床位数"]
    for n, unit in enumerate(units.itertuples()):
        city = "保定x" if misspelt and unit.adcode == "130600" else unit.name_zh
        lines.append(f'{city},"{(n + 1) * factor:,}"')
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return str(path)


def _shot(page, artifacts, name: str) -> None:
    for width in (1366, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.wait_for_timeout(150)
        page.screenshot(path=artifacts / f"i17_{name}_{width}.png", full_page=True)
    page.set_viewport_size({"width": 1366, "height": 900})


def test_publish_fix_a_name_manage_and_delete(page, live_server, artifacts, tmp_path):
    # Found from a map page: "map your own table at this level".
    page.goto(live_server + "/maps/choropleth?indicator=area_km2&level=prefecture&basemap=none")
    assert page.inner_text("#publish-link") == "Publish your data"
    page.click("#own-table")
    page.wait_for_url(re.compile(r"/datasets/new\?level=prefecture"))
    assert page.input_value("select[name=level]") == "prefecture"

    page.set_input_files("input[name=file]", _table(tmp_path, "beds.csv", True, 1000))
    page.click("#check")
    page.wait_for_selector("#report")
    page.wait_for_selector(DRAWN, state="attached", timeout=20_000)
    assert page.inner_text("#report-matched") == "12"
    choice = page.locator("select[name='match:保定x']")
    assert "Baoding (130600)" in choice.inner_text()
    _shot(page, artifacts, "check_en")

    # Pick the suggestion: the report is checked again by the page's script.
    choice.select_option("130600")
    page.wait_for_selector("#by-publisher", timeout=20_000)
    assert page.inner_text("#report-matched") == "13"
    assert "保定x" in page.inner_text("#by-publisher")
    page.wait_for_selector("#preview-frame")
    frame = page.frame(name="preview-frame")
    frame.wait_for_selector(DRAWN, state="attached", timeout=20_000)
    assert frame.locator("path.jjj-region").count() == 13

    page.fill("input[name=title_en]", "Hospital beds")
    page.fill("input[name=title_zh]", "医院床位")
    page.click("#publish")
    page.wait_for_selector("#manage-url")
    manage = page.get_attribute("#manage-url", "href")
    assert "/manage?lang=en#token=" in manage
    _shot(page, artifacts, "published_en")

    # The manage page: a new version.
    page.goto(manage)
    page.wait_for_selector("#keep-secret")
    assert page.is_hidden("#manage-error")
    page.set_input_files("#new-version input[name=file]", _table(tmp_path, "v2.csv", False, 7))
    assert page.is_disabled("#upload-version")  # previewed before it goes live
    page.click("#check-version")
    page.wait_for_selector("#manage[data-previewed=ok]", state="attached", timeout=20_000)
    page.click("#upload-version")
    page.wait_for_selector("#new-version-link")
    assert page.inner_text("#new-version-link").strip() == "v2"

    # Switch language: the token is in neither the query nor the address (sessionStorage).
    page.click("a.lang")
    page.wait_for_url(re.compile(r"lang=zh$"))
    page.wait_for_selector("#keep-secret")
    assert "密码" in page.inner_text("#keep-secret")
    assert page.is_hidden("#manage-error")
    _shot(page, artifacts, "manage_zh")

    # The dataset page keeps the language in its links and embed snippet.
    dataset_url = page.get_attribute("#manage-title", "href")
    page.goto(live_server + dataset_url)
    page.wait_for_selector(DRAWN, state="attached", timeout=20_000)
    assert page.inner_text("#dataset-title") == "医院床位"
    assert "lang=zh" in page.inner_text("body") or "lang=zh" in page.content()
    assert page.inner_text("#versions").count("v") >= 2

    # Delete.
    page.goto(manage.replace("lang=en", "lang=zh"))
    page.wait_for_selector("#keep-secret")
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("#delete-dataset")
    page.wait_for_selector("#manage-result:not([hidden])")
    assert "已删除" in page.inner_text("#manage-result")
    gone = page.request.get(live_server + dataset_url)
    assert gone.status == 410
    assert page.js_errors == []


def test_point_table_page_draws_its_points(page, live_server, artifacts):
    lines = ["名称,经度,纬度,类别"]
    sites = [(116.3975, 39.9087), (114.4836, 38.0125), (117.2009, 39.0842), (115.4646, 38.8744)]
    for n, (lon, lat) in enumerate(sites):
        lines.append(f"site {n},{lon},{lat},{'医院' if n % 2 else '学校'}")
    lines.append("上海,121.47,31.23,医院")
    created = page.request.post(
        live_server + "/api/datasets",
        multipart={
            "file": {
                "name": "sites.csv",
                "mimeType": "text/csv",
                "buffer": ("\n".join(lines) + "\n").encode(),
            },
            "kind": "points",
            "datum": "wgs84",
            "level": "prefecture",
            "title_zh": "医疗与教育设施",
            "title_en": "Sites",
        },
    )
    assert created.status == 201, created.text()
    body = created.json()
    page.goto(f"{live_server}/datasets/{body['id']}?lang=zh&basemap=none")
    page.wait_for_selector("body[data-points-drawn]", state="attached", timeout=20_000)
    page.wait_for_selector(DRAWN, state="attached", timeout=20_000)  # the counts by unit
    assert page.get_attribute("body", "data-points-drawn") == "4"
    assert page.locator("path.jjj-dataset-point").count() == 4
    assert "学校" in page.inner_text("#points-legend")
    assert "121.47" in page.inner_text("#points-outside")  # row 6, Shanghai: left out
    _shot(page, artifacts, "points_zh")
    # Drawn over any choropleth: points=dataset:ID.
    page.goto(
        f"{live_server}/maps/choropleth?indicator=population&level=prefecture"
        f"&points=dataset:{body['id']}&basemap=none&lang=zh"
    )
    page.wait_for_selector(DRAWN, state="attached", timeout=20_000)
    page.wait_for_selector("body[data-points-drawn]", state="attached", timeout=20_000)
    assert page.locator("path.jjj-point").count() == 4
    assert "医疗与教育设施" in page.inner_text("#map-layers")
    _shot(page, artifacts, "points_over_choropleth_zh")
    page.goto(body["links"]["embed"] + "&lang=en")
    page.wait_for_selector("body[data-points-drawn]", state="attached", timeout=20_000)
    _shot(page, artifacts, "points_embed_en")
    assert page.js_errors == []
