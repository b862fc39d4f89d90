"""A "copy" button beside every snippet of map and dataset pages — the iframe code, the
oEmbed URL and each download link — in headless Chromium (clipboard permissions granted),
zh and en, 1366 and 390 px: clicking copies exactly the snippet or the link's absolute URL.
Without the Clipboard API the button falls back to the selection (execCommand) and says so.
"""

from __future__ import annotations

import pytest

from webmap import create_app

CHORO = "/maps/choropleth?indicator=population&level=prefecture&basemap=none"
COPIED = {"zh": "已复制", "en": "Copied"}


def test_snippets_and_downloads_carry_copy_controls(client):
    html = client.get(f"{CHORO}&lang=zh").get_data(as_text=True)
    assert 'data-copy-target="embed-code"' in html and 'data-copy-target="oembed-url"' in html
    assert 'id="oembed-url" value="http://localhost/oembed?url=' in html
    assert 'data-copied="已复制"' in html
    assert "/static/copy.js" in html
    english = client.get(f"{CHORO}&lang=en").get_data(as_text=True)
    assert 'data-copied="Copied"' in english and ">Copy</button>" in english


def _context(browser, width: int, clipboard: bool = True):
    context = browser.new_context(viewport={"width": width, "height": 900})
    if clipboard:
        context.grant_permissions(["clipboard-read", "clipboard-write"])
    return context


def _clipboard(page) -> str:
    return page.evaluate("navigator.clipboard.readText()")


@pytest.mark.browser
@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("width", [1366, 390])
def test_copy_buttons_copy_on_a_map_page(browser, live_server, artifacts, lang, width):
    context = _context(browser, width)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda err: errors.append(str(err)))
    page.goto(f"{live_server}{CHORO}&lang={lang}")
    page.wait_for_selector("body[data-regions-drawn]", state="attached", timeout=20_000)

    page.click("button[data-copy-target=embed-code]")
    page.wait_for_selector("#copy-status[data-copied=yes]")
    assert _clipboard(page) == page.input_value("#embed-code")
    assert "<iframe" in _clipboard(page)
    assert COPIED[lang] in page.inner_text("#copy-status")

    page.click("button[data-copy-target=oembed-url]")
    page.wait_for_function(
        "navigator.clipboard.readText().then(t => t.includes('/oembed?url='))", timeout=5_000
    )
    assert _clipboard(page) == page.input_value("#oembed-url")

    link = page.locator(".downloads a").first
    href = link.evaluate("a => a.href")
    page.locator(".downloads a + button.copy-link").first.click()
    page.wait_for_function(f"navigator.clipboard.readText().then(t => t === {href!r})")
    assert _clipboard(page).startswith(live_server + "/download/")
    # Every download link has its button (and its accessible name says what it copies).
    assert (
        page.locator(".downloads a").count() == page.locator(".downloads button.copy-link").count()
    )
    assert link.inner_text().strip() in page.locator(
        ".downloads button.copy-link"
    ).first.get_attribute("aria-label")
    page.locator("#embed-snippet").scroll_into_view_if_needed()
    page.screenshot(path=artifacts / f"copy_map_{lang}_{width}.png", full_page=True)
    assert errors == []
    context.close()


@pytest.mark.browser
def test_copy_falls_back_without_the_clipboard_api(browser, live_server):
    context = _context(browser, 1366, clipboard=False)
    context.add_init_script("Object.defineProperty(navigator, 'clipboard', {value: undefined})")
    page = context.new_page()
    page.goto(f"{live_server}{CHORO}&lang=zh")
    page.click("button[data-copy-target=embed-code]")
    page.wait_for_selector("#copy-status[data-copied]")
    assert page.get_attribute("#copy-status", "data-copied") == "yes"
    # What was copied pastes into a field as the snippet.
    page.evaluate(
        "() => { const t = document.createElement('textarea'); t.id = 'paste-here';"
        " document.body.appendChild(t); t.focus(); }"
    )
    page.keyboard.press("Control+V")
    assert page.input_value("#paste-here") == page.input_value("#embed-code")
    context.close()


@pytest.mark.browser
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_copy_buttons_on_a_dataset_page(browser, live_server, artifacts, lang):
    context = _context(browser, 1366)
    page = context.new_page()
    created = page.request.post(
        live_server + "/api/datasets",
        multipart={
            "file": {
                "name": "d.csv",
                "mimeType": "text/csv",
                "buffer": "城市,医生数\n石家庄市,1\n唐山市,2\n".encode(),
            },
            "title_zh": "医生",
            "title_en": "Doctors",
        },
    )
    assert created.status == 201
    page.goto(f"{live_server}/datasets/{created.json()['id']}?lang={lang}")
    page.click("button[data-copy-target=embed-code]")
    page.wait_for_selector("#copy-status[data-copied=yes]")
    assert "/embed/choropleth?dataset=" in _clipboard(page)
    buttons = page.locator(".downloads button.copy-link")
    assert buttons.count() >= 4  # GeoJSON, CSV, TopoJSON, original, JSON, map links
    geojson = page.locator(".downloads a", has_text="GeoJSON").first
    href = geojson.evaluate("a => a.href")
    geojson.locator("xpath=following-sibling::button[1]").click()
    page.wait_for_function(f"navigator.clipboard.readText().then(t => t === {href!r})")
    for width in (1366, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.wait_for_timeout(150)
        page.screenshot(path=artifacts / f"copy_dataset_{lang}_{width}.png", full_page=True)
    context.close()


@pytest.fixture()
def client(tmp_path):
    return create_app(
        {"TESTING": True, "DATABASE_URL": f"sqlite:///{tmp_path}/c.sqlite3"}
    ).test_client()
