"""What a dataset may hold is bounded (columns, value columns,
cells, column-name length), refused early with a 413/400 naming the limit, in time linear in
the upload (a 10,000-column table is refused in well under a second, not minutes)."""

from __future__ import annotations

import io
import time

import pytest

from geo.sources.limits import (
    MAX_CELLS,
    MAX_COLUMN_NAME,
    MAX_COLUMNS,
    MAX_VALUE_COLUMNS,
    check_rows,
)
from geo.sources.regions import regions
from webmap import create_app


@pytest.fixture(scope="module")
def client(database_url):
    return create_app({"TESTING": True, "DATABASE_URL": database_url}).test_client()


def post(client, data: bytes, filename: str = "wide.csv", **fields):
    form = {"file": (io.BytesIO(data), filename), "title_en": "wide", **fields}
    return client.post("/api/datasets", data=form, content_type="multipart/form-data")


def timed(call):
    start = time.perf_counter()
    result = call()
    return result, time.perf_counter() - start


def test_ten_thousand_numeric_columns_are_refused_fast_naming_the_limit(client):
    header = "城市," + ",".join(f"v{i}" for i in range(10_000))
    row = lambda name: name + "," + ",".join(str(i) for i in range(10_000))  # noqa: E731
    data = "\n".join([header, row("石家庄市"), row("保定市")]).encode()
    response, seconds = timed(lambda: post(client, data))
    assert response.status_code == 413
    body = response.get_json()
    assert f"{MAX_COLUMNS} columns" in body["error"] and body["parameter"] == "file"
    assert seconds < 2, seconds


def test_a_wide_table_of_names_is_refused_fast(client):
    """10,000 columns of 北京市 × 13 rows (1.36 MB) held a worker ~240 s."""
    line = ",".join(["北京市"] * 10_000)
    data = "\n".join([line] * 13).encode()
    assert len(data) > 1_000_000
    response, seconds = timed(lambda: post(client, data))
    assert response.status_code == 413 and f"{MAX_COLUMNS} columns" in response.get_json()["error"]
    assert seconds < 2, seconds


def test_too_many_cells_and_value_columns_are_413(client):
    columns = MAX_COLUMNS - 4
    rows = MAX_CELLS // columns + 10
    names = list(regions("county")["name_zh"])
    header = "区县," + ",".join(f"v{i}" for i in range(columns - 1))
    lines = [header] + [
        names[r % len(names)] + "," + ",".join("1" for _ in range(columns - 1)) for r in range(rows)
    ]
    response = post(client, "\n".join(lines).encode())
    assert response.status_code == 413
    assert f"{MAX_CELLS:,} cells" in response.get_json()["error"]

    many = MAX_VALUE_COLUMNS + 5
    header = "区县," + ",".join(f"v{i}" for i in range(many))
    lines = [header] + [f"{n}," + ",".join("1" for _ in range(many)) for n in names[:20]]
    response = post(client, "\n".join(lines).encode(), dry_run="1")
    assert response.status_code == 413
    assert f"{MAX_VALUE_COLUMNS} value columns" in response.get_json()["error"]
    chosen = post(
        client, "\n".join(lines).encode(), dry_run="1", value_columns="v1,v2,v3"
    )  # choosing some is the way out
    assert chosen.status_code == 200, chosen.get_data(as_text=True)


def test_a_long_column_name_is_a_400_naming_the_limit(client):
    data = f"城市,{'长' * (MAX_COLUMN_NAME + 1)}\n石家庄市,1\n".encode()
    response = post(client, data)
    assert response.status_code == 400
    assert f"at most {MAX_COLUMN_NAME} characters" in response.get_json()["error"]
    fine = f"城市,{'长' * MAX_COLUMN_NAME}\n石家庄市,1\n".encode()
    assert post(client, fine, dry_run="1").status_code == 200


def test_the_form_answers_413_too(client):
    html = client.get("/datasets/new").get_data(as_text=True)
    token = html.split('name="csrf" value="')[1].split('"')[0]
    text = "\n".join([",".join(["北京市"] * 5_000)] * 3)
    response = client.post("/datasets/new", data={"csrf": token, "text": text, "action": "check"})
    assert response.status_code == 413
    assert f"{MAX_COLUMNS} columns" in response.get_data(as_text=True)


def test_trailing_blank_columns_do_not_count():
    rows = [["城市", "v", *[""] * 5_000], ["石家庄市", "1", *[" "] * 5_000]]
    check_rows(rows)  # spreadsheet padding: no refusal


def test_the_check_is_linear_in_the_input():
    """Refusal cost grows with the input at most linearly (no per-column rescans)."""

    def cost(width: int) -> float:
        rows = [[f"c{i}" for i in range(MAX_COLUMNS)]] + [["1"] * MAX_COLUMNS] * (width // 400)
        rows.append(["x"] * width)  # the last row is the wide one
        best = float("inf")
        for _ in range(3):
            start = time.perf_counter()
            with pytest.raises(Exception, match="has .* columns"):
                check_rows(rows)
            best = min(best, time.perf_counter() - start)
        return best

    small, large = cost(20_000), cost(200_000)
    assert large < small * 30, (small, large)  # 10× the input: ~10× the time, never 100×
