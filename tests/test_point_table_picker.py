"""Adding a published point table to a choropleth without typing a URL: the Facilities
control searches the published point tables by title (GET /api/point-datasets, zh and en;
titles are user text, shown as text) and "Add" draws the points; each point dataset page
links to a choropleth with its points ("show over a choropleth").
"""

from __future__ import annotations

import io
import secrets

import pytest

from webmap import create_app

CHORO = "/maps/choropleth?indicator=population&level=prefecture&basemap=none"
POINTS = "名称,经度,纬度\n北京协和医院,116.4177,39.9122\n河北医大二院,114.4843,38.0486\n"
#: A title that would be markup if it were not escaped.
TITLE_ZH = '<img src=x onerror="window.pwned=1">医院 & 诊所'
TITLE_EN = "<b>Hospitals</b> & clinics"


@pytest.fixture()
def client(database_url):
    return create_app({"TESTING": True, "DATABASE_URL": database_url}).test_client()


def _publish(client, title_zh=TITLE_ZH, title_en=TITLE_EN, text=POINTS, **fields):
    form = {"file": (io.BytesIO(text.encode()), "p.csv"), "datum": "gcj02"}
    form.update({"title_zh": title_zh, "title_en": title_en, **fields})
    answer = client.post("/api/datasets", data=form, content_type="multipart/form-data")
    assert answer.status_code == 201, answer.get_json()
    return answer.get_json()


def test_search_finds_point_tables_by_title_in_either_language(client):
    mark = secrets.token_hex(4)  # this run's tables only (the store is shared by a session)
    hospitals = _publish(client, title_zh=f"{TITLE_ZH} {mark}", title_en=f"{TITLE_EN} {mark}")
    schools = _publish(client, title_zh=f"学校 100% {mark}", title_en=f"Schools_2024 {mark}")
    # Decoys that unescaped LIKE wildcards would match ("100%" → 1000, "_2024" → X2024).
    _publish(client, title_zh=f"学校 1000 {mark}", title_en=f"SchoolsX2024 {mark}")
    _publish(client, text="城市,医院数\n石家庄市,3\n", title_zh=f"医院数 {mark}", title_en="Counts")

    def ids(query: str, lang: str = "en"):
        answer = client.get("/api/point-datasets", query_string={"q": query, "lang": lang})
        assert answer.status_code == 200
        return [d["id"] for d in answer.get_json()["datasets"]]

    # The values table titled 医院数 is no point table.
    assert ids(f"医院 {mark}") == [hospitals["id"]]
    assert ids(f"HOSPITALS clinics {mark.upper()}") == [hospitals["id"]]  # every word, any case
    assert ids(f"100% {mark}") == [schools["id"]]  # LIKE wildcards are text
    assert ids(f"s_2024 {mark}") == [schools["id"]]
    assert ids(f"nothing like it {mark}") == []
    assert len(ids(mark)) == 3 and set(ids("")) >= {hospitals["id"], schools["id"]}
    found = client.get(f"/api/point-datasets?q=医院+{mark}&lang=zh").get_json()["datasets"][0]
    assert found["title"] == f"{TITLE_ZH} {mark}"
    assert found["token"] == f"dataset:{hospitals['id']}"
    assert found["points"] == 2 and found["level"] == "county"
    english = client.get(f"/api/point-datasets?q=医院+{mark}&lang=en").get_json()["datasets"][0]
    assert english["title"] == f"{TITLE_EN} {mark}"


@pytest.mark.parametrize(
    ("query", "parameter", "zh"),
    [
        ("q=" + "x" * 101, "q", "最多 100 个字符"),
        ("limit=0", "limit", "1 到 50"),
        ("limit=abc", "limit", "1 到 50"),
        ("lang=fr", "lang", "zh"),
        ("dataset=1", "dataset", "可用参数：lang、limit、q"),
    ],
)
def test_bad_search_parameters_are_400s_naming_them(client, query, parameter, zh):
    answer = client.get(f"/api/point-datasets?{query}")
    assert answer.status_code == 400
    assert answer.get_json()["parameter"] == parameter
    chinese = client.get(
        f"/api/point-datasets?{query}&lang=zh"
        if "lang=" not in query
        else f"/api/point-datasets?{query}"
    )
    assert chinese.status_code == 400
    if "lang=" not in query:  # the view's zh message, or the query check's error_zh
        body = chinese.get_json()
        assert zh in body["error"] + body.get("error_zh", "")


def test_choropleth_page_has_the_picker_and_dataset_page_the_link(client):
    html = client.get(f"{CHORO}&lang=zh").get_data(as_text=True)
    assert 'id="point-table-picker"' in html and "添加已发布的点数据表" in html
    assert 'data-api="/api/point-datasets"' in html
    body = _publish(client)
    page = client.get(f"/datasets/{body['id']}?lang=zh").get_data(as_text=True)
    assert "叠加到分级设色地图" in page
    assert f"points=dataset:{body['id']}" in page
    # Titles are escaped on the pages that name the table.
    over = client.get(f"{CHORO}&points=dataset:{body['id']}&lang=zh").get_data(as_text=True)
    assert "<img src=x" not in over and "&lt;img src=x" in over


def _shot(page, artifacts, name):
    for width in (1366, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.wait_for_timeout(200)
        page.screenshot(path=artifacts / f"point_table_picker_{name}_{width}.png", full_page=True)
    page.set_viewport_size({"width": 1366, "height": 900})


@pytest.mark.browser
@pytest.mark.parametrize(
    ("lang", "query", "title"), [("zh", "医院", TITLE_ZH), ("en", "clinics", TITLE_EN)]
)
def test_add_a_published_point_table_from_the_facilities_control(
    page, live_server, artifacts, lang, query, title
):
    created = page.request.post(
        live_server + "/api/datasets",
        multipart={
            "file": {"name": "p.csv", "mimeType": "text/csv", "buffer": POINTS.encode()},
            "datum": "gcj02",
            "title_zh": TITLE_ZH,
            "title_en": TITLE_EN,
        },
    )
    assert created.status == 201
    dataset_id = created.json()["id"]
    page.goto(f"{live_server}{CHORO}&lang={lang}")
    page.wait_for_selector("body[data-regions-drawn]", state="attached", timeout=20_000)
    page.click("details.points-choice summary")
    page.fill("#point-table-search", query)
    row = page.locator(
        "#point-table-results li", has=page.locator(f"button[data-token='dataset:{dataset_id}']")
    )
    row.wait_for(timeout=10_000)
    assert row.locator(".point-table-title").inner_text() == title  # as text, not markup
    assert page.evaluate("window.pwned") is None
    assert page.locator("#point-table-results b, #point-table-results img").count() == 0
    _shot(page, artifacts, f"search_{lang}")
    row.locator("button").click()
    page.wait_for_url(lambda url: dataset_id in url and "points=dataset" in url)
    page.wait_for_selector("body[data-points-drawn]", state="attached", timeout=20_000)
    assert page.get_attribute("body", "data-points-drawn") == "2"
    box = f"input[type=checkbox][name=points][value='dataset:{dataset_id}']"
    assert page.locator(box).is_checked()
    _shot(page, artifacts, f"added_{lang}")
    assert page.evaluate("window.pwned") is None

    # The dataset page's "show over a choropleth".
    page.goto(f"{live_server}/datasets/{dataset_id}?lang={lang}&basemap=none")
    page.click("#over-choropleth")
    page.wait_for_url("**/maps/choropleth?**")
    page.wait_for_selector("body[data-points-drawn]", state="attached", timeout=20_000)
    assert page.get_attribute("body", "data-points-drawn") == "2"
    assert page.js_errors == []
