"""GCJ-02 / BD-09 conversion against published reference pairs and an independent library."""

import numpy as np
import prcoords
import pytest
import shapely
from shapely.geometry import Polygon

from geo import crs
from geo.measure import WGS84_GEOD

# eviltransform (googollee/eviltransform, go/transform_test.go): (wgs lat, lon, gcj lat, lon)
EVILTRANSFORM_PAIRS = [
    (31.1774276, 121.5272106, 31.17530398364597, 121.531541859215),  # Shanghai
    (22.543847, 113.912316, 22.540796131694766, 113.9171764808363),  # Shenzhen
    (39.911954, 116.377817, 39.91334545536069, 116.38404722455657),  # Beijing
]
# wandergis/coordtransform test/app.js: GCJ-02 → BD-09
COORDTRANSFORM_BD = [((116.404, 39.915), (116.41036949371029, 39.92133699351021))]


def metres(lon1, lat1, lon2, lat2):
    return np.asarray(WGS84_GEOD.inv(lon1, lat1, lon2, lat2)[2])


@pytest.mark.parametrize("wlat,wlon,glat,glon", EVILTRANSFORM_PAIRS)
def test_forward_matches_reference_pairs(wlat, wlon, glat, glon):
    lon, lat = crs.wgs84_to_gcj02(wlon, wlat)
    assert metres(lon, lat, glon, glat) < 0.01


@pytest.mark.parametrize("wlat,wlon,glat,glon", EVILTRANSFORM_PAIRS)
def test_inverse_matches_reference_pairs(wlat, wlon, glat, glon):
    lon, lat = crs.gcj02_to_wgs84(glon, glat)
    assert metres(lon, lat, wlon, wlat) < 0.5


def test_offset_is_hundreds_of_metres_in_beijing():
    lon, lat = crs.wgs84_to_gcj02(116.3912, 39.9066)
    assert 300 < metres(116.3912, 39.9066, lon, lat) < 700


@pytest.mark.parametrize("gcj,bd", COORDTRANSFORM_BD)
def test_bd09_forward_reference(gcj, bd):
    lon, lat = crs.gcj02_to_bd09(*gcj)
    assert metres(lon, lat, *bd) < 0.01


def test_bd09_inverse_agrees_with_prcoords():
    # prcoords' bd_wgs uses the approximate closed-form inverse (≈ 1–2 m).
    expected = prcoords.bd_wgs((29.199786, 120.019809))
    lon, lat = crs.bd09_to_wgs84(120.019809, 29.199786)
    assert metres(lon, lat, expected.lon, expected.lat) < 3


def test_round_trips_and_prcoords_over_the_region():
    rng = np.random.default_rng(7)
    lon = rng.uniform(113.4, 119.9, 5000)
    lat = rng.uniform(36.0, 42.7, 5000)
    glon, glat = crs.wgs84_to_gcj02(lon, lat)
    reference = np.array([prcoords.wgs_gcj((a, o)) for o, a in zip(lon, lat)])
    assert metres(glon, glat, reference[:, 1], reference[:, 0]).max() < 0.001
    back_lon, back_lat = crs.gcj02_to_wgs84(glon, glat)
    assert metres(lon, lat, back_lon, back_lat).max() < 0.01
    blon, blat = crs.wgs84_to_bd09(lon, lat)
    back_lon, back_lat = crs.bd09_to_wgs84(blon, blat)
    assert metres(lon, lat, back_lon, back_lat).max() < 0.01


def test_geometry_conversion_keeps_shared_vertices_shared():
    left = Polygon([(116.0, 39.0), (116.5, 39.0), (116.5, 39.5), (116.0, 39.5)])
    right = Polygon([(116.5, 39.0), (117.0, 39.0), (117.0, 39.5), (116.5, 39.5)])
    converted = crs.geometry_gcj02_to_wgs84(np.array([left, right]))
    assert shapely.coverage_is_valid(converted)
    assert shapely.intersection(*converted).length > 0.49


def test_declared_crs_names():
    assert crs.canonical_crs("EPSG:4326") == "WGS84"
    assert crs.canonical_crs("gcj-02") == "GCJ02"
    assert crs.canonical_crs("BD09") == "BD09"
    with pytest.raises(ValueError, match="valid"):
        crs.canonical_crs("EPSG:3857")
