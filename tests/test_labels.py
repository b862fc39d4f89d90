"""Label points (geo.maps.labels) and point layers (geo.maps.points), without a server."""

from __future__ import annotations

import pytest
from shapely.geometry import Point

from geo.errors import BadParameter
from geo.maps.labels import check_label_mode, label_points, label_records, web_label_options
from geo.maps.points import parse_points, points_options, points_param, valid_tokens
from geo.sources import facilities as fac
from geo.sources.regions import regions


@pytest.mark.parametrize("level", ["province", "prefecture", "county"])
def test_every_label_point_is_inside_its_unit(level):
    frame = regions(level).set_index("adcode")
    points = label_points(level)
    assert sorted(p.adcode for p in points) == sorted(frame.index)
    for p in points:
        assert frame.loc[p.adcode].geometry.contains(Point(p.lon, p.lat)), p
    assert sorted(p.rank for p in points) == list(range(1, len(points) + 1))


def test_prefecture_level_has_13_units_and_xiongan_in_both_languages():
    points = label_points("prefecture")
    assert len(points) == 14
    by_code = {p.adcode: p for p in points}
    assert by_code["133100"].name_zh == "雄安新区" and by_code["133100"].special
    assert by_code["110100"].name("zh") == "北京市" and by_code["110100"].name("en") == "Beijing"
    assert all(p.name_zh and p.name_en for p in points)
    assert len([p for p in points if not p.special]) == 13


def test_baoding_label_is_outside_xiongan():
    """Xiong'an overlaps Baoding: Baoding's name goes where Xiong'an does not cover it."""
    frame = regions("prefecture").set_index("adcode")
    baoding = {p.adcode: p for p in label_points("prefecture")}["130600"]
    assert not frame.loc["133100"].geometry.contains(Point(baoding.lon, baoding.lat))


def test_label_points_are_cached_per_level():
    assert label_points("county") is label_points("county")
    assert len(label_records("county")) == 199
    compact = web_label_options("prefecture", "en")
    assert {row[3] for row in compact} >= {"Beijing", "Tianjin", "Xiong'an New Area"}


def test_larger_units_rank_before_smaller_ones():
    points = [p for p in label_points("county") if not p.special]
    areas = [p.area_km2 for p in points]
    assert areas == sorted(areas, reverse=True)


def test_label_mode():
    assert check_label_mode(None) == "names"
    for mode in ("names", "values", "both", "none"):
        assert check_label_mode(mode) == mode
    with pytest.raises(BadParameter) as err:
        check_label_mode("bogus")
    assert "names, values, both, none" in str(err.value)


def test_points_tokens_come_from_the_data():
    tokens = valid_tokens()
    assert tokens[:3] == ["hospital", "park", "base"]
    frame = fac.facilities(located_only=True)
    assert set(tokens[3:]) == set(frame["tier"]) | {"grade-3a"}


def test_parse_points_layers_and_precision():
    layers = parse_points("hospital, grade-3a,park,hospital")
    assert points_param(layers) == "hospital,grade-3a,park"
    hospital, grade3a, park = layers
    assert len(hospital.features) == len(fac.facilities("hospital"))
    assert len(grade3a.features) == len(
        fac.grade3a_hospitals(located_only=False).dropna(subset=["lon"])
    )
    assert all(f.grade == "三级甲等" for f in grade3a.features)
    # Parks include district-precision points: drawn hollow as approximate.
    assert park.approximate_count > 0 and park.site_count > 0
    options = points_options(layers, "zh")
    assert options["layers"][0]["title"] == "医院"
    assert options["labels"]["approximate_short"] == "近似位置"
    assert {f["approximate"] for f in options["layers"][2]["features"]} == {True, False}


def test_parse_points_rejects_unknown_tokens_naming_valid_ones():
    assert parse_points("") == []
    with pytest.raises(BadParameter) as err:
        parse_points("hospital,zoo")
    assert err.value.name == "points" and "fudan-top100" in str(err.value)
    with pytest.raises(BadParameter) as err:
        parse_points("dataset:abc123@2")  # not a dataset id (ids are [a-z2-7])
    assert err.value.name == "points" and "dataset:ID" in str(err.value)
