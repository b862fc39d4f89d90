"""Start-up (the warm-up before workers fork) costs the same however
many datasets users published — it renders nothing that lists or reads them."""

from __future__ import annotations

import io

import webmap
from webmap import create_app


def test_warm_up_reads_no_published_dataset(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path}/warm.sqlite3"
    client = create_app({"TESTING": True, "DATABASE_URL": url}).test_client()
    table = "城市,床位\n石家庄市,1\n保定市,2\n".encode()
    form = {"file": (io.BytesIO(table), "beds.csv"), "title_en": "warm"}
    created = client.post("/api/datasets", data=form, content_type="multipart/form-data")
    assert created.status_code == 201

    calls = []
    original = webmap.ogc.dataset_collections

    def counting():
        calls.append(1)
        return original()

    monkeypatch.setattr(webmap.ogc, "dataset_collections", counting)
    from geo.store.store import Store

    read = []
    version = Store.version
    monkeypatch.setattr(Store, "version", lambda self, *a: read.append(a) or version(self, *a))
    app = create_app({"TESTING": True, "DATABASE_URL": url}, warm=True)
    # Warming built no dataset's collection and read no dataset (the OGC version source's
    # one-query list of ids and versions, webmap.ogc.datasets_state, is all it asks).
    assert calls == [] and read == []
    assert all("dataset" not in u for u in webmap.warm_urls())
    # ... and they are there when asked for, built on first request.
    monkeypatch.undo()
    collections = app.test_client().get("/ogc/collections").get_json()["collections"]
    assert any(c["id"].startswith("dataset") for c in collections), [c["id"] for c in collections]
