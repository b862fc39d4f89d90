"""A browser asking for Chinese (Accept-Language: zh-CN) without ``lang=`` gets Chinese, the
choice sticks in the URL, and the response cache and fast path never hand one language's
page to a browser that asked for the other."""

from __future__ import annotations

import pytest

from webmap import create_app
from webmap.language import negotiated

ZH = {"Accept-Language": "zh-CN,zh;q=0.9,en;q=0.8"}
EN = {"Accept-Language": "en-US,en;q=0.9"}
PAGES = [
    "/",
    "/maps/choropleth?indicator=population&level=prefecture",
    "/maps/corridor/jing-jin",
    "/maps/links",
    "/maps/clusters?indicator=population&level=county",
    "/embed/choropleth?indicator=population",
    "/datasets",
]


@pytest.mark.parametrize(
    "header,lang",
    [
        ("zh-CN", "zh"),
        ("zh-TW,zh;q=0.9", "zh"),
        ("en-US,en;q=0.9,zh-CN;q=0.8", "en"),
        ("zh-CN;q=0.5,en;q=0.9", "en"),
        ("fr-FR", "en"),
        ("", "en"),
        (None, "en"),
    ],
)
def test_negotiated_language(header, lang):
    assert negotiated(header) == lang


@pytest.mark.parametrize("url", PAGES)
def test_zh_browser_is_sent_to_the_zh_page(client, url):
    response = client.get(url, headers=ZH)
    assert response.status_code == 302
    joiner = "&" if "?" in url else "?"
    assert response.headers["Location"] == f"{url}{joiner}lang=zh"
    assert "Accept-Language" in response.headers["Vary"]
    landed = client.get(response.headers["Location"], headers=ZH)
    assert landed.status_code == 200
    assert '<html lang="zh-CN">' in landed.get_data(as_text=True)


@pytest.mark.parametrize("url", PAGES)
def test_en_browser_gets_english_that_says_it_varies(client, url):
    response = client.get(url, headers=EN)
    assert response.status_code == 200
    assert '<html lang="en">' in response.get_data(as_text=True)
    assert "Accept-Language" in response.headers["Vary"]


def test_an_explicit_lang_wins_over_the_browser(client):
    url = "/maps/choropleth?indicator=population&lang=en"
    response = client.get(url, headers=ZH)
    assert response.status_code == 200
    assert '<html lang="en">' in response.get_data(as_text=True)


def test_downloads_and_apis_do_not_negotiate(client):
    for url in ["/download/regions.geojson?level=prefecture", "/api/indicators", "/oembed?url=x"]:
        assert client.get(url, headers=ZH).status_code != 302


def test_the_fast_path_never_replays_english_to_a_zh_browser():
    app = create_app({"TESTING": True})
    client = app.test_client()
    url = "/maps/choropleth?indicator=gdp&level=prefecture&k=4"
    for _ in range(3):  # cached, then replayed by the fast path
        assert client.get(url, headers=EN).status_code == 200
    replays = app.wsgi_app.hits
    assert client.get(url, headers=EN).headers["X-Cache"] == "HIT"
    assert app.wsgi_app.hits > replays
    assert client.get(url, headers=ZH).status_code == 302
    assert client.get(url).status_code == 200  # no header: English


@pytest.mark.browser
@pytest.mark.parametrize("width", [1366, 390])
def test_zh_chromium_lands_on_chinese_and_the_choice_sticks(browser, live_server, width):
    context = browser.new_context(locale="zh-CN", viewport={"width": width, "height": 900})
    page = context.new_page()
    try:
        page.goto(f"{live_server}/?basemap=none")
        assert page.url.endswith("lang=zh")
        assert page.evaluate("document.documentElement.lang") == "zh-CN"
        # a gallery link keeps Chinese
        page.locator("a[href*='/maps/choropleth']").first.click()
        page.wait_for_load_state()
        assert "lang=zh" in page.url
        assert page.evaluate("document.documentElement.lang") == "zh-CN"
        # the language link switches to English for good: links from there carry lang=en
        page.locator("header.site a.lang").click()
        page.wait_for_load_state()
        assert "lang=en" in page.url
        assert page.evaluate("document.documentElement.lang") == "en"
        page.locator("header.site h1 a").click()
        page.wait_for_load_state()
        assert "lang=en" in page.url
        assert page.evaluate("document.documentElement.lang") == "en"
    finally:
        context.close()
