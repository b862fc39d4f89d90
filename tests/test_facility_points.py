"""Facility points: datum check per point, district precision, grade-3A tier, citations."""

import json
import re

import numpy as np
import pandas as pd
import pytest

from geo.analysis import datum_check
from geo.crs import gcj02_to_wgs84, wgs84_to_gcj02
from geo.measure import geodesic_distance_km
from geo.paths import FACILITIES_DIR
from geo.sources import facilities
from geo.sources.catalog import get_indicator
from geo.sources.indicators import COMPUTED, indicator_values
from geo.sources.regions import regions
from geo.sources.zones import corridor_analysis, zones

CITED_FIELDS = ("source", "coord_source", "note", "grade_source", "ref_source")


def _files() -> list[str]:
    manifest = json.loads((FACILITIES_DIR / "manifest.json").read_text(encoding="utf-8"))
    return [entry["file"] for entry in manifest["files"]]


def _stored() -> pd.DataFrame:
    frames = [
        pd.read_csv(FACILITIES_DIR / name, dtype=str, keep_default_na=False) for name in _files()
    ]
    frame = pd.concat(frames, ignore_index=True)
    for column in facilities.OPTIONAL_COLUMNS:
        frame[column] = frame.get(column, pd.Series("", index=frame.index)).fillna("")
    return frame


def test_check_point_detects_a_gcj02_copy():
    wgs = (116.3975, 39.9087)
    gcj = tuple(float(v) for v in wgs84_to_gcj02(*wgs))
    # A reference 40 m off the true GCJ-02 position, as two sources of one campus differ.
    ref = (gcj[0] + 0.0003, gcj[1] + 0.0002)
    assert datum_check.check_point(*wgs, *ref).outcome == "agrees-wgs84"
    copied = datum_check.check_point(*gcj, *ref)
    assert copied.outcome == "gcj-copy-converted"
    assert geodesic_distance_km(copied.lon, copied.lat, *wgs) * 1000 < 1.0
    assert copied.final_to_reference_m < 100
    unchecked = datum_check.check_point(*wgs, np.nan, np.nan)
    assert (unchecked.outcome, unchecked.lon, unchecked.lat) == ("unchecked", *wgs)


def test_every_recorded_datum_check_equals_the_recomputation():
    stored = _stored()
    checks = datum_check.recheck(stored)
    located = stored[stored["location_precision"] == "site"]
    assert set(checks["id"]) == set(located["id"])  # every site point has its published value
    assert (checks["recorded"] == checks["outcome"]).all(), checks[
        checks["recorded"] != checks["outcome"]
    ]
    assert np.allclose(checks["stored_lon"], checks["lon"], atol=1.5e-6)
    assert np.allclose(checks["stored_lat"], checks["lat"], atol=1.5e-6)
    assert set(stored["datum_check"]) <= set(datum_check.OUTCOMES) | {""}
    assert (stored.loc[stored["location_precision"] != "site", "datum_check"] == "").all()
    counts = checks["outcome"].value_counts()
    assert counts.get("gcj-copy-converted", 0) >= 1 and counts.get("agrees-wgs84", 0) >= 10


def test_every_checked_hospital_lies_within_300_m_of_the_converted_reference():
    stored = _stored()
    with_ref = stored[(stored["ref_gcj02_lon"] != "") & (stored["lon"] != "")]
    assert len(with_ref) >= 15
    assert (
        with_ref["ref_source"].str.contains(r"nwjf/hospital json/hospital\.js @[0-9a-f]{40}").all()
    )
    ref_lon, ref_lat = gcj02_to_wgs84(
        with_ref["ref_gcj02_lon"].astype(float), with_ref["ref_gcj02_lat"].astype(float)
    )
    metres = 1000 * geodesic_distance_km(
        with_ref["lon"].astype(float), with_ref["lat"].astype(float), ref_lon, ref_lat
    )
    far = with_ref.loc[metres > datum_check.MAX_REFERENCE_DISTANCE_M, "id"].tolist()
    assert far == []


def test_the_chaoyang_point_used_before_was_an_unconverted_gcj02_copy():
    stored = _stored().set_index("id")
    row = stored.loc["hosp-chaoyang"]
    ref = float(row["ref_gcj02_lon"]), float(row["ref_gcj02_lat"])
    old = datum_check.check_point(116.4532, 39.9255, *ref)  # en.wikipedia value used before
    assert old.outcome == "gcj-copy-converted" and old.to_converted_reference_m > 300
    assert row["datum_check"] == "agrees-wgs84"
    assert "gcj-copy-converted" in row["note"]


