"""The edit token leaves the address bar and the history as soon as the manage link is
opened: it moves to sessionStorage (this tab), ``history.replaceState`` drops the fragment,
and "Copy the manage link" gives the link back when it is wanted (Chromium)."""

from __future__ import annotations

import json
import re

import pytest

pytestmark = pytest.mark.browser


def _publish(page, live_server) -> dict:
    answer = page.request.post(
        live_server + "/api/datasets",
        multipart={
            "file": {
                "name": "t.csv",
                "mimeType": "text/csv",
                "buffer": "城市,医生\n北京市,1\n天津市,2\n".encode(),
            },
            "title_en": "Token test",
        },
    )
    assert answer.status == 201, answer.text()
    return json.loads(answer.text())


def test_the_token_leaves_the_address_and_the_history(page, browser, live_server):
    body = _publish(page, live_server)
    manage = body["manage_url"]
    assert "#token=" in manage
    token = manage.split("#token=", 1)[1]
    page.goto(manage)
    page.wait_for_selector("#keep-secret")
    page.wait_for_function("!location.hash")
    assert "token" not in page.url and token not in page.url
    assert page.is_hidden("#manage-error")
    stored = page.evaluate("Object.values(sessionStorage)")
    assert stored == [token]

    # A reload (no fragment any more) still manages the dataset: a metadata edit works.
    page.reload()
    page.wait_for_selector("#keep-secret")
    assert page.is_hidden("#manage-error")
    page.fill("#metadata input[name=title_zh]", "令牌测试")
    page.click("#save-metadata")
    page.wait_for_selector("#new-version-link")

    # The language link does not carry the token; the other page still has it.
    page.click("a.lang")
    page.wait_for_url(re.compile(r"lang=zh"))
    page.wait_for_selector("#keep-secret")
    assert "#token" not in page.url and page.is_hidden("#manage-error")

    # Copy the manage link: the whole link, token included, opens in a fresh browser.
    page.click("#copy-manage-link")
    page.wait_for_selector("#copied-manage-link:not([hidden])")
    copied = page.input_value("#copied-manage-link")
    assert copied.endswith("#token=" + token) and "/manage" in copied
    assert "复制" in page.inner_text("#manage-result")
    fresh = browser.new_context()
    try:
        other = fresh.new_page()
        other.goto(copied)
        other.wait_for_selector("#keep-secret")
        other.wait_for_function("!location.hash")
        assert other.is_hidden("#manage-error")
        assert other.is_visible("#copy-manage-link")
        without = fresh.new_page()  # another tab of that browser: no token without the link
        without.goto(copied.split("#", 1)[0])
        without.wait_for_selector("#manage-error:not([hidden])")
    finally:
        fresh.close()
    assert page.js_errors == []
