"""GIS downloads in a chosen CRS: crs=EPSG:NNNN on .gpkg and .shp.zip, read back
with GDAL's ogrinfo and pyogrio; GeoJSON stays CRS84 (400 saying so); GeoPackage layer
metadata (gpkg_contents.identifier/description); ``special`` typed boolean everywhere."""

from __future__ import annotations

import io
import json
import shutil
import sqlite3
import subprocess
import zipfile

import pyogrio
import pytest
from pyproj import CRS, Geod, Transformer

needs_gdal = pytest.mark.skipif(shutil.which("ogrinfo") is None, reason="gdal-bin missing")


def _ogrinfo(path, *layers) -> str:
    return subprocess.run(
        ["ogrinfo", "-ro", "-so", str(path), *layers],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    ).stdout


@needs_gdal
@pytest.mark.parametrize("code", [4490, 4547, 4548, 4549, 3857])
def test_gpkg_in_a_gk_zone_says_its_crs_to_ogrinfo(client, tmp_path, code):
    response = client.get(f"/download/regions.gpkg?level=prefecture&crs=EPSG:{code}")
    assert response.status_code == 200
    assert f"epsg{code}" in response.headers["Content-Disposition"]
    path = tmp_path / "x.gpkg"
    path.write_bytes(response.data)
    layer = pyogrio.list_layers(path)[0][0]
    info = _ogrinfo(path, layer)
    assert f'ID["EPSG",{code}]' in info or f'AUTHORITY["EPSG","{code}"]' in info
    frame = pyogrio.read_dataframe(path, layer=layer)
    assert CRS.from_user_input(frame.crs).to_epsg() == code


@needs_gdal
@pytest.mark.parametrize("code", [4490, 4548])
def test_shapefile_prj_names_the_crs(client, tmp_path, code):
    response = client.get(f"/download/facilities.shp.zip?crs=EPSG:{code}")
    assert response.status_code == 200
    with zipfile.ZipFile(io.BytesIO(response.data)) as archive:
        archive.extractall(tmp_path)
        prj = next(n for n in archive.namelist() if n.endswith(".prj"))
        readme = archive.read("README.txt").decode()
    assert f"EPSG:{code}" in readme
    wkt = (tmp_path / prj).read_text()
    assert CRS.from_wkt(wkt).to_epsg(min_confidence=70) == code  # the ESRI WKT of the code
    shp = next(tmp_path.glob("*.shp"))
    info = _ogrinfo(shp, shp.stem)
    name = CRS.from_epsg(code).name
    assert name.split(" / ")[-1].split()[0] in info or "China" in info


def test_gk_and_cgcs2000_round_trip_within_a_metre(client, tmp_path):
    """The same facility read from the CRS84, EPSG:4490 and EPSG:4548 GeoPackages: back
    to CRS84 with pyproj, the positions agree within 1 m (geodesic)."""
    frames = {}
    for code in (4326, 4490, 4548):
        body = client.get(f"/download/facilities.gpkg?crs=EPSG:{code}").data
        path = tmp_path / f"f{code}.gpkg"
        path.write_bytes(body)
        layer = pyogrio.list_layers(path)[0][0]
        frames[code] = pyogrio.read_dataframe(path, layer=layer).set_index("id")
    base = frames[4326]
    geod = Geod(ellps="WGS84")
    for code in (4490, 4548):
        other = frames[code]
        to84 = Transformer.from_crs(f"EPSG:{code}", "OGC:CRS84", always_xy=True)
        checked = 0
        for fid, geom in base.geometry.items():
            if geom is None:
                continue
            moved = other.geometry[fid]
            lon, lat = to84.transform(moved.x, moved.y)
            _, _, distance = geod.inv(geom.x, geom.y, lon, lat)
            assert distance < 1.0, (code, fid, distance)
            checked += 1
        assert checked > 10


def test_metadata_table_and_gpkg_contents_name_the_layer(client, tmp_path):
    path = tmp_path / "r.gpkg"
    path.write_bytes(client.get("/download/regions.gpkg?level=county&crs=EPSG:4547").data)
    with sqlite3.connect(path) as db:
        rows = db.execute(
            "SELECT table_name, identifier, description FROM gpkg_contents "
            "WHERE data_type = 'features'"
        ).fetchall()
        meta = dict(db.execute("SELECT key, value FROM metadata").fetchall())
        srs = db.execute(
            "SELECT organization, organization_coordsys_id FROM gpkg_spatial_ref_sys "
            "WHERE srs_id = (SELECT srs_id FROM gpkg_geometry_columns)"
        ).fetchone()
    ((table, identifier, description),) = rows
    assert identifier.startswith("Beijing–Tianjin–Hebei county-level units")
    assert "licence" in description and "EPSG:4547" in description
    assert "EPSG:4547" in meta["crs"]
    assert srs[0].upper() == "EPSG" and srs[1] == 4547


@pytest.mark.parametrize(
    "url",
    [
        "/download/regions.geojson?level=county&crs=EPSG:4547",
        "/download/regions.topojson?level=county&crs=EPSG:4326",
        "/download/regions.csv?level=county&crs=EPSG:4490",
        "/download/facilities.geojson?crs=EPSG:4490",
        "/download/zones.geojson?crs=EPSG:4490",
    ],
)
def test_crs_on_geojson_is_400_saying_rfc7946(client, url):
    response = client.get(url)
    assert response.status_code == 400
    body = response.get_json()
    assert body["parameter"] == "crs" and "RFC 7946" in body["error"]


@pytest.mark.parametrize("value", ["EPSG:2000", "", "EPSG:abc", "WGS84"])
def test_unknown_download_crs_is_400_listing_valid(client, value):
    response = client.get(f"/download/regions.gpkg?level=county&crs={value}")
    assert response.status_code == 400
    body = response.get_json()
    assert body["parameter"] == "crs" and "EPSG:4547" in json.dumps(body)


def test_special_is_boolean_in_every_format(client, tmp_path):
    """Xiong'an's ``special`` flag: true/false in GeoJSON and OGC, Integer(Boolean) in the
    GeoPackage, a DBF Logical in the Shapefile (pyogrio reads both back as bool)."""
    geo = client.get("/download/regions.geojson?level=prefecture").get_json()
    assert {type(f["properties"]["special"]) for f in geo["features"]} == {bool}
    items = client.get("/ogc/collections/prefecture/items?limit=50").get_json()
    assert {type(f["properties"]["special"]) for f in items["features"]} == {bool}
    gpkg = tmp_path / "p.gpkg"
    gpkg.write_bytes(client.get("/download/regions.gpkg?level=prefecture").data)
    layer = pyogrio.list_layers(gpkg)[0][0]
    assert str(pyogrio.read_dataframe(gpkg, layer=layer)["special"].dtype) == "bool"
    if shutil.which("ogrinfo"):
        assert "special: Integer(Boolean)" in _ogrinfo(gpkg, layer)
    with zipfile.ZipFile(
        io.BytesIO(client.get("/download/regions.shp.zip?level=prefecture").data)
    ) as z:
        z.extractall(tmp_path / "shp")
    shp = next((tmp_path / "shp").glob("*.shp"))
    assert str(pyogrio.read_dataframe(shp)["special"].dtype) == "bool"
