"""The catalogue of published datasets: search (zh and en), filters, order and pages, in the
store on both databases, over HTTP (/api/datasets, /datasets) and OGC /collections."""

from __future__ import annotations

import gzip
import io
import json
import re

import pytest
from fresh_store import fresh_database

from geo.store import NewVersion, catalogue, store_for
from geo.store.catalogue import CatalogueQuery
from webmap import create_app


def table_version(
    title_zh: str = "",
    title_en: str = "",
    description: str = "",
    source: str = "",
    licence: str = "",
    level: str = "prefecture",
    kind: str = "values",
) -> NewVersion:
    """A version shaped as publishing makes it (metadata, table, values)."""
    metadata = {
        "title_zh": title_zh,
        "title_en": title_en,
        "description": description,
        "source": source,
        "source_url": "",
        "licence": licence,
        "columns": {"beds": {"unit": "", "year": None}},
    }
    table: dict = {"columns": ["adcode", "beds"], "rows": [], "row_numbers": [], "adcodes": []}
    values = {"beds": {"130100": 1.0}}
    if kind == "points":
        metadata = {**metadata, "kind": "points", "columns": {}, "points": {"datum": "WGS84"}}
        table, values = {"points": [{"lon": 116.4, "lat": 39.9}] * 3}, {}
    if kind == "links":
        metadata = {**metadata, "kind": "links", "columns": {}, "links": {}}
        table, values = {"links": [{"from": "110000", "to": "120000"}]}, {}
    return NewVersion(
        title_zh=title_zh,
        title_en=title_en,
        level=level,
        key_column="adcode",
        filename="t.csv",
        file_format="csv",
        original=f"adcode,beds\n130100,1\n{title_en}{title_zh}".encode(),
        metadata=metadata,
        table=table,
        values=values,
        report={},
    )


@pytest.fixture()
def store(database_url, tmp_path):
    return store_for(fresh_database(database_url, tmp_path))


def ids(page) -> list[str]:
    return [e.record.id for e in page.entries]


def test_search_matches_chinese_and_english_in_titles_descriptions_and_sources(store):
    hospitals = store.publish(table_version("三甲医院床位数", "Top hospital beds")).dataset.id
    parks = store.publish(
        table_version("科技园区", "Science parks", description="国家级高新技术产业开发区")
    ).dataset.id
    yearbook = store.publish(
        table_version("", "Doctors", source="Hebei Statistical Yearbook 2023, table 22-3")
    ).dataset.id

    def found(q: str) -> set[str]:
        return set(ids(catalogue.search(store, CatalogueQuery(q=q))))

    assert found("医院") == {hospitals}  # two characters: shorter than a trigram
    assert found("三甲医院") == {hospitals}
    assert found("HOSPITAL") == {hospitals}  # case-insensitive
    assert found("高新技术") == {parks}  # in the description
    assert found("yearbook") == {yearbook}  # in the source
    assert found("statistical 22-3") == {yearbook}  # every term must match
    assert found("statistical 医院") == set()
    assert found("%") == set() and found("_") == set()  # no wildcards leak through
    assert found('"') == set()
    assert len(found("")) == 3


def test_filters_order_and_pages(store):
    made = []
    for i in range(7):
        made.append(
            store.publish(
                table_version(
                    title_en=f"Table {chr(ord('G') - i)}",
                    level="county" if i % 2 else "prefecture",
                    licence="CC0-1.0" if i < 3 else "CC-BY-4.0",
                    kind="points" if i == 6 else "values",
                )
            ).dataset.id
        )
    newest_first = list(reversed(made))
    page = catalogue.search(store, CatalogueQuery(limit=3))
    assert ids(page) == newest_first[:3] and page.total == 7 and page.next_offset == 3
    assert page.prev_offset is None
    last = catalogue.search(store, CatalogueQuery(limit=3, offset=6))
    assert ids(last) == newest_first[6:] and last.next_offset is None and last.prev_offset == 3
    by_title = catalogue.search(store, CatalogueQuery(sort="title"))
    assert [e.record.title_en for e in by_title.entries] == sorted(
        e.record.title_en for e in by_title.entries
    )
    county = catalogue.search(store, CatalogueQuery(level="county"))
    assert set(ids(county)) == {made[1], made[3], made[5]} and county.total == 3
    cc0 = catalogue.search(store, CatalogueQuery(licence="CC0-1.0"))
    assert set(ids(cc0)) == set(made[:3])
    points = catalogue.search(store, CatalogueQuery(kind="points"))
    assert ids(points) == [made[6]]
    assert points.entries[0].summary["point_count"] == 3


