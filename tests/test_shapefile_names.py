"""Shapefile field names: at most 10 bytes of UTF-8, cut between characters (never inside
one), unique, and ``fields.csv`` names exactly the fields the .dbf holds — read back by
Debian's GDAL 3.6 (``ogrinfo``) and by pyogrio's GDAL."""

from __future__ import annotations

import csv
import io
import re
import shutil
import subprocess
import zipfile

import pyogrio
import pytest

from geo.formats.gis_exports import _cut_utf8, _dbf_names
from webmap import create_app

#: 2-byte (ä, ö, ß, Ж), 3-byte (CJK, €) and 4-byte (CJK Extension B, emoji) characters at
#: every offset around the 10-byte limit, and names equal in their first 10 bytes.
COLUMNS = [
    "规划项目数",  # 15 bytes: 规划项 (9) fits, 目 would cut at byte 10 inside a character
    "规划项目数量",
    "Größenänderung",  # 2-byte characters across the limit
    "ЖЖЖЖЖЖЖ",
    "𠀀𠀁𠀂值",  # 4-byte characters: 𠀀𠀁 (8 bytes) fits, 𠀂 would not
    "a€€€€",  # 1 + 3×3 = 10 bytes exactly, then one more
    "人口😀密度",
]


def test_cut_between_characters():
    assert _cut_utf8("规划项目数", 10) == "规划项"
    assert _cut_utf8("Größenänderung", 10) == "Größenä"
    assert _cut_utf8("𠀀𠀁𠀂值", 10) == "𠀀𠀁"
    assert _cut_utf8("a€€€€", 10) == "a€€€"
    names = _dbf_names(COLUMNS)
    for short in names.values():
        assert len(short.encode("utf-8")) <= 10, short
        short.encode("utf-8").decode("utf-8")  # valid UTF-8
    assert len({s.lower() for s in names.values()}) == len(COLUMNS)


@pytest.fixture(scope="module")
def client(database_url):
    return create_app({"TESTING": True, "DATABASE_URL": database_url}).test_client()


@pytest.fixture(scope="module")
def shapefile(client, tmp_path_factory):
    header = "城市," + ",".join(COLUMNS)
    rows = [f"石家庄市,{','.join(str(n + 1) for n in range(len(COLUMNS)))}"]
    rows.append(f"保定市,{','.join(str(10 * (n + 1)) for n in range(len(COLUMNS)))}")
    table = "\n".join([header, *rows]) + "\n"
    form = {"file": (io.BytesIO(table.encode()), "names.csv"), "title_en": "utf-8 names"}
    created = client.post("/api/datasets", data=form, content_type="multipart/form-data")
    assert created.status_code == 201, created.get_data(as_text=True)
    dataset_id = created.get_json()["id"]
    response = client.get(f"/download/regions.shp.zip?dataset={dataset_id}&level=prefecture")
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    path = tmp_path_factory.mktemp("shp") / "names.shp.zip"
    path.write_bytes(response.data)
    with zipfile.ZipFile(path) as archive:
        fields = list(csv.DictReader(io.StringIO(archive.read("fields.csv").decode("utf-8"))))
        shp = next(n for n in archive.namelist() if n.endswith(".shp"))
    return path, shp, fields


def test_fields_csv_names_what_pyogrio_reads(shapefile):
    path, shp, fields = shapefile
    info = pyogrio.read_info(f"/vsizip/{path}/{shp}")
    assert list(info["fields"]) == [row["dbf_name"] for row in fields]
    full = [row["full_name"] for row in fields]
    for column in COLUMNS:
        assert column in full
    for name in info["fields"]:
        assert len(name.encode("utf-8")) <= 10
    assert "规划项" in list(info["fields"])
    frame = pyogrio.read_dataframe(f"/vsizip/{path}/{shp}")
    by_full = dict(zip(full, (row["dbf_name"] for row in fields)))
    values = frame.set_index(by_full["name_zh"])[by_full["规划项目数"]].to_dict()
    assert values["石家庄市"] == 1 and values["保定市"] == 10


@pytest.mark.skipif(shutil.which("ogrinfo") is None, reason="needs Debian's gdal-bin")
def test_gdal_36_reads_every_field(shapefile):
    path, shp, fields = shapefile
    result = subprocess.run(
        ["ogrinfo", "-ro", "-so", f"/vsizip/{path}/{shp}", shp[:-4]],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert "invalid" not in result.stderr.lower()
    names = re.findall(r"^(.+?): (?:String|Integer|Integer64|Real|Date)", result.stdout, re.M)
    assert names == [row["dbf_name"] for row in fields]
    assert "\ufffd" not in result.stdout
