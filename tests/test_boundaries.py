"""The committed boundary layers: counts, nesting, areas, topology, format, reproducibility."""

import json

import numpy as np
import pytest
import shapely
from shapely.geometry import shape

from geo.levels import LEVELS, XIONGAN
from geo.measure import geodesic_area_km2
from geo.sources import boundaries
from geo.sources.regions import regions

EXPECTED_COUNTS = {"province": 3, "prefecture": 13, "county": 199}


def layer(level):
    return json.loads(boundaries.layer_path(level).read_text(encoding="utf-8"))


@pytest.mark.parametrize("level", LEVELS)
def test_unit_counts(level):
    assert len(regions(level, include_special=False)) == EXPECTED_COUNTS[level]


def test_prefecture_layer_has_xiongan_as_special_unit_over_baoding():
    prefectures = regions("prefecture")
    assert len(prefectures) == 14
    xiongan = prefectures.set_index("adcode").loc[XIONGAN.adcode]
    assert bool(xiongan.special) and xiongan.name_zh == "雄安新区"
    members = regions("county").set_index("adcode").loc[list(XIONGAN.members)]
    assert xiongan.geometry.symmetric_difference(shapely.union_all(members.geometry)).area < 1e-9
    baoding = prefectures.set_index("adcode").loc["130600"].geometry
    # Not cut out of Baoding: Baoding still contains all of Xiong'an.
    assert baoding.buffer(1e-9).contains(xiongan.geometry)
    assert geodesic_area_km2([xiongan.geometry])[0] == pytest.approx(1558, rel=0.02)


def test_every_county_lies_in_the_prefecture_its_adcode_says():
    counties = regions("county")
    prefectures = regions("prefecture", include_special=False).set_index("adcode")
    for county in counties.itertuples():
        parent = prefectures.loc[county.parent_adcode].geometry
        inside = county.geometry.representative_point()
        assert parent.contains(inside), county.adcode
        assert parent.buffer(1e-7).contains(county.geometry), county.adcode
    provinces = regions("province").set_index("adcode")
    for prefecture in prefectures.itertuples():
        parent = provinces.loc[prefecture.parent_adcode].geometry
        assert parent.buffer(1e-7).contains(prefecture.geometry), prefecture.Index


def test_areas_on_the_ellipsoid():
    prefectures = regions("prefecture", include_special=False)
    total = prefectures["area_km2"].sum()
    assert total == pytest.approx(217_000, rel=0.01)  # seeds round the region to 21.8万 km²
    beijing = prefectures.set_index("adcode").loc["110100", "area_km2"]
    assert beijing == pytest.approx(16_400, rel=0.01)


@pytest.mark.parametrize("level", LEVELS)
def test_no_gaps_no_overlaps(level):
    units = regions(level, include_special=False)
    summed = geodesic_area_km2(units.geometry.values).sum()
    union = geodesic_area_km2([shapely.union_all(units.geometry.values)])[0]
    assert abs(summed - union) / union < 0.0005
    assert shapely.coverage_is_valid(units.geometry.values)
    # Gaps: the union has no interior holes other than what the source has (none in JJJ
    # except Tianjin/Beijing enclaves, which are covered by other units).
    assert all(
        len(p.interiors) == 0
        for p in getattr(
            shapely.union_all(units.geometry.values),
            "geoms",
            [shapely.union_all(units.geometry.values)],
        )
    )


@pytest.mark.parametrize("level", LEVELS)
def test_geojson_format(level):
    data = layer(level)
    assert data["type"] == "FeatureCollection"
    for feature in data["features"]:
        props = feature["properties"]
        assert set(props) == {"adcode", "name_zh", "name_en", "level", "parent_adcode", "special"}
        assert len(props["adcode"]) == 6 and props["adcode"].isdigit()
        assert props["name_zh"] and props["name_en"] and props["level"] == level
        geom = shape(feature["geometry"])
        assert geom.is_valid and not geom.is_empty
        for polygon in getattr(geom, "geoms", [geom]):
            assert polygon.exterior.is_ccw  # RFC 7946 §3.1.6
            assert all(not ring.is_ccw for ring in polygon.interiors)
        coords = shapely.get_coordinates(geom)
        assert np.allclose(coords, np.round(coords, 6), rtol=0, atol=1e-12)
        assert (coords[:, 0] > 113).all() and (coords[:, 0] < 120).all()
        assert (coords[:, 1] > 36).all() and (coords[:, 1] < 43).all()


def test_layers_are_small_enough_to_serve():
    assert boundaries.layer_path("county").stat().st_size <= 1_000_000


def test_boundaries_are_wgs84_not_gcj02():
    """The committed layer is the source shifted back by the GCJ-02 offset (~500 m)."""
    from geo.crs import gcj02_to_wgs84

    source = boundaries.source_units()
    tongzhou = next(u for u in source if u.adcode == "110112")
    raw = shape(json.loads(tongzhou.path.read_text()))
    committed = regions("county").set_index("adcode").loc["110112"].geometry
    raw_centroid = raw.centroid
    expected = shapely.Point(*(float(v) for v in gcj02_to_wgs84(raw_centroid.x, raw_centroid.y)))
    assert committed.centroid.distance(expected) < 0.001  # ≈ 100 m (simplification)
    assert committed.centroid.distance(raw_centroid) > 0.004  # ≈ 400+ m: the offset was removed


@pytest.mark.slow
def test_rebuild_is_byte_identical(tmp_path):
    sizes = boundaries.build(tmp_path)
    for level in LEVELS:
        built = (tmp_path / boundaries.layer_path(level).name).read_bytes()
        assert built == boundaries.layer_path(level).read_bytes(), level
        assert sizes[level] == len(built)


@pytest.mark.parametrize("level", LEVELS)
def test_each_layer_has_one_geometry_type_multipolygon(level):
    """GDAL/QGIS read the layer as MultiPolygon, not "Unknown" (mixed Polygon/MultiPolygon)."""
    import pyogrio

    assert {f["geometry"]["type"] for f in layer(level)["features"]} == {"MultiPolygon"}
    assert pyogrio.read_info(boundaries.layer_path(level))["geometry_type"] == "MultiPolygon"


def test_as_multipolygon_wraps_polygons_and_rejects_other_types():
    square = shapely.box(0, 0, 1, 1)
    assert boundaries.as_multipolygon(square).geom_type == "MultiPolygon"
    assert boundaries.as_multipolygon(square).equals(square)
    with pytest.raises(RuntimeError):
        boundaries.as_multipolygon(shapely.Point(0, 0))
