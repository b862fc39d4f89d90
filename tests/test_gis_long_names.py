"""GeoPackage and Shapefile of a dataset whose column names are long
(≥ 57 characters) download (no 500); long names are shortened uniquely and mapped back."""

from __future__ import annotations

import csv
import io
import zipfile

import pyogrio
import pytest

from geo.formats.gis_exports import GPKG_MAX_FIELD
from geo.sources.limits import MAX_COLUMN_NAME
from webmap import create_app

LONG_A = (
    "京津冀各区县每千常住人口拥有的医疗卫生机构床位数量"
    "统计口径为年末实有床位数量包括医院卫生院和社区卫生服务中心以及其他各类机构" + "A" * 9
)
LONG_B = LONG_A[:-1] + "B"  # the same first 60+ characters
MEDIUM = "x" * 57


@pytest.fixture(scope="module")
def client(database_url):
    return create_app({"TESTING": True, "DATABASE_URL": database_url}).test_client()


def test_long_column_names_download_as_gpkg_and_shapefile(client, tmp_path):
    assert GPKG_MAX_FIELD < len(LONG_A) <= MAX_COLUMN_NAME
    table = f"城市,{LONG_A},{LONG_B},{MEDIUM}\n石家庄市,1,2,3\n保定市,4,5,6\n"
    form = {"file": (io.BytesIO(table.encode()), "long.csv"), "title_en": "long names"}
    created = client.post("/api/datasets", data=form, content_type="multipart/form-data")
    assert created.status_code == 201, created.get_data(as_text=True)
    dataset_id = created.get_json()["id"]

    gpkg = client.get(f"/download/regions.gpkg?dataset={dataset_id}&level=prefecture")
    assert gpkg.status_code == 200, gpkg.get_data(as_text=True)[:500]
    path = tmp_path / "long.gpkg"
    path.write_bytes(gpkg.data)
    layer = pyogrio.list_layers(path)[0][0]
    fields = pyogrio.read_info(path, layer=layer)["fields"]
    assert all(len(f) <= GPKG_MAX_FIELD for f in fields)
    assert len({f.lower() for f in fields}) == len(fields)
    metadata = pyogrio.read_dataframe(path, layer="metadata")
    mapped = {
        key.removeprefix("field:"): value
        for key, value in zip(metadata["key"], metadata["value"])
        if key.startswith("field:")
    }
    shortened = [f for f in fields if f not in mapped.values() and len(f) == GPKG_MAX_FIELD]
    assert shortened and all(f in mapped for f in shortened)
    full_names = " ".join(mapped.values())
    assert LONG_A in full_names and LONG_B in full_names
    geojson = client.get(f"/download/regions.geojson?dataset={dataset_id}&level=prefecture")
    # (``overlay`` marks Xiong'an in the GeoJSON/CSV/TopoJSON rows only)
    properties = set(geojson.get_json()["features"][0]["properties"]) - {"overlay"}
    assert {mapped.get(f, f) for f in fields} == properties  # every field maps back

    shp = client.get(f"/download/regions.shp.zip?dataset={dataset_id}&level=prefecture")
    assert shp.status_code == 200, shp.get_data(as_text=True)[:500]
    with zipfile.ZipFile(io.BytesIO(shp.data)) as archive:
        rows = list(csv.DictReader(io.StringIO(archive.read("fields.csv").decode())))
    full = [row["full_name"] for row in rows]
    assert any(LONG_A in name for name in full) and any(LONG_B in name for name in full)
    assert len({row["dbf_name"].lower() for row in rows}) == len(rows)
