"""Numbers no table should hold are refused at upload, naming the row and the column (en and
zh); JSON answers never carry NaN or Infinity (not JSON); a wide table naming a year twice is
refused; ``matches=`` that cannot be read is a 400 naming ``matches``, never a 500."""

from __future__ import annotations

import io
import json
import math

import pytest

from geo.errors import BadParameter, message_in
from geo.formats.geojson import clean_value
from geo.sources.datasets import check_upload, parse_matches
from geo.sources.numbers import MAX_MAGNITUDE, OutOfRange, parse_column, parse_number
from webmap import create_app
from webmap.json_output import dumps

OUT_OF_RANGE = ["1e300", "-1e300", "1e-300", "1e400", "9" * 305 + "万", "2e11万", "１e300"]


@pytest.fixture()
def client(database_url):
    return create_app({"TESTING": True, "DATABASE_URL": database_url}).test_client()


def publish(client, data: bytes, **fields):
    form = {"file": (io.BytesIO(data), "t.csv"), **fields}
    return client.post("/api/datasets", data=form, content_type="multipart/form-data")


@pytest.mark.parametrize("text", OUT_OF_RANGE)
def test_implausible_numbers_are_out_of_range(text):
    with pytest.raises(OutOfRange):
        parse_number(text)
    assert parse_column(["1", text]).out_of_range == [(1, text)]


def test_plausible_numbers_still_parse():
    assert parse_number("3.2万") == 32_000
    assert parse_number("1000万亿") == MAX_MAGNITUDE
    assert parse_number("0") == 0 and parse_number("-0.000001") == -1e-6
    assert parse_number(float("nan")) is None


@pytest.mark.parametrize("text", OUT_OF_RANGE)
def test_an_upload_with_an_implausible_value_is_refused_naming_row_and_column(client, text):
    data = f"城市,床位,医生\n石家庄市,1,2\n保定市,3,{text}\n".encode()
    for dry_run in ("1", ""):
        answer = publish(client, data, dry_run=dry_run)
        assert answer.status_code == 400, answer.data[:300]
        error = answer.get_json()["error"]
        assert "row 3, column 医生" in error, error
    with pytest.raises(BadParameter) as raised:
        check_upload(data, "t.csv")
    assert "第 3 行「医生」列" in message_in(raised.value, "zh")


def test_a_wide_table_with_an_implausible_value_is_refused(client):
    data = "城市,2019,2020\n石家庄市,1,2\n保定市,1e300,3\n".encode()
    answer = publish(client, data, wide_years="1", dry_run="1")
    assert answer.status_code == 400
    assert "row 3, column 2019" in answer.get_json()["error"]


@pytest.mark.parametrize("second", ["2020年", "2020.0", "２０２０"])
def test_a_wide_table_naming_a_year_twice_is_refused(client, second):
    data = f"城市,2019,2020,{second}\n石家庄市,1,2,3\n保定市,4,5,6\n".encode()
    answer = publish(client, data, wide_years="1")
    assert answer.status_code == 400, answer.data[:300]
    body = answer.get_json()
    assert body["parameter"] == "wide_years"
    assert "2020" in body["error"] and second in body["error"]
    with pytest.raises(BadParameter) as raised:
        check_upload(data, "t.csv", wide_years=True)
    assert "每个年份只能有一列" in message_in(raised.value, "zh")


@pytest.mark.parametrize(
    "matches", ["[" * 100_000, '{"\\ud800": null}', '{"a": "\\udfff"}', '{"a": [[[[[[1]]]]]]}']
)
def test_unreadable_matches_are_a_400_naming_matches(client, matches):
    data = "城市,床位\n石家庄市,1\n保定市,2\n".encode()
    for dry_run in ("1", ""):
        answer = publish(client, data, matches=matches, dry_run=dry_run)
        assert answer.status_code == 400, answer.data[:300]
        assert answer.get_json()["parameter"].startswith("matches")
    with pytest.raises(BadParameter):
        parse_matches(matches)


def test_json_answers_never_carry_nan_or_infinity():
    value = {"gini": float("nan"), "values": [1.0, float("inf"), -math.inf], "n": 3}
    text = dumps(value)
    assert json.loads(text) == {"gini": None, "values": [1.0, None, None], "n": 3}
    app = create_app({"TESTING": True})
    assert app.json.loads(app.json.dumps(value))["values"] == [1.0, None, None]
    assert "NaN" not in app.json.dumps(value) and "Infinity" not in app.json.dumps(value)
    assert clean_value(float("inf")) is None and clean_value(-math.inf) is None


def test_outputs_stay_json_for_values_stored_before_the_refusal(client, monkeypatch):
    """Values stored before uploads refused them (the limits lifted here to store them)
    still give valid JSON: GeoJSON, TopoJSON and analysis answers carry null, not NaN."""
    from geo.sources import numbers

    monkeypatch.setattr(numbers, "MAX_MAGNITUDE", math.inf)
    monkeypatch.setattr(numbers, "MIN_MAGNITUDE", 0.0)
    rows = "北京市,1e-300,1e300\n天津市,-1e300,5\n石家庄市,2,1e-300\n保定市,3,4\n"
    data = ("城市,2019,2020\n" + rows).encode()
    answer = publish(client, data, wide_years="1", title_en="extreme")
    assert answer.status_code == 201, answer.get_json()
    query = f"dataset={answer.get_json()['id']}&column=value&level=prefecture"
    for url in (
        f"/download/regions.geojson?{query}&year=2020&compare=2019",
        f"/download/regions.topojson?{query}&year=2020&compare=2019",
        f"/api/analysis/inequality?{query}&year=2020",
    ):
        got = client.get(url)
        assert got.status_code in (200, 400), (url, got.status_code)
        text = got.get_data(as_text=True)
        json.loads(text, parse_constant=lambda name, url=url: pytest.fail(f"{name} in {url}"))