def test_located_counts_per_category_and_tier():
    frame = facilities.facilities(located_only=False)
    site = frame["location_precision"] == "site"
    ranked = frame["tier"] == facilities.TOP_HOSPITAL_TIER
    assert site[ranked].sum() >= 24  # of 25; the Tianjin cancer hospital has no Wikidata point
    hospitals = frame["category"] == "hospital"
    assert site[hospitals & ~frame["tier"].eq(facilities.GRADE3A_TIER)].sum() >= 26
    ours = pd.read_csv(FACILITIES_DIR / "facilities_wgs84.csv", dtype=str)["id"]
    parks_bases = frame["category"].isin(["park", "base"]) & frame["id"].isin(ours)
    assert parks_bases.sum() == 11  # 7 national high-tech zones, 3 cooperation parks, 1 base
    # Parks and bases: a sourced site point, else a district point wherever the district is
    # sourced, never silently. Only the Yanjiao zone has a sourced point (Wikipedia, town).
    with_county = parks_bases & frame["county_adcode"].ne("")
    assert frame.loc[with_county, "location_precision"].isin(["site", "district"]).all()
    assert set(frame.loc[parks_bases & site, "id"]) == {"park-yj-hitech"}
    assert frame.loc[parks_bases & ~with_county].geometry.isna().all()
    assert site[frame["id"].isin(ours)].sum() == 27  # of 38: 26 hospitals + the Yanjiao zone


def test_district_points_are_computed_representative_points():
    frame = facilities.facilities()
    district = frame[frame["location_precision"] == "district"]
    assert len(district) >= 5
    counties = regions("county").set_index("adcode")
    for row in district.itertuples():
        expected = counties.loc[row.county_adcode].geometry.representative_point()
        assert row.geometry.distance(expected) < 1e-6, row.id
        assert row.coord_source == facilities.DISTRICT_POINT_SOURCE
    assert facilities.site_points(frame)["location_precision"].eq("site").all()


def _with_far_district_hospitals(original):
    """The real facilities plus district-precision 3A/ranked hospitals in remote counties."""

    def patched():
        frame = original().copy()
        counties = regions("county").set_index("adcode")
        extra = []
        for i, (adcode, tier) in enumerate(
            [("130732", facilities.GRADE3A_TIER), ("130434", facilities.TOP_HOSPITAL_TIER)]
        ):
            row = frame.iloc[0].copy()
            point = counties.loc[adcode].geometry.representative_point()
            row["id"], row["tier"], row["county_adcode"] = f"test-district-{i}", tier, adcode
            row["grade"], row["location_precision"] = facilities.GRADE_3A, "district"
            row["lon"], row["lat"], row["geometry"] = point.x, point.y, point
            extra.append(row)
        combined = pd.concat([frame, pd.DataFrame(extra)], ignore_index=True)
        return combined.set_geometry("geometry").set_crs(4326, allow_override=True)

    return patched


def test_no_district_point_enters_any_distance(monkeypatch):
    before = {
        name: COMPUTED[name]("county")["value"]
        for name in ("nearest_grade3a_km", "nearest_top_hospital_km")
    }
    corridors = {z.id: corridor_analysis(z.id, 200) for z in zones()}
    monkeypatch.setattr(
        facilities, "_all_facilities", _with_far_district_hospitals(facilities._all_facilities)
    )
    assert len(facilities.facilities().query("id.str.startswith('test-district')")) == 2
    for name, values in before.items():
        pd.testing.assert_series_equal(COMPUTED[name]("county")["value"], values)
    for zone in zones():
        analysis = corridor_analysis(zone.id, 200)
        assert (analysis.facilities["location_precision"] == "site").all()
        assert analysis.facilities["id"].tolist() == corridors[zone.id].facilities["id"].tolist()
        assert analysis.approximate["location_precision"].eq("district").all()
        assert "distance_km" not in analysis.approximate.columns
        assert {"test-district-0", "test-district-1"} <= set(analysis.approximate["id"])


def test_grade3a_tier_counts_and_missing_outside_the_listed_provinces():
    graded = facilities.grade3a_hospitals(located_only=False)
    assert (graded["grade"] == facilities.GRADE_3A).all()
    assert graded["id"].is_unique  # ranked 3A hospitals are counted once, from their row
    tier_file = graded[graded["tier"] == facilities.GRADE3A_TIER]
    assert tier_file["county_adcode"].str.startswith("11").all()
    assert tier_file["grade_source"].str.contains("ybj.beijing.gov.cn").all()
    counts = indicator_values("grade3a_hospitals", "province")["value"]
    beijing = int((graded["county_adcode"].str[:2] == "11").sum())
    assert counts.to_dict() == {"110000": beijing}  # Tianjin and Hebei: unknown, not 0
    assert beijing == 68  # 三级甲等 rows of the Beijing insurance list
    county = indicator_values("grade3a_hospitals", "county")["value"]
    assert county.sum() == beijing and set(county.index.str[:2]) == {"11"}
    per_million = indicator_values("grade3a_per_million", "prefecture")["value"]
    population = indicator_values("population_2020", "prefecture")["value"]
    assert per_million["110100"] == pytest.approx(beijing * 1e6 / population["110100"], abs=0.01)
    nearest = indicator_values("nearest_grade3a_km", "county")
    assert len(nearest) == 199
    outside = nearest[~nearest.index.str.startswith("11")]
    assert outside["note"].str.startswith("upper bound").all()


