"""OGC API – Features Part 1: each requirement class's paths and status codes, and GDAL as
the client (``ogrinfo``/``ogr2ogr`` with the OAPIF driver against the live gunicorn)."""

from __future__ import annotations

import io
import json
import shutil
import subprocess

import pytest

from geo.formats import ogc
from geo.sources.catalog import indicators

CONF = "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/"


def rels(document) -> dict[str, list[dict]]:
    found: dict[str, list[dict]] = {}
    for link in document["links"]:
        found.setdefault(link["rel"], []).append(link)
    return found


def test_landing_page_links_api_conformance_and_collections(client):
    for url in ("/ogc", "/ogc/"):
        response = client.get(url)
        assert response.status_code == 200 and response.mimetype == "application/json"
        links = rels(response.get_json())
        assert {"self", "alternate", "service-desc", "service-doc", "conformance", "data"} <= set(
            links
        )
        assert links["service-desc"][0]["type"].startswith("application/vnd.oai.openapi+json")
        assert links["self"][0]["href"] == "http://localhost/ogc?f=json"


def test_conformance_declares_core_geojson_html_oas30(client):
    body = client.get("/ogc/conformance").get_json()
    declared = set(body["conformsTo"])
    assert {CONF + c for c in ("core", "geojson", "html", "oas30")} | {
        "http://www.opengis.net/spec/ogcapi-features-2/1.0/conf/crs"
    } <= declared
    # the rest are Part 3 (filtering) and CQL2 classes: tests/test_ogc_filter.py
    others = declared - {CONF + c for c in ("core", "geojson", "html", "oas30")}
    assert all("features-2" in c or "features-3" in c or "/cql2/" in c for c in others)


def test_openapi_document_and_its_html_view(client):
    response = client.get("/ogc/api")
    assert response.mimetype == "application/vnd.oai.openapi+json"
    doc = json.loads(response.data)
    assert doc["openapi"].startswith("3.0")
    for cid in ("county", "facilities"):
        assert f"/collections/{cid}/items" in doc["paths"]
        assert f"/collections/{cid}/items/{{featureId}}" in doc["paths"]
    params = doc["components"]["parameters"]
    # Part 1 /req/core/fc-limit-response-1: a larger limit means the maximum, so the schema
    # accepts it and says what is served (document and behaviour agree).
    assert "maximum" not in params["limit"]["schema"] and "10000" in params["limit"]["description"]
    from openapi_spec_validator import validate

    validate(doc)  # a valid OpenAPI 3.0 document, self-contained (no remote references)
    assert "https://" not in json.dumps(doc["paths"])
    html = client.get("/ogc/api?f=html")
    assert html.mimetype == "text/html" and b"/collections/county/items" in html.data


def test_collections_come_from_the_catalog(client):
    body = client.get("/ogc/collections").get_json()
    ids = [c["id"] for c in body["collections"]]
    builtin = ["province", "prefecture", "county", "facilities", "zones", "corridors"]
    assert ids[: len(builtin)] == builtin
    assert "links" in ids[len(builtin) :]  # registered by geo.sources.links after the built-ins
    county = next(c for c in body["collections"] if c["id"] == "county")
    county_indicators = [i.id for i in indicators() if "county" in i.levels]
    for indicator_id in county_indicators:
        assert indicator_id in county["properties"]
        assert f"{indicator_id}_source" in county["properties"]
    assert county["extent"]["spatial"]["crs"] == ogc.CRS84
    assert {link["rel"] for link in county["links"]} >= {"self", "alternate", "items"}
    facilities = next(c for c in body["collections"] if c["id"] == "facilities")
    assert "location_precision" in facilities["properties"]
    assert "temporal" in facilities["extent"]


def test_collection_and_unknown_collection(client):
    assert client.get("/ogc/collections/zones").get_json()["id"] == "zones"
    missing = client.get("/ogc/collections/atlantis")
    assert missing.status_code == 404
    assert "county" in missing.get_json()["valid"]


