"""User datasets: parsing, checking, the store on SQLite and PostgreSQL, and the whole HTTP flow
(upload → report → publish → page → map → embed → download → replace → v1 unchanged →
delete → 410) through the real app on both backends."""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import threading
import zipfile

import openpyxl
import pytest

from geo.errors import BadParameter, Forbidden, TooLarge
from geo.sources.datasets import check_upload, closest_units
from geo.sources.numbers import NotANumber, parse_number
from geo.sources.regions import regions
from geo.sources.uploads import MAX_ROWS, read_upload
from geo.store import NewVersion, store_for
from webmap import create_app

# --- numbers as people type them -----------------------------------------------------------


@pytest.mark.parametrize(
    "text, expected",
    [
        ("1234", 1234.0),
        ("1,234", 1234.0),
        ("1 234", 1234.0),
        ("1\u2009234.5", 1234.5),
        ("１２３４", 1234.0),
        ("１，２３４．５", 1234.5),
        ("12.5%", 12.5),
        ("１２.５％", 12.5),
        ("3.2万", 32000.0),
        ("1.2亿", 120_000_000.0),
        ("-7", -7.0),
        ("\u22127.5", -7.5),
        (".5", 0.5),
        ("1e3", 1000.0),
        ("", None),
        ("-", None),
        ("—", None),
        ("..", None),
        ("  ", None),
        ("N/A", None),
    ],
)
def test_numbers_as_people_type_them(text, expected):
    assert parse_number(text) == expected


@pytest.mark.parametrize("text", ["abc", "1,5", "12张", "1.2.3", "++1", "%", "万", "1,23,4"])
def test_cells_that_are_not_numbers_are_refused_not_zeroed(text):
    with pytest.raises(NotANumber):
        parse_number(text)


# --- reading uploads -----------------------------------------------------------------------


def _units(level: str):
    return regions(level, include_special=False)


def county_csv(rows: int | None = None, value=lambda i: f"{i * 1.5:,.1f}") -> bytes:
    """A table like a bureau's: county names (Chinese), a parent column and a value column."""
    units = _units("county")
    lines = ["区县,所属城市,床位数"]
    parents = regions("prefecture").set_index("adcode")["name_zh"]
    for i, unit in enumerate(units.itertuples()):
        if rows is not None and i >= rows:
            break
        parent = parents.get(unit.parent_adcode, "")
        lines.append(f'{unit.name_zh},{parent},"{value(i)}"')
    return ("\n".join(lines) + "\n").encode("utf-8")


def xlsx_bytes(rows: list[list[object]]) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_csv_in_gbk_and_tsv_and_pasted_text_read_alike():
    text = "城市\t人口\n石家庄市\t1,123\n保定市\t—\n"
    tsv = read_upload(text.encode("utf-8"), "t.tsv")
    gbk = read_upload(text.replace("\t", ",").replace("1,123", '"1,123"').encode("gbk"), "t.csv")
    pasted = read_upload(text.encode("utf-8"), pasted=True)
    for upload in (tsv, gbk, pasted):
        assert list(upload.table.columns) == ["城市", "人口"]
        assert upload.table.loc[2, "人口"] == "1,123" and upload.table.loc[3, "人口"] == "—"
    assert gbk.encoding == "gb18030" and pasted.file_format == "paste"


def test_xlsx_values_never_formulas():
    data = xlsx_bytes([["adcode", "beds", "doubled"], [130100, 1200.5, "=B2*2"], [130200, 900, 5]])
    upload = read_upload(data, "beds.xlsx")
    assert upload.file_format == "xlsx"
    table = upload.table
    assert table.loc[2, "adcode"] == "130100"  # not 130100.0
    assert table.loc[2, "beds"] == "1200.5"
    # openpyxl wrote no cached value for the formula: it is missing, never the formula text.
    assert table.loc[2, "doubled"] == ""
    assert not any(str(v).startswith("=") for v in table.to_numpy().ravel())


def test_zip_bomb_like_xlsx_is_refused_unopened():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (20 * 1024 * 1024))
    with pytest.raises(BadParameter, match="ZIP-bomb"):
        read_upload(buffer.getvalue(), "bomb.xlsx")


