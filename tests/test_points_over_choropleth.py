"""points=dataset:ID draws a published point table over any choropleth (issues 16 and 17):
the same layer, legend entry and popups as the facility layers, on the page, the embed and
the static export, on SQLite and PostgreSQL; a new version is drawn at once."""

from __future__ import annotations

import io
import json
import re

import pytest

from tests.map_pages import with_map_script
from webmap import create_app

CHORO = "/maps/choropleth?indicator=population&level=prefecture&basemap=none"
#: Two points in Beijing (Tiananmen, WGS 84) and Tianjin, one in Shanghai (left out).
POINTS = (
    "名称,lon,lat,类别\n"
    "天安门,116.3975,39.9087,地标\n"
    "天津站,117.2108,39.1359,车站\n"
    "上海,121.47,31.23,车站\n"
)


@pytest.fixture()
def client(database_url):
    return create_app({"TESTING": True, "DATABASE_URL": database_url}).test_client()


def publish(client, text: str, **fields):
    form = {"file": (io.BytesIO(text.encode()), "p.csv"), "kind": "points", "datum": "wgs84"}
    form.update({"title_en": "Landmarks", "title_zh": "地标点", **fields})
    answer = client.post("/api/datasets", data=form, content_type="multipart/form-data")
    assert answer.status_code == 201, answer.get_json()
    return answer.get_json()


def point_layers(client, html: str) -> list[dict]:
    """The point layers the page's map script draws (``JJJAtlas.regions`` options)."""
    script = with_map_script(client, html)
    options = re.findall(r"JJJAtlas\.regions\(map_\w+, (\{.*?\})\);", script, re.S)
    assert options, "no regions layer"
    return json.loads(options[0])["points"]["layers"]


def test_a_point_table_is_drawn_over_a_choropleth(client):
    body = publish(client, POINTS)
    token = f"dataset:{body['id']}"
    page = client.get(f"{CHORO}&points={token}&lang=zh")
    assert page.status_code == 200, page.get_data(as_text=True)[:300]
    html = page.get_data(as_text=True)
    assert "地标点" in html  # the legend entry names the table in the page's language
    assert f'value="{token}" checked' in html  # kept by "Update map"
    layers = point_layers(client, html)
    assert [layer["token"] for layer in layers] == [token]
    names = sorted(f["name_zh"] for f in layers[0]["features"])
    assert names == ["天安门", "天津站"]  # Shanghai was left out on publish
    tiananmen = next(f for f in layers[0]["features"] if f["name_zh"] == "天安门")
    assert (tiananmen["lon"], tiananmen["lat"]) == pytest.approx((116.3975, 39.9087), abs=1e-6)
    assert tiananmen["approximate"] is False
    # Together with a facility layer, in the embed and in the static export.
    embed = client.get(f"/embed/choropleth?indicator=population&points=hospital,{token}")
    assert embed.status_code == 200
    assert len(point_layers(client, embed.get_data(as_text=True))) == 2
    svg = client.get(f"/export/choropleth.svg?indicator=population&level=prefecture&points={token}")
    assert svg.status_code == 200 and b"Landmarks" in svg.data


def test_a_new_version_is_drawn_at_once(client):
    body = publish(client, POINTS)
    token = f"dataset:{body['id']}"
    first = point_layers(client, client.get(f"{CHORO}&points={token}").get_data(as_text=True))
    assert len(first[0]["features"]) == 2
    more = POINTS + "石家庄站,114.4825,38.0103,车站\n"
    replaced = client.put(
        f"/api/datasets/{body['id']}",
        data={"file": (io.BytesIO(more.encode()), "p.csv"), "kind": "points", "datum": "wgs84"},
        headers={"Authorization": f"Bearer {body['edit_token']}"},
        content_type="multipart/form-data",
    )
    assert replaced.status_code in (200, 201), replaced.get_json()
    latest = point_layers(client, client.get(f"{CHORO}&points={token}").get_data(as_text=True))
    assert len(latest[0]["features"]) == 3
    pinned = f"{token}@1"
    old = point_layers(client, client.get(f"{CHORO}&points={pinned}").get_data(as_text=True))
    assert len(old[0]["features"]) == 2


def test_bad_point_dataset_references_are_4xx(client):
    values = client.post(
        "/api/datasets",
        data={
            "file": (io.BytesIO("城市,医生\n北京市,1\n天津市,2\n".encode()), "v.csv"),
            "title_en": "Values",
        },
        content_type="multipart/form-data",
    ).get_json()
    answer = client.get(f"{CHORO}&points=dataset:{values['id']}")
    assert answer.status_code == 400 and "point dataset" in answer.get_data(as_text=True)
    assert client.get(f"{CHORO}&points=dataset:nosuchid").status_code == 404
    assert client.get(f"{CHORO}&points=dataset:").status_code == 400
    assert client.get(f"{CHORO}&points=dataset:abc@x").status_code == 400


def test_a_dataset_page_draws_the_light_map_topojson(client):
    table = "城市,年份,医生\n北京市,2019,1\n北京市,2020,2\n天津市,2019,3\n天津市,2020,4\n"
    created = client.post(
        "/api/datasets",
        data={"file": (io.BytesIO(table.encode()), "a.csv"), "title_en": "Doctors"},
        content_type="multipart/form-data",
    ).get_json()
    page = client.get(f"/datasets/{created['id']}?lang=zh").get_data(as_text=True)
    script = with_map_script(client, page)
    url = re.search(r'"url": "([^"]+view=map[^"]*)"', script).group(1).replace("\\u0026", "&")
    topology = client.get(url).get_json()
    beijing = next(
        g["properties"]
        for g in topology["objects"]["regions"]["geometries"]
        if g["properties"]["adcode"] == "110000"
    )
    assert beijing["医生"] == 2.0 and "医生_source" not in beijing  # the year shown, no sources
