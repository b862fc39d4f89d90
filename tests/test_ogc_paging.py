"""OGC API paging loses nothing: ``next`` links repeat the query exactly as sent, so
following them from any bbox, in any CRS, returns every feature ``numberMatched`` counts."""

from __future__ import annotations

import shutil
import subprocess
from urllib.parse import parse_qsl, urlsplit

import pytest
from pyproj import Transformer

EPSG = "http://www.opengis.net/def/crs/EPSG/0/"
CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"


def _local(href: str) -> str:
    parts = urlsplit(href)
    return parts.path + ("?" + parts.query if parts.query else "")


def _follow(client, url: str) -> tuple[int, list[str], list[str]]:
    """(numberMatched, ids of every page, the next links) following ``next`` to the end."""
    ids, nexts, matched = [], [], None
    for _ in range(500):
        response = client.get(url)
        assert response.status_code == 200, response.get_data(as_text=True)
        body = response.get_json()
        matched = body["numberMatched"] if matched is None else matched
        assert body["numberMatched"] == matched
        ids += [f["id"] for f in body["features"]]
        following = [link["href"] for link in body["links"] if link["rel"] == "next"]
        if not following:
            return matched, ids, nexts
        nexts.append(following[0])
        url = _local(following[0])
    raise AssertionError("paging did not end")


def _gk_bbox(epsg: int, lon0, lat0, lon1, lat1) -> str:
    """A CRS84 box as a bbox in ``epsg``'s own axis order (northing, easting for the
    CGCS2000 Gauss–Krüger zones), with every digit pyproj gives."""
    to = Transformer.from_crs("OGC:CRS84", f"EPSG:{epsg}")  # authority axis order
    a = to.transform(lon0, lat0)
    b = to.transform(lon1, lat1)
    return ",".join(
        repr(v) for v in (min(a[0], b[0]), min(a[1], b[1]), max(a[0], b[0]), max(a[1], b[1]))
    )


CASES = [
    # (collection, bbox, bbox-crs, extra, limit)
    ("facilities", "116.40961,39.9,116.5,40.0", None, "", 2),
    ("facilities", "115.5,39.92305,117.5,41", None, "", 5),
    ("facilities", "116.409613,39.911387,116.60000007,40.1", None, "", 1),
    ("facilities", "39.92305,115.5,41,117.5", EPSG + "4326", "", 3),
    ("facilities", "39.92305,115.5,41,117.5", EPSG + "4490", "&crs=" + EPSG + "3857", 4),
    ("facilities", _gk_bbox(4548, 115.5, 39.92305, 117.5, 41), EPSG + "4548", "", 3),
    ("facilities", _gk_bbox(4547, 116.40961, 39.9, 116.5, 40.0), EPSG + "4547", "", 2),
    ("county", "116.40961,39.7123457,116.9,40.2", None, "&crs=" + EPSG + "4548", 2),
    ("county", _gk_bbox(4548, 116.1234567, 39.7654321, 117.0000001, 40.3), EPSG + "4548", "", 7),
]


@pytest.mark.parametrize(("collection", "bbox", "bbox_crs", "extra", "limit"), CASES)
def test_following_next_returns_every_matched_feature(
    client, collection, bbox, bbox_crs, extra, limit
):
    query = f"bbox={bbox}&limit={limit}" + (f"&bbox-crs={bbox_crs}" if bbox_crs else "") + extra
    url = f"/ogc/collections/{collection}/items?{query}"
    matched, ids, nexts = _follow(client, url)
    assert matched > limit, "the case must span several pages"
    assert len(ids) == matched and len(set(ids)) == matched
    whole = client.get(f"{url.replace(f'limit={limit}', 'limit=1000')}").get_json()
    assert sorted(f["id"] for f in whole["features"]) == sorted(ids)
    sent = dict(parse_qsl(query))
    for href in nexts:  # every parameter repeated exactly as it was sent
        linked = dict(parse_qsl(urlsplit(href).query))
        for name, value in sent.items():
            assert linked[name] == value, (name, linked[name], value)


def test_self_link_keeps_the_bbox_digits(client):
    body = client.get(
        "/ogc/collections/facilities/items?bbox=116.40961,39.9,116.5,40.0&limit=2"
    ).get_json()
    self_link = next(link["href"] for link in body["links"] if link["rel"] == "self")
    assert "bbox=116.40961,39.9,116.5,40.0" in self_link
    assert "116.41," not in self_link


@pytest.mark.skipif(shutil.which("ogrinfo") is None, reason="needs GDAL's ogrinfo")
def test_gdal_oapif_spatial_filter_gets_every_feature(live_server, client):
    """``ogrinfo OAPIF:… -spat`` pages with ``next`` links: 24 of 24, not 23."""
    spat = ("115.5", "39.92305", "117.5", "41")
    expected = client.get(
        f"/ogc/collections/facilities/items?bbox={','.join(spat)}&limit=1000"
    ).get_json()["numberMatched"]
    result = subprocess.run(
        [
            "ogrinfo",
            "-ro",
            "-al",
            "-geom=NO",
            "-oo",
            "PAGE_SIZE=5",
            f"OAPIF:{live_server}/ogc",
            "facilities",
            "-spat",
            *spat,
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    count = sum(line.startswith("OGRFeature(") for line in result.stdout.splitlines())
    assert count == expected and expected > 5
