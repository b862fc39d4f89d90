"""GeoPackage downloads of datasets whose columns are named like the layer's own columns
(``fid``, ``FID``, ``geom``) or differ only in case (``Value``, ``value``): no 500; the
names are made unique and the metadata table records the full ones."""

from __future__ import annotations

import io

import pyogrio
import pytest

from webmap import create_app


@pytest.fixture(scope="module")
def client(database_url):
    return create_app({"TESTING": True, "DATABASE_URL": database_url}).test_client()


def _publish(client, table: str, **form) -> str:
    data = {"file": (io.BytesIO(table.encode()), "t.csv"), "title_en": "reserved names", **form}
    created = client.post("/api/datasets", data=data, content_type="multipart/form-data")
    assert created.status_code == 201, created.get_data(as_text=True)
    return created.get_json()["id"]


def _gpkg(client, tmp_path, dataset_id: str):
    response = client.get(f"/download/regions.gpkg?dataset={dataset_id}&level=prefecture")
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    path = tmp_path / f"{dataset_id}.gpkg"
    path.write_bytes(response.data)
    layer = pyogrio.list_layers(path)[0][0]
    fields = list(pyogrio.read_info(path, layer=layer)["fields"])
    metadata = pyogrio.read_dataframe(path, layer="metadata")
    mapped = {
        key.removeprefix("field:"): value
        for key, value in zip(metadata["key"], metadata["value"])
        if key.startswith("field:")
    }
    return path, layer, fields, mapped


@pytest.mark.parametrize(
    "columns",
    [("fid", "geom", "x"), ("FID", "Geom", "y"), ("Value", "value", "VALUE")],
)
def test_reserved_and_case_duplicate_names(client, tmp_path, columns):
    header = "城市," + ",".join(columns)
    table = f"{header}\n石家庄市,1,2,3\n保定市,4,5,6\n"
    dataset_id = _publish(client, table)
    path, layer, fields, mapped = _gpkg(client, tmp_path, dataset_id)
    assert len({f.lower() for f in fields}) == len(fields)
    assert not {"fid", "geom"} & {f.lower() for f in fields}
    full = {mapped.get(f, f) for f in fields}
    for column in columns:
        assert column in full, (column, fields, mapped)
    frame = pyogrio.read_dataframe(path, layer=layer)
    by_full = {mapped.get(f, f): f for f in fields}
    row = frame.set_index("name_zh").loc["保定市"]
    assert [row[by_full[c]] for c in columns] == [4, 5, 6]


def test_value_name_fid(client, tmp_path):
    """A wide table whose value column is named ``fid`` (``value_name=fid``)."""
    table = "城市,2019,2020\n石家庄市,1,2\n保定市,3,4\n"
    dataset_id = _publish(client, table, wide_years="1", value_name="fid")
    _, _, fields, mapped = _gpkg(client, tmp_path, dataset_id)
    assert "fid" in {mapped.get(f, f) for f in fields}
    assert "fid" not in {f.lower() for f in fields}
