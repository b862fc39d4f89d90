"""A choropleth GeoPackage carries the map page's style in ``layer_styles`` (QML and SLD):
the breaks, colours and labels read back from the file equal those the page's map script
draws with, and every unit falls in the class whose colour the page gives it."""

from __future__ import annotations

import html
import json
import re
import xml.etree.ElementTree as ET

import pyogrio
import pytest

OGC = "{http://www.opengis.net/ogc}"
SE = "{http://www.opengis.net/se}"


def _page_options(client, query: str) -> dict:
    """The options the map page hands to ``JJJAtlas.regions`` (bins, colours, labels)."""
    page = client.get(f"/maps/choropleth?{query}").get_data(as_text=True)
    script_url = html.unescape(re.search(r'src="(/map-script/[^"]+)"', page).group(1))
    script = client.get(script_url).get_data(as_text=True)
    start = script.index("{", script.index("JJJAtlas.regions("))
    options, _ = json.JSONDecoder().raw_decode(script[start:])
    return options


def _rgb(text: str) -> str:
    red, green, blue = (int(v) for v in text.split(",")[:3])
    return f"#{red:02x}{green:02x}{blue:02x}"


def _styles(client, tmp_path, url: str):
    response = client.get(url)
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    path = tmp_path / "styled.gpkg"
    path.write_bytes(response.data)
    layer = next(name for name, kind in pyogrio.list_layers(path) if kind)
    styles = pyogrio.read_dataframe(path, layer="layer_styles")
    assert len(styles) == 1 and styles["f_table_name"][0] == layer
    assert bool(styles["useAsDefault"][0]) and styles["f_geometry_column"][0] == "geom"
    return path, layer, styles.iloc[0]


def _qml_rules(qml: str) -> list[dict]:
    root = ET.fromstring(qml.split("\n", 1)[1])
    colours = {
        symbol.get("name"): symbol.find("layer/Option/Option[@name='color']").get("value")
        for symbol in root.iter("symbol")
    }
    return [
        {"label": r.get("label"), "filter": r.get("filter"), "color": colours[r.get("symbol")]}
        for r in root.iter("rule")
    ]


CASES = [
    (
        "indicator=population&level=county&scheme=quantiles&k=5&palette=Blues",
        "/download/regions.gpkg?level=county&indicators=population&scheme=quantiles&k=5&palette=Blues",
        "population",
    ),
    (
        "indicator=population&level=prefecture&scheme=natural_breaks&k=4&palette=YlOrRd",
        "/download/regions.gpkg?level=prefecture&indicators=population,area_km2&scheme=natural_breaks"
        "&k=4&palette=YlOrRd",
        "population",
    ),
    (
        "indicator=population&level=prefecture&year=2020&compare=2010",
        "/download/regions.gpkg?level=prefecture&indicators=population&year=2020&compare=2010",
        "population_change_pct",
    ),
]


@pytest.mark.parametrize(("page", "download", "column"), CASES)
def test_styles_read_back_equal_the_map_page(client, tmp_path, page, download, column):
    options = _page_options(client, page)
    bins, colours, labels = options["bins"], options["colors"], options["classLabels"]
    path, layer, style = _styles(client, tmp_path, download)
    rules = _qml_rules(style["styleQML"])
    classes = [r for r in rules if "IS NULL" not in r["filter"] and "NOT" in r["filter"]]
    assert [r["label"] for r in classes] == labels
    assert [_rgb(r["color"]) for r in classes] == [c.lower() for c in colours]
    missing = next(r for r in rules if "IS NULL" in r["filter"])
    assert _rgb(missing["color"]) == options["missingColor"].lower()
    # the breaks: class i is (bins[i-1], bins[i]]
    for i, rule in enumerate(classes):
        assert f'"{column}"' in rule["filter"]
        uppers = [float(v) for v in re.findall(r"<= (\S+)", rule["filter"])]
        lowers = [float(v) for v in re.findall(r"> (\S+)", rule["filter"])]
        assert uppers == ([] if i == len(bins) - 1 else [bins[i]])
        assert lowers == ([] if i == 0 else [bins[i - 1]])
    # every unit's class colour in the file = the colour the page's script gives it
    frame = pyogrio.read_dataframe(path, layer=layer)
    for value, special in zip(frame[column], frame["special"]):
        if special:
            continue
        expected = (
            options["missingColor"]
            if value != value
            else next((c for b, c in zip(bins, colours) if value <= b), colours[-1])
        )
        matched = (
            [
                r
                for r in classes
                if all(value <= float(v) for v in re.findall(r"<= (\S+)", r["filter"]))
                and all(value > float(v) for v in re.findall(r"> (\S+)", r["filter"]))
            ]
            if value == value
            else [missing]
        )
        assert len(matched) == 1 and _rgb(matched[0]["color"]) == expected.lower()
    # the SLD says the same
    sld = ET.fromstring(style["styleSLD"])
    sld_rules = list(sld.iter(f"{SE}Rule"))
    assert [r.find(f"{SE}Name").text for r in sld_rules][: len(labels)] == labels
    fills = [r.find(f".//{SE}SvgParameter[@name='fill']").text for r in sld_rules]
    assert fills[: len(colours)] == colours
    limits = [
        float(node.find(f"{OGC}Literal").text)
        for node in sld.iter(f"{OGC}PropertyIsLessThanOrEqualTo")
    ]
    assert limits == bins[:-1]


def test_layer_styles_only_with_indicators_and_only_in_geopackages(client, tmp_path):
    response = client.get("/download/regions.gpkg?level=county")
    path = tmp_path / "plain.gpkg"
    path.write_bytes(response.data)
    assert "layer_styles" not in [name for name, _ in pyogrio.list_layers(path)]
    path_form = client.get("/download/regions/county/epsg4548/population.gpkg")
    query_form = client.get(
        "/download/regions.gpkg?level=county&indicators=population&crs=EPSG:4548"
    )
    assert path_form.data == query_form.data  # the default map style in both


def test_bad_style_parameters_are_400(client):
    response = client.get("/download/regions.gpkg?level=county&indicators=population&k=99")
    assert response.status_code == 400 and response.get_json()["parameter"] == "k"
    response = client.get("/download/regions.gpkg?level=county&indicators=population&palette=Nope")
    assert response.status_code == 400 and response.get_json()["parameter"] == "palette"
