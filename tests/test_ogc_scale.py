"""/ogc/api, /ogc/collections and start-up cost do not depend on
the number of published datasets. Work is counted, not timed: feature frames loaded,
dataset collections built, OpenAPI paths, warm-up URLs — with 0 and with 50 datasets."""

from __future__ import annotations

import json

import pytest

from geo.formats import ogc_collections
from webmap import create_app, warm_urls

N = 50


def _counters():
    return ogc_collections.load_count["n"], ogc_collections.build_count["n"]


def _fresh():
    """Forget what earlier tests loaded (process-wide caches), to count from zero."""
    from webmap import caching

    for cache in ("_frames", "_dataset_cache", "_queryables", "_level_cache", "_builtin_cache"):
        getattr(ogc_collections, cache).clear()
    caching.cache.clear()


@pytest.fixture(scope="module")
def published(tmp_path_factory):
    from test_datasets import county_csv, publish_csv

    empty = create_app(
        {"TESTING": True, "DATABASE_URL": f"sqlite:///{tmp_path_factory.mktemp('e')}/a.sqlite3"}
    )
    full = create_app(
        {"TESTING": True, "DATABASE_URL": f"sqlite:///{tmp_path_factory.mktemp('f')}/a.sqlite3"}
    )
    client = full.test_client()
    ids = []
    for i in range(N):
        created = publish_csv(
            client,
            county_csv(rows=12, value=lambda k, i=i: str(k + i)),
            title_en=f"Set {i}",
            title_zh=f"数据 {i}",
            source="test",
        )
        assert created.status_code == 201, created.get_data(as_text=True)
        ids.append(created.get_json()["id"])
    return empty, full, ids


def _measure(app, path: str):
    _fresh()
    before = _counters()
    response = app.test_client().get(path)
    assert response.status_code == 200
    after = _counters()
    return after[0] - before[0], after[1] - before[1], response


def test_openapi_does_not_grow_with_published_datasets(published):
    empty, full, _ = published
    loads0, builds0, doc0 = _measure(empty, "/ogc/api")
    loads50, builds50, doc50 = _measure(full, "/ogc/api")
    assert (loads50, builds50) == (loads0, builds0) and builds50 == 0
    paths0, paths50 = json.loads(doc0.data)["paths"], json.loads(doc50.data)["paths"]
    assert sorted(paths0) == sorted(paths50)  # the generic {collectionId} set covers them
    assert "/collections/{collectionId}/items" in paths50


def test_collection_list_loads_no_dataset_features(published):
    empty, full, ids = published
    loads0, _, _ = _measure(empty, "/ogc/collections")
    loads50, builds50, listing = _measure(full, "/ogc/collections")
    # Listing 50 datasets loads no feature frame of theirs: only the bundled ones, as with 0.
    assert loads50 == loads0
    assert builds50 == N  # one description per dataset version, nothing more
    listed = [c["id"] for c in listing.get_json()["collections"]]
    assert all(f"dataset-{i}" in listed for i in ids)
    entry = next(c for c in listing.get_json()["collections"] if c["id"] == f"dataset-{ids[0]}")
    assert "床位数" in entry["properties"] and entry["extent"]["spatial"]["bbox"]
    # Listing again after a new publish builds only the new entry (incremental).
    from test_datasets import county_csv, publish_csv

    client = full.test_client()
    before = _counters()
    created = publish_csv(client, county_csv(rows=12), title_en="One more", source="t")
    assert created.status_code == 201
    assert client.get("/ogc/collections").status_code == 200
    assert _counters()[1] - before[1] == 1
    assert _counters()[0] == before[0]


def test_one_collection_does_not_list_the_others(published, monkeypatch):
    _, full, ids = published
    from geo.store import store_for

    store = store_for(full.config["DATABASE_URL"])
    calls = {"datasets": 0}
    original = type(store).datasets

    def counting(self):
        calls["datasets"] += 1
        return original(self)

    monkeypatch.setattr(type(store), "datasets", counting)
    _fresh()
    client = full.test_client()
    assert client.get(f"/ogc/collections/dataset-{ids[3]}").status_code == 200
    items = client.get(f"/ogc/collections/dataset-{ids[3]}/items?limit=5").get_json()
    assert items["numberReturned"] == 5
    # One listing per request, by the cache's version source (one SQL row per dataset);
    # no collection is built for any other dataset.
    assert calls["datasets"] <= 2
    assert ogc_collections.build_count["n"] >= 1
    assert len([k for k in ogc_collections._dataset_cache if k[1] != ids[3]]) == 0


def test_start_up_warm_list_does_not_grow(published):
    empty, full, _ = published
    with empty.app_context():
        urls0 = warm_urls()
    with full.app_context():
        urls50 = warm_urls()
    assert urls0 == urls50
