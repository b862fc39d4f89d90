"""Facilities (sources, CRS handling, point-in-county) and zones/corridors."""

import json

import pandas as pd
import pytest
import shapely

from geo import crs
from geo.errors import BadParameter, UnknownItem
from geo.paths import FACILITIES_DIR
from geo.sources import facilities
from geo.sources.regions import regions
from geo.sources.zones import corridor_analysis, corridors_frame, get_zone, zones, zones_frame


def test_every_facility_has_a_source_and_known_category():
    frame = facilities.facilities(located_only=False)
    assert len(frame) >= 30
    assert frame["source"].str.len().gt(0).all()
    assert set(frame["category"]) <= set(facilities.CATEGORIES)
    assert {"hospital", "park", "base"} <= set(frame["category"])
    located = frame[frame.geometry.notna()]
    assert located["coord_source"].str.len().gt(0).all()
    assert located["location_precision"].isin(["site", "district"]).all()


def test_each_facility_lies_in_the_county_it_claims():
    located = facilities.facilities()
    assert len(located) >= 1
    counties = regions("county").set_index("adcode")
    for row in located.itertuples():
        assert counties.loc[row.county_adcode].geometry.contains(row.geometry), row.id


def test_top_tier_counts_match_the_named_edition():
    hospitals = facilities.facilities("hospital", located_only=False)
    top = hospitals[hospitals["tier"] == facilities.TOP_HOSPITAL_TIER]
    by_province = top["county_adcode"].str[:2].value_counts()
    assert by_province.get("11") == 22 and by_province.get("12") == 3  # 2021年度 edition
    assert "13" not in by_province


@pytest.mark.parametrize(
    "declared,convert", [("GCJ-02", crs.wgs84_to_gcj02), ("BD-09", crs.wgs84_to_bd09)]
)
def test_loader_converts_declared_crs(tmp_path, declared, convert):
    wgs = (116.271230, 39.905312)
    lon, lat = convert(*wgs)
    source = pd.read_csv(FACILITIES_DIR / "facilities_wgs84.csv", dtype=str).head(1)
    source["lon"], source["lat"] = f"{float(lon):.8f}", f"{float(lat):.8f}"
    path = tmp_path / "points.csv"
    source.to_csv(path, index=False)
    frame = facilities.read_facility_file(path, declared)
    assert frame.loc[0, "lon"] == pytest.approx(wgs[0], abs=2e-6)
    assert frame.loc[0, "lat"] == pytest.approx(wgs[1], abs=2e-6)


def test_manifest_declares_a_known_crs():
    manifest = json.loads((FACILITIES_DIR / "manifest.json").read_text())
    for entry in manifest["files"]:
        crs.canonical_crs(entry["crs"])


def test_unknown_category_is_rejected():
    with pytest.raises(BadParameter, match="hospital"):
        facilities.facilities("school")


def test_zones_defined_by_members_and_dissolved():
    ids = {z.id for z in zones()}
    assert {
        "tong-wu-lang",
        "tong-bao-tang",
        "jing-bao-shi",
        "xiongan",
        "jing-jin",
        "jing-tang-qin",
    } <= ids
    assert get_zone("tong-wu-lang").members == (
        ("110112", "county"),
        ("120114", "county"),
        ("131000", "prefecture"),
    )
    frame = zones_frame().set_index("id")
    tongzhou = regions("county").set_index("adcode").loc["110112"].geometry
    assert frame.loc["tong-wu-lang"].geometry.buffer(1e-9).contains(tongzhou)
    xiongan = regions("prefecture").set_index("adcode").loc["133100"].geometry
    assert frame.loc["xiongan"].geometry.symmetric_difference(xiongan).area < 1e-9
    for zone in zones():
        assert zone.name_zh and zone.name_en and zone.description_en and zone.source


def test_corridor_lines_run_through_members_in_order():
    lines = corridors_frame().set_index("id")
    units = pd.concat([regions(lv) for lv in ("prefecture", "county")]).set_index("adcode")
    for zone in zones():
        line = lines.loc[zone.id].geometry
        assert len(line.coords) == len(zone.line)
        for point, adcode in zip(line.coords, zone.line):
            assert units.loc[adcode].geometry.buffer(0.05).contains(shapely.Point(point))
    xiongan_line = lines.loc["xiongan"].geometry
    assert units.loc["110100"].geometry.contains(shapely.Point(xiongan_line.coords[-1]))


def test_corridor_band_and_facilities():
    analysis = corridor_analysis("jing-bao-shi", 30)
    assert analysis.band.contains(analysis.line)
    # in the band, or in a member unit whatever the band (listed and drawn all the same)
    facilities = analysis.facilities
    assert (facilities["in_band"] == (facilities["distance_km"] <= 30)).all()
    assert (facilities["in_band"] | facilities["in_member"]).all()
    wider = corridor_analysis("jing-bao-shi", 120)
    assert len(wider.facilities) >= len(analysis.facilities)
    assert wider.band.area > analysis.band.area
    # Members side by side; Langfang (prefecture) next to Tongzhou (county).
    table = corridor_analysis("tong-wu-lang").members.set_index("adcode")
    assert table.loc["131000", "population"] == 5_464_087
    assert table.loc["110112", "population"] == 1_840_295  # county census table
    with pytest.raises(UnknownItem):
        corridor_analysis("atlantis")
    with pytest.raises(BadParameter):
        corridor_analysis("jing-jin", -5)
