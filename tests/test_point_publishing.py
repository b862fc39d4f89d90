"""Publishing a point table as a planner does: a table with 经度/纬度 (or lon/lat) columns
is recognised as points on "auto" from its headers and numeric ranges; the form asks for the
coordinate system, saying what to choose and why (zh and en), and keeps Publish disabled
until one is chosen; the points are previewed on a map before publishing, and a new
version on the manage page is previewed before it goes live; the published page's map
link works and the manage page shows the new version's number.
"""

from __future__ import annotations

import io
import json
import re

import pandas as pd
import pytest

from geo.sources import point_tables as pt
from tests.map_pages import with_map_script
from webmap import create_app

ZH_DATUM = "请选择坐标系：WGS-84（GPS）、GCJ-02（高德/腾讯）或 BD-09（百度）"
EN_DATUM = "Choose the coordinate system: WGS-84 (GPS), GCJ-02 (AMap/Tencent) or BD-09 (Baidu)"
HOSPITALS = (
    "名称,经度,纬度,类别\n"
    "北京协和医院,116.4177,39.9122,医院\n"
    "天津医科大学总医院,117.1816,39.1105,医院\n"
    "河北医科大学第二医院,114.4843,38.0486,医院\n"
    "石家庄站,114.4836,38.0125,车站\n"
    "上海瑞金医院,121.4684,31.2118,医院\n"
)


@pytest.fixture()
def client(database_url):
    return create_app({"TESTING": True, "DATABASE_URL": database_url}).test_client()


def _csrf(client, lang="zh") -> str:
    page = client.get(f"/datasets/new?lang={lang}").get_data(as_text=True)
    return re.search(r'name="csrf" value="([^"]+)"', page).group(1)


def _form(client, lang="zh", **fields):
    form = {"csrf": _csrf(client, lang), "action": "check", **fields}
    form.setdefault("file", (io.BytesIO(HOSPITALS.encode()), "hospitals.csv"))
    return client.post(f"/datasets/new?lang={lang}", data=form, content_type="multipart/form-data")


def _preview_options(client, html: str) -> dict:
    """The options the page's map script passes to ``JJJAtlas.datasetPoints``."""
    script = with_map_script(client, html)
    found = re.search(r"JJJAtlas\.datasetPoints\(map_\w+, (\{.*?\})\);", script, re.S)
    assert found, "no points layer in the map script"
    return json.loads(found.group(1))


# --- detection -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("columns", "rows", "expected"),
    [
        (
            ["名称", "经度", "纬度"],
            [["a", "116.41", "39.91"], ["b", "117.2", "39.1"]],
            ("经度", "纬度"),
        ),
        (["name", "lng", "lat"], [["a", "116.41", "39.91"]], ("lng", "lat")),
        (
            ["名称", "经度(GCJ-02)", "纬度(GCJ-02)"],
            [["a", "116.41", "39.91"]],
            ("经度(GCJ-02)", "纬度(GCJ-02)"),
        ),
        # x/y headers are coordinate names too.
        (["站点", "X", "Y"], [["a", "116.41", "39.91"], ["b", "114.48", "38.01"]], ("X", "Y")),
        # Never from numbers alone: decimals in China's ranges may be rates or shares.
        (["城市", "城镇化率", "森林覆盖率"], [["a", "86.6", "44.6"], ["b", "84.7", "12.1"]], None),
        # Headers alone are not enough: these "lon"/"lat" cells are not coordinates.
        (["name", "lon", "lat"], [["a", "5000", "7"], ["b", "6000", "8"]], None),
        # A table of values by unit is not points.
        (["城市", "人口"], [["石家庄市", "11235086"], ["唐山市", "7717983"]], None),
    ],
)
def test_point_columns_from_headers_and_numeric_ranges(columns, rows, expected):
    assert pt.point_columns(pd.DataFrame(rows, columns=columns)) == expected


def test_auto_reads_a_longitude_latitude_table_as_points_and_asks_for_the_datum(client):
    data = {"file": (io.BytesIO(HOSPITALS.encode()), "h.csv"), "title_en": "Hospitals"}
    refused = client.post("/api/datasets", data=data, content_type="multipart/form-data")
    assert refused.status_code == 400
    body = refused.get_json()
    assert body["parameter"] == "datum" and body["valid"] == ["wgs84", "gcj02", "bd09"]
    assert EN_DATUM in body["error"] and "never guessed" in body["error"]
    data = {"file": (io.BytesIO(HOSPITALS.encode()), "h.csv"), "datum": "gcj02", "dry_run": "1"}
    checked = client.post("/api/datasets", data=data, content_type="multipart/form-data")
    report = checked.get_json()["report"]
    assert report["kind"] == "points" and report["points"] == 4  # Shanghai left out
    assert report["lon_column"] == "经度" and report["lat_column"] == "纬度"


