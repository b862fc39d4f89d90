"""GeoPackage and Shapefile downloads: readable by GDAL, one geometry type per layer,
EPSG:4326, field names within the format's limits, metadata, deterministic bytes."""

from __future__ import annotations

import csv
import io
import zipfile

import pyogrio
import pytest

from geo.sources.catalog import indicators
from geo.sources.facilities import facilities

GZIP = {"Accept-Encoding": "gzip"}


def _save(client, url, tmp_path, name):
    response = client.get(url)
    assert response.status_code == 200, response.data[:300]
    path = tmp_path / name
    path.write_bytes(response.data)
    return response, path


def test_regions_geopackage(client, tmp_path):
    ids = [i.id for i in indicators() if "county" in i.levels]
    url = f"/download/regions.gpkg?level=county&indicators={','.join(ids)}"
    response, path = _save(client, url, tmp_path, "county.gpkg")
    assert response.mimetype == "application/geopackage+sqlite3"
    name = f"jjj_county_{'_'.join(ids)}.gpkg"
    assert response.headers["Content-Disposition"] == f'attachment; filename="{name}"'
    layers = {row[0]: row[1] for row in pyogrio.list_layers(path)}
    layer = "jjj_county"  # the layer is named by level whatever the indicators
    # with indicators, the map's style too (tests/test_gpkg_styles.py)
    assert layers == {layer: "MultiPolygon", "metadata": None, "layer_styles": None}
    info = pyogrio.read_info(path, layer=layer)
    assert info["crs"] == "EPSG:4326" and info["features"] == 199
    assert all(len(field) <= 63 for field in info["fields"])
    for indicator_id in ids:
        assert indicator_id in info["fields"] and f"{indicator_id}_source" in info["fields"]
    meta = dict(pyogrio.read_dataframe(path, layer="metadata")[["key", "value"]].values)
    assert {"title", "licence", "generated", "data_version", "crs"} <= set(meta)
    assert all(f"source:{i}" in meta for i in ids)


def test_facilities_geopackage_keeps_every_column_and_row(client, tmp_path):
    _, path = _save(client, "/download/facilities.gpkg", tmp_path, "f.gpkg")
    frame = pyogrio.read_dataframe(path, layer="jjj_facilities_all")
    expected = facilities(located_only=False)
    assert len(frame) == len(expected)
    assert set(expected.columns) - {"geometry"} <= set(frame.columns)
    assert frame.geometry.notna().sum() == expected.geometry.notna().sum()
    assert frame.crs.to_epsg() == 4326


def test_shapefile_zip_has_cpg_prj_and_a_field_map(client, tmp_path):
    ids = [i.id for i in indicators() if "county" in i.levels]
    url = f"/download/regions.shp.zip?level=county&indicators={','.join(ids)}"
    response, path = _save(client, url, tmp_path, "county.zip")
    assert response.mimetype == "application/zip"
    archive = zipfile.ZipFile(path)
    stem = "jjj_county"
    names = set(archive.namelist())
    assert {f"{stem}{s}" for s in (".shp", ".shx", ".dbf", ".prj", ".cpg")} <= names
    assert archive.read(f"{stem}.cpg").strip() == b"UTF-8"
    assert b"WGS_1984" in archive.read(f"{stem}.prj") or b"WGS 84" in archive.read(f"{stem}.prj")
    fields = list(csv.DictReader(io.StringIO(archive.read("fields.csv").decode())))
    assert all(len(row["dbf_name"].encode()) <= 10 for row in fields)
    assert len({row["dbf_name"].lower() for row in fields}) == len(fields)
    full = {row["full_name"]: row["dbf_name"] for row in fields}
    assert all(f"{i}_source" in full for i in ids)
    frame = pyogrio.read_dataframe(f"/vsizip/{path}/{stem}.shp")
    assert len(frame) == 199 and frame.crs.to_epsg() == 4326
    assert set(frame.columns) - {"geometry"} == set(full.values())
    # Chinese names survive the DBF (UTF-8 declared by the .cpg).
    assert frame[full["name_zh"]].str.contains("区").any()
    assert "generated:" in archive.read("README.txt").decode()


@pytest.mark.parametrize(
    "url", ["/download/regions.gpkg?level=county", "/download/facilities.shp.zip"]
)
def test_gis_files_are_deterministic_and_cached(client, url):
    from geo.formats import gis_exports
    from webmap import caching

    first = client.get(url, headers=GZIP)
    again = client.get(url, headers={**GZIP, "If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304
    # Produced anew (as another worker would): the same bytes, hence the same ETag.
    if "regions.gpkg" in url:
        body = gis_exports.regions_file("county", [], "gpkg")[1]
    else:
        body = gis_exports.facilities_file(None, "shp.zip")[1]
    assert caching._entry(caching.Rendered(body, "x"), ()).etag == first.headers["ETag"]


@pytest.mark.parametrize(
    "url,parameter",
    [
        ("/download/regions.gpkg?level=city", "level"),
        ("/download/regions.shp.zip?level=county&indicators=nope", "indicator"),
        ("/download/facilities.gpkg?category=zoo", "category"),
    ],
)
def test_gis_download_errors(client, url, parameter):
    response = client.get(url)
    assert response.status_code in (400, 404)
    assert response.get_json()["parameter"] == parameter
