"""GIS details a desktop user meets and the OGC house rules: unknown parameters
400 naming them on every OGC path, titles in zh/en, publish/delete seen at once through
ETag revalidation, 410 for a deleted dataset, CORS on public reads only, long URLs get the
JSON 414, and geo.sources.links no longer imports the OGC layer."""

from __future__ import annotations

import io
import subprocess
import sys

import pytest

from webmap import create_app

OGC_PATHS = [
    "/ogc",
    "/ogc/",
    "/ogc/conformance",
    "/ogc/api",
    "/ogc/collections",
    "/ogc/collections/county",
    "/ogc/collections/county/items",
    "/ogc/collections/county/items/110101",
]


@pytest.mark.parametrize("path", OGC_PATHS)
def test_unknown_parameter_is_400_naming_it_on_every_ogc_path(client, path):
    response = client.get(f"{path}?colour=red")
    assert response.status_code == 400, path
    body = response.get_json()
    assert body["parameter"] == "colour"
    assert "colour" in body["description"] and "f" in body["valid"]


@pytest.mark.parametrize("path", OGC_PATHS)
def test_empty_f_is_400_as_the_enum_says(client, path):
    response = client.get(f"{path}?f=")
    assert response.status_code == 400 and response.get_json()["parameter"] == "f"


def test_collection_titles_follow_lang_and_accept_language(client):
    en = client.get("/ogc/collections?lang=en").get_json()["collections"]
    zh = client.get("/ogc/collections?lang=zh").get_json()["collections"]
    assert next(c for c in en if c["id"] == "facilities")["title"] == "Facilities"
    assert next(c for c in zh if c["id"] == "facilities")["title"] == "设施"
    by_header = client.get("/ogc/collections/county", headers={"Accept-Language": "zh-CN,zh"})
    assert by_header.get_json()["title"] == "县级行政单元"
    assert "Accept-Language" in by_header.headers["Vary"]
    english = client.get("/ogc/collections/county", headers={"Accept-Language": "en-GB"})
    assert english.get_json()["title"] == "County-level units"
    assert client.get("/ogc/collections?lang=fr").status_code == 400


def test_publish_and_delete_show_in_the_collections_at_once(database_url):
    """On SQLite and PostgreSQL."""
    from test_datasets import county_csv, publish_csv

    client = create_app({"TESTING": True, "DATABASE_URL": database_url}).test_client()
    first = client.get("/ogc/collections")
    assert "max-age=0" in first.headers["Cache-Control"]  # revalidate, no 60 s lifetime
    etag = first.headers["ETag"]
    assert client.get("/ogc/collections", headers={"If-None-Match": etag}).status_code == 304
    created = publish_csv(client, county_csv(), title_en="Beds", title_zh="床位", source="A")
    dataset_id, token = created.get_json()["id"], created.get_json()["edit_token"]
    changed = client.get("/ogc/collections", headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag
    ids = [c["id"] for c in changed.get_json()["collections"]]
    assert f"dataset-{dataset_id}" in ids
    zh = client.get(f"/ogc/collections/dataset-{dataset_id}?lang=zh").get_json()
    assert zh["title"] == "床位"
    client.delete(f"/api/datasets/{dataset_id}", headers={"Authorization": f"Bearer {token}"})
    after = client.get("/ogc/collections", headers={"If-None-Match": changed.headers["ETag"]})
    assert after.status_code == 200
    assert f"dataset-{dataset_id}" not in [c["id"] for c in after.get_json()["collections"]]
    for path in ("", "/items", "/items/110101"):
        gone = client.get(f"/ogc/collections/dataset-{dataset_id}{path}")
        assert gone.status_code == 410 and gone.get_json()["parameter"] == "dataset"


@pytest.mark.parametrize(
    "url",
    [
        "/download/regions.geojson?level=province",
        "/download/facilities.gpkg",
        "/api/indicators",
        "/ogc/collections",
        "/ogc",
        "/oembed?url=http://localhost/maps/links",
    ],
)
def test_cors_on_public_reads(client, url):
    response = client.get(url, headers={"Origin": "https://report.example"})
    assert response.headers.get("Access-Control-Allow-Origin") == "*", url


def test_writes_and_pages_stay_same_origin(client):
    page = client.get("/", headers={"Origin": "https://report.example"})
    assert "Access-Control-Allow-Origin" not in page.headers
    write = client.post(
        "/api/datasets",
        data={"file": (io.BytesIO(b"a,b\n"), "x.csv")},
        headers={"Origin": "https://evil.example"},
    )
    assert "Access-Control-Allow-Origin" not in write.headers
    preflight = client.options(
        "/api/datasets",
        headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "DELETE"},
    )
    assert "Access-Control-Allow-Origin" not in preflight.headers
    assert "Access-Control-Allow-Methods" not in preflight.headers