def test_items_are_geojson_with_paging_links(client):
    response = client.get("/ogc/collections/county/items?limit=50&offset=100")
    assert response.status_code == 200 and response.mimetype == "application/geo+json"
    page = response.get_json()
    assert page["type"] == "FeatureCollection"
    assert page["numberMatched"] == 199 and page["numberReturned"] == 50
    links = rels(page)
    assert "offset=150" in links["next"][0]["href"] and "offset=50" in links["prev"][0]["href"]
    assert links["collection"][0]["href"].endswith("/ogc/collections/county?f=json")
    feature = page["features"][0]
    assert feature["id"] == feature["properties"]["adcode"]
    assert "area_km2" in feature["properties"] and "area_km2_source" in feature["properties"]
    last = client.get("/ogc/collections/county/items?limit=50&offset=150").get_json()
    assert last["numberReturned"] == 49 and "next" not in rels(last)


def test_default_and_maximum_limit(client):
    default = client.get("/ogc/collections/county/items").get_json()
    assert default["numberReturned"] == 100 and "next" in rels(default)
    huge = client.get("/ogc/collections/county/items?limit=50000").get_json()
    assert huge["numberReturned"] == 199  # above the maximum means the maximum


def test_bbox_filters_and_only_crs84_is_accepted(client):
    beijing = "115.4,39.4,117.5,41.1"
    inside = client.get(f"/ogc/collections/county/items?bbox={beijing}").get_json()
    assert 0 < inside["numberMatched"] < 199
    assert any(f["properties"]["parent_adcode"] == "110100" for f in inside["features"])
    crs84 = client.get(f"/ogc/collections/county/items?bbox={beijing}&bbox-crs={ogc.CRS84}")
    assert crs84.get_json()["numberMatched"] == inside["numberMatched"]
    bad_crs = client.get(f"/ogc/collections/county/items?bbox={beijing}&bbox-crs=EPSG:3857")
    assert bad_crs.status_code == 400 and bad_crs.get_json()["parameter"] == "bbox-crs"
    # minLat > maxLat matches nothing (the documented rule), it is not refused
    empty = client.get("/ogc/collections/county/items?bbox=116,41,117,40").get_json()
    assert empty["numberMatched"] == 0
    for bad in ("1,2,3", "a,b,c,d", "1,2,3,inf"):
        response = client.get(f"/ogc/collections/county/items?bbox={bad}")
        assert response.status_code == 400 and response.get_json()["parameter"] == "bbox"


def test_property_filters(client):
    by_code = client.get("/ogc/collections/county/items?adcode=110101").get_json()
    assert [f["id"] for f in by_code["features"]] == ["110101"]
    name_zh = by_code["features"][0]["properties"]["name_zh"]
    name_en = by_code["features"][0]["properties"]["name_en"]
    for name in (name_zh, name_en.upper()):
        found = client.get("/ogc/collections/county/items", query_string={"name": name})
        assert [f["id"] for f in found.get_json()["features"]] == ["110101"]
    hospitals = client.get("/ogc/collections/facilities/items?category=hospital").get_json()
    assert hospitals["numberMatched"] > 0
    assert {f["properties"]["category"] for f in hospitals["features"]} == {"hospital"}
    unknown = client.get("/ogc/collections/county/items?colour=red")
    assert unknown.status_code == 400 and "adcode" in unknown.get_json()["valid"]


def test_datetime_on_collections_with_years(client):
    everything = client.get("/ogc/collections/facilities/items").get_json()
    years = [f["properties"]["year"] for f in everything["features"]]
    year = max(y for y in years if y is not None)
    expected = years.count(year)
    for value in (str(year), f"{year}-01-01/{year}-12-31", f"{year}-06-01T00:00:00Z/.."):
        found = client.get(f"/ogc/collections/facilities/items?datetime={value}").get_json()
        assert found["numberMatched"] >= expected
        assert all(f["properties"]["year"] >= year for f in found["features"])
    exact = client.get(f"/ogc/collections/facilities/items?datetime={year}").get_json()
    assert exact["numberMatched"] == expected
    assert client.get("/ogc/collections/facilities/items?datetime=soon").status_code == 400
    no_years = client.get("/ogc/collections/county/items?datetime=2020")
    assert no_years.status_code == 400 and "facilities" in no_years.get_json()["valid"]