@pytest.mark.parametrize(("lang", "words"), [("zh", ZH_DATUM), ("en", EN_DATUM)])
def test_the_form_asks_for_the_datum_and_keeps_publish_disabled(client, lang, words):
    answer = _form(client, lang)
    html = answer.get_data(as_text=True)
    assert answer.status_code == 400
    error = re.search(r'id="form-error" role="alert">([^<]*)<', html).group(1)
    assert words in error
    assert "「」" not in error
    assert re.search(r'<button[^>]*id="publish"[^>]*disabled', html)
    assert 'id="points-columns"' in html and "aria-invalid=true" in html
    assert "经度" in re.search(r'id="points-detected">([^<]*)<', html).group(1)
    draft = re.search(r'name="draft" value="([^"]+)"', html).group(1)
    assert draft  # the file is kept: choosing the datum needs no new upload
    again = client.post(
        f"/datasets/new?lang={lang}",
        data={"csrf": _csrf(client, lang), "draft": draft, "datum": "gcj02", "action": "check"},
        content_type="multipart/form-data",
    )
    html = again.get_data(as_text=True)
    assert again.status_code == 200
    assert re.search(r'<button[^>]*id="publish"', html)
    assert not re.search(r'<button[^>]*id="publish"[^>]*disabled', html)
    assert 'id="form-error"' not in html
    # The points preview is on the checked page, drawn by its map script.
    assert 'id="preview-count"' in html
    names = [
        f["properties"]["name"] for f in _preview_options(client, html)["features"]["features"]
    ]
    assert "北京协和医院" in names
    assert "上海瑞金医院" not in names  # outside the three provinces: not drawn


def test_zh_message_names_no_empty_value(client):
    html = _form(client, "zh").get_data(as_text=True)
    assert "参数「datum」的值「」无效" not in html


# --- previews ----------------------------------------------------------------------------


def test_preview_of_points_draws_them_inline(client):
    csrf = _csrf(client)
    answer = client.post(
        "/datasets/preview?lang=zh",
        data={"csrf": csrf, "text": HOSPITALS, "datum": "wgs84"},
        content_type="multipart/form-data",
    )
    html = answer.get_data(as_text=True)
    assert answer.status_code == 200, html[:400]
    assert "5 行中 4 个点已绘制" in html and 'data-preview-kind="points"' in html
    options = _preview_options(client, html)
    assert options["outlineUrl"].startswith("/download/regions.topojson")
    assert len(options["features"]["features"]) == 4
    assert {f["properties"]["category"] for f in options["features"]["features"]} == {
        "医院",
        "车站",
    }
    refused = client.post(
        "/datasets/preview?lang=zh",
        data={"csrf": csrf, "text": HOSPITALS},
        content_type="multipart/form-data",
    )
    assert refused.status_code == 400
    assert ZH_DATUM in refused.get_data(as_text=True)


def _publish(client, text=HOSPITALS, **fields):
    form = {"file": (io.BytesIO(text.encode()), "h.csv"), "datum": "gcj02"}
    form.update({"title_zh": "医院", "title_en": "Hospitals", **fields})
    answer = client.post("/api/datasets", data=form, content_type="multipart/form-data")
    assert answer.status_code == 201, answer.get_json()
    return answer.get_json()


def test_manage_preview_checks_a_new_version_with_the_datasets_options(client):
    body = _publish(client)
    manage = client.get(f"/datasets/{body['id']}/manage?lang=zh").get_data(as_text=True)
    csrf = re.search(r'name="csrf" value="([^"]+)"', manage).group(1)
    assert 'id="check-version"' in manage
    assert re.search(r'<button[^>]*id="upload-version"[^>]*disabled', manage)
    assert 'id="manage-version">1<' in manage
    new = HOSPITALS + "河北省人民医院,114.5206,38.0474,医院\n"
    answer = client.post(
        "/datasets/preview?lang=zh",
        data={"csrf": csrf, "dataset": body["id"], "file": (io.BytesIO(new.encode()), "v2.csv")},
        content_type="multipart/form-data",
    )  # no datum sent: the dataset's (gcj02) is carried, as the PUT carries it
    html = answer.get_data(as_text=True)
    assert answer.status_code == 200, html[:400]
    assert "6 行中 5 个点已绘制" in html
    values = "城市,医生数\n石家庄市,1\n唐山市,2\n"
    refused = client.post(
        "/datasets/preview?lang=zh",
        data={
            "csrf": csrf,
            "dataset": body["id"],
            "file": (io.BytesIO(values.encode()), "v2.csv"),
        },
        content_type="multipart/form-data",
    )  # a point dataset's new version must be points too
    assert refused.status_code == 400 and 'id="form-error"' in refused.get_data(as_text=True)


def test_put_answers_the_new_versions_date(client):
    body = _publish(client)
    again = client.put(
        f"/api/datasets/{body['id']}",
        data={"file": (io.BytesIO(HOSPITALS.encode()), "v2.csv")},
        headers={"Authorization": f"Bearer {body['edit_token']}"},
        content_type="multipart/form-data",
    )
    assert again.status_code == 200
    assert again.get_json()["version"] == 2 and again.get_json()["created_at"].endswith("Z")


# --- after publishing ------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["points", "values"])
def test_published_page_map_link_is_a_working_url(client, kind):
    csrf = _csrf(client)
    if kind == "points":
        text, extra = HOSPITALS, {"datum": "gcj02"}
    else:
        text, extra = "城市,医生数\n石家庄市,1\n唐山市,2\n", {}
    answer = client.post(
        "/datasets/new?lang=zh",
        data={"csrf": csrf, "text": text, "title_zh": "表", "action": "publish", **extra},
        content_type="multipart/form-data",
    )
    html = answer.get_data(as_text=True)
    assert answer.status_code == 201, html[:500]
    href = re.search(r'id="published-map" href="([^"]+)"', html).group(1).replace("&amp;", "&")
    assert "lang=zh" in href and "&lang" not in href.split("?")[0]
    target = client.get(href.replace("http://localhost", ""))
    assert target.status_code == 200
    if kind == "points":
        over = re.search(r'id="over-choropleth" href="([^"]+)"', html).group(1)
        over = over.replace("&amp;", "&").replace("http://localhost", "")
        shown = client.get(over)
        assert shown.status_code == 200
        assert 'value="dataset:' in shown.get_data(as_text=True)