def test_a_new_version_and_a_delete_update_the_list(store):
    first = store.publish(table_version("旧标题", "Old title"))
    store.replace(first.dataset.id, first.edit_token, table_version("新标题", "New title"))
    assert ids(catalogue.search(store, CatalogueQuery(q="新标题"))) == [first.dataset.id]
    assert ids(catalogue.search(store, CatalogueQuery(q="旧标题"))) == []
    store.delete(first.dataset.id, first.edit_token)
    assert catalogue.search(store, CatalogueQuery()).total == 0
    assert ids(catalogue.search(store, CatalogueQuery(q="新标题"))) == []


def test_datasets_published_before_the_catalogue_are_filled_in(store):
    published = store.publish(table_version("医院", "Hospitals", description="床位"))
    with store._write() as conn:  # as a database migrated before version 3 left it
        conn.exec_driver_sql(
            "UPDATE atlas_datasets SET kind = NULL, search_text = NULL, summary_json = NULL"
        )
        catalogue.sync_search(conn, published.dataset.id, None)
        catalogue.backfill(conn)
    page = catalogue.search(store, CatalogueQuery(q="床位"))
    assert ids(page) == [published.dataset.id]
    assert page.entries[0].summary["columns"] == ["beds"]


def test_list_queries_use_the_indexes(store):
    store.publish(table_version("医院", "Hospitals"))

    def plan(**query) -> str:
        return catalogue.query_plans(store, CatalogueQuery(**query), prefer_indexes=True)[0]

    assert "ix_atlas_datasets_updated" in plan()
    assert "ix_atlas_datasets_title_en" in plan(sort="title")
    assert "ix_atlas_datasets_title_zh" in plan(sort="title", lang="zh")
    if store.backend == "sqlite":
        assert "atlas_catalogue_fts" in plan(q="医院床", sort="title")
        return
    # PostgreSQL: a trigram GIN index over the search text (with a handful of rows the
    # planner rightly prefers the partial list indexes; bench/catalogue.py shows 10,000).
    with store._read() as conn:
        definition = conn.exec_driver_sql(
            "SELECT indexdef FROM pg_indexes WHERE indexname = 'ix_atlas_datasets_search'"
        ).scalar()
    assert definition and "gin" in definition and "gin_trgm_ops" in definition


# --- over HTTP ----------------------------------------------------------------------------


@pytest.fixture()
def client(database_url, tmp_path):
    app = create_app({"TESTING": True, "DATABASE_URL": fresh_database(database_url, tmp_path)})
    return app.test_client()


def body(response) -> str:
    data = response.data
    if response.headers.get("Content-Encoding") == "gzip":
        data = gzip.decompress(data)
    return data.decode("utf-8")


def publish(client, title: str, **fields):
    form = {
        "file": (io.BytesIO(b"adcode,beds\n130100,12\n130200,8\n"), "beds.csv"),
        "title": title,
        **fields,
    }
    response = client.post("/api/datasets", data=form, content_type="multipart/form-data")
    assert response.status_code == 201, body(response)
    return response.get_json()["id"]


def test_api_pages_with_next_and_prev_and_searches(client):
    made = [publish(client, f"床位 {i}", source="河北统计年鉴") for i in range(5)]
    first = client.get("/api/datasets?limit=2&q=统计年鉴").get_json()
    assert first["total"] == 5 and len(first["datasets"]) == 2 and first["prev"] is None
    assert [d["id"] for d in first["datasets"]] == made[::-1][:2]
    assert first["datasets"][0]["source"] == "河北统计年鉴"
    second = client.get(first["next"].replace("http://localhost", "")).get_json()
    assert [d["id"] for d in second["datasets"]] == made[::-1][2:4]
    assert "offset=2" in second["next"].replace("offset=4", "offset=2") and second["prev"]
    assert "q=" in second["next"] and "limit=2" in second["next"]
    assert client.get("/api/datasets?q=nothing-like-this").get_json()["total"] == 0


