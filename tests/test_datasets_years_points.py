"""Tables with years (long and wide), the publisher's matches, point tables in
each datum, the manage link, and the one upload reader — through the real app on SQLite
and PostgreSQL."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import math
import re

import pytest
from sqlalchemy import create_engine

from geo.store import store_for
from geo.store.migrations import migrate
from geo.store.store import normalise_url
from tests.map_pages import with_map_script
from webmap import create_app


@pytest.fixture()
def client(database_url):
    return create_app({"TESTING": True, "DATABASE_URL": database_url}).test_client()


def post(client, data: bytes, filename: str = "t.csv", **fields):
    form = {"file": (io.BytesIO(data), filename), **fields}
    return client.post("/api/datasets", data=form, content_type="multipart/form-data")


def csv_rows(body: bytes) -> dict[str, dict[str, str]]:
    # CSV downloads start with a BOM (Excel): utf-8-sig reads past it
    return {r["adcode"]: r for r in csv.DictReader(io.StringIO(body.decode("utf-8-sig")))}


LONG = (
    "城市,年份,医生数\n"
    "石家庄市,2019,10\n"
    "石家庄市,2020,12.5\n"
    "唐山市,2019,5\n"
    "唐山市,2020年,8\n"
    "北京市,2020,1\n"
).encode()


# --- tables with years -------------------------------------------------------------------


def test_long_table_publishes_values_by_year_and_change(client):
    created = post(client, LONG, title_en="Doctors")
    assert created.status_code == 201, created.get_json()
    body = created.get_json()
    assert body["report"]["year_column"] == "年份" and body["report"]["years"] == [2019, 2020]
    dataset_id = body["id"]
    info = client.get(f"/api/datasets/{dataset_id}").get_json()
    assert info["columns"] == [
        {"column": "医生数", "unit": "", "year": 2020, "years": [2019, 2020]}
    ]
    assert info["values_by_year"]["医生数"]["2019"] == {"130100": 10.0, "130200": 5.0}
    assert info["values"]["医生数"] == {"130100": 12.5, "130200": 8.0, "110100": 1.0}
    by_2019 = csv_rows(client.get(f"/download/regions.csv?dataset={dataset_id}&year=2019").data)
    assert by_2019["130100"]["医生数"] == "10.0" and by_2019["130200"]["医生数"] == "5.0"
    assert by_2019["110100"]["医生数"] == ""  # Beijing has 2020 only
    latest = csv_rows(client.get(f"/download/regions.csv?dataset={dataset_id}").data)
    assert latest["130100"]["医生数"] == "12.5" and latest["110100"]["医生数"] == "1.0"
    change = client.get(f"/download/regions.csv?dataset={dataset_id}&year=2020&compare=2019")
    rows = csv_rows(change.data)
    assert rows["130100"]["医生数_2019"] == "10.0"
    assert rows["130100"]["医生数_change"] == "2.5"
    assert rows["130100"]["医生数_change_pct"] == "25.0"
    assert rows["130200"]["医生数_change_pct"] == "60.0"
    assert "_2020_vs_2019" in change.headers["Content-Disposition"]
    # Maps, embeds and exports take year= and compare= like a bundled indicator.
    page = client.get(f"/maps/choropleth?dataset={dataset_id}&year=2020&compare=2019")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'id="year-select"' in html and '<option value="2019"' in html
    assert client.get(f"/embed/choropleth?dataset={dataset_id}&year=2019").status_code == 200
    geojson = client.get(f"/download/regions.geojson?dataset={dataset_id}&year=2019").get_json()
    assert geojson["year"] == 2019
    # The dataset page lists the years and offers them.
    dataset_page = client.get(f"/datasets/{dataset_id}?lang=zh").get_data(as_text=True)
    assert "2019, 2020" in dataset_page and 'id="year-select"' in dataset_page
    # Years the column does not have, and compare not before year: 400 naming them.
    bad = client.get(f"/download/regions.csv?dataset={dataset_id}&year=2018")
    assert bad.status_code == 400 and bad.get_json()["parameter"] == "year"
    assert bad.get_json()["valid"] == ["2019", "2020"]
    bad = client.get(f"/maps/choropleth?dataset={dataset_id}&year=2019&compare=2020")
    assert bad.status_code == 400
    # The OGC collection carries every year.
    items = client.get(f"/ogc/collections/dataset-{dataset_id}/items?f=json&limit=20").get_json()
    props = {f["properties"]["adcode"]: f["properties"] for f in items["features"]}
    assert props["130100"]["医生数_2019"] == 10.0 and props["130100"]["医生数_2020"] == 12.5


def test_long_table_duplicated_unit_year_is_reported_by_row(client):
    doubled = LONG + "石家庄,2020,13\n".encode()
    dry = post(client, doubled, dry_run="1").get_json()["report"]
    assert dry["join"]["duplicated"][0]["rows"] == [3, 7]
    assert dry["join"]["duplicated"][0]["year"] == 2020
    refused = post(client, doubled, title_en="x")
    assert refused.status_code == 400
    error = refused.get_json()
    assert error["parameter"] == "file" and "rows 3, 7" in error["error"]
    assert "(unit, year)" in error["error"]


def test_year_column_named_and_bad_year_cells(client):
    table = "地区,period,v\n石家庄市,2019,1\n石家庄市,二〇二〇,2\n唐山市,2019,3\n".encode()
    named = post(client, table, year_column="period", dry_run="1").get_json()["report"]
    assert named["year_column"] == "period" and named["years"] == [2019]
    assert {"row": 3, "column": "period", "text": "二〇二〇"} in named["problems"]
    no_years = post(client, "地区,年份,v\n石家庄市,-,1\n".encode(), title_en="x")
    assert no_years.status_code == 400 and no_years.get_json()["parameter"] == "year_column"
    missing = post(client, table, year_column="nope", dry_run="1")
    assert missing.status_code == 400 and missing.get_json()["parameter"] == "year_column"


WIDE = "地区,2019,2020年,2021\n石家庄,1,2,3\n唐山,4,12张,6\n保定市,7,8,10\n".encode()


def test_wide_table_publishes_one_column_with_years(client):
    created = post(client, WIDE, title_zh="宽表", wide_years="1", value_name="床位")
    assert created.status_code == 201, created.get_json()
    report = created.get_json()["report"]
    assert report["years"] == [2019, 2020, 2021] and report["value_columns"] == ["床位"]
    assert {"row": 3, "column": "2020年", "text": "12张"} in report["problems"]
    dataset_id = created.get_json()["id"]
    rows = csv_rows(
        client.get(f"/download/regions.csv?dataset={dataset_id}&year=2021&compare=2019").data
    )
    assert rows["130600"]["床位"] == "10.0" and rows["130600"]["床位_2019"] == "7.0"
    assert rows["130600"]["床位_change_pct"] == "42.86"
    mid = csv_rows(client.get(f"/download/regions.csv?dataset={dataset_id}&year=2020").data)
    assert mid["130200"]["床位"] == ""  # "12张": reported, left empty
    page = client.get(f"/maps/choropleth?dataset={dataset_id}&year=2020")
    assert page.status_code == 200


def test_wide_years_needs_year_columns(client):
    refused = post(client, b"adcode,v\n130100,1\n", wide_years="1", title_en="x")
    assert refused.status_code == 400 and refused.get_json()["parameter"] == "wide_years"
    refused = post(client, WIDE, wide_years="maybe", title_en="x")
    assert refused.status_code == 400 and refused.get_json()["parameter"] == "wide_years"


def test_one_year_column_keeps_refusing_compare(client):
    created = post(client, b"adcode,v\n130100,1\n130200,2\n", title_en="one", year="2020")
    dataset_id = created.get_json()["id"]
    bad = client.get(f"/download/regions.csv?dataset={dataset_id}&year=2020&compare=2019")
    assert bad.status_code == 400 and bad.get_json()["parameter"] == "compare"
    ok = client.get(f"/download/regions.csv?dataset={dataset_id}&year=2020")
    assert ok.status_code == 200


# --- the publisher's matches ---------------------------------------------------------------

MISSPELT = "城市,医生数\n石家庄市,1\n唐山市,2\n保定x,3\nAtlantis,4\n".encode()


def test_matches_settle_unmatched_rows_and_are_reported(client):
    dry = post(client, MISSPELT, dry_run="1").get_json()["report"]
    unmatched = {u["name"]: u for u in dry["join"]["unmatched"]}
    assert unmatched["保定x"]["suggestions"][0]["adcode"] == "130600"
    matches = json.dumps({"保定x": "130600", "Atlantis": None})
    created = post(client, MISSPELT, title_en="Docs", matches=matches)
    assert created.status_code == 201, created.get_json()
    body = created.get_json()
    join = body["report"]["join"]
    assert join["matched_by_publisher"] == [
        {"row": 4, "text": "保定x", "adcode": "130600", "name_zh": "保定市", "name_en": "Baoding"}
    ]
    assert join["left_out"] == [{"row": 5, "text": "Atlantis"}]
    assert join["unmatched"] == [] and join["counts"]["rows"] == 4
    info = client.get(f"/api/datasets/{body['id']}").get_json()
    assert info["values"]["医生数"] == {"130100": 1.0, "130200": 2.0, "130600": 3.0}
    original = client.get(f"/datasets/{body['id']}/v/1/original").data
    assert original == MISSPELT  # byte-identical
    assert info["file"]["sha256"] == hashlib.sha256(MISSPELT).hexdigest()
    page = client.get(f"/datasets/{body['id']}").get_data(as_text=True)
    assert 'id="by-publisher"' in page and "Matched by the publisher" in page


@pytest.mark.parametrize(
    "matches, parameter",
    [
        ('{"保定x": "999999"}', "matches[保定x]"),
        ('{"保定x": 130600}', "matches[保定x]"),
        ("[1, 2]", "matches"),
        ("{not json", "matches"),
    ],
)
def test_bad_matches_are_a_400_naming_them(client, matches, parameter):
    refused = post(client, MISSPELT, title_en="x", matches=matches)
    assert refused.status_code == 400
    assert refused.get_json()["parameter"] == parameter


def test_matched_unit_twice_is_a_duplicate(client):
    refused = post(client, MISSPELT, title_en="x", matches=json.dumps({"保定x": "130100"}))
    assert refused.status_code == 400 and "rows 2, 4" in refused.get_json()["error"]


# --- point tables --------------------------------------------------------------------------
# An independent implementation of the published forward formulas (WGS 84 → GCJ-02 → BD-09),
# as written in the widely used public algorithm (e.g. github.com/wandergis/coordtransform,
# index.js); the app converts back with geo.crs, which solves the inverse iteratively.

A = 6378245.0
EE = 0.00669342162296594323


def _lat(x: float, y: float) -> float:
    r = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * math.sqrt(abs(x))
    r += (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    r += (20.0 * math.sin(y * math.pi) + 40.0 * math.sin(y / 3.0 * math.pi)) * 2.0 / 3.0
    r += (160.0 * math.sin(y / 12.0 * math.pi) + 320 * math.sin(y * math.pi / 30.0)) * 2.0 / 3.0
    return r


def _lng(x: float, y: float) -> float:
    r = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * math.sqrt(abs(x))
    r += (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    r += (20.0 * math.sin(x * math.pi) + 40.0 * math.sin(x / 3.0 * math.pi)) * 2.0 / 3.0
    r += (150.0 * math.sin(x / 12.0 * math.pi) + 300.0 * math.sin(x / 30.0 * math.pi)) * 2.0 / 3.0
    return r


def to_gcj02(lng: float, lat: float) -> tuple[float, float]:
    dlat = _lat(lng - 105.0, lat - 35.0)
    dlng = _lng(lng - 105.0, lat - 35.0)
    radlat = lat / 180.0 * math.pi
    magic = 1 - EE * math.sin(radlat) ** 2
    sqrtmagic = math.sqrt(magic)
    dlat = (dlat * 180.0) / ((A * (1 - EE)) / (magic * sqrtmagic) * math.pi)
    dlng = (dlng * 180.0) / (A / sqrtmagic * math.cos(radlat) * math.pi)
    return lng + dlng, lat + dlat


def to_bd09(lng: float, lat: float) -> tuple[float, float]:
    x_pi = math.pi * 3000.0 / 180.0
    z = math.sqrt(lng * lng + lat * lat) + 0.00002 * math.sin(lat * x_pi)
    theta = math.atan2(lat, lng) + 0.000003 * math.cos(lng * x_pi)
    return z * math.cos(theta) + 0.0065, z * math.sin(theta) + 0.006


def metres(a: tuple[float, float], b: tuple[float, float]) -> float:
    mean = math.radians((a[1] + b[1]) / 2)
    dx = math.radians(a[0] - b[0]) * math.cos(mean) * 6371008.8
    dy = math.radians(a[1] - b[1]) * 6371008.8
    return math.hypot(dx, dy)


#: WGS 84 positions in the three provinces (Tiananmen, Shijiazhuang station, Tianjin, a
#: Hebei county town) and one outside (Shanghai).
TRUE = [(116.3975, 39.9087), (114.4836, 38.0125), (117.2009, 39.0842), (115.4646, 38.8744)]
SHANGHAI = (121.4737, 31.2304)


@pytest.mark.parametrize("datum", ["wgs84", "gcj02", "bd09"])
def test_point_table_in_each_datum_lands_within_a_metre(client, datum):
    def given(lon, lat):
        if datum == "wgs84":
            return lon, lat
        gcj = to_gcj02(lon, lat)
        return gcj if datum == "gcj02" else to_bd09(*gcj)

    lines = ["名称,lng,纬度,类型"]
    for n, (lon, lat) in enumerate([*TRUE, SHANGHAI]):
        x, y = given(lon, lat)
        lines.append(f"p{n},{x:.8f},{y:.8f},{'hospital' if n % 2 else 'school'}")
    lines.append("bad,116.4°E,39.9,school")
    lines.append("empty,,39.9,school")
    data = ("\n".join(lines) + "\n").encode()
    created = post(client, data, kind="points", datum=datum, title_en="Sites")
    assert created.status_code == 201, created.get_json()
    body = created.get_json()
    report = body["report"]
    assert body["kind"] == "points" and report["datum"] == datum
    assert report["lon_column"] == "lng" and report["lat_column"] == "纬度"
    assert report["category_column"] == "类型"
    assert [o["row"] for o in report["outside"]] == [6]
    assert {(u["row"], u["column"]) for u in report["unparsed"]} == {(7, "lng"), (8, "lng")}
    geojson = client.get(body["links"]["geojson"]).get_json()
    points = {f["properties"]["name"]: f for f in geojson["features"]}
    assert sorted(points) == ["p0", "p1", "p2", "p3"]
    for n, truth in enumerate(TRUE):
        feature = points[f"p{n}"]
        assert metres(tuple(feature["geometry"]["coordinates"]), truth) < 1.0
        assert feature["properties"]["category"] == ("hospital" if n % 2 else "school")
        assert feature["properties"]["datum"] == datum
    assert points["p0"]["properties"]["county"].startswith("1101")
    # Counts per unit are value columns: a choropleth of them works.
    info = client.get(f"/api/datasets/{body['id']}").get_json()
    assert info["kind"] == "points" and info["point_count"] == 4
    counts = info["values"]["points"]
    assert sum(counts.values()) == 4 and len(counts) > 100  # every county, 0 where none
    per_10k = info["values"]["points_per_10k"]
    hit = points["p1"]["properties"]["county"]
    assert per_10k[hit] is not None and per_10k[hit] > 0
    choropleth = client.get(f"/maps/choropleth?dataset={body['id']}&column=points_per_10k")
    assert choropleth.status_code == 200
    # Downloads, embed, page and OGC collection.
    table = client.get(body["links"]["csv"]).data.decode("utf-8")
    assert table.startswith("\ufefflon_wgs84,lat_wgs84,row,")  # a BOM first (Excel)
    gpkg = client.get(body["links"]["gpkg"])
    assert gpkg.status_code == 200 and gpkg.data[:16] == b"SQLite format 3\x00"
    assert client.get(body["links"]["embed"]).status_code == 200
    page = client.get(f"/datasets/{body['id']}?lang=zh").get_data(as_text=True)
    assert 'id="points-downloads"' in page
    assert "datasetPoints" in with_map_script(client, page)
    items = client.get(f"/ogc/collections/points-{body['id']}/items?f=json").get_json()
    assert len(items["features"]) == 4


def test_point_table_without_datum_is_a_400_naming_datum(client):
    data = b"name,lon,lat\na,116.4,39.9\n"
    refused = post(client, data, kind="points", title_en="x")
    assert refused.status_code == 400
    assert refused.get_json()["parameter"] == "datum"
    assert refused.get_json()["valid"] == ["wgs84", "gcj02", "bd09"]
    refused = post(client, data, kind="points", datum="cgcs2000", title_en="x")
    assert refused.status_code == 400 and refused.get_json()["parameter"] == "datum"


def test_point_table_with_no_point_inside_is_refused(client):
    data = b"name,lon,lat\nshanghai,121.47,31.23\nbad,x,y\n"
    refused = post(client, data, kind="points", datum="wgs84", title_en="x")
    assert refused.status_code == 400 and refused.get_json()["parameter"] == "file"
    named = post(client, b"a,b\n116.4,39.9\n", kind="points", datum="wgs84", title_en="x")
    assert named.status_code == 400 and named.get_json()["parameter"] == "lon_column"
    ok = post(
        client,
        b"a,b\n116.4,39.9\n",
        kind="points",
        datum="wgs84",
        lon_column="a",
        lat_column="b",
        title_en="x",
    )
    assert ok.status_code == 201


def test_points_download_refuses_other_datasets(client):
    values = post(client, b"adcode,v\n130100,1\n", title_en="v").get_json()["id"]
    refused = client.get(f"/download/points.geojson?dataset={values}")
    assert refused.status_code == 400 and refused.get_json()["parameter"] == "dataset"
    assert client.get("/download/points.geojson").status_code == 400


# --- the manage link ------------------------------------------------------------------------


def test_manage_link_new_version_metadata_token_and_delete(client):
    created = post(client, MISSPELT, title_en="Docs", matches=json.dumps({"保定x": "130600"}))
    body = created.get_json()
    dataset_id, token = body["id"], body["edit_token"]
    assert body["manage_url"].endswith(f"/datasets/{dataset_id}/manage?lang=en#token={token}")
    page = client.get(f"/datasets/{dataset_id}/manage?lang=zh")
    assert page.status_code == 200
    assert page.headers["Referrer-Policy"] == "no-referrer"
    assert page.headers["Cache-Control"] == "no-store"
    html = page.get_data(as_text=True)
    assert token not in html and "dataset_manage.js" in html and "密码" in html
    bearer = {"Authorization": f"Bearer {token}"}
    # Metadata only: the kept file is checked again with its options (the matches too).
    edited = client.put(
        f"/api/datasets/{dataset_id}", data={"description": "edited", "title_zh": "医生"},
        headers=bearer,
    )  # fmt: skip
    assert edited.status_code == 200 and edited.get_json()["version"] == 2
    info = client.get(f"/api/datasets/{dataset_id}").get_json()
    assert info["description"] == "edited" and info["title_zh"] == "医生"
    assert info["values"]["医生数"]["130600"] == 3.0
    assert client.get(f"/datasets/{dataset_id}/v/2/original").data == MISSPELT
    # A new token: the old one stops working.
    renewed = client.post(f"/api/datasets/{dataset_id}/token", headers=bearer)
    assert renewed.status_code == 200 and renewed.headers["Cache-Control"] == "no-store"
    new_token = renewed.get_json()["edit_token"]
    assert new_token != token and renewed.get_json()["manage_url"].endswith(new_token)
    assert client.delete(f"/api/datasets/{dataset_id}", headers=bearer).status_code == 403
    assert client.post(f"/api/datasets/{dataset_id}/token").status_code == 401
    gone = client.delete(
        f"/api/datasets/{dataset_id}", headers={"Authorization": f"Bearer {new_token}"}
    )
    assert gone.status_code == 200
    assert client.get(f"/datasets/{dataset_id}/manage").status_code == 410


def test_published_page_shows_the_manage_link_once(client):
    page = client.get("/datasets/new")
    csrf = re.search(r'name="csrf" value="([^"]+)"', page.get_data(as_text=True)).group(1)
    published = client.post(
        "/datasets/new?lang=zh",
        data={
            "csrf": csrf,
            "file": (io.BytesIO(b"adcode,v\n130100,1\n"), "v.csv"),
            "title_zh": "测试",
            "action": "publish",
        },
        content_type="multipart/form-data",
    )
    assert published.status_code == 201
    assert published.headers["Referrer-Policy"] == "no-referrer"
    html = published.get_data(as_text=True)
    manage = re.search(r'id="manage-url" href="([^"]+)"', html).group(1)
    assert "/manage?lang=zh#token=" in manage


# --- finding it, one reader, the store migration ------------------------------------------


def test_every_page_links_to_publishing_and_maps_offer_own_table(client):
    gallery = client.get("/?lang=zh").get_data(as_text=True)
    assert 'id="publish-link"' in gallery and "发布数据" in gallery
    choropleth = client.get("/maps/choropleth?indicator=area_km2&level=county")
    html = choropleth.get_data(as_text=True)
    assert "/datasets/new?level=county" in html and "Publish your data" in html
    new = client.get("/datasets/new?level=county").get_data(as_text=True)
    assert '<option value="county" selected>' in new


def test_join_reads_xlsx_and_tsv_through_the_datasets_reader(client):
    import openpyxl

    book = openpyxl.Workbook()
    book.active.append(["城市", "医生数"])
    book.active.append(["石家庄市", 1])
    book.active.append(["唐山", 2])
    buffer = io.BytesIO()
    book.save(buffer)
    joined = client.post(
        "/api/join?level=prefecture",
        data={"file": (io.BytesIO(buffer.getvalue()), "d.xlsx")},
        content_type="multipart/form-data",
    )
    assert joined.status_code == 200, joined.get_json()
    assert joined.get_json()["report"]["counts"]["matched"] == 2
    tsv = client.post(
        "/api/join?level=prefecture",
        data={"file": (io.BytesIO("城市\t医生数\n保定市\t3\n".encode()), "d.tsv")},
        content_type="multipart/form-data",
    )
    assert tsv.get_json()["report"]["counts"]["matched"] == 1
    # The same messages as the datasets API.
    header_only = client.post("/api/join?level=prefecture", data=b"a,b\n")
    dataset = post(client, b"a,b\n", title_en="x")
    assert header_only.get_json()["error"] == dataset.get_json()["error"]


def test_migration_2_adds_series_to_an_existing_store(database_url, tmp_path):
    url = database_url if database_url.startswith("postgres") else f"sqlite:///{tmp_path}/m.db"
    store_for(url)  # migrated to the latest
    engine = create_engine(normalise_url(url))
    with engine.begin() as conn:  # back to schema 1 (as a store created before this issue)
        conn.exec_driver_sql("ALTER TABLE atlas_dataset_versions DROP COLUMN series_json")
        conn.exec_driver_sql("DELETE FROM atlas_schema_version WHERE version = 2")
    assert migrate(engine) == [2]
    assert migrate(engine) == []
    with engine.connect() as conn:
        conn.exec_driver_sql("SELECT series_json FROM atlas_dataset_versions").fetchall()
    engine.dispose()


def test_new_version_keeps_datum_and_matches(client):
    points = post(
        client, b"name,lon,lat\na,116.4,39.9\n", kind="points", datum="gcj02", title_en="p"
    ).get_json()
    bearer = {"Authorization": f"Bearer {points['edit_token']}"}
    again = client.put(
        f"/api/datasets/{points['id']}",
        data={"file": (io.BytesIO(b"name,lon,lat\nb,117.2,39.1\n"), "p2.csv")},
        headers=bearer,
        content_type="multipart/form-data",
    )
    assert again.status_code == 200, again.get_json()
    assert again.get_json()["report"]["datum"] == "gcj02"
    values = post(client, MISSPELT, title_en="d", matches=json.dumps({"保定x": "130600"}))
    body = values.get_json()
    again = client.put(
        f"/api/datasets/{body['id']}",
        data={"file": (io.BytesIO(MISSPELT.replace(b"3", b"30")), "v2.csv")},
        headers={"Authorization": f"Bearer {body['edit_token']}"},
        content_type="multipart/form-data",
    )
    assert again.status_code == 200, again.get_json()
    info = client.get(f"/api/datasets/{body['id']}").get_json()
    assert info["values"]["医生数"]["130600"] == 30.0


def test_point_table_through_the_form(client):
    page = client.get("/datasets/new?lang=zh")
    csrf = re.search(r'name="csrf" value="([^"]+)"', page.get_data(as_text=True)).group(1)
    form = {
        "csrf": csrf,
        "file": (io.BytesIO("名称,经度,纬度\na,116.4,39.9\nb,121.47,31.23\n".encode()), "p.csv"),
        "kind": "points",
        "action": "check",
    }
    refused = client.post("/datasets/new?lang=zh", data=form, content_type="multipart/form-data")
    assert refused.status_code == 400 and "datum" in refused.get_data(as_text=True)
    form["file"] = (io.BytesIO("名称,经度,纬度\na,116.4,39.9\nb,121.47,31.23\n".encode()), "p.csv")
    form["datum"] = "gcj02"
    checked = client.post("/datasets/new?lang=zh", data=form, content_type="multipart/form-data")
    html = checked.get_data(as_text=True)
    assert checked.status_code == 200 and 'id="report-points">1<' in html
    assert 'id="points-outside"' in html and 'id="points-columns"' in html
    draft = re.search(r'name="draft" value="([^"]+)"', html).group(1)
    published = client.post(
        "/datasets/new?lang=zh",
        data={"csrf": csrf, "draft": draft, "kind": "points", "datum": "gcj02",
              "title_zh": "点", "action": "publish"},
        content_type="multipart/form-data",
    )  # fmt: skip
    assert published.status_code == 201
    assert "#token=" in published.get_data(as_text=True)


def test_long_table_join_decides_each_unit_once_with_the_same_result():
    import pandas as pd

    from geo.sources import datasets as ds

    rows = []
    for year in (2019, 2020, 2021):
        rows += [
            ("桥西区", "石家庄市", year, "1"),
            ("桥西区", "张家口市", year, "2"),
            ("桥西区", "", year, "3"),  # ambiguous: no parent
            ("长安区", "石家庄市", year, "4"),
            ("火星区", "", year, "5"),  # unmatched
            ("130102", "", year, "6"),
        ]
    table = pd.DataFrame(rows, columns=["区县", "城市", "年份", "v"], dtype=object)
    table.index = pd.RangeIndex(2, len(table) + 2)
    keyable = table.drop(columns="年份")
    full = ds._join(keyable, "county", "区县", "name")
    fast = ds.join_distinct(keyable, "county", "区县", "name")
    assert fast.report() == full.report()
    assert fast.matched.equals(full.matched)


def test_point_dataset_drawn_over_any_choropleth(client):
    from geo.maps.points import parse_points

    created = post(
        client,
        "名称,经度,纬度,类别\n天安门,116.3975,39.9087,景点\n".encode(),
        kind="points",
        datum="wgs84",
        title_zh="地点",
        title_en="Places",
    ).get_json()
    token = f"dataset:{created['id']}"
    page = client.get(f"/maps/choropleth?indicator=population&level=county&points={token}@1")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    # The legend's layer toggle and the controls' points list (templates) name the layer.
    assert f'data-token="{token}@1"' in html and f'value="{token}@1" checked' in html
    assert "Places" in html
    config = {"DATABASE_URL": client.application.config["DATABASE_URL"]}
    (layer,) = parse_points(token, config)
    assert layer.kind == "dataset" and layer.title("zh") == "地点"
    (feature,) = layer.features
    assert (feature.lon, feature.lat) == (116.3975, 39.9087) and feature.category == "景点"
    assert feature.county_adcode.startswith("1101")
    embed = client.get(f"/embed/choropleth?indicator=population&points={token},hospital")
    assert embed.status_code == 200
    values = post(client, b"adcode,v\n130100,1\n", title_en="v").get_json()["id"]
    refused = client.get(f"/maps/choropleth?indicator=population&points=dataset:{values}")
    assert refused.status_code == 400 and "point dataset" in refused.get_data(as_text=True)
    bad = client.get(f"/maps/choropleth?indicator=population&points={token}@x")
    assert bad.status_code == 400
