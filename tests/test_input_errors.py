"""Inputs that answered 500 answer a 4xx naming the field,
on SQLite and on PostgreSQL."""

from __future__ import annotations

import io
import zipfile

import openpyxl
import pytest

from webmap import create_app


@pytest.fixture(scope="module")
def client(database_url):
    app = create_app({"TESTING": True, "DATABASE_URL": database_url})
    return app.test_client()


def publish(client, data: bytes, filename: str = "beds.csv", **fields):
    form = {"file": (io.BytesIO(data), filename), "title_en": "i21", **fields}
    return client.post("/api/datasets", data=form, content_type="multipart/form-data")


@pytest.fixture(scope="module")
def dataset_id(client) -> str:
    created = publish(client, "城市,床位\n石家庄市,1\n保定市,2\n".encode())
    assert created.status_code == 201, created.get_data(as_text=True)
    return created.get_json()["id"]


def csrf_token(client) -> str:
    html = client.get("/datasets/new").get_data(as_text=True)
    return html.split('name="csrf" value="')[1].split('"')[0]


# --- 4: NUL characters ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "url, field",
    [
        ("/api/datasets/a%00b", "dataset_id"),
        ("/datasets/a%00b", "dataset_id"),
        ("/maps/choropleth?dataset=%00", "dataset"),
        ("/download/regions.geojson?dataset=x%00y", "dataset"),
        ("/embed/choropleth?dataset=%00&column=a", "dataset"),
        ("/api/datasets/x?v=%00", "v"),
    ],
)
def test_nul_in_ids_and_parameters_is_a_400_naming_the_field(client, url, field):
    response = client.get(url)
    assert response.status_code == 400, (url, response.status_code)
    assert field in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "url",
    [
        "http://localhost/datasets/a%00b",
        "http://localhost/maps/choropleth?dataset=%00",
        "http://localhost/embed/choropleth?dataset=a%00&column=x",
    ],
)
def test_nul_inside_an_oembed_url_is_a_4xx(client, url):
    response = client.get("/oembed", query_string={"url": url})
    assert 400 <= response.status_code < 500, response.get_data(as_text=True)[:300]


def test_the_store_never_sends_nul_to_the_database(database_url):
    from geo.errors import UnknownItem
    from geo.store import store_for

    store = store_for(database_url)
    assert store.state("a\x00b") is None
    with pytest.raises(UnknownItem):
        store.dataset("a\x00b")


@pytest.mark.parametrize("field", ["title_en", "title_zh", "description", "source"])
def test_nul_in_metadata_is_a_400_naming_the_field(client, field):
    fields = {field: "a\x00b"}
    response = publish(client, "城市,床位\n石家庄市,1\n".encode(), **fields)
    assert response.status_code == 400
    assert response.get_json()["parameter"] == field


def test_nul_in_a_file_name_is_a_400(client):
    response = publish(client, "城市,床位\n石家庄市,1\n".encode(), filename="a\x00b.csv")
    assert response.status_code == 400
    assert "file" in response.get_json()["parameter"]


@pytest.mark.parametrize("position", ["start", "after 8 KB"])
def test_nul_in_a_column_header_is_a_400_also_after_8_kb(client, position):
    names = ["城市", *(f"列{i}" + "长" * 60 for i in range(50))]
    if position == "start":
        names[1] = "床\x00位"
    else:
        names[-1] = "床\x00位"
    header = ",".join(names).encode()
    assert position == "start" or header.index(b"\x00") > 8192
    rows = "\n石家庄市," + ",".join("1" for _ in names[1:]) + "\n"
    response = publish(client, header + rows.encode())
    assert response.status_code == 400, response.get_data(as_text=True)
    assert response.get_json()["parameter"] == "file"


def test_nul_in_a_cell_after_8_kb_is_a_400(client):
    rows = "".join(f"石家庄市,{i}\n" for i in range(800))
    data = ("城市,床位\n" + rows + "保定市,1\x002\n").encode()
    assert data.index(b"\x00") > 8192
    response = publish(client, data)
    assert response.status_code == 400, response.get_data(as_text=True)
    assert "NUL" in response.get_json()["error"]


def test_nul_in_the_form_is_a_400_naming_the_field(client):
    token = csrf_token(client)
    response = client.post(
        "/datasets/new",
        data={"csrf": token, "text": "城市,v\n石家庄,1\n", "action": "check", "title_en": "\x00"},
    )
    assert response.status_code == 400
    assert "title_en" in response.get_data(as_text=True)


# --- 5: XLSX without a worksheet -----------------------------------------------------------


def xlsx_without_sheets() -> bytes:
    """A workbook whose workbook.xml lists no sheet (Excel cannot save one; a script can)."""
    book = openpyxl.Workbook()
    buffer = io.BytesIO()
    book.save(buffer)
    source = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/workbook.xml":
                text = data.decode()
                start = text.index("<sheets>")
                end = text.index("</sheets>") + len("</sheets>")
                data = (text[:start] + "<sheets/>" + text[end:]).encode()
            target.writestr(item, data)
    return out.getvalue()


def test_xlsx_without_a_worksheet_is_a_400_in_the_api_and_the_form(client):
    data = xlsx_without_sheets()
    response = publish(client, data, filename="empty.xlsx")
    assert response.status_code == 400, response.get_data(as_text=True)
    assert response.get_json()["parameter"] == "file"
    assert "worksheet" in response.get_json()["error"]
    token = csrf_token(client)
    form = client.post(
        "/datasets/new",
        data={"csrf": token, "action": "check", "file": (io.BytesIO(data), "empty.xlsx")},
        content_type="multipart/form-data",
    )
    assert form.status_code == 400 and "worksheet" in form.get_data(as_text=True)


# --- 7: version numbers beyond the integer range ----------------------------------------


@pytest.mark.parametrize("number", ["2147483648", "9223372036854775808", "1" + "0" * 30])
def test_huge_version_numbers_are_404(client, dataset_id, number):
    for url in (
        f"/datasets/{dataset_id}/v/{number}",
        f"/datasets/{dataset_id}/v/{number}/original",
        f"/api/datasets/{dataset_id}?v={number}",
    ):
        response = client.get(url)
        assert response.status_code == 404, (url, response.status_code)
    embed = f"http://localhost/datasets/{dataset_id}/v/{number}"
    oembed = client.get("/oembed", query_string={"url": embed})
    assert oembed.status_code == 404, oembed.get_data(as_text=True)
    query = client.get(f"/maps/choropleth?dataset={dataset_id}&v={number}")
    assert 400 <= query.status_code < 500


def test_version_zero_and_unicode_digits_are_4xx(client, dataset_id):
    assert client.get(f"/api/datasets/{dataset_id}?v=²").status_code == 400
    assert client.get(f"/datasets/{dataset_id}/v/0").status_code == 404


# --- 8: 405 keeps Allow ------------------------------------------------------------------


@pytest.mark.parametrize("url", ["/api/zones", "/datasets/new", "/ogc/collections"])
def test_405_keeps_the_allow_header(client, url):
    response = client.delete(url)
    assert response.status_code == 405
    assert "GET" in response.headers.get("Allow", "")