@pytest.mark.parametrize(
    "query, parameter",
    [
        ("limit=0", "limit"),
        ("limit=201", "limit"),
        ("limit=abc", "limit"),
        ("offset=-1", "offset"),
        ("sort=size", "sort"),
        ("kind=maps", "kind"),
        ("level=city", "level"),
        ("licence=MIT", "licence"),
        ("page=2", "page"),
        ("q=a&q=b", "q"),
        ("q=" + "x" * 201, "q"),
    ],
)
def test_bad_list_parameters_are_400_naming_them(client, query, parameter):
    response = client.get(f"/api/datasets?{query}")
    assert response.status_code == 400
    assert response.get_json()["parameter"] == parameter
    page = client.get(f"/datasets?{query}&lang=zh")
    assert page.status_code == 400 and parameter in body(page)


def test_the_page_has_the_search_box_filters_and_escapes_titles(client):
    evil = '<img src=x onerror="alert(1)">'
    publish(client, evil)
    publish(client, "三甲医院床位数")
    for lang, word in (("en", "Search"), ("zh", "搜索")):
        html = body(client.get(f"/datasets?lang={lang}&q=医院"))
        assert 'name="q"' in html and 'value="医院"' in html and word in html
        for name in ("level", "kind", "licence", "sort"):
            assert f'name="{name}"' in html
        assert "三甲医院床位数" in html and "onerror" not in html
    all_rows = body(client.get("/datasets?lang=en"))
    assert evil not in all_rows and "&lt;img" in all_rows
    hunted = body(client.get("/datasets?lang=en&q=%3Cscript%3E"))
    assert "<script>" not in hunted.split("<main>")[1].split("</main>")[0]


def test_ogc_collections_page_bundled_first_then_datasets(client):
    made = [publish(client, f"Beds {i}") for i in range(3)]
    whole = client.get("/ogc/collections?f=json").get_json()
    ids_all = [c["id"] for c in whole["collections"]]
    bundled = [i for i in ids_all if not i.startswith(("dataset-", "points-"))]
    assert ids_all[: len(bundled)] == bundled
    assert {f"dataset-{i}" for i in made} <= set(ids_all)
    first = client.get(f"/ogc/collections?f=json&limit={len(bundled) + 1}").get_json()
    assert [c["id"] for c in first["collections"]] == ids_all[: len(bundled) + 1]
    following = [link for link in first["links"] if link["rel"] == "next"]
    assert following, first["links"]
    rest = client.get(following[0]["href"].replace("http://localhost", "")).get_json()
    assert [c["id"] for c in rest["collections"]] == ids_all[len(bundled) + 1 :][: len(bundled) + 1]
    assert client.get("/ogc/collections?limit=0").status_code == 400


def test_collection_metadata_is_built_without_reading_the_table(client):
    dataset_id = publish(client, "Beds", description="床位数")
    from geo.store.store import Store

    calls = {"n": 0}
    original = Store.version

    def counting(self, *args, **kwargs):
        calls["n"] += 1
        return original(self, *args, **kwargs)

    Store.version = counting
    try:
        listed = client.get("/ogc/collections?f=json&lang=zh").get_json()
        one = client.get(f"/ogc/collections/dataset-{dataset_id}?f=json").get_json()
    finally:
        Store.version = original
    entry = next(c for c in listed["collections"] if c["id"] == f"dataset-{dataset_id}")
    assert "床位数" in entry["description"] and "beds" in entry["properties"]
    assert one["id"] == f"dataset-{dataset_id}"
    assert calls["n"] == 0
    assert json.dumps(entry)  # plain JSON
    assert re.search(r"dataset-" + dataset_id, json.dumps(listed))
