"""Publishing stays open but bounded: a per-address hourly limit (429 with Retry-After), a
store quota in bytes (507), both counted in the database so every worker sees them."""

from __future__ import annotations

import gzip
import io
import subprocess
import sys
from pathlib import Path

import pytest
from fresh_store import fresh_database

from geo.store import store_for
from geo.store.limits import publishes_in_window, used_bytes
from webmap import create_app

ROOT = Path(__file__).resolve().parent.parent
TABLE = b"adcode,beds\n130100,12\n130200,8\n"


def body(response) -> str:
    data = response.data
    if response.headers.get("Content-Encoding") == "gzip":
        data = gzip.decompress(data)
    return data.decode("utf-8")


def make_app(url: str, **config):
    return create_app({"TESTING": True, "DATABASE_URL": url, **config})


def publish(client, address: str = "203.0.113.7", title: str = "Beds", data: bytes = TABLE):
    form = {"file": (io.BytesIO(data), "beds.csv"), "title": title}
    return client.post(
        "/api/datasets",
        data=form,
        content_type="multipart/form-data",
        headers={"X-Forwarded-For": address},
    )


@pytest.fixture()
def url(database_url, tmp_path):
    return fresh_database(database_url, tmp_path)


def test_the_hourly_limit_is_429_with_retry_after_per_address(url):
    client = make_app(url, PUBLISH_PER_HOUR=3).test_client()
    first = publish(client)
    assert first.status_code == 201
    token, dataset_id = first.get_json()["edit_token"], first.get_json()["id"]
    assert publish(client).status_code == 201
    replaced = client.put(  # a new version counts too
        f"/api/datasets/{dataset_id}",
        data={"file": (io.BytesIO(TABLE + b"130300,4\n"), "beds.csv")},
        content_type="multipart/form-data",
        headers={"Authorization": f"Bearer {token}", "X-Forwarded-For": "203.0.113.7"},
    )
    assert replaced.status_code == 200, body(replaced)
    refused = publish(client)
    assert refused.status_code == 429
    assert 3500 <= int(refused.headers["Retry-After"]) <= 3600
    answer = refused.get_json()
    assert "3 publishes or new versions per hour" in answer["error"]
    assert "每小时最多发布或更新 3 次" in answer["error_zh"]
    assert answer["parameter"] == "publishes per hour"
    # another address is not affected; a dry run (a check) is never counted
    assert publish(client, address="198.51.100.2").status_code == 201
    dry = client.post(
        "/api/datasets",
        data={"file": (io.BytesIO(TABLE), "beds.csv"), "title": "x", "dry_run": "1"},
        content_type="multipart/form-data",
        headers={"X-Forwarded-For": "203.0.113.7"},
    )
    assert dry.status_code == 200
    assert publishes_in_window(store_for(url), "203.0.113.7")[0] == 3


def test_the_count_is_shared_by_every_worker(url):
    """Another process (a second gunicorn worker or server) on the same database sees the
    publishes this one made."""
    client = make_app(url, PUBLISH_PER_HOUR=2).test_client()
    assert publish(client).status_code == 201
    script = (
        "import io, sys\n"
        "from webmap import create_app\n"
        "app = create_app({'TESTING': True, 'DATABASE_URL': sys.argv[1], 'PUBLISH_PER_HOUR': 2})\n"
        "c = app.test_client()\n"
        "def go():\n"
        "    form = {'file': (io.BytesIO(b'adcode,beds\\n130100,1\\n'), 'b.csv'), 'title': 't'}\n"
        "    return c.post('/api/datasets', data=form, content_type='multipart/form-data',\n"
        "                  headers={'X-Forwarded-For': '203.0.113.7'}).status_code\n"
        "print(go(), go())\n"
    )
    other = subprocess.run(
        [sys.executable, "-c", script, url],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
        timeout=300,
    )
    assert other.stdout.split()[-2:] == ["201", "429"], other.stderr[-2000:]
    assert publish(client).status_code == 429


def test_the_form_says_so_in_chinese(url):
    client = make_app(url, PUBLISH_PER_HOUR=1).test_client()
    assert publish(client, address="127.0.0.1").status_code == 201
    page = client.get("/datasets/new?lang=zh")
    csrf = body(page).split('name="csrf" value="')[1].split('"')[0]
    refused = client.post(
        "/datasets/new?lang=zh",
        data={
            "csrf": csrf,
            "action": "publish",
            "text": TABLE.decode(),
            "title_zh": "床位",
            "lang": "zh",
        },
    )
    assert refused.status_code == 429 and "Retry-After" in refused.headers
    assert "每小时最多发布或更新 1 次" in body(refused)


def test_a_full_store_is_507_and_publishes_nothing(url):
    client = make_app(url, PUBLISH_PER_HOUR=0, STORE_QUOTA_BYTES=20_000).test_client()
    assert publish(client).status_code == 201
    used = used_bytes(store_for(url))
    assert 0 < used < 20_000
    big = TABLE + b"".join(b"130300,%d\n" % i for i in range(2500))
    refused = publish(client, data=big)
    assert refused.status_code == 507
    answer = refused.get_json()
    assert "the dataset store is full" in answer["error"] and "数据存储已满" in answer["error_zh"]
    assert f"{used:,}" in answer["error"] and "20,000" in answer["error"]
    assert client.get("/api/datasets").get_json()["total"] == 1
    assert used_bytes(store_for(url)) == used


def test_a_delete_gives_the_room_back(url):
    client = make_app(url, PUBLISH_PER_HOUR=0).test_client()
    made = publish(client).get_json()
    assert used_bytes(store_for(url)) > 0
    client.delete(
        f"/api/datasets/{made['id']}", headers={"Authorization": f"Bearer {made['edit_token']}"}
    )
    assert used_bytes(store_for(url)) == 0


def test_the_default_limit_is_twenty_per_hour(tmp_path, monkeypatch):
    monkeypatch.delenv("JJJ_ATLAS_PUBLISH_PER_HOUR", raising=False)
    app = create_app({"TESTING": True, "DATABASE_URL": f"sqlite:///{tmp_path}/d.sqlite3"})
    assert app.config["PUBLISH_PER_HOUR"] == 20
    assert app.config["STORE_QUOTA_BYTES"] == 2 * 1024**3
    monkeypatch.setenv("JJJ_ATLAS_PUBLISH_PER_HOUR", "5")
    app = create_app({"TESTING": True, "DATABASE_URL": f"sqlite:///{tmp_path}/e.sqlite3"})
    assert app.config["PUBLISH_PER_HOUR"] == 5
