"""/datasets/new in headless Chromium: upload a file, read the report, publish, see the map.

Screenshots: tests/artifacts/dataset_check.png, dataset_page.png (look at them).
"""

import pytest

from geo.sources.regions import regions

pytestmark = pytest.mark.browser
DRAWN = "body[data-regions-drawn]"


def test_upload_check_publish_and_see_the_map(page, live_server, artifacts, tmp_path):
    units = regions("prefecture", include_special=False)
    lines = ["城市,医院床位数"]
    for n, name in enumerate(units["name_zh"]):
        # Row 7 is not a number (and HTML): listed with its row, shown as text, left empty.
        value = "<b>bold</b>" if n == 5 else f"{(n + 1) * 1234:,}"
        lines.append(f'{name},"{value}"')
    lines.append("火星市,12")  # matches no unit: reported with its row number
    upload = tmp_path / "beds.csv"
    upload.write_text("\n".join(lines) + "\n", encoding="utf-8")

    page.goto(live_server + "/datasets/new")
    page.set_input_files("input[name=file]", str(upload))
    page.click("#check")
    page.wait_for_selector("#report")
    page.wait_for_selector(DRAWN, state="attached", timeout=20_000)  # the preview map
    summary = page.inner_text("#report-summary")
    assert "Prefecture" in summary and "城市" in summary
    assert page.inner_text("#report-matched") == "13"
    assert "火星市" in page.inner_text("#unmatched")
    problems = page.inner_text("#problems")
    assert "<b>bold</b>" in problems and "7" in problems  # the text as typed, row 7
    assert page.locator("#problems b").count() == 0  # never rendered as HTML
    assert page.locator("#preview path.jjj-region").count() == 13
    page.fill("input[name=title_en]", "Hospital beds <i>test</i>")
    page.fill("input[name='unit:医院床位数']", "beds")
    page.screenshot(path=artifacts / "dataset_check.png", full_page=True)

    page.click("#publish")
    page.wait_for_selector("#edit-token")
    assert len(page.inner_text("#edit-token")) > 30
    dataset_url = page.get_attribute("#dataset-url", "href")
    page.goto(dataset_url + "?basemap=none")
    page.wait_for_selector(DRAWN, state="attached", timeout=20_000)
    assert page.inner_text("#dataset-title") == "Hospital beds <i>test</i>"
    shapes = page.locator("path.jjj-region")
    assert shapes.count() == 13
    fills = {shapes.nth(i).get_attribute("fill") for i in range(13)}
    assert len(fills) >= 4  # classes drawn in different colours, row 7's unit as "no data"
    legend = page.inner_text("#legend")
    assert "beds" in legend and "no data" in legend
    page.screenshot(path=artifacts / "dataset_page.png", full_page=True)
    assert page.js_errors == []
