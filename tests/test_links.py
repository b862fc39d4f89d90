"""Cooperation links: validation, counts, downloads, API, map page and errors."""

import csv
import io
import json
import re

import geopandas as gpd
import pandas as pd
import pytest

from geo.sources import links
from geo.sources.facilities import facilities
from geo.sources.indicators import indicator_values
from geo.sources.links import KINDS, LINKS_DIR, LinkDataError, read_links_file
from geo.sources.regions import regions

RAW = LINKS_DIR / "links.csv"


def raw_rows() -> list[dict]:
    with open(RAW, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_every_link_end_resolves_and_every_row_is_sourced():
    rows = raw_rows()
    assert len(rows) >= 30
    facility_ids = set(facilities(located_only=False)["id"])
    adcodes = set(pd.concat([regions(lv)["adcode"] for lv in ("province", "prefecture", "county")]))
    for row in rows:
        assert row["kind"] in KINDS, row["id"]
        for end in ("from", "to"):
            assert row[end] in facility_ids or row[end] in adcodes, (row["id"], row[end])
        assert row["source_title"] and row["source_publisher"], row["id"]
        assert row["source_url"].startswith(("http://", "https://")), row["id"]
    frame = links.links()
    assert len(frame) == len(rows)
    assert frame[["from_lon", "from_lat", "to_lon", "to_lat"]].notna().all().all()
    assert set(frame["kind"]) == set(KINDS)  # every kind has at least one sourced link


def _broken(tmp_path, **changes) -> str:
    rows = raw_rows()
    rows[0].update(changes)
    path = tmp_path / "links.csv"
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


@pytest.mark.parametrize(
    "changes,message",
    [
        ({"to": "hosp-nowhere"}, "neither a facility id"),
        ({"to": "139999"}, "not a unit of the boundaries"),
        ({"kind": "friendship"}, "not one of hospital-partnership"),
        ({"source_url": ""}, "source_url is empty"),
        ({"to_name_zh": "别的医院"}, "does not match"),
        ({"since": "20x4"}, "is not a year"),
    ],
)
def test_loader_rejects_bad_rows(tmp_path, changes, message):
    with pytest.raises(LinkDataError, match=message):
        read_links_file(_broken(tmp_path, **changes))


def _raw_unit_of(ref: str) -> str:
    """The smallest unit of an end, read from the raw CSV files (not from geo.sources.links)."""
    if ref.isdigit():
        return ref
    manifest = json.loads((links.FACILITIES_DIR / "manifest.json").read_text(encoding="utf-8"))
    for entry in manifest["files"]:
        table = pd.read_csv(links.FACILITIES_DIR / entry["file"], dtype=str, keep_default_na=False)
        match = table[table["id"] == ref]
        if len(match):
            row = match.iloc[0]
            return row.get("unit_adcode") or row["county_adcode"]
    raise AssertionError(ref)


def test_counts_per_unit_equal_a_count_of_the_raw_rows():
    rows = raw_rows()
    counties = set(regions("county")["adcode"])
    expected_county: dict[str, int] = {}
    expected_province: dict[str, int] = {}
    expected_prefecture: dict[str, int] = {}
    for row in rows:
        unit = _raw_unit_of(row["to"])
        expected_province[unit[:2] + "0000"] = expected_province.get(unit[:2] + "0000", 0) + 1
        if unit in counties:
            expected_county[unit] = expected_county.get(unit, 0) + 1
        if not unit.endswith("0000"):
            prefecture = unit if unit.endswith("00") else unit[:4] + "00"
            expected_prefecture[prefecture] = expected_prefecture.get(prefecture, 0) + 1
    county = indicator_values("incoming_links", "county")["value"]
    assert {a: int(v) for a, v in county.items() if v} == expected_county
    province = indicator_values("incoming_links", "province")["value"]
    assert {a: int(v) for a, v in province.items() if v} == expected_province
    prefecture = indicator_values("incoming_links", "prefecture")["value"]
    for adcode, n in expected_prefecture.items():
        if adcode not in ("133100", "130600"):  # Xiong'an overlaps Baoding (both count)
            assert prefecture[adcode] == n, adcode
    xiongan = expected_prefecture.get("133100", 0)
    assert prefecture["133100"] == xiongan
    assert prefecture["130600"] == expected_prefecture.get("130600", 0) + xiongan
    outgoing = indicator_values("outgoing_links", "province")["value"]
    assert int(outgoing.sum()) == len(rows)
    medical = indicator_values("incoming_medical_links", "province")["value"]
    kinds = [r["kind"] for r in rows]
    assert int(medical.sum()) == kinds.count("hospital-partnership") + kinds.count(
        "medical-alliance"
    )


def test_geojson_reads_back_with_one_linestring_per_link(client):
    response = client.get("/download/links.geojson")
    assert response.status_code == 200
    assert response.mimetype == "application/geo+json"
    assert "attachment" in response.headers["Content-Disposition"]
    frame = gpd.read_file(io.BytesIO(response.data), engine="pyogrio")
    rows = raw_rows()
    assert len(frame) == len(rows)
    assert (frame.geom_type == "LineString").all()
    assert frame.crs.to_epsg() == 4326
    assert list(frame["id"]) == [r["id"] for r in rows]
    assert list(frame["from"]) == [r["from"] for r in rows]
    assert list(frame["to_name_zh"]) == [r["to_name_zh"] for r in rows]
    body = json.loads(response.data)
    assert len(body["endpoints"]) == len({r["from"] for r in rows} | {r["to"] for r in rows})
    csv_frame = pd.read_csv(io.BytesIO(client.get("/download/links.csv").data), dtype=str)
    assert list(csv_frame["id"]) == [r["id"] for r in rows]


def test_filters_select_the_matching_rows(client):
    rows = raw_rows()
    body = client.get("/api/links?kind=paired-assistance").get_json()
    assert body["count"] == sum(r["kind"] == "paired-assistance" for r in rows)
    assert {k["id"]: k["count"] for k in body["kinds"]}["paired-assistance"] == body["count"]
    year = client.get("/api/links?year=2015").get_json()
    assert year["count"] == sum(bool(r["since"]) and int(r["since"]) <= 2015 for r in rows)
    # Zhangjiakou: the city and its counties
    to_city = client.get("/api/links?to=130700").get_json()
    units = {r["to"]: _raw_unit_of(r["to"]) for r in rows}
    assert to_city["count"] == sum(units[r["to"]][:4] == "1307" for r in rows)
    geo = json.loads(client.get("/download/links.geojson?kind=joint-park").data)
    assert {f["properties"]["kind"] for f in geo["features"]} == {"joint-park"}


@pytest.mark.parametrize(
    "url,parameter",
    [
        ("/api/links?kind=friendship", "kind"),
        ("/download/links.geojson?from=nowhere", "from"),
        ("/download/links.csv?to=999999", "to"),
        ("/api/links?year=20x5", "year"),
        ("/api/links?level=district", "level"),
    ],
)
def test_bad_parameters_are_400_naming_valid_values(client, url, parameter):
    response = client.get(url)
    assert response.status_code == 400
    body = response.get_json()
    assert body["parameter"] == parameter and body["valid"]
    if parameter == "kind":
        assert body["valid"] == list(KINDS)


def test_bad_kind_on_the_map_page_is_an_escaped_html_400(client):
    response = client.get("/maps/links?kind=<script>alert(1)</script>")
    assert response.status_code == 400
    assert b"<script>alert(1)" not in response.data
    assert b"hospital-partnership" in response.data


def test_links_page_and_embed(client):
    page = client.get("/maps/links?kind=hospital-partnership&lang=zh")
    assert page.status_code == 200
    html = page.data.decode()
    assert "/download/links.geojson?kind=hospital-partnership" in html
    assert "/embed/links?" in html and "医院合作共建" in html
    assert html.count('<tr id="link-') == sum(
        r["kind"] == "hospital-partnership" for r in raw_rows()
    )
    embed = client.get("/embed/links")
    assert embed.status_code == 200
    assert "frame-ancestors *" in embed.headers["Content-Security-Policy"]


def test_links_map_draws_lines_ends_and_legend(page, live_server, artifacts):
    page.goto(live_server + "/maps/links?basemap=none")
    page.locator("body[data-links-drawn]").wait_for(state="attached", timeout=20_000)
    drawn = int(page.evaluate("document.body.dataset.linksDrawn"))
    assert drawn == len(raw_rows())
    assert page.locator("path.jjj-link").count() == drawn
    assert page.locator("path.jjj-link-arrow").count() == drawn
    assert page.locator("path.jjj-link-end-approx").count() >= 1
    assert page.locator("path.jjj-region").count() == 13
    legend = page.locator("#legend")
    assert legend.is_visible()
    for label in ("Hospital partnership", "Paired assistance", "Jointly built park"):
        assert label in legend.inner_text()
    # Click on the arc itself (its bounding-box centre is off the curve).
    x, y = page.evaluate(
        """() => { const p = document.querySelector('path.jjj-link-paired-assistance');
        const pt = p.getPointAtLength(p.getTotalLength() / 2);
        const m = p.getScreenCTM(); return [pt.x * m.a + m.e, pt.y * m.d + m.f]; }"""
    )
    page.screenshot(path=artifacts / "links_map.png")
    page.mouse.click(x, y)
    popup = page.locator(".leaflet-popup-content")
    popup.wait_for(timeout=5_000)
    assert "Paired assistance" in popup.inner_text() and "Source" in popup.inner_text()
    page.screenshot(path=artifacts / "links_map_popup.png")
    assert page.js_errors == []


def test_corridor_map_draws_the_links_inside_its_members(page, live_server, artifacts, client):
    inside = json.loads(client.get("/download/links.geojson?zone=jing-bao-shi").data)
    assert inside["features"]  # Beijing → Baoding links exist in the data
    for feature in inside["features"]:
        assert feature["properties"]["from"] and feature["properties"]["to"]
    page.goto(live_server + "/maps/corridor/jing-bao-shi?basemap=none")
    page.locator("body[data-corridor-links-drawn]").wait_for(state="attached", timeout=20_000)
    drawn = int(page.evaluate("document.body.dataset.corridorLinksDrawn"))
    assert drawn == len(inside["features"])
    assert page.locator("path.jjj-link").count() == drawn
    assert page.locator("path.jjj-corridor-line").count() == 1
    legend = page.locator("#legend").inner_text()
    assert "Hospital partnership" in legend and "Jointly built park" in legend
    page.screenshot(path=artifacts / "corridor_links_jing_bao_shi.png")
    assert page.js_errors == []


def test_units_below_an_end_of_unknown_county_are_marked_lower_bounds():
    rows = raw_rows()
    # 张家口市第一医院 is known only to lie in Zhangjiakou (130700): its counties' counts
    # are lower bounds, and the note says so.
    assert any(_raw_unit_of(r["to"]) == "130700" for r in rows)
    county = indicator_values("incoming_links", "county")
    chongli = county.loc["130709"]
    assert "lower bound" in chongli["note"]
    beijing_county = county.loc["110101"]
    assert beijing_county["value"] == 0 and not beijing_county["note"]


@pytest.mark.parametrize("fmt,mimetype", [("png", "image/png"), ("svg", "image/svg+xml")])
def test_static_export_draws_every_link(client, fmt, mimetype):
    response = client.get(f"/export/links.{fmt}?kind=paired-assistance&lang=zh&width=600")
    assert response.status_code == 200 and response.mimetype == mimetype
    if fmt == "svg":
        svg = response.data.decode()
        assert 'id="legend"' in svg
        expected = [r["id"] for r in raw_rows() if r["kind"] == "paired-assistance"]
        assert sorted(re.findall(r'id="jjj-(link-\d+)"', svg)) == sorted(expected)
    assert client.get("/export/links.gif").status_code == 400
    assert client.get("/export/links.png?kind=nope").status_code == 400


def test_ogc_collection_serves_one_feature_per_link(client):
    rows = raw_rows()
    ids = [c["id"] for c in client.get("/ogc/collections?f=json").get_json()["collections"]]
    assert "links" in ids
    items = client.get(f"/ogc/collections/links/items?f=json&limit={len(rows) + 10}").get_json()
    assert items["numberMatched"] == len(rows)
    assert [f["id"] for f in items["features"]] == [r["id"] for r in rows]
    assert {f["geometry"]["type"] for f in items["features"]} == {"LineString"}
    in_2015 = client.get("/ogc/collections/links/items?f=json&datetime=2015").get_json()
    assert in_2015["numberMatched"] == sum(r["since"] == "2015" for r in rows)