@pytest.mark.parametrize(
    "data, match",
    [
        (b"", "empty"),
        (b"   \n\n", "empty"),
        (b"adcode,value\n", "header only"),
        (b"130100,5\n130200,6\n", "no header"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
        (b"adcode,value\n130100,5,7\n", "no name"),
        (b"a,a\n1,2\n", "repeated"),
        (b"PK\x03\x04garbage", "XLSX"),
    ],
)
def test_unreadable_uploads_say_what_is_wrong(data, match):
    with pytest.raises(BadParameter, match=match):
        read_upload(data, "x.csv")


def test_limits_are_413():
    with pytest.raises(TooLarge, match="5,242,880"):
        read_upload(b"a,b\n" + b"1,2\n" * (2 * 1024 * 1024), "big.csv")
    with pytest.raises(TooLarge, match="rows"):
        read_upload(b"adcode,v\n" + b"130100,1\n" * (MAX_ROWS + 1), "long.csv")


# --- checking: level and key detection, report ----------------------------------------------


def test_detects_county_level_and_name_column_and_lists_bad_cells():
    data = county_csv(value=lambda i: "abc" if i == 3 else ("-" if i == 4 else f"{i:,}"))
    checked = check_upload(data, "beds.csv")
    assert checked.level == "county" and checked.key_column == "区县"
    assert checked.value_columns == ["床位数"]
    report = checked.report()
    assert report["join"]["counts"]["matched"] >= 190
    # Row 5 of the file (header = row 1) holds "abc": listed, left missing, never 0.
    assert report["problems"] == [{"row": 5, "column": "床位数", "text": "abc"}]
    values = checked.values["床位数"]
    assert None in values.values() and 0.0 in values.values()  # row 2 is really 0
    assert sum(v is None for v in values.values()) == 2  # "abc" and "-"


def test_detects_prefecture_by_adcode_and_user_can_override():
    text = "code,name,value\n130100,石家庄,1\n130200,唐山,2\n130300,秦皇岛,3\n"
    checked = check_upload(text.encode())
    assert checked.level == "prefecture" and checked.key_column == "code"
    forced = check_upload(text.encode(), level="county")
    assert forced.level == "county" and forced.report()["join"]["counts"]["matched"] == 0
    by_name = check_upload(text.encode(), key_column="name")
    assert by_name.key_column == "name" and by_name.level == "prefecture"


def test_unmatched_rows_come_with_the_closest_units():
    checked = check_upload("城市,v\n石家庄市,1\n石家装市,2\n".encode())
    unmatched = checked.report()["join"]["unmatched"]
    assert unmatched[0]["row"] == 3
    assert unmatched[0]["suggestions"][0]["adcode"] == "130100"
    assert closest_units("Baodng", "prefecture")[0]["name_en"] == "Baoding"


# --- the store, on SQLite and PostgreSQL ----------------------------------------------------


def new_version(title: str, original: bytes, values: dict) -> NewVersion:
    return NewVersion(
        title_zh="",
        title_en=title,
        level="prefecture",
        key_column="adcode",
        filename="t.csv",
        file_format="csv",
        original=original,
        metadata={
            "title_zh": "",
            "title_en": title,
            "description": "",
            "source": "",
            "source_url": "",
            "licence": "",
            "columns": {"v": {"unit": "", "year": None}},
        },
        table={"columns": ["adcode", "v"], "rows": [], "row_numbers": [], "adcodes": []},
        values={"v": values},
        report={},
    )


def test_store_round_trip_tokens_versions_and_delete(database_url):
    store = store_for(database_url)
    original = b"adcode,v\n130100,1\n" + bytes(range(256))  # any bytes, kept exactly
    published = store.publish(new_version("A", original, {"130100": 1.0}))
    dataset_id, token = published.dataset.id, published.edit_token
    assert store.original(dataset_id, 1) == original
    assert store.version(dataset_id).original_sha256 == hashlib.sha256(original).hexdigest()
    with pytest.raises(Forbidden):
        store.replace(dataset_id, "wrong", new_version("B", b"x", {"130100": 2.0}))
    assert store.dataset(dataset_id).latest_version == 1
    store.replace(dataset_id, token, new_version("B", b"x", {"130100": 2.0}))
    assert store.version(dataset_id).values == {"v": {"130100": 2.0}}
    assert store.version(dataset_id, 1).values == {"v": {"130100": 1.0}}
    assert [v["version"] for v in store.versions(dataset_id)] == [1, 2]
    store.delete(dataset_id, token)
    from geo.errors import DatasetGone

    with pytest.raises(DatasetGone, match="B"):
        store.version(dataset_id, 1)
    assert dataset_id not in {d.id for d in store.datasets()}


def test_twenty_concurrent_publishes_all_present_and_intact(database_url):
    store = store_for(database_url)
    results: dict[int, object] = {}
    errors: list[BaseException] = []

    def publish(i: int) -> None:
        try:
            body = f"adcode,v\n130100,{i}\n".encode() * 50
            results[i] = store.publish(new_version(f"concurrent {i}", body, {"130100": float(i)}))
        except BaseException as err:  # noqa: BLE001 - reported below
            errors.append(err)

    threads = [threading.Thread(target=publish, args=(i,)) for i in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == [] and len(results) == 20
    assert len({p.dataset.id for p in results.values()}) == 20
    for i, published in results.items():
        body = f"adcode,v\n130100,{i}\n".encode() * 50
        assert store.original(published.dataset.id, 1) == body
        assert store.version(published.dataset.id, 1).values == {"v": {"130100": float(i)}}


def test_twenty_concurrent_replaces_make_twenty_versions(database_url):
    store = store_for(database_url)
    first = store.publish(new_version("replaced", b"v1", {"130100": 0.0}))
    dataset_id, token = first.dataset.id, first.edit_token
    errors: list[BaseException] = []

    def replace(i: int) -> None:
        try:
            store.replace(dataset_id, token, new_version("r", f"v{i}".encode(), {"130100": 1.0}))
        except BaseException as err:  # noqa: BLE001
            errors.append(err)

    threads = [threading.Thread(target=replace, args=(i,)) for i in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert [v["version"] for v in store.versions(dataset_id)] == list(range(1, 22))


# --- the whole flow over HTTP, on both backends ---------------------------------------------


@pytest.fixture(scope="session")
def ds_client(database_url):
    app = create_app({"TESTING": True, "DATABASE_URL": database_url})
    return app.test_client()


def body_of(response) -> bytes:
    data = response.data
    return gzip.decompress(data) if response.headers.get("Content-Encoding") == "gzip" else data


def publish_csv(client, data: bytes, **fields):
    form = {"file": (io.BytesIO(data), fields.pop("filename", "beds.csv")), **fields}
    return client.post("/api/datasets", data=form, content_type="multipart/form-data")


EVIL = '<script>alert("x")</script>'


def test_whole_flow(ds_client):
    client = ds_client
    data = county_csv()
    # check only
    dry = publish_csv(client, data, dry_run="1")
    assert dry.status_code == 200
    report = dry.get_json()["report"]
    assert report["level"] == "county" and report["key_column"] == "区县"
    # publish
    created = publish_csv(
        client,
        data,
        title_en=f"Beds {EVIL}",
        title_zh="床位",
        description="Hospital beds by county",
        source="A bureau's table",
        source_url="https://example.org/beds",
        licence="CC-BY-4.0",
        **{"unit:床位数": "beds", "year:床位数": "2023"},
    )
    assert created.status_code == 201, created.get_data(as_text=True)
    body = created.get_json()
    dataset_id, token = body["id"], body["edit_token"]
    assert body["version"] == 1 and body["url"].endswith(f"/datasets/{dataset_id}")
    assert body["report"]["join"]["counts"]["matched"] >= 190
    # pages: user text escaped
    for url in (f"/datasets/{dataset_id}", f"/datasets/{dataset_id}/v/1", "/datasets"):
        page = client.get(url)
        html = page.get_data(as_text=True)
        assert page.status_code == 200 and EVIL not in html and "&lt;script&gt;" in html
    # map, embed: the same spec machinery as bundled indicators
    map_url = f"/maps/choropleth?dataset={dataset_id}&column=床位数&level=county"
    page = client.get(map_url)
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and EVIL not in html
    assert "beds" in html and "2023" in html and "CC-BY-4.0" in html
    assert f"dataset={dataset_id}&amp;v=1" in html  # the data URL names the version
    embed = client.get(f"/embed/choropleth?dataset={dataset_id}&column=床位数")
    assert embed.status_code == 200 and "X-Frame-Options" not in embed.headers
    # downloads: values as uploaded, metadata with the dataset
    geo_v1 = client.get(f"/download/regions.geojson?dataset={dataset_id}&v=1")
    assert geo_v1.status_code == 200 and geo_v1.mimetype == "application/geo+json"
    collection = json.loads(body_of(geo_v1))
    assert collection["dataset"]["title_en"] == f"Beds {EVIL}"  # as data, in JSON
    values = {f["properties"]["adcode"]: f["properties"]["床位数"] for f in collection["features"]}
    first = _units("county").iloc[1]
    assert values[first.adcode] == 1.5
    csv_v1 = body_of(client.get(f"/download/regions.csv?dataset={dataset_id}&v=1"))
    assert "床位数" in csv_v1.decode().splitlines()[0]
    topo = client.get(f"/download/regions.topojson?dataset={dataset_id}")
    assert topo.status_code == 200 and json.loads(body_of(topo))["type"] == "Topology"
    png = client.get(f"/export/choropleth.png?dataset={dataset_id}&column=床位数&width=600")
    assert png.status_code == 200 and png.mimetype == "image/png"
    original = client.get(f"/datasets/{dataset_id}/v/1/original")
    assert body_of(original) == data
    api = client.get(f"/api/datasets/{dataset_id}").get_json()
    assert api["latest_version"] == 1 and api["file"]["sha256"] == hashlib.sha256(data).hexdigest()
    assert dataset_id in {d["id"] for d in client.get("/api/datasets").get_json()["datasets"]}

    # replace: 401 without a token, 403 with a wrong one, nothing changes
    new_data = county_csv(value=lambda i: str(i * 10))
    form = lambda: {"file": (io.BytesIO(new_data), "beds2.csv")}  # noqa: E731
    no_auth = client.put(f"/api/datasets/{dataset_id}", data=form())
    assert no_auth.status_code == 401 and "Bearer" in no_auth.headers["WWW-Authenticate"]
    wrong = client.put(
        f"/api/datasets/{dataset_id}", data=form(), headers={"Authorization": "Bearer nope"}
    )
    assert wrong.status_code == 403
    assert client.get(f"/api/datasets/{dataset_id}").get_json()["latest_version"] == 1
    auth = {"Authorization": f"Bearer {token}"}
    replaced = client.put(f"/api/datasets/{dataset_id}", data=form(), headers=auth)
    assert replaced.status_code == 200 and replaced.get_json()["version"] == 2
    # v1 is unchanged, byte for byte; the latest is v2
    assert body_of(client.get(f"/download/regions.geojson?dataset={dataset_id}&v=1")) == body_of(
        geo_v1
    )
    latest = json.loads(body_of(client.get(f"/download/regions.geojson?dataset={dataset_id}")))
    assert latest["dataset"]["version"] == 2
    assert {f["properties"]["adcode"]: f["properties"]["床位数"] for f in latest["features"]}[
        first.adcode
    ] == 10.0
    html = client.get(map_url).get_data(as_text=True)  # cached by URL, yet the latest
    assert "beds" in html and f"dataset={dataset_id}&amp;v=2" in html  # metadata carried over
    png2 = client.get(f"/export/choropleth.png?dataset={dataset_id}&column=床位数&width=600")
    assert png2.status_code == 200 and png2.headers["ETag"] != png.headers["ETag"]
    assert body_of(client.get(f"/datasets/{dataset_id}/v/1/original")) == data

    # delete: 401/403 change nothing; then every URL answers 410 with the title
    assert client.delete(f"/api/datasets/{dataset_id}").status_code == 401
    assert (
        client.delete(f"/api/datasets/{dataset_id}", headers={"Authorization": "Bearer x"})
    ).status_code == 403
    assert client.get(f"/datasets/{dataset_id}").status_code == 200
    deleted = client.delete(f"/api/datasets/{dataset_id}", headers=auth)
    assert deleted.status_code == 200 and deleted.get_json()["deleted_at"]
    for url in (
        f"/datasets/{dataset_id}",
        f"/datasets/{dataset_id}/v/1",
        f"/datasets/{dataset_id}/v/1/original",
        map_url,
        f"/embed/choropleth?dataset={dataset_id}&column=床位数",
        f"/download/regions.geojson?dataset={dataset_id}&v=1",
        f"/download/regions.csv?dataset={dataset_id}",
        f"/api/datasets/{dataset_id}",
    ):
        gone = client.get(url)
        text = gone.get_data(as_text=True)
        assert gone.status_code == 410, url
        assert "Beds" in text and EVIL not in text, url
    assert client.put(f"/api/datasets/{dataset_id}", data=form(), headers=auth).status_code == 410


@pytest.mark.parametrize(
    "data, fields, status, match",
    [
        (b"", {}, 400, "empty"),
        (b"130100,5\n130200,6\n", {}, 400, "no header"),
        (b"\x00\x01\x02binary", {}, 400, "binary"),
        ("城市,v\n火星,1\n月球,2\n".encode(), {}, 400, "0 of 2 rows"),
        ("城市,v\n石家庄,1\n石家庄市,2\n".encode(), {}, 400, "more than one row"),
        ("城市,v\n石家庄,1\n".encode(), {"value_columns": "城市"}, 400, "value_columns"),
        ("城市,备注\n石家庄,好\n".encode(), {}, 400, "no numeric column"),
        ("城市,v\n石家庄,1\n".encode(), {"level": "village"}, 400, "province, prefecture"),
        ("城市,v\n石家庄,1\n".encode(), {"title_en": ""}, 400, "title"),
        ("城市,v\n石家庄,1\n".encode(), {"source_url": "javascript:x"}, 400, "http"),
    ],
)
def test_bad_uploads_get_a_4xx_naming_the_problem(ds_client, data, fields, status, match):
    fields = {"title_en": "t", **fields}
    response = publish_csv(ds_client, data, **fields)
    assert response.status_code == status, response.get_data(as_text=True)
    assert match in response.get_json()["error"]


def test_xlsx_publishes_and_a_zip_bomb_is_a_400(ds_client):
    rows = [["区划代码", "beds", "formula"], [130100, "1,200", "=B2*2"], [130200, 900, 1]]
    data = xlsx_bytes(rows)
    created = publish_csv(ds_client, data, filename="beds.xlsx", title_en="xlsx")
    assert created.status_code == 201, created.get_data(as_text=True)
    body = created.get_json()
    assert body["report"]["file_format"] == "xlsx" and body["report"]["level"] == "prefecture"
    values = ds_client.get(f"/api/datasets/{body['id']}").get_json()["values"]
    assert values["beds"] == {"130100": 1200.0, "130200": 900.0}
    assert values["formula"] == {"130100": None, "130200": 1.0}  # never the formula text
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (20 * 1024 * 1024))
    bomb = publish_csv(ds_client, buffer.getvalue(), filename="bomb.xlsx", title_en="b")
    assert bomb.status_code == 400 and "ZIP-bomb" in bomb.get_json()["error"]


def test_upload_limits_5mb_for_datasets_2mb_for_join(ds_client):
    just_over = b"adcode,v\n" + b"130100,1\n" * (570 * 1024)  # 5.0 MiB + a little
    response = publish_csv(ds_client, just_over, title_en="big")
    assert response.status_code == 413
    assert "5,242,880" in response.get_json()["error"]
    huge = b"adcode,v\n" + b"130100,1\n" * (1024 * 1024)  # 9 MB: refused before reading it all
    assert publish_csv(ds_client, huge, title_en="big").status_code == 413
    medium = b"adcode,v\n" + b"130100,1\n" * (300 * 1024)  # 2.7 MB: fine for datasets...
    assert publish_csv(ds_client, medium, title_en="m", dry_run="1").status_code in (400, 413)
    joined = ds_client.post(
        "/api/join?level=prefecture", data={"file": (io.BytesIO(medium), "m.csv")}
    )
    assert joined.status_code == 413  # ...while /api/join keeps its documented 2 MB
    assert "2,097,152" in joined.get_json()["error"]


def test_unknown_dataset_and_version_are_404(ds_client):
    assert ds_client.get("/datasets/nosuchid").status_code == 404
    assert ds_client.get("/api/datasets/nosuchid").status_code == 404
    created = publish_csv(ds_client, "城市,v\n石家庄,1\n".encode(), title_en="one")
    dataset_id = created.get_json()["id"]
    assert ds_client.get(f"/datasets/{dataset_id}/v/9").status_code == 404
    bad_column = ds_client.get(f"/maps/choropleth?dataset={dataset_id}&column=nope")
    assert bad_column.status_code == 400 and "v" in bad_column.get_data(as_text=True)


def test_browser_form_keeps_input_and_needs_its_csrf_token(ds_client):
    page = ds_client.get("/datasets/new")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    token = html.split('name="csrf" value="')[1].split('"')[0]
    pasted = "城市,v\n石家庄,1\n保定,x\n"
    stale = ds_client.post(
        "/datasets/new", data={"csrf": "forged", "text": pasted, "action": "check"}
    )
    assert stale.status_code == 403
    checked = ds_client.post(
        "/datasets/new",
        data={"csrf": token, "text": pasted, "action": "check", "title_en": EVIL},
    )
    html = checked.get_data(as_text=True)
    assert checked.status_code == 200 and "report-matched" in html
    assert "石家庄" in html and EVIL not in html and "&lt;script&gt;" in html  # kept, escaped
    cross = ds_client.post(
        "/datasets/new",
        data={"csrf": token, "text": pasted, "action": "publish", "title_en": "x"},
        headers={"Origin": "https://evil.example"},
    )
    assert cross.status_code == 403
    no_title = ds_client.post(
        "/datasets/new", data={"csrf": token, "text": pasted, "action": "publish"}
    )
    html = no_title.get_data(as_text=True)
    assert no_title.status_code == 400 and "title" in html and "石家庄" in html
    published = ds_client.post(
        "/datasets/new",
        data={"csrf": token, "text": pasted, "action": "publish", "title_zh": "测试"},
    )
    assert published.status_code == 201
    assert 'id="edit-token"' in published.get_data(as_text=True)


def test_datasets_as_ogc_collections_and_gis_files_follow_replace_and_delete(ds_client):
    created = publish_csv(ds_client, b"adcode,beds\n130100,1\n130200,2\n", title_en="ogc")
    dataset_id, token = created.get_json()["id"], created.get_json()["edit_token"]
    listed = ds_client.get("/ogc/collections?f=json").get_json()["collections"]
    assert f"dataset-{dataset_id}" in {c["id"] for c in listed}
    items_url = f"/ogc/collections/dataset-{dataset_id}/items?f=json&limit=20"

    def beds():
        features = json.loads(body_of(ds_client.get(items_url)))["features"]
        return {f["id"]: f["properties"]["beds"] for f in features if f["properties"]["beds"]}

    assert beds() == {"130100": 1.0, "130200": 2.0}
    gpkg = ds_client.get(f"/download/regions.gpkg?dataset={dataset_id}&v=1")
    assert gpkg.status_code == 200 and gpkg.data[:16] == b"SQLite format 3\x00"
    shp = ds_client.get(f"/download/regions.shp.zip?dataset={dataset_id}")
    assert (
        shp.status_code == 200
        and "beds" in zipfile.ZipFile(io.BytesIO(shp.data)).read("fields.csv").decode()
    )
    auth = {"Authorization": f"Bearer {token}"}
    new = {"file": (io.BytesIO(b"adcode,beds\n130100,10\n"), "b.csv")}
    assert ds_client.put(f"/api/datasets/{dataset_id}", data=new, headers=auth).status_code == 200
    assert beds() == {"130100": 10.0}  # cached per worker, keyed on the datasets' state
    assert ds_client.delete(f"/api/datasets/{dataset_id}", headers=auth).status_code == 200
    assert ds_client.get(items_url).status_code == 410  # gone, like its other addresses
