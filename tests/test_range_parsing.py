"""A ``Range`` header the server cannot read is ignored (200, the whole body), never a 500:
non-ASCII digits (``²``, Arabic-Indic ``١``) and positions of thousands of digits."""

from __future__ import annotations

import pytest

from webmap.ranges import MAX_DIGITS, ByteRange, requested_range

ODD_RANGES = [
    "bytes=²-5",
    "bytes=0-²",
    "bytes=-²",
    "bytes=١-٥",
    "bytes=-١٠",
    "bytes=" + "9" * 5000 + "-",
    "bytes=0-" + "9" * 5000,
    "bytes=-" + "9" * 5000,
    "bytes=" + "1" * (MAX_DIGITS + 1) + "-",
    "bytes=+1-5",
    "bytes=1_0-20",
]


@pytest.mark.parametrize("header", ODD_RANGES)
def test_unreadable_positions_are_ignored(header):
    assert requested_range(header, None, '"e"', 1000) is None


def test_long_but_readable_positions_still_serve():
    assert requested_range("bytes=0-" + "9" * MAX_DIGITS, None, '"e"', 10) == ByteRange(0, 10, 10)
    assert requested_range("bytes=-" + "9" * MAX_DIGITS, None, '"e"', 10) == ByteRange(0, 10, 10)


@pytest.mark.parametrize(
    "url",
    [
        "/download/regions.geojson?level=county",
        "/download/regions.gpkg",
        "/export/choropleth.svg?indicator=population&level=prefecture",
    ],
)
@pytest.mark.parametrize("header", ["bytes=²-5", "bytes=" + "7" * 5000 + "-"])
def test_downloads_and_exports_answer_the_whole_body(client, url, header):
    whole = client.get(url)
    odd = client.get(url, headers={"Range": header})
    assert odd.status_code == 200, odd.data[:200]
    assert odd.data == whole.data