def test_long_urls_get_the_json_414(client):
    long = "/ogc/collections/county/items?name=" + "x" * 4100
    response = client.get(long)
    assert response.status_code == 414 and response.mimetype == "application/json"
    assert response.get_json()["parameter"] == "url"
    assert client.get("/ogc/collections/county/items?name=" + "x" * 3000).status_code == 200
    from webmap import gunicorn_conf

    assert gunicorn_conf.limit_request_line == 8190


def test_links_source_does_not_import_the_ogc_layer():
    """The circle ogc → catalog/indicators/zones → links → ogc is broken: the sources know
    nothing of OGC; the OGC layer asks them."""
    code = (
        "import sys, geo.sources.links, geo.sources.zones, geo.sources.indicators; "
        "print(sorted(m for m in sys.modules if m.startswith('geo.formats.ogc')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
    from pathlib import Path

    source = Path("geo/sources/links.py").read_text()
    assert "formats.ogc" not in source and "register_collections" not in source


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("width", [1366, 390])
def test_ogc_html_in_both_languages_in_a_browser(page, live_server, artifacts, lang, width):
    page.set_viewport_size({"width": width, "height": 900})
    url = f"{live_server}/ogc/collections/facilities/items?f=html&limit=5&lang={lang}"
    url += "&crs=http://www.opengis.net/def/crs/EPSG/0/4548"
    response = page.goto(url)
    assert response.status == 200 and response.headers["content-crs"].endswith("4548>")
    assert page.locator("html").get_attribute("lang") == lang
    title = "设施" if lang == "zh" else "Facilities"
    assert title in page.locator("h2").first.inner_text()
    page.screenshot(path=artifacts / f"i19ogc_items_{lang}_{width}.png", full_page=True)
    page.goto(f"{live_server}/ogc/collections?f=html&lang={lang}")
    expected = "县级行政单元" if lang == "zh" else "County-level units"
    assert expected in page.content()
    page.screenshot(path=artifacts / f"i19ogc_collections_{lang}_{width}.png")
    assert page.js_errors == []


def test_long_url_through_gunicorn_gets_the_json_414(tmp_path):
    """gunicorn with the project's limit_request_line passes a 5,000-byte URL to the app,
    which answers its JSON 414 (gunicorn's default would answer bare HTML)."""
    import json as jsonlib
    import os
    import urllib.error
    import urllib.request
    from pathlib import Path

    from conftest import ROOT, free_port, wait_for

    from webmap import gunicorn_conf

    port = free_port()
    env = {**os.environ, "JJJ_ATLAS_DATABASE_URL": f"sqlite:///{tmp_path}/g.sqlite3"}
    process = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
            "--limit-request-line",
            str(gunicorn_conf.limit_request_line),
            "webmap:create_app()",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        wait_for(base + "/api/zones")
        url = base + "/ogc/collections/county/items?name=" + "x" * 5000
        with pytest.raises(urllib.error.HTTPError) as caught:
            urllib.request.urlopen(url, timeout=30)
        assert caught.value.code == 414
        assert caught.value.headers.get_content_type() == "application/json"
        assert jsonlib.loads(caught.value.read())["parameter"] == "url"
    finally:
        process.terminate()
        process.wait(timeout=30)