def test_feature_by_id_and_unknown_feature(client):
    feature = client.get("/ogc/collections/county/items/110101")
    assert feature.status_code == 200 and feature.mimetype == "application/geo+json"
    body = feature.get_json()
    assert body["type"] == "Feature" and body["id"] == "110101"
    assert body["geometry"]["type"] in ("Polygon", "MultiPolygon")
    assert {"self", "alternate", "collection"} <= set(rels(body))
    assert client.get("/ogc/collections/county/items/999999").status_code == 404


@pytest.mark.parametrize("param", ["limit=0", "limit=ten", "offset=-1", "f=xml"])
def test_bad_parameters_are_400(client, param):
    response = client.get(f"/ogc/collections/county/items?{param}")
    assert response.status_code == 400
    assert response.get_json()["parameter"] == param.split("=")[0]


@pytest.mark.parametrize(
    "path",
    [
        "",
        "/conformance",
        "/api",
        "/collections",
        "/collections/county",
        "/collections/county/items?limit=5",
        "/collections/facilities/items/hosp-plagh",
    ],
)
def test_every_path_has_an_html_view(client, path):
    joiner = "&" if "?" in path else "?"
    explicit = client.get(f"/ogc{path}{joiner}f=html")
    assert explicit.status_code == 200 and explicit.mimetype == "text/html"
    browser = client.get(
        f"/ogc{path}", headers={"Accept": "text/html,*/*;q=0.8", "Accept-Encoding": "gzip"}
    )
    assert browser.status_code == 200 and browser.mimetype == "text/html"
    assert browser.headers["Content-Encoding"] == "gzip"
    assert "script-src 'self';" in browser.headers["Content-Security-Policy"]
    assert b"<script" not in explicit.data


def test_html_escapes_and_errors_follow_the_format(client):
    page = client.get("/ogc/collections/nowhere?f=html")
    assert page.status_code == 404 and page.mimetype == "text/html"
    evil = client.get("/ogc/collections/%3Cscript%3Ex/items", headers={"Accept": "text/html"})
    assert evil.status_code == 404 and b"<script>x" not in evil.data


def test_registered_collections_are_listed(client):
    import geopandas as gpd
    from shapely.geometry import Point

    def provider():
        frame = gpd.GeoDataFrame(
            {"id": ["a"], "name_zh": ["甲"], "name_en": ["A"]},
            geometry=[Point(116.4, 39.9)],
            crs=4326,
        )
        yield ogc.Collection(
            id="dataset-test", title="Test dataset", description="d", load=lambda: frame
        )

    from geo import version

    before = client.get("/ogc/collections").get_json()
    # A source of collections also registers its version: cached listings then miss.
    ogc.register_collections("test", provider)
    version.register_version_source("test", lambda: "1")
    try:
        listing = client.get("/ogc/collections")
        assert listing.headers["X-Cache"] == "MISS"
        ids = [c["id"] for c in listing.get_json()["collections"]]
        assert "dataset-test" in ids
        items = client.get("/ogc/collections/dataset-test/items").get_json()
        assert items["features"][0]["id"] == "a"
    finally:
        ogc.unregister_collections("test")
        version.unregister_version_source("test")
    assert client.get("/ogc/collections").get_json() == before
    assert client.get("/ogc/collections/dataset-test/items").status_code == 404


# --------------------------------------------------------------------- GDAL as the client

needs_gdal = pytest.mark.skipif(
    shutil.which("ogrinfo") is None, reason="gdal-bin missing: scripts/ensure-chromium installs it"
)