@pytest.mark.parametrize(
    "indicator_id,tier",
    [
        ("grade3a_hospitals", "grade-3a"),
        ("grade3a_per_million", "grade-3a"),
        ("nearest_grade3a_km", "grade-3a"),
        ("top_hospitals", "fudan-top100"),
        ("nearest_top_hospital_km", "fudan-top100"),
    ],
)
def test_catalog_coverage_equals_the_data(indicator_id, tier):
    coverage = get_indicator(indicator_id).extra["coverage"]
    assert coverage == facilities.tier_coverage(tier)


def test_map_page_shows_the_coverage_of_the_data(client):
    actual = facilities.tier_coverage("grade-3a")
    for lang in ("en", "zh"):
        page = client.get(
            f"/maps/choropleth?indicator=grade3a_hospitals&level=county&lang={lang}"
        ).get_data(as_text=True)
        match = re.search(r'id="coverage" data-listed="(\d+)" data-located="(\d+)">([^<]*)', page)
        assert match, page[:500]
        listed, located, sentence = int(match[1]), int(match[2]), match[3]
        assert (listed, located) == (actual["listed"], actual["located"])
        assert f"{located}" in sentence and f"{listed}" in sentence
        assert ("Beijing only" in sentence) if lang == "en" else ("仅北京" in sentence)


def test_corridor_download_separates_approximate_points(client):
    data = client.get("/download/corridor.geojson?zone=tong-wu-lang&band_km=60").get_json()
    roles = [f["properties"]["role"] for f in data["features"]]
    assert roles.count("approximate") == data["approximate_facilities"] >= 1
    for feature in data["features"]:
        props = feature["properties"]
        if props["role"] == "facility":
            assert props["location_precision"] == "site" and props["distance_km"] is not None
        if props["role"] == "approximate":
            assert props["location_precision"] == "district" and "distance_km" not in props


def test_facility_downloads_include_the_grade3a_tier(client):
    geo = client.get("/download/facilities.geojson?category=hospital").get_json()
    tiers = {f["properties"]["tier"] for f in geo["features"]}
    assert {"fudan-top100", "grade-3a"} <= tiers
    located = facilities.facilities("hospital")
    assert len(geo["features"]) == len(located)
    table = client.get("/download/facilities.csv").get_data(as_text=True)
    assert "datum_check" in table.splitlines()[0] and "g3a-bj-" in table


def test_citations_name_public_documents_only():
    """No research notes, seed files, local paths or search-tool ids; GitHub files with a commit."""
    stored = _stored()
    forbidden = re.compile(
        r"research lead|/work/|\bseeds?\b|find_string|\bdata/|\.txt\b|shared/", re.IGNORECASE
    )
    for field in CITED_FIELDS:
        for fid, text in zip(stored["id"], stored[field]):
            assert not forbidden.search(text), (fid, field, forbidden.search(text)[0])
            for mention in re.finditer(r"GitHub ([\w.-]+/[\w.-]+) (\S+)", text):
                tail = text[mention.end() : mention.end() + 60]
                assert re.match(r"\s*@[0-9a-f]{40}", tail), (fid, field, mention[0])
    # One park is named only in a paper with no public copy; its source says so explicitly.
    assert stored["source"].str.contains(r"https?://|no public URL found").all()
    site = stored[stored["location_precision"] == "site"]
    # Every site point names its Wikidata item, or the Wikipedia article whose infobox it is.
    wiki = r"https://www\.wikidata\.org/wiki/Q\d+|https://en\.wikipedia\.org/wiki/\S+"
    assert site["coord_source"].str.contains(wiki).all()
    assert (
        site["category"].ne("hospital").sum()
        == site["coord_source"].str.contains("wikipedia.org").sum()
    )


def test_static_corridor_export_draws_approximate_points_in_the_legend(client):
    svg = client.get("/export/corridor/tong-wu-lang.svg?band_km=30").get_data(as_text=True)
    approximate = facilities.facilities().query("location_precision == 'district'")
    assert f"approximate ({len(approximate)})" in svg
