"""HTTP range requests on downloads and exports: unit tests of the range logic,
the responses through the app, and GDAL's /vsicurl/ opening downloads by URL."""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest

from webmap.ranges import UNSATISFIABLE, ByteRange, requested_range

ETAG = '"abc"'


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("bytes=0-99", ByteRange(0, 100, 1000)),
        ("bytes=990-2000", ByteRange(990, 1000, 1000)),  # clipped to the end
        ("bytes=500-", ByteRange(500, 1000, 1000)),
        ("bytes=-10", ByteRange(990, 1000, 1000)),  # suffix
        ("bytes=-5000", ByteRange(0, 1000, 1000)),
        ("BYTES = 1-1", ByteRange(1, 2, 1000)),
        ("bytes=1000-", UNSATISFIABLE),
        ("bytes=5000-6000", UNSATISFIABLE),
        ("bytes=-0", UNSATISFIABLE),
        ("bytes=0-1,5-6", None),  # several ranges: the whole body
        ("bytes=9-3", None),  # invalid: ignored
        ("bytes=a-b", None),
        ("items=0-1", None),
        ("", None),
        (None, None),
    ],
)
def test_requested_range(header, expected):
    assert requested_range(header, None, ETAG, 1000) == expected


def test_if_range():
    assert requested_range("bytes=0-9", ETAG, ETAG, 100) == ByteRange(0, 10, 100)
    assert requested_range("bytes=0-9", '"other"', ETAG, 100) is None
    assert requested_range("bytes=0-9", "W/" + ETAG, ETAG, 100) is None
    assert requested_range("bytes=0-9", "Tue, 01 Dec 2026 00:00:00 GMT", ETAG, 100) is None


def test_content_range():
    assert ByteRange(0, 100, 1000).content_range == "bytes 0-99/1000"


URLS = [
    "/download/regions.gpkg",
    "/download/regions.geojson?level=county",
    "/download/facilities.shp.zip",
    "/download/links.csv",
    "/export/choropleth.svg?indicator=population&level=prefecture",
]


@pytest.mark.parametrize("url", URLS)
def test_range_responses(client, url):
    whole = client.get(url)
    assert whole.status_code == 200
    assert whole.headers["Accept-Ranges"] == "bytes"
    body, etag = whole.get_data(), whole.headers["ETag"]
    size = len(body)

    first = client.get(url, headers={"Range": "bytes=0-99", "Accept-Encoding": "gzip"})
    assert first.status_code == 206
    assert "Content-Encoding" not in first.headers  # ranges of the identity body
    assert first.headers["Content-Range"] == f"bytes 0-99/{size}"
    assert first.headers["Content-Length"] == "100"
    assert first.get_data() == body[:100]
    assert first.headers["ETag"] == etag

    tail = client.get(url, headers={"Range": "bytes=-20", "If-Range": etag})
    assert tail.status_code == 206
    assert tail.get_data() == body[-20:]
    assert tail.headers["ETag"] == etag

    changed = client.get(url, headers={"Range": "bytes=0-9", "If-Range": '"stale"'})
    assert changed.status_code == 200 and changed.get_data() == body

    several = client.get(url, headers={"Range": "bytes=0-9,20-29"})
    assert several.status_code == 200 and several.get_data() == body

    beyond = client.get(url, headers={"Range": f"bytes={size}-"})
    assert beyond.status_code == 416
    assert beyond.headers["Content-Range"] == f"bytes */{size}"
    assert beyond.get_data() == b""


def test_pages_do_not_advertise_ranges(client):
    page = client.get("/maps/choropleth?indicator=population&level=prefecture")
    assert page.status_code == 200 and "Accept-Ranges" not in page.headers


def _ogrinfo(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["ogrinfo", *args],
        capture_output=True,
        text=True,
        timeout=120,
        # vsicurl must not find a cached copy or skip the ranges: a plain GDAL by URL
        env={**os.environ, "GDAL_HTTP_MAX_RETRY": "0", "CPL_DEBUG": "ON"},
    )


@pytest.mark.skipif(shutil.which("ogrinfo") is None, reason="GDAL's ogrinfo not installed")
def test_gdal_opens_downloads_by_url(live_server):
    gpkg = _ogrinfo("-ro", "-so", "-al", f"/vsicurl/{live_server}/download/regions.gpkg")
    assert gpkg.returncode == 0, gpkg.stderr
    assert "Layer name: jjj_prefecture" in gpkg.stdout
    assert "Geometry: Multi Polygon" in gpkg.stdout
    # It read the file by ranges (CPL_DEBUG logs each), not as one whole download.
    assert "Got response_code=206" in gpkg.stderr
    assert "Range downloading not supported" not in gpkg.stderr

    shp = _ogrinfo("-ro", "-so", f"/vsizip//vsicurl/{live_server}/download/regions.shp.zip")
    assert shp.returncode == 0, shp.stderr
    assert "Polygon" in shp.stdout
    assert "Got response_code=206" in shp.stderr
    assert "Range downloading not supported" not in shp.stderr
