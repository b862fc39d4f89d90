"""A map draws a bounded number of published point tables and of points (every point goes
into the map's script): ``points=dataset:X@1,…,@12`` of 19,999 points each made a 53 MB
script. Over the limits: a 400 naming ``points`` and the limit, on SQLite and PostgreSQL."""

from __future__ import annotations

import io

import pytest

from geo.errors import BadParameter, message_in
from geo.maps import points as point_layers
from webmap import create_app

CHORO = "/maps/choropleth?indicator=population&level=prefecture&basemap=none"
POINTS = "名称,lon,lat,类别\n天安门,116.3975,39.9087,地标\n天津站,117.2108,39.1359,车站\n"


@pytest.fixture()
def client(database_url):
    return create_app({"TESTING": True, "DATABASE_URL": database_url}).test_client()


def _form(text: str) -> dict:
    return {"file": (io.BytesIO(text.encode()), "p.csv"), "kind": "points", "datum": "wgs84"}


def versions(client, count: int) -> str:
    """A point table with ``count`` versions; its id."""
    answer = client.post(
        "/api/datasets",
        data={**_form(POINTS), "title_en": "Landmarks"},
        content_type="multipart/form-data",
    )
    assert answer.status_code == 201, answer.get_json()
    body = answer.get_json()
    for n in range(2, count + 1):
        more = POINTS + f"石家庄站{n},114.4825,38.0103,车站\n"
        replaced = client.put(
            f"/api/datasets/{body['id']}",
            data=_form(more),
            headers={"Authorization": f"Bearer {body['edit_token']}"},
            content_type="multipart/form-data",
        )
        assert replaced.status_code in (200, 201), replaced.get_json()
    return body["id"]


def test_too_many_published_point_layers_are_refused(client):
    limit = point_layers.MAX_DATASET_LAYERS
    dataset_id = versions(client, limit + 1)
    allowed = ",".join(f"dataset:{dataset_id}@{v}" for v in range(1, limit + 1))
    assert client.get(f"{CHORO}&points={allowed}").status_code == 200
    every = allowed + f",dataset:{dataset_id}@{limit + 1}"
    for url in (
        f"{CHORO}&points={every}",
        f"/embed/choropleth?indicator=population&points={every}",
    ):
        answer = client.get(url)
        assert answer.status_code == 400, url
        message = answer.get_data(as_text=True)
        assert "points" in message and f"at most {limit}" in message
    with pytest.raises(BadParameter) as raised:
        point_layers.parse_points(every, client.application.config)
    assert f"最多 {limit} 个" in message_in(raised.value, "zh")


def test_too_many_points_on_one_map_are_refused(client, monkeypatch):
    dataset_id = versions(client, 1)
    hospitals = len(point_layers.parse_points("hospital")[0].features)
    monkeypatch.setattr(point_layers, "MAX_MAP_POINTS", hospitals + 1, raising=False)
    assert client.get(f"{CHORO}&points=hospital").status_code == 200
    answer = client.get(f"{CHORO}&points=hospital,dataset:{dataset_id}&lang=en")
    assert answer.status_code == 400
    message = answer.get_data(as_text=True)
    assert f"{hospitals + 2:,} points" in message and f"{hospitals + 1:,} points in all" in message
