"""Every route declares its query parameters; an unknown one or a repeated single-value one
is a 400 naming it, answered before the response cache stores anything."""

from __future__ import annotations

import re

import pytest

from webmap import caching, query_params

#: A value for each kind of path argument (the hook answers before the view reads it).
SAMPLE = {"int": "1", "path": "maps/choropleth", "default": "x"}


def _get_rules(app):
    return [
        rule
        for rule in app.url_map.iter_rules()
        if "GET" in rule.methods and rule.endpoint != "static"
    ]


def _sample_path(rule) -> str:
    path = rule.rule
    for converter, name in re.findall(r"<(?:(\w+):)?(\w+)>", rule.rule):
        value = SAMPLE.get(converter or "default", "x")
        if name == "collection_id":
            value = "facilities"
        if name == "fmt":
            value = "png" if rule.endpoint.split(".")[0] in ("export", "links") else "geojson"
        path = re.sub(rf"<(?:\w+:)?{name}>", value, path, count=1)
    return path


def test_every_get_route_declares_its_parameters(app):
    with app.app_context():
        missing = [
            f"{rule.rule} ({rule.endpoint})"
            for rule in app.url_map.iter_rules()
            if "GET" in rule.methods and query_params.declaration_for(rule.endpoint) is None
        ]
    assert not missing, "GET routes that declare no query parameters: " + ", ".join(missing)


def test_every_get_route_refuses_an_unknown_parameter(app, client):
    checked = 0
    for rule in _get_rules(app):
        url = _sample_path(rule) + "?zz_misspelt=1"
        response = client.get(url)
        assert response.status_code == 400, (url, response.status_code)
        assert "zz_misspelt" in response.get_data(as_text=True), url
        checked += 1
    assert checked > 50


def test_every_get_route_refuses_a_repeated_single_value(app, client):
    checked = 0
    with app.app_context():
        declarations = {
            r.endpoint: query_params.declaration_for(r.endpoint) for r in _get_rules(app)
        }
    for rule in _get_rules(app):
        declared = declarations[rule.endpoint]
        single = sorted(declared.names - declared.repeatable)
        if not single:
            continue
        name = single[0]
        url = _sample_path(rule) + f"?{name}=a&{name}=b"
        response = client.get(url)
        assert response.status_code == 400, (url, response.status_code)
        assert name in response.get_data(as_text=True)
        checked += 1
    assert checked > 40


@pytest.mark.parametrize(
    ("url", "name"),
    [
        ("/download/regions.gpkg?srs=EPSG:4548", "srs"),
        ("/download/regions.shp.zip?lvl=county", "lvl"),
        ("/download/regions.geojson?level=county&indicator=gdp", "indicator"),
        ("/download/facilities.gpkg?categroy=hospital", "categroy"),
        ("/api/indicators?langu=zh", "langu"),
        ("/ogc/collections/facilities/items?limt=5", "limt"),
        ("/maps/choropleth?indicator=gdp&junk=7f3a", "junk"),
        ("/embed/choropleth?indicator=gdp&chrome=0&x=1", "x"),
        ("/export/choropleth.png?indicator=gdp&widht=800", "widht"),
        ("/analysis/inequality?indicator=gdp&wieght=population", "wieght"),
        ("/maps/links?knd=hospital", "knd"),
    ],
)
def test_misspelt_parameter_is_400_naming_it(client, url, name):
    response = client.get(url)
    assert response.status_code == 400
    text = response.get_data(as_text=True)
    assert name in text
    if response.is_json:
        body = response.get_json()
        assert body["parameter"] == name
        assert "valid" in body and body["valid"]


def test_repeated_indicator_is_400_not_a_coin_toss(client):
    response = client.get("/maps/choropleth?indicator=gdp&indicator=population")
    assert response.status_code == 400
    assert "indicator" in response.get_data(as_text=True)
    api = client.get("/download/regions.geojson?level=county&level=prefecture")
    assert api.status_code == 400 and api.get_json()["parameter"] == "level"


def test_checkbox_lists_may_repeat(client):
    """``points`` (the page's checkboxes) and OGC's exploded ``bbox`` are lists."""
    page = client.get("/maps/choropleth?indicator=gdp&points=hospital&points=park")
    assert page.status_code == 200
    items = client.get(
        "/ogc/collections/facilities/items?bbox=115&bbox=39&bbox=118&bbox=41&limit=1"
    )
    assert items.status_code == 200


def test_junk_parameters_do_not_touch_the_response_cache(client):
    warm = client.get("/maps/choropleth?indicator=gdp&level=prefecture")
    assert warm.status_code == 200
    before = caching.stats()
    for n in range(200):
        assert (
            client.get(f"/maps/choropleth?indicator=gdp&level=prefecture&junk={n}").status_code
            == 400
        )
        assert client.get(f"/download/regions.geojson?level=county&junk={n}").status_code == 400
    after = caching.stats()
    assert after["entries"] == before["entries"]
    assert after["evictions"] == before["evictions"]
    assert after["misses"] == before["misses"]
    again = client.get("/maps/choropleth?indicator=gdp&level=prefecture")
    assert again.headers["X-Cache"] == "HIT"


def test_ogc_errors_use_code_and_description(client):
    body = client.get("/ogc/collections/facilities/items?limt=5").get_json()
    assert body["code"] == "InvalidParameterValue"
    assert "limt" in body["description"]
    missing = client.get("/ogc/collections/nowhere").get_json()
    assert missing["code"] == "NotFound" and "nowhere" in missing["description"]
