"""The operator's token hides or removes any dataset (410 with the reason), and every change
to the store leaves an audit row with the client's address hashed, on both databases."""

from __future__ import annotations

import gzip
import io

import pytest
from fresh_store import fresh_database

from geo.store import audit, store_for
from webmap import create_app

TABLE = b"adcode,beds\n130100,12\n130200,8\n"
OPERATOR = "operator-secret-token-for-tests"
ADDRESS = "203.0.113.9"


def body(response) -> str:
    data = response.data
    if response.headers.get("Content-Encoding") == "gzip":
        data = gzip.decompress(data)
    return data.decode("utf-8")


@pytest.fixture()
def url(database_url, tmp_path):
    return fresh_database(database_url, tmp_path)


@pytest.fixture()
def client(url):
    app = create_app({"TESTING": True, "DATABASE_URL": url, "ADMIN_TOKEN": OPERATOR})
    return app.test_client()


def publish(client, title: str = "三甲医院床位"):
    form = {"file": (io.BytesIO(TABLE), "beds.csv"), "title": title}
    response = client.post(
        "/api/datasets",
        data=form,
        content_type="multipart/form-data",
        headers={"X-Forwarded-For": ADDRESS},
    )
    assert response.status_code == 201, body(response)
    return response.get_json()


def operator(token: str = OPERATOR) -> dict:
    return {"Authorization": f"Bearer {token}", "X-Forwarded-For": "192.0.2.1"}


def test_hidden_dataset_answers_410_with_the_reason_and_leaves_the_lists(client):
    made = publish(client)
    dataset_id = made["id"]
    assert client.get(f"/datasets/{dataset_id}").status_code == 200  # cached before hiding
    hidden = client.post(
        f"/api/admin/datasets/{dataset_id}/hide",
        data={"reason": "personal data in the source column"},
        headers=operator(),
    )
    assert hidden.status_code == 200 and hidden.get_json()["hidden_at"]
    api = client.get(f"/api/datasets/{dataset_id}")
    assert api.status_code == 410
    assert api.get_json()["reason"] == "personal data in the source column"
    assert "hidden by the operator" in api.get_json()["error"]
    assert "已被管理员隐藏" in api.get_json()["error_zh"]
    page = client.get(f"/datasets/{dataset_id}")
    assert page.status_code == 410 and "personal data in the source column" in body(page)
    assert client.get(f"/maps/choropleth?dataset={dataset_id}&column=beds").status_code == 410
    assert client.get("/api/datasets").get_json()["total"] == 0
    assert client.get("/api/datasets?q=医院").get_json()["total"] == 0
    ogc = client.get("/ogc/collections?f=json").get_json()
    assert f"dataset-{dataset_id}" not in [c["id"] for c in ogc["collections"]]
    assert client.get(f"/ogc/collections/dataset-{dataset_id}?f=json").status_code == 410
    # its publisher cannot change it either
    replaced = client.put(
        f"/api/datasets/{dataset_id}",
        data={"file": (io.BytesIO(TABLE), "b.csv")},
        content_type="multipart/form-data",
        headers={"Authorization": f"Bearer {made['edit_token']}"},
    )
    assert replaced.status_code == 410
    shown = client.post(f"/api/admin/datasets/{dataset_id}/unhide", headers=operator())
    assert shown.status_code == 200 and shown.get_json()["hidden_at"] is None
    assert client.get(f"/datasets/{dataset_id}").status_code == 200
    assert client.get("/api/datasets?q=医院").get_json()["total"] == 1


def test_operator_removes_any_dataset_with_a_reason(client, url):
    made = publish(client)
    dataset_id = made["id"]
    removed = client.delete(
        f"/api/admin/datasets/{dataset_id}", data={"reason": "spam"}, headers=operator()
    )
    assert removed.status_code == 200 and removed.get_json()["deleted_at"]
    gone = client.get(f"/api/datasets/{dataset_id}")
    assert gone.status_code == 410 and gone.get_json()["reason"] == "spam"
    assert "was deleted" in gone.get_json()["error"]
    assert client.get(f"/datasets/{dataset_id}/v/1/original").status_code == 410
    with store_for(url)._read() as conn:
        left = conn.exec_driver_sql(
            f"SELECT count(*) FROM atlas_dataset_versions WHERE dataset_id = '{dataset_id}'"
        ).scalar()
    assert left == 0


