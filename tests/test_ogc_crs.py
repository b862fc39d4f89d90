"""OGC API – Features Part 2 (CRS by reference): conformance, the CRS lists, axis order,
Content-Crs, bbox-crs, 400s naming the valid CRSs, and pyproj round trips within 1 m."""

from __future__ import annotations

import json

import pytest
from pyproj import Transformer

from geo import crs_ref

PART2 = "http://www.opengis.net/spec/ogcapi-features-2/1.0/conf/crs"
CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
EPSG = "http://www.opengis.net/def/crs/EPSG/0/"
OFFERED = [CRS84] + [EPSG + str(c) for c in (4326, 4490, 3857, 4547, 4548, 4549)]


def test_conformance_and_every_collection_lists_the_crs(client):
    assert PART2 in client.get("/ogc/conformance").get_json()["conformsTo"]
    body = client.get("/ogc/collections").get_json()
    assert body["crs"] == OFFERED
    for entry in body["collections"]:
        assert entry["crs"] == OFFERED, entry["id"]
        assert entry["storageCrs"] == CRS84


def _first_point(geometry):
    coords = geometry["coordinates"]
    while isinstance(coords[0], list):
        coords = coords[0]
    return coords


@pytest.mark.parametrize(
    "code,north_first",
    [(4326, True), (4490, True), (3857, False), (4547, True), (4548, True), (4549, True)],
)
def test_items_in_each_crs_follow_its_axis_order(client, code, north_first):
    """Axis order read from the EPSG definition (pyproj's axis_info), independently."""
    from pyproj import CRS

    axis = CRS.from_epsg(code).axis_info[0].direction
    assert (axis == "north") == north_first
    base = client.get("/ogc/collections/facilities/items/hosp-plagh").get_json()
    lon, lat = base["geometry"]["coordinates"]
    uri = EPSG + str(code)
    response = client.get(f"/ogc/collections/facilities/items/hosp-plagh?crs={uri}")
    assert response.status_code == 200
    assert response.headers["Content-Crs"] == f"<{uri}>"
    a, b = response.get_json()["geometry"]["coordinates"]
    # Expected with always_xy (lon/lat in, easting/northing out), then put in CRS order.
    x, y = Transformer.from_crs("OGC:CRS84", f"EPSG:{code}", always_xy=True).transform(lon, lat)
    expected = (y, x) if north_first else (x, y)
    tolerance = 1e-6 if code in (4326, 4490) else 0.01
    assert a == pytest.approx(expected[0], abs=tolerance)
    assert b == pytest.approx(expected[1], abs=tolerance)
    if code in (4326, 4490):
        assert 39 < a < 41 and 115 < b < 118  # latitude first, in Beijing


def test_default_crs84_and_content_crs_on_items(client):
    response = client.get("/ogc/collections/county/items?limit=2")
    assert response.headers["Content-Crs"] == f"<{CRS84}>"
    lon, lat = _first_point(response.get_json()["features"][0]["geometry"])
    assert 113 < lon < 120 and 36 < lat < 43


def test_gk_zone_items_and_paging_links_keep_the_crs(client):
    uri = EPSG + "4548"
    body = client.get(f"/ogc/collections/county/items?limit=3&crs={uri}").get_json()
    northing, easting = _first_point(body["features"][0]["geometry"])
    assert 4_000_000 < northing < 4_800_000 and 200_000 < easting < 800_000
    nxt = next(link for link in body["links"] if link["rel"] == "next")
    assert "crs=http" in nxt["href"] and "4548" in nxt["href"]


def test_bbox_crs_accepts_the_same_list(client):
    beijing = "115.4,39.4,117.5,41.1"
    inside = client.get(f"/ogc/collections/county/items?bbox={beijing}").get_json()
    # The same box as lat,lon in EPSG:4326 and 4490.
    latlon = "39.4,115.4,41.1,117.5"
    for code in (4326, 4490):
        same = client.get(
            f"/ogc/collections/county/items?bbox={latlon}&bbox-crs={EPSG}{code}"
        ).get_json()
        assert same["numberMatched"] == inside["numberMatched"]
    # In GK CM 117E (northing, easting): the box around Tiananmen (39.9087N, 116.3975E).
    t = Transformer.from_crs("OGC:CRS84", "EPSG:4548", always_xy=True)
    e, n = t.transform(116.3975, 39.9087)
    box = f"{n - 500},{e - 500},{n + 500},{e + 500}"
    found = client.get(
        f"/ogc/collections/county/items?bbox={box}&bbox-crs={EPSG}4548&limit=50"
    ).get_json()
    names = {f["properties"]["adcode"] for f in found["features"]}
    assert "110101" in names and len(names) <= 3  # Dongcheng (and maybe a neighbour)


