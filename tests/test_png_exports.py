"""A cold county PNG export does not draw ~150 names as text again: county labels are
cached sprites composited as one image (SVG and PDF keep real text), the PNG is opaque RGB,
and it is not gzipped on top of its own compression (gzip cost ~1 s and saved nothing)."""

from __future__ import annotations

import io

import pytest
from matplotlib.text import Text
from PIL import Image

COUNTY = "/export/choropleth.{fmt}?indicator={indicator}&level=county&lang={lang}"


@pytest.fixture()
def text_draws(monkeypatch):
    calls = []
    draw = Text.draw

    def counted(self, renderer):
        if self.get_text():
            calls.append(self.get_text())
        return draw(self, renderer)

    monkeypatch.setattr(Text, "draw", counted)
    return calls


def test_county_labels_on_png_are_not_drawn_as_text(client, text_draws):
    client.get(COUNTY.format(fmt="png", indicator="area_km2", lang="zh"))
    text_draws.clear()
    answer = client.get(COUNTY.format(fmt="png", indicator="population", lang="zh"))
    assert answer.status_code == 200
    assert len(text_draws) < 40, len(text_draws)  # title, legend, scale, source: no names
    image = Image.open(io.BytesIO(answer.data))
    assert image.mode == "RGB" and image.size[0] >= 800
    # Labels are there: dark ink inside the map, not only fills.
    pixels = image.convert("L").crop(
        (0, image.size[1] // 5, image.size[0] * 3 // 4, image.size[1] * 4 // 5)
    )
    assert sum(pixels.histogram()[:40]) > 2000


def test_svg_keeps_county_labels_as_text(client, text_draws):
    answer = client.get(COUNTY.format(fmt="svg", indicator="population", lang="zh"))
    assert answer.status_code == 200
    body = answer.data.decode()
    assert body.count('id="label-') > 40
    assert len(text_draws) > 80


def test_png_is_not_gzipped_again(client):
    url = COUNTY.format(fmt="png", indicator="population", lang="en")
    answer = client.get(url, headers={"Accept-Encoding": "gzip"})
    assert answer.status_code == 200
    assert "Content-Encoding" not in answer.headers
    assert answer.data[:8] == b"\x89PNG\r\n\x1a\n"
    svg = client.get(url.replace(".png", ".svg"), headers={"Accept-Encoding": "gzip"})
    assert svg.headers.get("Content-Encoding") == "gzip"
