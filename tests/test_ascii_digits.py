"""Numbers in URLs are ASCII digits: ``/datasets/<id>/v/١`` (Arabic-Indic one) or ``v/²``
is no version (404), not a second address of version 1; the same for oEmbed sizes and the
years of link tables."""

from __future__ import annotations

import io
from urllib.parse import quote

import pytest

from geo.errors import BadParameter
from webmap import create_app


@pytest.fixture()
def client(database_url):
    return create_app({"TESTING": True, "DATABASE_URL": database_url}).test_client()


def test_versions_in_paths_are_ascii_digits(client):
    answer = client.post(
        "/api/datasets",
        data={
            "file": (io.BytesIO("城市,医生\n北京市,1\n天津市,2\n".encode()), "v.csv"),
            "title_en": "Values",
        },
        content_type="multipart/form-data",
    )
    dataset_id = answer.get_json()["id"]
    assert client.get(f"/datasets/{dataset_id}/v/1").status_code == 200
    for digit in ("١", "۱", "１", "𝟏", "¹"):
        for path in (
            f"/datasets/{dataset_id}/v/{digit}",
            f"/datasets/{dataset_id}/v/{digit}/original",
        ):
            assert client.get(quote(path)).status_code == 404, path
    page = quote(f"http://localhost/datasets/{dataset_id}/v/1")
    assert client.get(f"/oembed?url={page}&maxwidth=400").status_code == 200
    odd = client.get(f"/oembed?url={page}&maxwidth=" + quote("٤٠٠"))
    assert odd.status_code == 400 and odd.get_json()["parameter"] == "maxwidth"


def test_link_years_are_ascii_digits(client):
    from geo.sources import link_query

    with pytest.raises(BadParameter):
        link_query.parse_filter({"year": "٢٠٢٠"})
    answer = client.get("/maps/links?year=" + quote("٢٠٢٠"))
    assert answer.status_code == 400
