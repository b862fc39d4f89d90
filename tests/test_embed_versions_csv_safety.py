"""Second-round polish: oEmbed keeps chrome=0, versioned dataset URLs are immutable,
user text in CSV never becomes a spreadsheet formula."""

from __future__ import annotations

import html
import re
from urllib.parse import parse_qs, quote, urlsplit

import pytest


def _oembed_src(client, url: str) -> dict:
    response = client.get(f"/oembed?url={quote(url, safe='')}")
    assert response.status_code == 200, response.data
    src = html.unescape(re.search(r'<iframe src="([^"]+)"', response.get_json()["html"])[1])
    return parse_qs(urlsplit(src).query)


@pytest.mark.parametrize(
    "url",
    [
        "http://localhost/maps/choropleth?indicator=gdp&level=prefecture&chrome=0",
        "http://localhost/embed/choropleth?indicator=gdp&chrome=0",
        "http://localhost/maps/corridor/jing-bao-shi?band_km=20&chrome=0",
        "http://localhost/maps/links?chrome=0",
    ],
)
def test_oembed_carries_chrome_0_into_the_snippet(client, url):
    query = _oembed_src(client, url)
    assert query.get("chrome") == ["0"]


def test_oembed_without_chrome_0_keeps_the_full_embed(client):
    query = _oembed_src(client, "http://localhost/maps/choropleth?indicator=gdp&chrome=1")
    assert "chrome" not in query


# --- datasets: immutable versions, formula-safe CSV -------------------------------------------

FORMULA_COLUMN = '=HYPERLINK("http://evil.example","x")'


def _publish(client, table: str, **fields):
    import io

    form = {"file": (io.BytesIO(table.encode("utf-8")), "t.csv"), **fields}
    created = client.post("/api/datasets", data=form, content_type="multipart/form-data")
    assert created.status_code == 201, created.get_data(as_text=True)
    return created.get_json()


def _prefecture_table(columns: list[str]) -> str:
    from geo.sources.regions import regions

    lines = [",".join(["城市", *(f'"{c.replace(chr(34), chr(34) * 2)}"' for c in columns)])]
    for i, unit in enumerate(regions("prefecture", include_special=False).itertuples()):
        lines.append(",".join([unit.name_zh, *(str(-1.5 * (i + 1)) for _ in columns)]))
    return "\n".join(lines) + "\n"


@pytest.fixture(scope="module")
def evil_dataset(app):
    client = app.test_client()
    columns = [FORMULA_COLUMN, "+cmd", "-x", "@SUM(A1)", "plain"]
    body = _publish(
        client,
        _prefecture_table(columns),
        title_en="Formula columns",
        title_zh="公式列",
        source="=1+1 a bureau",
        source_url="https://example.org/t",
    )
    return body["id"], columns


def _body(response) -> bytes:
    import gzip

    data = response.data
    return gzip.decompress(data) if response.headers.get("Content-Encoding") == "gzip" else data


def test_csv_safe_unit():
    import pandas as pd

    from geo.formats.csvsafe import safe_table, safe_text

    assert safe_text("=1+1") == "'=1+1" and safe_text("\t=x") == "'\t=x"
    assert safe_text("plain") == "plain" and safe_text(-3.5) == -3.5
    table = safe_table(pd.DataFrame({"=a": ["-b", "c", None], "n": [-1.0, 2.0, None]}))
    assert list(table.columns) == ["'=a", "n"]
    assert table["'=a"].tolist()[:2] == ["'-b", "c"] and table["n"].tolist()[0] == -1.0


def test_regions_csv_neutralises_formula_headers_and_cells(client, evil_dataset):
    import csv
    import io

    dataset_id, columns = evil_dataset
    response = client.get(f"/download/regions.csv?dataset={dataset_id}&v=1")
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(_body(response).decode("utf-8"))))
    header = rows[0]
    for name in columns[:4]:
        assert "'" + name in header and name not in header
        assert "'" + name + "_source" in header
    assert "plain" in header
    for row in rows[1:]:
        for cell in row:  # no text cell starts a formula; negative numbers stay numbers
            if cell[:1] in ("=", "+", "@"):
                pytest.fail(f"formula cell {cell!r}")
            if cell.startswith("-"):
                float(cell)
    source_cells = [row[header.index("plain_source")] for row in rows[1:]]
    assert "=1+1 a bureau" in source_cells[0]  # inside the text: harmless, kept as it is


def test_shapefile_fields_csv_neutralises_formula_names(client, evil_dataset):
    import csv
    import io
    import zipfile

    dataset_id, columns = evil_dataset
    response = client.get(f"/download/regions.shp.zip?dataset={dataset_id}&v=1")
    assert response.status_code == 200
    with zipfile.ZipFile(io.BytesIO(_body(response))) as archive:
        text = archive.read("fields.csv").decode("utf-8")
    full_names = [row[1] for row in csv.reader(io.StringIO(text))][1:]
    assert "'" + FORMULA_COLUMN in full_names and FORMULA_COLUMN not in full_names
    assert all(not name.startswith(("=", "+", "-", "@")) for name in full_names)


