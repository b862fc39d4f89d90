"""A point table declares one datum (``datum=``); a per-row datum column that names another
is refused (400 naming ``datum``, the column and the row, en and zh), not silently ignored.
A column that agrees with the declared datum publishes as before."""

from __future__ import annotations

import io

import pytest

from geo.errors import BadParameter, message_in
from geo.sources.point_tables import check_point_upload
from webmap import create_app

MIXED = "名称,lon,lat,坐标系\n天安门,116.3975,39.9087,WGS84\n天津站,117.2171,39.1378,GCJ-02\n"


@pytest.fixture()
def client(database_url):
    return create_app({"TESTING": True, "DATABASE_URL": database_url}).test_client()


def _publish(client, text: str, datum: str):
    form = {"file": (io.BytesIO(text.encode()), "p.csv"), "kind": "points", "datum": datum}
    return client.post(
        "/api/datasets", data={**form, "title_en": "P"}, content_type="multipart/form-data"
    )


def test_a_row_in_another_datum_is_refused(client):
    answer = _publish(client, MIXED, "wgs84")
    assert answer.status_code == 400, answer.get_json()
    body = answer.get_json()
    assert body["parameter"] == "datum"
    assert "坐标系" in body["error"] and "row 3" in body["error"] and "GCJ-02" in body["error"]
    with pytest.raises(BadParameter) as raised:
        check_point_upload(MIXED.encode(), "p.csv", datum="wgs84")
    assert "第 3 行" in message_in(raised.value, "zh")


def test_an_unknown_datum_in_a_row_is_refused():
    text = "名称,lon,lat,datum\n天安门,116.3975,39.9087,Mars\n"
    with pytest.raises(BadParameter, match="Mars"):
        check_point_upload(text.encode(), "p.csv", datum="wgs84")


def test_a_datum_column_that_agrees_publishes(client):
    agreeing = MIXED.replace("GCJ-02", "wgs 84")
    assert _publish(client, agreeing, "wgs84").status_code == 201
    blank = MIXED.replace("GCJ-02", "")
    assert _publish(client, blank, "wgs84").status_code == 201
