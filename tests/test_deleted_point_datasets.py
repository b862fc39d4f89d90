"""A deleted dataset is gone (410 naming it) wherever it was served, point tables included:
its OGC collection ``points-<id>`` and items, and oEmbed for its page; on SQLite and
PostgreSQL. Before the delete the same URLs answer 200."""

from __future__ import annotations

import io
from urllib.parse import quote

import pytest

from webmap import create_app

POINTS = "名称,lon,lat,类别\n天安门,116.3975,39.9087,地标\n天津站,117.2108,39.1359,车站\n"


@pytest.fixture()
def client(database_url):
    return create_app({"TESTING": True, "DATABASE_URL": database_url}).test_client()


def test_a_deleted_point_dataset_is_410_in_ogc_and_oembed(client):
    form = {"file": (io.BytesIO(POINTS.encode()), "p.csv"), "kind": "points", "datum": "wgs84"}
    answer = client.post(
        "/api/datasets",
        data={**form, "title_en": "Gone points"},
        content_type="multipart/form-data",
    )
    assert answer.status_code == 201, answer.get_json()
    body = answer.get_json()
    dataset_id = body["id"]
    page = f"http://localhost/datasets/{dataset_id}/v/1"
    urls = [
        f"/ogc/collections/points-{dataset_id}",
        f"/ogc/collections/points-{dataset_id}/items",
        f"/ogc/collections/points-{dataset_id}/items/2",
        f"/ogc/collections/dataset-{dataset_id}/items",
        f"/oembed?url={quote(page)}",
        f"/oembed?url={quote(f'http://localhost/datasets/{dataset_id}')}",
    ]
    assert [client.get(u).status_code for u in urls] == [200] * len(urls)
    deleted = client.delete(
        f"/api/datasets/{dataset_id}", headers={"Authorization": f"Bearer {body['edit_token']}"}
    )
    assert deleted.status_code in (200, 204)
    for url in urls:
        gone = client.get(url)
        assert gone.status_code == 410, (url, gone.status_code)
        body = gone.get_json()  # OGC errors are {"code", "description"}; others {"error"}
        assert "Gone points" in (body.get("error") or body.get("description"))
    assert client.get("/ogc/collections/points-nosuchid").status_code == 404
