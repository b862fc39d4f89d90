"""Map pages with labels= and points=, without a browser."""

from __future__ import annotations

import json
import re
from html import unescape
from urllib.parse import parse_qs, urlparse

import pytest

from geo.i18n import LANGS
from geo.maps.points import valid_tokens
from tests.map_pages import with_map_script
from tests.test_language import CJK_RUN, LATIN_RUN, wrong_script

ALL_POINTS = ",".join(valid_tokens())
CHORO = "/maps/choropleth?indicator=population&basemap=none"


def layer_options(html: str, function: str) -> dict:
    """The options a page passes to ``JJJAtlas.<function>(map, {...})``."""
    match = re.search(
        r"JJJAtlas\." + function + r"\(map_\w+, (\{.*?\})\);(?:\n|</script>)", html, re.S
    )
    assert match, function
    return json.loads(match.group(1))


#: Options holding interface text the script draws (not data: names, sources, adcodes).
def interface_strings(options: dict) -> list[str]:
    strings = [
        options.get(k)
        for k in ("basemapNote", "loadError", "noData", "specialLabel", "classWord", "unit")
    ]
    strings += list((options.get("scaleWords") or {}).values())
    strings += [v for k, v in (options.get("labels") or {}).items() if isinstance(v, str)]
    points = options.get("points") or {}
    strings += list((points.get("labels") or {}).values())
    strings += [layer["title"] for layer in points.get("layers", [])]
    return [s for s in strings if s]


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize(
    "url",
    [
        f"{CHORO}&level=county&labels=both&points={ALL_POINTS}",
        f"/embed/choropleth?indicator=population&level=prefecture&points={ALL_POINTS}",
        "/maps/corridor/tong-wu-lang?basemap=none",
        "/",
    ],
)
def test_text_the_map_script_draws_is_in_the_page_language(client, url, lang):
    response = client.get(f"{url}{'&' if '?' in url else '?'}lang={lang}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert wrong_script(html, lang) == []
    function = "corridor" if "corridor" in url else "regions"
    options = layer_options(with_map_script(client, html), function)
    strings = interface_strings(options)
    assert strings
    pattern = LATIN_RUN if lang == "zh" else CJK_RUN
    wrong = [s for s in strings if pattern.search(s) or (lang == "zh" and s in ("km", "mi"))]
    assert wrong == []
    # Place names in the page's language, one per unit.
    names = [row[3] for row in options["labelPoints"]]
    assert names and all(CJK_RUN.search(n) for n in names) == (lang == "zh")


def test_label_and_point_parameters_reach_embed_and_exports(client):
    html = client.get(f"{CHORO}&level=prefecture&labels=values&points=grade-3a,park").get_data(
        as_text=True
    )
    options = layer_options(with_map_script(client, html), "regions")
    assert options["labelMode"] == "values" and len(options["labelPoints"]) == 14
    assert [layer["token"] for layer in options["points"]["layers"]] == ["grade-3a", "park"]
    snippet = unescape(re.search(r'<iframe src="([^"]+)"', unescape(html)).group(1))
    query = parse_qs(urlparse(snippet).query)
    assert query["labels"] == ["values"] and query["points"] == ["grade-3a,park"]
    exports = re.findall(r'href="(/export/choropleth\.[a-z]+\?[^"]+)"', html)
    assert exports and all(
        "labels=values" in e and "points=grade-3a" in unescape(e) for e in exports
    )
    # The default (names, no points) keeps existing URLs as they were.
    plain = client.get(f"{CHORO}&level=prefecture").get_data(as_text=True)
    assert "labels=" not in re.search(r'<iframe src="([^"]+)"', unescape(plain)).group(1)


def test_bad_labels_and_points_are_400s_naming_valid_values(client):
    response = client.get(f"{CHORO}&labels=big")
    assert response.status_code == 400
    assert "names, values, both, none" in response.get_data(as_text=True)
    response = client.get(f"{CHORO}&points=hospital,<b>zoo</b>")
    body = response.get_data(as_text=True)
    assert response.status_code == 400 and "fudan-top100" in body and "<b>zoo" not in body
    response = client.get("/embed/choropleth?indicator=population&points=dataset:abc")
    assert response.status_code == 404  # no such point dataset


@pytest.mark.parametrize(
    "lang,expected",
    [
        ("en", "7 classes asked, 3 drawn: only 3 units have values"),
        ("zh", "请求 7 级，绘制 3 级：仅 3 个单位有数值"),
    ],
)
def test_legend_says_when_fewer_classes_are_drawn(client, lang, expected):
    html = client.get(f"{CHORO}&level=province&k=7&lang={lang}").get_data(as_text=True)
    assert expected in html
    html = client.get(f"{CHORO}&level=county&k=7&lang={lang}").get_data(as_text=True)
    assert 'id="classes-note"' not in html


def test_year_selector_offers_years_at_the_level_that_has_them(client):
    # gdp 2023 has values for prefectures only (two city bulletins), none for provinces.
    gdp = "/maps/choropleth?indicator=gdp"
    html = client.get(f"{gdp}&level=province&lang=zh").get_data(as_text=True)
    assert re.search(
        r'<option value="2023" data-segment="\d+" data-level="prefecture">2023 \(地级\)</option>',
        html,
    )
    html = client.get(f"{gdp}&level=province&year=2022&lang=en").get_data(as_text=True)
    compare = re.search(r'<select name="compare".*?</select>', html, re.S).group(0)
    assert '<option value="2021">' in compare
    html = client.get(f"{gdp}&level=prefecture&lang=en").get_data(as_text=True)
    assert "data-level=" not in html and 'id="year-note"' not in html
    # population 2010 now has county values (2010 census by county): offered at county level.
    html = client.get(f"{CHORO}&level=county&lang=en").get_data(as_text=True)
    compare = re.search(r'<select name="compare".*?</select>', html, re.S).group(0)
    assert '<option value="2010">' in compare


def test_palette_choices_carry_their_colours(client):
    html = client.get(f"{CHORO}&level=prefecture&k=4").get_data(as_text=True)
    colours = json.loads(unescape(re.search(r"data-palette-colors='([^']+)'", html).group(1)))
    assert len(colours["YlGnBu"].split()) == 4 and re.fullmatch(
        r"[0-9a-f]{6}", colours["YlGnBu"][:6]
    )
    assert "RdBu" not in colours  # the family of the view: sequential here
    html = client.get(f"{CHORO}&level=prefecture&compare=2010").get_data(as_text=True)
    colours = json.loads(unescape(re.search(r"data-palette-colors='([^']+)'", html).group(1)))
    assert "RdBu" in colours and "YlGnBu" not in colours