def test_links_csv_is_formula_safe(client):
    import csv
    import io

    response = client.get("/download/links.csv")
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(_body(response).decode("utf-8"))))
    assert len(rows) > 1
    for row in rows:
        for cell in row:
            assert not cell.startswith(("=", "+", "@")), cell


VERSIONED = "public, max-age=86400, immutable"


def test_explicit_dataset_versions_are_immutable_for_a_day(client, evil_dataset):
    dataset_id, _ = evil_dataset
    q = f"dataset={dataset_id}&column=plain"
    for url in (
        f"/datasets/{dataset_id}/v/1",
        f"/datasets/{dataset_id}/v/1/original",
        f"/maps/choropleth?{q}&v=1",
        f"/embed/choropleth?{q}&v=1",
        f"/download/regions.geojson?dataset={dataset_id}&v=1",
        f"/download/regions.csv?dataset={dataset_id}&v=1",
        f"/download/regions.gpkg?dataset={dataset_id}&v=1",
        f"/export/choropleth.png?{q}&v=1&width=300",
    ):
        first = client.get(url)
        assert first.status_code == 200, url
        assert first.headers["Cache-Control"] == VERSIONED, url
        etag = first.headers.get("ETag")
        if etag:  # a revalidation says the same
            again = client.get(url, headers={"If-None-Match": etag})
            assert again.status_code == 304 and again.headers["Cache-Control"] == VERSIONED


def test_latest_dataset_urls_stay_short_lived(client, evil_dataset):
    dataset_id, _ = evil_dataset
    q = f"dataset={dataset_id}&column=plain"
    for url in (
        f"/datasets/{dataset_id}",
        f"/maps/choropleth?{q}",
        f"/embed/choropleth?{q}",
        f"/download/regions.csv?dataset={dataset_id}",
        f"/export/choropleth.png?{q}&width=300",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        cache_control = response.headers.get("Cache-Control", "")
        assert "immutable" not in cache_control, url
        match = re.search(r"max-age=(\d+)", cache_control)
        assert match is None or int(match[1]) <= 60, (url, cache_control)
    # bundled maps keep their own lifetimes, never "immutable"
    page = client.get("/maps/choropleth?indicator=gdp")
    assert "immutable" not in page.headers["Cache-Control"]


def test_a_deleted_version_is_not_immutable(app):
    client = app.test_client()
    body = _publish(client, _prefecture_table(["beds"]), title_en="Gone", title_zh="删")
    gone = client.delete(
        f"/api/datasets/{body['id']}", headers={"Authorization": f"Bearer {body['edit_token']}"}
    )
    assert gone.status_code == 200
    response = client.get(f"/datasets/{body['id']}/v/1")
    assert response.status_code == 410
    assert "immutable" not in response.headers.get("Cache-Control", "")


# --- the per-request dataset state lookup ------------------------------------------------------


def test_state_sees_every_change_made_through_another_store_at_once(database_url):
    """What another worker or server does (another Store: other connections) is seen by the
    very next state() — never a stale version — and a dropped connection is replaced."""
    from geo.store import Store, store_for
    from tests.test_datasets import new_version

    writer = Store(database_url)  # "another worker": its own engine and connections
    reader = store_for(database_url)
    try:
        published = writer.publish(new_version("state", b"s1", {"130100": 1.0}))
        dataset_id, token = published.dataset.id, published.edit_token
        assert reader.state(dataset_id) == (1, None)
        assert reader.state("no-such-dataset") is None
        for expected in (2, 3):
            writer.replace(dataset_id, token, new_version("s", b"s", {"130100": 2.0}))
            assert reader.state(dataset_id) == (expected, None)
        if reader.backend == "postgresql":  # the server drops the per-thread connection
            pid = reader._state_connection().pgconn.backend_pid
            with writer.engine.connect() as conn:
                conn.exec_driver_sql(f"SELECT pg_terminate_backend({int(pid)})")
            assert reader.state(dataset_id) == (3, None)  # reconnected, prepared again
            assert reader._state_connection().pgconn.backend_pid != pid
        writer.delete(dataset_id, token)
        latest, deleted_at = reader.state(dataset_id)
        assert latest == 3 and deleted_at
    finally:
        writer.dispose()


def test_query_helpers_match_request_args():
    from webmap.caching import first_value, sorted_query

    qs = "column=%E5%BA%8A&dataset=abc&dataset=zzz&v=&k=5"
    assert first_value(qs, "dataset") == "abc" and first_value(qs, "v") == ""
    assert first_value(qs, "nope") is None and first_value(qs, "column") == "床"
    assert sorted_query(qs) == sorted_query("k=5&v=&dataset=abc&dataset=zzz&column=%E5%BA%8A")
