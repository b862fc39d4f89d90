"""Work done per cold map request (issue 18): what does not depend on the request is
computed once, not per request."""

from __future__ import annotations

from geo.analysis import colour
from geo.analysis.classify import PALETTES, palette_colors


def test_no_data_grey_computed_once_per_palette(client):
    urls = [
        f"/maps/choropleth?indicator=population&level=county&palette={p}&k=5&lang={lang}"
        f"&scheme={scheme}"
        for p in PALETTES[:4]
        for lang in ("zh", "en")
        for scheme in ("quantiles", "equal_interval")
    ]
    for url in urls:
        assert client.get(url).status_code == 200
    for url in urls:  # the same pages in the other order, and their embeds
        assert client.get(url.replace("/maps/", "/embed/")).status_code == 200
    counts = colour.missing_color_computations()
    for p in PALETTES[:4]:
        colors = tuple(palette_colors(p, 5))
        assert counts.get(colors) == 1, (p, counts.get(colors))


def test_missing_color_unchanged_by_memoising(monkeypatch):
    # The memoised answer is the computed one (same greys as before the cache).
    monkeypatch.setattr(colour, "_computed", {})  # these direct calls are not requests
    for p in PALETTES:
        for k in range(3, 10):
            colors = palette_colors(p, k)
            assert colour.missing_color(colors) == colour._missing_color.__wrapped__(tuple(colors))
