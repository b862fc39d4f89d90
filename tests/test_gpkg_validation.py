"""Every GeoPackage the service offers passes GDAL's own validator (``validate_gpkg.py``,
shipped by Debian's python3-gdal), and counts are Integer fields under one layer name."""

from __future__ import annotations

import io
import subprocess
from pathlib import Path

import pyogrio
import pytest

from webmap import create_app

VALIDATOR = Path("/usr/lib/python3/dist-packages/osgeo_utils/samples/validate_gpkg.py")
needs_validator = pytest.mark.skipif(
    not VALIDATOR.exists(), reason="needs python3-gdal (scripts/ensure-chromium installs it)"
)


@pytest.fixture(scope="module")
def client(database_url):
    return create_app({"TESTING": True, "DATABASE_URL": database_url}).test_client()


@pytest.fixture(scope="module")
def published(client):
    """A values table and a points table: their GeoPackage routes are checked too."""
    values = "城市,医生数\n石家庄市,10\n保定市,12\n"
    form = {"file": (io.BytesIO(values.encode()), "v.csv"), "title_en": "doctors"}
    created = client.post("/api/datasets", data=form, content_type="multipart/form-data")
    assert created.status_code == 201, created.get_data(as_text=True)
    points = "名称,lng,lat,类型\nA,116.40,39.90,hospital\nB,117.20,39.10,school\n"
    form = {
        "file": (io.BytesIO(points.encode()), "p.csv"),
        "title_en": "sites",
        "kind": "points",
        "datum": "wgs84",
    }
    created_points = client.post("/api/datasets", data=form, content_type="multipart/form-data")
    assert created_points.status_code == 201, created_points.get_data(as_text=True)
    return created.get_json()["id"], created_points.get_json()["id"]


def _gpkg_urls(values_id: str, points_id: str) -> list[str]:
    return [
        "/download/regions.gpkg",
        "/download/regions.gpkg?level=county&indicators=population,area_km2",
        "/download/regions.gpkg?level=prefecture&indicators=population&compare=2010&crs=EPSG:4548",
        "/download/regions.gpkg?level=province&crs=EPSG:3857",
        f"/download/regions.gpkg?dataset={values_id}&level=prefecture",
        f"/download/regions.gpkg?dataset={values_id}&level=prefecture&crs=EPSG:4490",
        "/download/facilities.gpkg",
        "/download/facilities.gpkg?crs=EPSG:4547",
        f"/download/points.gpkg?dataset={points_id}",
        "/download/regions/county/epsg4548/population.gpkg",
        "/download/regions/prefecture/epsg4326/2020-vs-2010/population.gpkg",
        "/download/facilities/epsg4549/all.gpkg",
    ]


def test_every_gpkg_route_is_listed(app):
    """New GeoPackage routes must be added to the validation list above."""
    rules = {r.rule for r in app.url_map.iter_rules() if ".gpkg" in r.rule or "<fmt>" in r.rule}
    covered = {
        "/download/regions.gpkg",
        "/download/facilities.gpkg",
        "/download/points.<fmt>",
        "/download/regions/<level>/<crs>/<indicators>.gpkg",
        "/download/regions/<level>/<crs>/<years>/<indicators>.gpkg",
        "/download/facilities/<crs>/<category>.gpkg",
    }
    gpkg_rules = {r for r in rules if r.endswith(".gpkg")}
    assert gpkg_rules <= covered


@needs_validator
def test_every_geopackage_passes_validate_gpkg(client, published, tmp_path):
    failures = []
    for n, url in enumerate(_gpkg_urls(*published)):
        response = client.get(url)
        assert response.status_code == 200, (url, response.get_data(as_text=True)[:300])
        path = tmp_path / f"{n}.gpkg"
        path.write_bytes(response.data)
        result = subprocess.run(
            ["/usr/bin/python3", str(VALIDATOR), str(path)],
            capture_output=True,
            text=True,
            timeout=120,
        )
        if result.returncode != 0 or "Req " in result.stderr + result.stdout:
            failures.append(f"{url}: {(result.stderr or result.stdout)[-400:]}")
    assert not failures, "\n".join(failures)


def test_counts_are_integer_fields_and_the_layer_name_stays(client, tmp_path):
    names = set()
    for n, indicators in enumerate(["population", "population,area_km2", "area_km2"]):
        response = client.get(f"/download/regions.gpkg?level=county&indicators={indicators}")
        path = tmp_path / f"c{n}.gpkg"
        path.write_bytes(response.data)
        layer = pyogrio.list_layers(path)[0][0]
        names.add(layer)
        info = pyogrio.read_info(path, layer=layer)
        types = dict(zip(info["fields"], info["dtypes"]))
        if "population" in types:
            assert types["population"].startswith("int"), types["population"]
        if "area_km2" in types:
            assert types["area_km2"] == "float64"
    assert names == {"jjj_county"}
    shp = client.get("/download/regions.shp.zip?level=county&indicators=population")
    path = tmp_path / "c.shp.zip"
    path.write_bytes(shp.data)
    info = pyogrio.read_info(f"/vsizip/{path}/jjj_county.shp")
    types = dict(zip(info["fields"], info["dtypes"]))
    assert types["population"].startswith("int")


def test_counts_print_without_a_decimal_point_in_csv(client):
    text = client.get("/download/regions.csv?level=county&indicators=population").get_data(
        as_text=True
    )
    header, *rows = text.splitlines()
    column = header.split(",").index("population")
    values = [row.split(",")[column] for row in rows if row.split(",")[column]]
    assert values and all(v.isdigit() for v in values), values[:5]
    change = client.get(
        "/download/regions.csv?level=prefecture&indicators=population&compare=2010"
    ).get_data(as_text=True)
    head = change.splitlines()[0].split(",")
    first = change.splitlines()[1].split(",")
    assert first[head.index("population_2010")].isdigit()
    assert "." in first[head.index("population_change_pct")]
