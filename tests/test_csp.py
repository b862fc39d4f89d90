"""Pages hold no inline script; map code is a cacheable .js for the
same URL; the CSP's script-src is 'self' alone (no 'unsafe-inline', hashes or nonces)."""

from __future__ import annotations

import io
import re

import pytest

from webmap import create_app

INLINE = re.compile(r"<script(?![^>]*\ssrc=)(?![^>]*type=\"application/json\")[^>]*>", re.I)
MAP_SCRIPT = re.compile(r'<script src="(/map-script/[^"]+)"')
TABLE = "城市,床位\n石家庄市,1\n保定市,2\n唐山市,3\n".encode()
LINKS = "from,to,weight\n北京市,保定市,3\n天津市,唐山市,2\n".encode()


@pytest.fixture(scope="module")
def client(database_url):
    return create_app({"TESTING": True, "DATABASE_URL": database_url}).test_client()


def publish(client, data: bytes, **fields):
    form = {"file": (io.BytesIO(data), "t.csv"), "title_en": "csp", **fields}
    created = client.post("/api/datasets", data=form, content_type="multipart/form-data")
    assert created.status_code == 201, created.get_data(as_text=True)
    return created.get_json()


def csrf(client) -> str:
    html = client.get("/datasets/new").get_data(as_text=True)
    return html.split('name="csrf" value="')[1].split('"')[0]


def check_page(client, response) -> list[str]:
    """No inline script, a strict CSP, and every map script served as JavaScript."""
    html = response.get_data(as_text=True)
    assert not INLINE.findall(html), INLINE.findall(html)[:2]
    csp = response.headers["Content-Security-Policy"]
    script_src = csp.split("script-src ")[1].split(";")[0].split()
    assert script_src == ["'self'"], csp
    scripts = []
    for url in MAP_SCRIPT.findall(html):
        script = client.get(url.replace("&amp;", "&"))
        assert script.status_code == 200, url
        assert script.mimetype == "text/javascript"
        text = script.get_data(as_text=True)
        for map_id in re.findall(r'class="folium-map" id="([^"]+)"', html):
            assert f'"{map_id}"' in text  # the script draws into this page's map div
        scripts.append(text)
    return scripts


def test_every_page_type_has_no_inline_script(client):
    values = publish(client, TABLE)["id"]
    links = publish(client, LINKS, kind="links")["id"]
    urls = [
        "/",
        "/?lang=en",
        "/maps/choropleth?indicator=population&level=prefecture&lang=en",
        "/maps/choropleth?indicator=population&level=county&year=2020&compare=2010",
        "/maps/corridor/xiongan?lang=zh",
        "/embed/choropleth?indicator=population",
        "/embed/corridor/xiongan",
        "/maps/links",
        "/embed/links",
        f"/maps/links?dataset={links}",
        "/datasets",
        "/datasets/new",
        f"/datasets/{values}",
        f"/datasets/{values}/v/1",
        f"/datasets/{links}",
        f"/maps/choropleth?dataset={values}",
        f"/embed/choropleth?dataset={values}&v=1",
        "/maps/choropleth?indicator=nope",  # an error page
        "/ogc?f=html",
        "/ogc/collections?f=html",
        "/ogc/collections/zones/items?f=html",
    ]
    drawn = 0
    for url in urls:
        response = client.get(url)
        assert response.status_code in (200, 404), (url, response.status_code)
        drawn += len(check_page(client, response))
    assert drawn >= 12  # the map pages really do link their map script


def test_the_upload_preview_script_and_drafts(client):
    token = csrf(client)
    preview = client.post(
        "/datasets/new", data={"csrf": token, "text": TABLE.decode(), "action": "check"}
    )
    assert preview.status_code == 200
    (script,) = check_page(client, preview)
    assert "JJJAtlas.regions" in script and '"130100"' in script  # the values of the upload
    # An uploaded file's draft is never served as a script.
    upload = client.post(
        "/datasets/new",
        data={"csrf": token, "action": "check", "file": (io.BytesIO(TABLE), "evil.js")},
        content_type="multipart/form-data",
    )
    draft = re.findall(r'name="draft" value="([^"]+)"', upload.get_data(as_text=True))[0]
    assert client.get(f"/map-script/draft/{draft}.js").status_code == 404
    named = client.post(
        "/datasets/new",
        data={
            "csrf": token,
            "action": "check",
            "file": (io.BytesIO(TABLE), "map-script\n.js"),
        },
        content_type="multipart/form-data",
    )
    assert named.status_code == 400  # a control character in a file name is refused


def test_map_scripts_are_cached_and_follow_a_new_version(client):
    created = publish(client, TABLE)
    page = client.get(f"/datasets/{created['id']}")
    (url,) = MAP_SCRIPT.findall(page.get_data(as_text=True))
    url = url.replace("&amp;", "&")
    first = client.get(url)
    again = client.get(url)
    assert again.headers["X-Cache"] == "HIT" and again.data == first.data
    assert "v=1" in first.get_data(as_text=True)
    replaced = client.put(
        f"/api/datasets/{created['id']}",
        data={"file": (io.BytesIO(TABLE), "t.csv")},
        headers={"Authorization": f"Bearer {created['edit_token']}"},
        content_type="multipart/form-data",
    )
    assert replaced.status_code == 200
    after = client.get(url)
    assert after.headers["X-Cache"] == "MISS" and "v=2" in after.get_data(as_text=True)
    assert client.get("/map-script/datasets/new.js").status_code == 404  # no map there
    assert client.get("/map-script/nowhere.js").status_code == 404


@pytest.mark.browser
def test_maps_draw_with_no_csp_violation(browser, live_server):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    messages: list[str] = []
    page.on("console", lambda m: messages.append(m.text))
    page.on("pageerror", lambda e: messages.append(str(e)))
    try:
        for url, selector in [
            (
                "/maps/choropleth?indicator=population&level=prefecture&basemap=none",
                "path.jjj-region",
            ),
            ("/maps/corridor/xiongan?basemap=none", "path"),
            ("/embed/choropleth?indicator=population&basemap=none", "path.jjj-region"),
        ]:
            page.goto(live_server + url)
            page.wait_for_selector(selector, state="attached", timeout=20_000)
            assert page.locator(selector).count() > 0, url
        # The upload preview (a page drawn for a POST).
        page.goto(live_server + "/datasets/new")
        page.fill("textarea[name=text]", TABLE.decode())
        page.click("#check")
        page.wait_for_selector("#preview path.jjj-region", state="attached", timeout=20_000)
    finally:
        context.close()
    violations = [m for m in messages if "Content Security Policy" in m or "Refused" in m]
    assert violations == [] and not [m for m in messages if "Error" in m], messages


def test_the_warm_up_fills_the_map_scripts_too(tmp_path):
    app = create_app(
        {"TESTING": True, "DATABASE_URL": f"sqlite:///{tmp_path}/w.sqlite3", "WARM_HOST": "w.test"},
        warm=True,
    )
    client = app.test_client()
    page = client.get("/maps/corridor/xiongan?lang=en", base_url="http://w.test")
    (url,) = MAP_SCRIPT.findall(page.get_data(as_text=True))
    script = client.get(url.replace("&amp;", "&"), base_url="http://w.test")
    assert script.status_code == 200 and script.headers["X-Cache"] == "HIT"