@pytest.mark.parametrize("name", ["crs", "bbox-crs"])
@pytest.mark.parametrize("value", ["EPSG:9999", "", "http://www.opengis.net/def/crs/EPSG/0/2000"])
def test_unknown_crs_is_400_listing_the_valid_ones(client, name, value):
    extra = "&bbox=116,39,117,40" if name == "bbox-crs" else ""
    response = client.get(f"/ogc/collections/county/items?{name}={value}{extra}")
    assert response.status_code == 400
    body = response.get_json()
    assert body["parameter"] == name
    for uri in OFFERED:
        assert uri in json.dumps(body)


def test_unknown_crs_on_a_single_item_is_400(client):
    response = client.get("/ogc/collections/county/items/110101?crs=EPSG:2000")
    assert response.status_code == 400 and response.get_json()["parameter"] == "crs"


@pytest.mark.parametrize("code", [4490, 4547, 4548, 4549, 3857])
def test_round_trip_within_a_metre(code):
    """CRS84 → CRS → CRS84 through geo.crs_ref, vertices within 1 m (geodesic)."""
    import shapely
    from pyproj import Geod

    points = shapely.points([[114.5, 38.0], [116.4, 39.9], [117.2, 39.1], [119.6, 39.9]])
    ref = crs_ref.by_epsg(code)
    there = crs_ref.from_crs84(points, ref)
    back = crs_ref.to_crs84(there, ref)
    geod = Geod(ellps="WGS84")
    for p, q in zip(points, back):
        _, _, distance = geod.inv(p.x, p.y, q.x, q.y)
        assert distance < 1.0
    # and through the JSON rounding
    for p in points:
        rounded = crs_ref.geometry_json(p, ref)["coordinates"]
        q = crs_ref.to_crs84(shapely.Point(rounded), ref)
        _, _, distance = geod.inv(p.x, p.y, q.x, q.y)
        assert distance < 1.0


def test_openapi_offers_crs_and_bbox_crs(client):
    doc = json.loads(client.get("/ogc/api").data)
    params = doc["components"]["parameters"]
    assert params["crs"]["schema"]["enum"] == OFFERED
    assert params["bbox-crs"]["schema"]["enum"] == OFFERED


def _oapif_has_crs_option() -> bool:
    import shutil
    import subprocess

    if shutil.which("ogrinfo") is None:
        return False
    listing = subprocess.run(
        ["ogrinfo", "--format", "OAPIF"], capture_output=True, text=True, timeout=30
    ).stdout
    return 'name="CRS"' in listing


@pytest.mark.skipif(
    not _oapif_has_crs_option(),
    reason="this GDAL's OAPIF driver has no CRS open option (added in GDAL 3.7; Debian 12 "
    "ships 3.6.2): the downloads' GDAL tests cover the GK zones instead",
)
def test_ogrinfo_oapif_reads_a_gk_zone_layer(live_server):
    import subprocess

    result = subprocess.run(
        ["ogrinfo", "-so", "-oo", "CRS=EPSG:4548", f"OAPIF:{live_server}/ogc", "county"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert 'ID["EPSG",4548]' in result.stdout
    assert "Feature Count: 199" in result.stdout


def test_ogrinfo_reads_the_crs84_collection_with_its_crs_list(live_server):
    """GDAL 3.6's OAPIF driver still reads the collections now that they list 7 CRSs."""
    import shutil
    import subprocess

    if shutil.which("ogrinfo") is None:
        pytest.skip("gdal-bin missing")
    result = subprocess.run(
        ["ogrinfo", "-so", f"OAPIF:{live_server}/ogc", "facilities"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "Geometry: Point" in result.stdout


def test_gdal_oapif_client_reads_a_gk_zone_layer_through_pyogrio(live_server):
    """pyogrio's bundled GDAL (3.12) has the OAPIF CRS open option: it asks the service for
    crs=EPSG:4548 and reads a layer in that CRS; positions agree with CRS84 within 1 m."""
    import pyogrio
    from pyproj import Geod

    if "OAPIF" not in pyogrio.list_drivers():
        pytest.skip("pyogrio's GDAL has no OAPIF driver")
    url = f"OAPIF:{live_server}/ogc"
    gk = pyogrio.read_dataframe(url, layer="facilities", CRS="EPSG:4548")
    assert gk.crs.to_epsg() == 4548
    plain = pyogrio.read_dataframe(url, layer="facilities")
    gk, plain = gk.set_index("id"), plain.set_index("id")
    to84 = Transformer.from_crs("EPSG:4548", "OGC:CRS84", always_xy=True)
    geod = Geod(ellps="WGS84")
    checked = 0
    for fid, point in plain.geometry.items():
        if point is None or point.is_empty:
            continue
        moved = gk.geometry[fid]
        lon, lat = to84.transform(moved.x, moved.y)
        assert geod.inv(point.x, point.y, lon, lat)[2] < 1.0
        checked += 1
    assert checked > 10
