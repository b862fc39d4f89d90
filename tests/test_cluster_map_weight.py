"""The cluster map draws the light map TopoJSON the choropleths draw (cached by the browser
across maps) with each unit's class inline, instead of fetching the ~860 KB county cluster
GeoJSON: what the page transfers (gzip, without vendor scripts) stays within 150 KB. The
GeoJSON download is still offered as a download."""

from __future__ import annotations

import json
import re

import pytest

BUDGET = 150_000
PAGE = "/maps/clusters?indicator=population&level=county&basemap=none"
OPTIONS = re.compile(r"JJJAtlas\.clusters\(map_\w+, (\{.*?\})\);", re.S)


def _gzip_size(client, url: str) -> int:
    response = client.get(url, headers={"Accept-Encoding": "gzip"})
    assert response.status_code == 200, url
    return len(response.data)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_cluster_map_draws_the_light_topojson(client, lang):
    page = client.get(f"{PAGE}&lang={lang}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    script_url = (
        re.search(r'<script src="(/map-script/[^"]+)"', html).group(1).replace("&amp;", "&")
    )
    script = client.get(script_url).get_data(as_text=True)
    options = json.loads(OPTIONS.search(script).group(1))
    assert "/download/regions.topojson" in options["url"] and "view=map" in options["url"]
    assert options["object"] == "regions"
    units = options["units"]
    assert len(units) >= 199
    classes = {u[4] for u in units.values()}
    assert classes & {"HH", "LL", "HL", "LH", "ns"}
    # What the page fetches from this service, gzipped: page, map script, data, own assets.
    assets = re.findall(r'(?:src|href)="(/static/(?!vendor/)[^"]+)"', html + script)
    total = sum(_gzip_size(client, url) for url in [f"{PAGE}&lang={lang}", script_url,
                                                   options["url"], *set(assets)])  # fmt: skip
    assert total <= BUDGET, total
    # The analysis GeoJSON is still a download.
    assert "/download/clusters.geojson" in html