@pytest.mark.parametrize(
    "headers, configured",
    [
        ({}, True),
        ({"Authorization": "Bearer wrong"}, True),
        ({"Authorization": f"Bearer {OPERATOR}x"}, True),
        ({"Authorization": f"Bearer {OPERATOR}"}, False),
    ],
)
def test_without_the_operator_token_nothing_is_hidden(url, headers, configured):
    config = {"TESTING": True, "DATABASE_URL": url}
    if configured:
        config["ADMIN_TOKEN"] = OPERATOR
    client = create_app(config).test_client()
    dataset_id = publish(client)["id"]
    refused = client.post(
        f"/api/admin/datasets/{dataset_id}/hide", data={"reason": "x"}, headers=headers
    )
    assert refused.status_code == 403
    assert "operator token" in refused.get_json()["error"]
    assert client.delete(f"/api/admin/datasets/{dataset_id}", headers=headers).status_code == 403
    assert client.get(f"/api/datasets/{dataset_id}").status_code == 200


def test_a_reason_is_required(client):
    dataset_id = publish(client)["id"]
    refused = client.post(f"/api/admin/datasets/{dataset_id}/hide", headers=operator())
    assert refused.status_code == 400 and refused.get_json()["parameter"] == "reason"
    unknown = client.post(
        "/api/admin/datasets/nosuchid/hide", data={"reason": "x"}, headers=operator()
    )
    assert unknown.status_code == 404


def test_every_change_is_audited_with_the_address_hashed(client, url):
    made = publish(client)
    dataset_id, token = made["id"], made["edit_token"]
    owner = {"Authorization": f"Bearer {token}", "X-Forwarded-For": ADDRESS}
    new_file = client.put(
        f"/api/datasets/{dataset_id}",
        data={"file": (io.BytesIO(TABLE + b"130300,3\n"), "beds.csv")},
        content_type="multipart/form-data",
        headers=owner,
    )
    assert new_file.status_code == 200, body(new_file)
    edited = client.put(  # no file: a metadata edit
        f"/api/datasets/{dataset_id}", data={"title_en": "Beds"}, headers=owner
    )
    assert edited.status_code == 200, body(edited)
    renewed = client.post(f"/api/datasets/{dataset_id}/token", headers=owner)
    token = renewed.get_json()["edit_token"]
    client.post(f"/api/admin/datasets/{dataset_id}/hide", data={"reason": "r"}, headers=operator())
    client.post(f"/api/admin/datasets/{dataset_id}/unhide", headers=operator())
    deleted = client.delete(
        f"/api/datasets/{dataset_id}",
        headers={"Authorization": f"Bearer {token}", "X-Forwarded-For": ADDRESS},
    )
    assert deleted.status_code == 200

    trail = client.get(f"/api/admin/audit?dataset={dataset_id}", headers=operator())
    rows = list(reversed(trail.get_json()["audit"]))
    assert [r["action"] for r in rows] == [
        "publish",
        "version",
        "metadata",
        "token",
        "hide",
        "unhide",
        "delete",
    ]
    assert [r["version"] for r in rows[:3]] == [1, 2, 3]
    assert all(r["dataset_id"] == dataset_id and r["at"] for r in rows)
    store = store_for(url)
    with store._read() as conn:
        publisher = audit.client_hash(conn, ADDRESS)
        moderator = audit.client_hash(conn, "192.0.2.1")
    assert {r["client_sha256"] for r in rows if r["action"] not in ("hide", "unhide")} == {
        publisher
    }
    assert {r["client_sha256"] for r in rows if r["action"] in ("hide", "unhide")} == {moderator}
    assert all(ADDRESS not in str(r) for r in rows) and len(publisher) == 64
    assert client.get("/api/admin/audit").status_code == 403
