"""The catalogue page in a browser, as a person uses it: type a search, pick filters, page on,
at desktop and phone widths, in Chinese and English (against the gunicorn server)."""

from __future__ import annotations

import io
import json
import urllib.request
import uuid

import pytest

CSV = "adcode,beds\n130100,12\n130200,8\n"


def publish(base: str, title: str, **fields) -> str:
    boundary = uuid.uuid4().hex
    body = io.BytesIO()
    parts = {"title": title, **fields}
    for name, value in parts.items():
        body.write(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
            f"{value}\r\n".encode()
        )
    body.write(
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="b.csv"\r\n'
        f"Content-Type: text/csv\r\n\r\n{CSV}\r\n--{boundary}--\r\n".encode()
    )
    request = urllib.request.Request(
        base + "/api/datasets",
        data=body.getvalue(),
        headers={"Content-Type": f"multipart/form-data; boundary={boundary}"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.loads(response.read())["id"]


@pytest.mark.parametrize("width", [1366, 390])
def test_search_filters_and_pages_in_the_browser(page, live_server, artifacts, width):
    marker = uuid.uuid4().hex[:6]
    made = [publish(live_server, f"{marker} 县医院床位 {i}", licence="CC0-1.0") for i in range(3)]
    page.set_viewport_size({"width": width, "height": 900})
    for lang, label in (("zh", "搜索"), ("en", "Search")):
        page.goto(f"{live_server}/datasets?lang={lang}")
        assert label in page.inner_text("#catalogue-search")
        page.fill("#catalogue-q", f"{marker} 医院")
        page.select_option("select[name=licence]", "CC0-1.0")
        page.select_option("select[name=sort]", "title")
        page.click("#catalogue-search button[type=submit]")
        page.wait_for_load_state()
        rows = page.locator("#datasets a").all_inner_texts()
        assert rows == [f"{marker} 县医院床位 {i}" for i in range(3)]
        assert page.input_value("#catalogue-q") == f"{marker} 医院"
        page.screenshot(path=str(artifacts / f"catalogue_{lang}_{width}.png"), full_page=True)
        # the search box stays inside the screen on a phone
        box = page.locator("#catalogue-q").bounding_box()
        assert box and box["x"] + box["width"] <= width
    page.goto(f"{live_server}/datasets?lang=en&q={marker}&limit=2")
    assert page.locator("#datasets a").count() == 2 and "1–2 of 3" in page.inner_text("main")
    page.click("#catalogue-next")
    page.wait_for_load_state()
    assert page.locator("#datasets a").count() == 1 and "3–3 of 3" in page.inner_text("main")
    page.click("#catalogue-prev")
    page.wait_for_load_state()
    assert page.locator("#datasets a").count() == 2
    assert not page.js_errors
    assert len(made) == 3
