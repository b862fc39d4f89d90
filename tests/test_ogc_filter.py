"""OGC API – Features Part 3: queryables, CQL2 text and JSON filters (checked against the
unfiltered features evaluated here in Python), properties/sortby/skipGeometry, and GDAL's
OAPIF driver sending ``-where`` to the server as a CQL filter."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

import pytest
import shapely
from pyproj import Transformer

from geo.sources.catalog import get_indicator
from tests.conftest import ROOT, free_port, wait_for

EPSG = "http://www.opengis.net/def/crs/EPSG/0/"
ITEMS = "/ogc/collections/{}/items"


def _all(client, collection: str) -> list[dict]:
    body = client.get(ITEMS.format(collection) + "?limit=10000").get_json()
    assert body["numberMatched"] == body["numberReturned"]
    return body["features"]


def _ids(client, collection: str, query: str) -> list[str]:
    url = ITEMS.format(collection) + "?limit=10000&" + query
    response = client.get(url)
    assert response.status_code == 200, (url, response.get_data(as_text=True)[:400])
    body = response.get_json()
    assert body["numberMatched"] == len(body["features"])
    return sorted(f["id"] for f in body["features"])


def _f(text: str) -> str:
    return "filter=" + quote(text)


@pytest.fixture(scope="module")
def counties(app):
    return _all(app.test_client(), "county")


@pytest.fixture(scope="module")
def facilities(app):
    return _all(app.test_client(), "facilities")


def _expect(features, keep) -> list[str]:
    return sorted(f["id"] for f in features if keep(f["properties"], f["geometry"]))


def _population(p):
    return p.get("population")


CASES = [
    (
        "population > 2000000",
        lambda p, g: _population(p) is not None and _population(p) > 2000000,
    ),
    (
        "population >= 500000 AND population < 600000",
        lambda p, g: _population(p) is not None and 500000 <= _population(p) < 600000,
    ),
    (
        "population BETWEEN 300000 AND 400000",
        lambda p, g: _population(p) is not None and 300000 <= _population(p) <= 400000,
    ),
    (
        "name_zh LIKE '%新区' OR name_en = 'Haidian District'",
        lambda p, g: p["name_zh"].endswith("新区") or p["name_en"] == "Haidian District",
    ),
    ("name_en LIKE 'Xi%'", lambda p, g: p["name_en"].startswith("Xi")),
    (
        "parent_adcode IN ('130600', '131000')",
        lambda p, g: p["parent_adcode"] in ("130600", "131000"),
    ),
    (
        "NOT (parent_adcode IN ('110100', '120100'))",
        lambda p, g: p["parent_adcode"] not in ("110100", "120100"),
    ),
    ("grade3a_hospitals IS NULL", lambda p, g: p.get("grade3a_hospitals") is None),
    (
        "top_hospitals IS NOT NULL AND top_hospitals > 0",
        lambda p, g: (p.get("top_hospitals") or 0) > 0,
    ),
    (
        "special = false AND parent_adcode = '130600'",
        lambda p, g: p["special"] is False and p["parent_adcode"] == "130600",
    ),
]


@pytest.mark.parametrize(("text", "keep"), CASES, ids=[c[0] for c in CASES])
def test_cql2_text_filters_match_python(client, counties, text, keep):
    expected = _expect(counties, keep)
    assert 0 < len(expected) < len(counties), "a case must keep some, not all"
    assert _ids(client, "county", _f(text)) == expected


def test_cql2_json_gives_the_same_answers(client, counties):
    expression = {
        "op": "and",
        "args": [
            {"op": ">", "args": [{"property": "population"}, 1000000]},
            {"op": "like", "args": [{"property": "name_en"}, "%District"]},
            {"op": "not", "args": [{"op": "isNull", "args": [{"property": "area_km2"}]}]},
        ],
    }
    expected = _expect(
        counties,
        lambda p, g: (_population(p) or 0) > 1000000 and p["name_en"].endswith("District"),
    )
    got = _ids(client, "county", "filter-lang=cql2-json&" + _f(json.dumps(expression)))
    assert got == expected and expected
    text = "population > 1000000 AND name_en LIKE '%District' AND area_km2 IS NOT NULL"
    assert _ids(client, "county", _f(text)) == expected


def _intersecting(features, shape) -> list[str]:
    return sorted(
        f["id"]
        for f in features
        if f["geometry"] is not None and shapely.geometry.shape(f["geometry"]).intersects(shape)
    )


def test_s_intersects_box_polygon_and_point(client, counties, facilities):
    box = shapely.box(116.3, 39.8, 116.5, 40.0)
    expected = _intersecting(counties, box)
    assert 2 < len(expected) < 20
    assert (
        _ids(client, "county", _f("S_INTERSECTS(geometry, BBOX(116.3,39.8,116.5,40.0))"))
        == expected
    )
    as_json = {
        "op": "s_intersects",
        "args": [{"property": "geometry"}, {"bbox": [116.3, 39.8, 116.5, 40.0]}],
    }
    assert _ids(client, "county", "filter-lang=cql2-json&" + _f(json.dumps(as_json))) == expected
    triangle = shapely.Polygon([(116.0, 39.5), (117.5, 39.5), (116.7, 40.5)])
    assert _ids(client, "county", _f(f"S_INTERSECTS(geometry, {triangle.wkt})")) == _intersecting(
        counties, triangle
    )
    near = _ids(
        client,
        "facilities",
        _f("S_INTERSECTS(geometry, BBOX(116.40,39.90,116.42,39.92)) AND category = 'hospital'"),
    )
    assert near == _expect(
        facilities,
        lambda p, g: (
            g is not None
            and shapely.geometry.shape(g).intersects(shapely.box(116.40, 39.90, 116.42, 39.92))
            and p["category"] == "hospital"
        ),
    )


def test_filter_crs_moves_the_geometry(client, counties):
    """A Gauss–Krüger box (northing, easting: EPSG:4548's axis order) selects what the same
    box reprojected by pyproj selects."""
    to_gk = Transformer.from_crs("OGC:CRS84", "EPSG:4548")
    n0, e0 = to_gk.transform(116.25, 39.75)
    n1, e1 = to_gk.transform(116.55, 40.05)
    query = f"filter-crs={EPSG}4548&" + _f(f"S_INTERSECTS(geometry, BBOX({n0},{e0},{n1},{e1}))")
    got = _ids(client, "county", query)
    back = Transformer.from_crs("EPSG:4548", "OGC:CRS84")
    ring = [back.transform(n, e) for n, e in [(n0, e0), (n0, e1), (n1, e1), (n1, e0)]]
    expected = _intersecting(counties, shapely.Polygon(ring))
    assert got == expected and len(expected) > 2


@pytest.mark.parametrize(
    ("query", "name", "says"),
    [
        (_f("population >>> 1"), "filter", "Unexpected"),
        (_f("popluation > 1"), "filter", "popluation"),
        ("filter-lang=cql2-json&" + _f("{not json"), "filter", "Expecting"),
        ("filter-lang=ecql&" + _f("population > 1"), "filter-lang", "cql2-text"),
        (f"filter-crs={EPSG}9999&" + _f("population > 1"), "filter-crs", "4548"),
        ("properties=name_zh,nope", "properties", "nope"),
        ("sortby=-nope", "sortby", "nope"),
        ("skipGeometry=yes", "skipGeometry", "true"),
    ],
)
def test_bad_filters_are_400_with_the_parsers_message(client, query, name, says):
    response = client.get(ITEMS.format("county") + "?" + query)
    assert response.status_code == 400
    body = response.get_json()
    assert body["code"] == "InvalidParameterValue"
    assert body["parameter"] == name and says in body["description"]


def test_properties_sortby_and_skip_geometry(client, counties):
    body = client.get(
        ITEMS.format("county") + "?properties=name_zh,population&sortby=-population&limit=5"
        "&skipGeometry=true"
    ).get_json()
    assert all(set(f["properties"]) <= {"name_zh", "population"} for f in body["features"])
    assert all(f["geometry"] is None for f in body["features"])
    top = sorted((_population(f["properties"]) or -1 for f in counties), reverse=True)[:5]
    assert [f["properties"]["population"] for f in body["features"]] == top
    ascending = client.get(ITEMS.format("county") + "?sortby=+name_en,adcode&limit=3").get_json()
    names = sorted(f["properties"]["name_en"] for f in counties)[:3]
    assert [f["properties"]["name_en"] for f in ascending["features"]] == names


def test_filtered_paging_keeps_the_filter(client, counties):
    text = "population > 400000 AND name_en LIKE '%County'"
    url = ITEMS.format("county") + "?limit=7&" + _f(text)
    expected = _expect(
        counties, lambda p, g: (_population(p) or 0) > 400000 and p["name_en"].endswith("County")
    )
    seen = []
    while url:
        body = client.get(url).get_json()
        seen += [f["id"] for f in body["features"]]
        following = [link["href"] for link in body["links"] if link["rel"] == "next"]
        url = following[0].split("localhost", 1)[1] if following else None
    assert sorted(seen) == expected and len(expected) > 7


def test_queryables_and_conformance(client):
    conformance = client.get("/ogc/conformance").get_json()["conformsTo"]
    for cls in (
        "ogcapi-features-3/1.0/conf/filter",
        "ogcapi-features-3/1.0/conf/features-filter",
        "cql2/1.0/conf/cql2-text",
        "cql2/1.0/conf/cql2-json",
        "cql2/1.0/conf/basic-cql2",
        "cql2/1.0/conf/advanced-comparison-operators",
        "cql2/1.0/conf/basic-spatial-functions",
        "ogcapi-features-3/1.0/conf/queryables",
    ):
        assert any(c.endswith(cls) for c in conformance), cls
    response = client.get(
        "/ogc/collections/county/queryables", headers={"Accept": "application/schema+json"}
    )
    assert response.status_code == 200 and response.mimetype == "application/schema+json"
    schema = response.get_json()
    props = schema["properties"]
    assert props["population"]["type"] == "number"
    assert props["name_zh"]["type"] == "string" and props["special"]["type"] == "boolean"
    population = get_indicator("population")
    assert props["population"]["x-title-zh"] == population.title_zh
    assert props["population"]["x-title-en"] == population.title_en
    assert props["geometry"]["format"] == "geometry-any"
    zh = client.get("/ogc/collections/county/queryables?lang=zh").get_json()
    assert zh["properties"]["name_en"]["title"] == "英文名称"
    links = client.get("/ogc/collections/county").get_json()["links"]
    assert any(link["rel"].endswith("/queryables") for link in links)
    html = client.get("/ogc/collections/facilities/queryables?f=html")
    assert html.status_code == 200 and "category" in html.get_data(as_text=True)


@pytest.fixture(scope="module")
def logged_server(tmp_path_factory):
    """gunicorn with an access log: shows what GDAL asked the server for."""
    tmp = tmp_path_factory.mktemp("oapif")
    log = tmp / "access.log"
    port = free_port()
    env = {**os.environ, "JJJ_ATLAS_DATABASE_URL": f"sqlite:///{tmp}/store.sqlite3"}
    process = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
            "--access-logfile",
            str(log),
            "webmap:create_app()",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(base + "/api/zones", timeout=90)
        yield base, log
    finally:
        process.terminate()
        process.wait(timeout=30)


def test_gdal_oapif_sends_where_as_a_server_side_filter(logged_server, counties):
    pyogrio = pytest.importorskip("pyogrio")
    base, log = logged_server
    where = "population > 1500000 AND name_en LIKE '%District'"
    frame = pyogrio.read_dataframe(f"OAPIF:{base}/ogc", layer="county", where=where)
    expected = _expect(
        counties,
        lambda p, g: (_population(p) or 0) > 1500000 and p["name_en"].endswith("District"),
    )
    assert sorted(frame["id"] if "id" in frame else frame["adcode"]) == expected and expected
    requests = log.read_text()
    assert "filter=" in requests and "population" in requests
    filtered = [line for line in requests.splitlines() if "filter=" in line]
    assert all('" 200 ' in line for line in filtered), filtered
