"""Download addresses GDAL and QGIS open as plain paths (no query string):
``/vsizip//vsicurl/http://…/download/regions/<level>/epsg<code>/<indicators>.shp.zip``."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from webmap.download_paths import regions_path

needs_gdal = pytest.mark.skipif(shutil.which("ogrinfo") is None, reason="needs gdal-bin")


def _ogrinfo(*args: str) -> str:
    result = subprocess.run(
        ["ogrinfo", "-ro", "-so", *args],
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_path_and_query_forms_answer_the_same_bytes(client):
    path = client.get("/download/regions/county/epsg4548/population.shp.zip")
    query = client.get("/download/regions.shp.zip?level=county&indicators=population&crs=EPSG:4548")
    assert path.status_code == query.status_code == 200
    assert path.data == query.data
    assert path.headers["ETag"] == query.headers["ETag"]
    assert regions_path("county", ["population"], "shp.zip", 4548) == (
        "/download/regions/county/epsg4548/population.shp.zip"
    )
    year = client.get(regions_path("prefecture", ["population"], "gpkg", 4326, 2020, 2010))
    same = client.get(
        "/download/regions.gpkg?level=prefecture&indicators=population&year=2020&compare=2010"
    )
    assert year.data == same.data


@pytest.mark.parametrize(
    ("url", "name"),
    [
        ("/download/regions/county/epsg9999/population.gpkg", "crs"),
        ("/download/regions/towns/epsg4326/population.gpkg", "level"),
        ("/download/regions/county/epsg4326/nothing.gpkg", "indicator"),
        ("/download/regions/county/epsg4326/20x0/population.gpkg", "year"),
        ("/download/regions/county/epsg4548/population.shp.zip?crs=EPSG:4326", "crs"),
        ("/download/facilities/epsg4326/castles.shp.zip", "category"),
    ],
)
def test_bad_path_segments_are_4xx_naming_them(client, url, name):
    response = client.get(url)
    assert response.status_code in (400, 404)
    assert name in response.get_json()["parameter"]


@needs_gdal
def test_gdal_opens_the_shapefile_path_over_http(live_server):
    url = f"{live_server}/download/regions/county/epsg4548/population,area_km2.shp.zip"
    whole = _ogrinfo(f"/vsizip//vsicurl/{url}", "jjj_county")
    member = _ogrinfo(f"/vsizip//vsicurl/{url}/jjj_county.shp", "jjj_county")
    for out in (whole, member):
        assert "Feature Count: 199" in out
        assert "4548" in out or "CGCS2000 / 3-degree Gauss-Kruger CM 117E" in out
        assert re.search(r"^population: Integer", out, re.M)


@needs_gdal
def test_gdal_opens_the_geopackage_path_over_http(live_server):
    url = f"{live_server}/download/regions/prefecture/epsg4547/population.gpkg"
    out = _ogrinfo(f"/vsicurl/{url}", "jjj_prefecture")
    assert int(re.search(r"Feature Count: (\d+)", out).group(1)) >= 13 and "4547" in out
    facilities = _ogrinfo(f"/vsicurl/{live_server}/download/facilities/epsg4326/all.gpkg")
    assert "jjj_facilities_all" in facilities
