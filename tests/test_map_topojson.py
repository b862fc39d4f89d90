"""The map pages' lighter TopoJSON (``/download/regions.topojson?...&view=map``):
coarser quantisation and only the properties the map script reads, with borders that still
meet (no gaps or overlaps) and every label point still inside its unit."""

from __future__ import annotations

import gzip
import json
import re

import pytest
from shapely.geometry import MultiPolygon, Point, Polygon
from shapely.ops import unary_union

from geo.formats import exports
from geo.maps.labels import web_label_options

FULL = "/download/regions.topojson?level=county&indicators=population"
MAP = FULL + "&view=map"


def _decode(topology: dict) -> dict[str, MultiPolygon]:
    """A TopoJSON decoder (spec §2.1.4–2.2): quantised, delta-encoded arcs → polygons."""
    (sx, sy), (tx, ty) = topology["transform"]["scale"], topology["transform"]["translate"]
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append((x * sx + tx, y * sy + ty))
        arcs.append(points)

    def ring(indexes):
        points = []
        for i in indexes:
            part = arcs[i] if i >= 0 else arcs[~i][::-1]
            points.extend(part if not points else part[1:])
        return points

    out = {}
    for geometry in topology["objects"]["regions"]["geometries"]:
        polygons = geometry["arcs"] if geometry["type"] == "MultiPolygon" else [geometry["arcs"]]
        out[geometry["properties"]["adcode"]] = MultiPolygon(
            [Polygon(ring(p[0]), [ring(h) for h in p[1:]]) for p in polygons]
        )
    return out


def _get(client, url: str) -> tuple[bytes, dict]:
    response = client.get(url, headers={"Accept-Encoding": "gzip"})
    assert response.status_code == 200, response.data[:300]
    body = response.data
    raw = gzip.decompress(body) if response.headers.get("Content-Encoding") == "gzip" else body
    return body, json.loads(raw)


@pytest.fixture(scope="module")
def both(app):
    client = app.test_client()
    full_body, full = _get(client, FULL)
    map_body, light = _get(client, MAP)
    return full_body, full, map_body, light


def test_map_view_is_lighter_and_keeps_what_the_map_reads(both):
    full_body, full, map_body, light = both
    assert len(map_body) < 0.75 * len(full_body)
    props = light["objects"]["regions"]["geometries"][0]["properties"]
    assert set(props) == {"adcode", "name_zh", "name_en", "special", "population"}
    assert "population_source" in full["objects"]["regions"]["geometries"][0]["properties"]
    assert "indicators" in full and "indicators" not in light
    assert light["name"] == full["name"]
    # The same units, the same values.
    values = {
        g["properties"]["adcode"]: g["properties"]["population"]
        for g in full["objects"]["regions"]["geometries"]
    }
    assert {
        g["properties"]["adcode"]: g["properties"]["population"]
        for g in light["objects"]["regions"]["geometries"]
    } == values


def test_full_download_keeps_its_quantisation(both):
    _, full, _, light = both
    span = full["bbox"][2] - full["bbox"][0]
    full_step = span / (exports.TOPOJSON_QUANTIZATION - 1)
    assert full["transform"]["scale"][0] == pytest.approx(full_step)
    assert light["transform"]["scale"][0] == pytest.approx(span / (exports.MAP_QUANTIZATION - 1))


def test_borders_still_meet_and_areas_hold(both):
    _, full, _, light = both
    fine, coarse = _decode(full), _decode(light)
    assert set(fine) == set(coarse)
    step = light["transform"]["scale"][0]
    for code, polygon in coarse.items():
        assert polygon.is_valid or polygon.buffer(0).area == pytest.approx(polygon.area, rel=1e-3)
        # Each boundary moves by under half a step on average: the area between the fine
        # and the coarse outline is under ½ × perimeter × step (measured: ≤ 0.25).
        moved = polygon.buffer(0).symmetric_difference(fine[code].buffer(0)).area
        assert moved < 0.5 * fine[code].length * step, code
        # Area within 2 % even for the smallest unit (Heping, Tianjin, ~10 km²: 1.6 %).
        assert polygon.area == pytest.approx(fine[code].area, rel=0.02), code
    regular = [
        coarse[g["properties"]["adcode"]]
        for g in light["objects"]["regions"]["geometries"]
        if not g["properties"]["special"]
    ]
    union = unary_union([p.buffer(0) for p in regular])
    total = sum(p.area for p in regular)
    # No overlaps: the parts add up to their union (to float noise, not a sliver's area).
    assert total == pytest.approx(union.area, rel=1e-6)
    # No gaps opened: the coarse union has no more holes than the fine one.
    fine_union = unary_union(
        [
            fine[g["properties"]["adcode"]].buffer(0)
            for g in full["objects"]["regions"]["geometries"]
            if not g["properties"]["special"]
        ]
    )

    def holes(geom):
        parts = geom.geoms if hasattr(geom, "geoms") else [geom]
        return sum(len(p.interiors) for p in parts)

    assert holes(union) <= holes(fine_union)
    # Neighbours stay neighbours (a shared border of at least one step).
    for a, pa in list(fine.items())[:60]:
        for b, pb in fine.items():
            if a < b and pa.intersection(pb).length > 10 * step:
                assert coarse[a].intersection(coarse[b]).length > 0, (a, b)


def test_every_label_point_is_inside_its_unit(both):
    _, _, _, light = both
    coarse = _decode(light)
    for adcode, lon, lat, _name in web_label_options("county", "en"):
        assert coarse[adcode].buffer(0).contains(Point(lon, lat)), adcode


def test_bad_view_is_a_400_naming_the_valid_value(app):
    response = app.test_client().get(FULL + "&view=<b>x")
    assert response.status_code == 400
    body = response.get_json()
    assert body["parameter"] == "view" and body["valid"] == ["map"]


def test_view_only_for_topojson():
    with pytest.raises(exports.BadParameter):
        exports.regions_export("county", ["population"], "geojson", view="map")


def test_choropleth_page_draws_the_map_view(app):
    client = app.test_client()
    page = client.get("/maps/choropleth?indicator=population&level=county").get_data(True)
    script = re.search(r'src="(/map-script/[^"]+)"', page).group(1).replace("&amp;", "&")
    body = client.get(script).get_data(True)
    assert "view=map" in body and "regions.topojson" in body