@needs_gdal
def test_ogrinfo_lists_199_counties_with_their_fields(live_server):
    result = subprocess.run(
        ["ogrinfo", "-so", f"OAPIF:{live_server}/ogc", "county"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert "Feature Count: 199" in result.stdout
    assert "Geometry: Multi Polygon" in result.stdout
    for field in ("adcode: String", "name_zh: String", "area_km2: Real", "area_km2_source"):
        assert field in result.stdout
    assert 'ID["EPSG",4326]' in result.stdout


@needs_gdal
def test_ogr2ogr_copies_facilities_into_a_geopackage(live_server, tmp_path):
    import pyogrio

    target = tmp_path / "facilities.gpkg"
    result = subprocess.run(
        ["ogr2ogr", "-f", "GPKG", str(target), f"OAPIF:{live_server}/ogc", "facilities"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    copied = pyogrio.read_dataframe(target, layer="facilities")
    from geo.sources.facilities import facilities

    expected = facilities(located_only=False)
    assert len(copied) == len(expected)
    assert set(copied["id"]) == set(expected["id"])
    assert copied.crs.to_epsg() == 4326
    located = copied[copied.geometry.notna()]
    assert len(located) == int(expected.geometry.notna().sum())


@pytest.mark.browser
def test_html_views_in_a_browser(page, live_server, artifacts):
    response = page.goto(f"{live_server}/ogc/collections/county/items?f=html&limit=10&offset=10")
    assert response.status == 200, response.text()[:500]
    page.wait_for_selector("table.ogc-links tbody tr")
    assert page.locator("table.ogc-links tbody tr").count() == 10, page.content()[:1000]
    page.locator("a[rel=next]").click()
    page.wait_for_url("**offset=20**")
    page.screenshot(path=artifacts / "ogc_items.png")
    page.locator("tbody tr a").first.click()
    page.wait_for_url("**/items/*")
    assert "adcode" in page.locator("table").first.inner_text()
    page.screenshot(path=artifacts / "ogc_item.png")
    page.goto(f"{live_server}/ogc/collections?f=html")
    # one row per collection: the six built-ins, then registered ones (links)
    listed = client_collection_count(live_server)
    assert page.locator("table.ogc-links tbody tr").count() == listed >= 7
    page.screenshot(path=artifacts / "ogc_collections.png")
    assert page.js_errors == []


def client_collection_count(base: str) -> int:
    import urllib.request

    with urllib.request.urlopen(f"{base}/ogc/collections?f=json", timeout=10) as response:
        return len(json.loads(response.read())["collections"])


def test_published_datasets_are_collections_with_their_versioned_url(tmp_path):
    from test_datasets import county_csv, publish_csv

    from webmap import create_app

    client = create_app(
        {"TESTING": True, "DATABASE_URL": f"sqlite:///{tmp_path / 'atlas.sqlite3'}"}
    ).test_client()
    created = publish_csv(client, county_csv(), title_en="Beds", title_zh="床位", source="A table")
    assert created.status_code == 201, created.get_data(as_text=True)
    dataset_id, token = created.get_json()["id"], created.get_json()["edit_token"]
    cid = f"dataset-{dataset_id}"
    listing = client.get("/ogc/collections").get_json()["collections"]
    entry = next(c for c in listing if c["id"] == cid)
    assert entry["title"] == "Beds" and "床位数" in entry["properties"]
    described = [link for link in entry["links"] if link["rel"] == "describedby"]
    assert described[0]["href"].endswith(f"/datasets/{dataset_id}/v/1")
    items = client.get(f"/ogc/collections/{cid}/items?limit=500").get_json()
    assert items["numberMatched"] == 199
    values = {f["id"]: f["properties"]["床位数"] for f in items["features"]}
    assert sorted(v for v in values.values() if v is not None)[:2] == [0.0, 1.5]
    # A replace is seen at once: the OGC answers are keyed on the datasets' versions.
    replaced = client.put(
        f"/api/datasets/{dataset_id}",
        data={"file": (io.BytesIO(county_csv(value=lambda i: str(i * 10))), "b.csv")},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert replaced.status_code == 200
    again = client.get(f"/ogc/collections/{cid}/items?limit=500")
    assert again.headers["X-Cache"] == "MISS"
    values = {f["id"]: f["properties"]["床位数"] for f in again.get_json()["features"]}
    assert sorted(v for v in values.values() if v is not None)[:2] == [0.0, 10.0]
    deleted = client.delete(
        f"/api/datasets/{dataset_id}", headers={"Authorization": f"Bearer {token}"}
    )
    assert deleted.status_code == 200
    # A deleted dataset's OGC addresses answer 410 like its other addresses.
    for path in ("", "/items", "/items/110101"):
        assert client.get(f"/ogc/collections/{cid}{path}").status_code == 410
