"""Work done per cold map request: what does not depend on the request is
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


def test_fisher_jenks_matches_mapclassify():
    import warnings

    import mapclassify
    import numpy as np

    from geo.analysis.classify import fisher_jenks_bins
    from geo.sources.indicators import bundled_indicator as get_indicator

    rng = np.random.default_rng(18)
    samples = [
        get_indicator("population").values("county", 2020)["value"].dropna().to_numpy(float),
        rng.lognormal(size=60),
        rng.integers(0, 9, size=80).astype(float),  # many ties
        np.round(rng.normal(size=70), 1),
    ]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        for values in samples:
            for k in (3, 5, 9):
                expected = mapclassify.FisherJenks(values, k=k).bins
                assert np.array_equal(fisher_jenks_bins(values, k), expected), (len(values), k)


def test_map_render_same_as_folium(app):
    """maps.render (folium once per basemap, layer calls appended) gives folium's output."""
    import re

    from geo.maps.basemaps import BASEMAPS
    from webmap import maps

    ids = re.compile(r"(map|tile_layer)_[0-9a-f]{32}")
    options = [
        (
            "regions",
            {"url": "/x?a=1&b=<2>", "bins": [1.5, 2], "label": "北京 'q' \"d\"", "n": None},
        ),
        ("links", {"z": 1, "a": {"nested": [True, False]}}),
    ]
    with app.test_request_context("/"):
        for basemap in BASEMAPS.values():
            fast = maps.base_map(basemap)
            slow = maps.folium_map(basemap)
            for function, opts in options:
                maps.add_layer(fast, function, opts)
                slow.add_child(maps.AtlasLayer(function, opts))
            want = maps._render_folium(slow)  # (folium's render is not repeatable)
            for _ in range(2):  # the second render comes from the per-basemap cache
                got = maps.render(fast)
                for part in ("header", "html", "script"):
                    assert ids.sub("ID", getattr(got, part)) == ids.sub("ID", getattr(want, part))


OLD_ROW_LOOP = """{% for row in rows %}
      <tr><th scope="row" data-value="{{ row.name(lang) }}">{{ row.name(lang) }}</th>
        <td data-value="{{ row.adcode }}">{{ row.adcode }}</td>
        <td class="num{{ ' missing' if row.value is none }}" data-value="{{ '' if row.value is none else row.value }}">{{ row.display }}</td>
        <td data-value="{{ row.class_number or 0 }}"><span class="swatch{{ ' missing' if row.value is none }}" style="background-color: {{ row.color }}"></span> {{ row.class_label }}</td></tr>
    {% endfor %}"""  # noqa: E501  (the Jinja loop _data_table.html had before)


def test_data_table_rows_same_as_template_loop(app):
    import re

    from geo.maps.describe import choropleth_rows
    from geo.maps.mapspec import choropleth_spec
    from webmap.datatable import table_body

    def squeeze(html: str) -> str:
        return re.sub(r">\s+<", "><", html.strip())

    loop = app.jinja_env.from_string(OLD_ROW_LOOP)
    with app.test_request_context("/"):
        for params in (
            {"indicator": "population", "level": "county", "lang": "zh"},
            {"indicator": "nearest_top_hospital_km", "level": "county", "lang": "en", "k": "9"},
            {"indicator": "population", "level": "county", "year": "2020", "compare": "2010"},
            {"indicator": "gdp", "level": "prefecture", "lang": "en"},
        ):
            spec = choropleth_spec(params)
            rows = choropleth_rows(spec)
            want = squeeze(loop.render(rows=rows, lang=spec.lang))
            assert squeeze(str(table_body(rows, spec.lang))) == want


def test_downloads_same_bytes_with_geometry_built_once():
    """GeoJSON and TopoJSON downloads: geometries serialised / topology built once per
    process, properties per download — the same bytes as building everything each time."""
    from geo.formats import exports, geojson
    from geo.sources.indicators import regions_with_indicators

    metadata = {"name": "jjj", "indicators": [{"id": "x"}]}
    for level, ids, year, compare in (
        ("county", ("population", "area_km2"), None, None),
        ("county", ("population",), 2020, 2010),
        ("prefecture", ("gdp", "doctors"), None, None),
    ):
        frame = regions_with_indicators(level, ids, year=year, compare=compare)
        plain = geojson.dumps(geojson.frame_to_feature_collection(frame, metadata=metadata))
        for _ in range(2):  # the second time from the caches
            assert geojson.frame_to_geojson_text(frame, metadata=metadata) == plain
            assert exports._topojson(frame, metadata) == exports._topojson_uncached(frame, metadata)
