"""CSV downloads open in Excel with Chinese intact: UTF-8 with a BOM unless ``bom=0``;
prefecture rows mark Xiong'an as an ``overlay`` and ``include_overlays=0`` leaves it out."""

from __future__ import annotations

import csv
import io
import json

import pytest

BOM = b"\xef\xbb\xbf"
CSV_URLS = [
    "/download/regions.csv?level=prefecture&indicators=population",
    "/download/facilities.csv?category=hospital",
    "/download/links.csv",
    "/download/clusters.csv?indicator=population&level=county",
]


def _with(url: str, query: str) -> str:
    return url + ("&" if "?" in url else "?") + query


def _rows(body: bytes) -> list[dict]:
    return list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))


@pytest.mark.parametrize("url", CSV_URLS)
def test_csv_starts_with_a_bom_by_default_and_not_with_bom_0(client, url):
    with_bom = client.get(url)
    assert with_bom.status_code == 200, with_bom.data[:300]
    assert with_bom.data.startswith(BOM)
    assert with_bom.data.count(BOM) == 1
    assert with_bom.mimetype == "text/csv"
    plain = client.get(_with(url, "bom=0"))
    assert plain.status_code == 200
    assert not plain.data.startswith(BOM)
    assert with_bom.data == BOM + plain.data
    assert client.get(_with(url, "bom=1")).data == with_bom.data


def test_bom_survives_gzip_and_the_cache(client):
    url = CSV_URLS[0]
    first = client.get(url, headers={"Accept-Encoding": "gzip"})
    second = client.get(url, headers={"Accept-Encoding": "gzip"})
    import gzip

    assert gzip.decompress(second.data).startswith(BOM)
    assert first.headers["ETag"] == second.headers["ETag"]
    assert client.get(_with(url, "bom=0")).headers["ETag"] != first.headers["ETag"]


def test_chinese_names_read_back_through_the_bom(client):
    rows = _rows(client.get(CSV_URLS[0]).data)
    assert rows[0]["adcode"] == "110100"  # the BOM is not glued to the first header
    assert rows[0]["name_zh"] == "北京市"


@pytest.mark.parametrize("value", ["2", "yes", ""])
def test_bad_bom_is_a_400_naming_it(client, value):
    response = client.get(CSV_URLS[0] + f"&bom={value}")
    assert response.status_code == 400
    body = response.get_json()
    assert body["parameter"] == "bom"
    assert body["valid"] == ["0", "1"]


def test_geojson_downloads_have_no_bom(client):
    body = client.get("/download/regions.geojson?level=prefecture&indicators=population").data
    assert body.startswith(b"{")


def test_prefecture_rows_mark_xiongan_as_an_overlay(client):
    rows = _rows(client.get(CSV_URLS[0]).data)
    overlays = [r["name_zh"] for r in rows if r["overlay"] == "True"]
    assert overlays == ["雄安新区"]
    assert round(sum(float(r["population"]) for r in rows)) == 111_574_779
    geojson = json.loads(
        client.get("/download/regions.geojson?level=prefecture&indicators=population").data
    )
    flagged = {f["properties"]["name_zh"]: f["properties"]["overlay"] for f in geojson["features"]}
    assert flagged["雄安新区"] is True
    assert flagged["保定市"] is False


@pytest.mark.parametrize("fmt", ["csv", "geojson"])
def test_include_overlays_0_leaves_xiongan_out_so_rows_add_up(client, fmt):
    url = f"/download/regions.{fmt}?level=prefecture&indicators=population&include_overlays=0"
    response = client.get(url)
    assert response.status_code == 200
    if fmt == "csv":
        rows = _rows(response.data)
    else:
        rows = [f["properties"] for f in json.loads(response.data)["features"]]
    assert len(rows) == 13
    assert "雄安新区" not in {r["name_zh"] for r in rows}
    assert round(sum(float(r["population"]) for r in rows)) == 110_369_339


def test_bad_include_overlays_is_a_400_naming_it(client):
    response = client.get(CSV_URLS[0] + "&include_overlays=no")
    assert response.status_code == 400
    assert response.get_json()["parameter"] == "include_overlays"
