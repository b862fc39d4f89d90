"""Prints a report can carry: the legend explains few classes in a planner's words, the
subtitle says how many units have data, zh prints measure in 千米, a change map's title says
it is a change, and prints and embeds carry a boundary note (these maps have no 审图号)."""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET

import pytest
from pypdf import PdfReader

from geo.i18n import text

SVG = "{http://www.w3.org/2000/svg}"
POP = "/export/choropleth.svg?indicator=population&level=prefecture&year=2020&width=1400"
CHANGE = POP + "&compare=2010"


def _texts(client, url: str) -> list[str]:
    response = client.get(url)
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    return [t.text or "" for t in ET.fromstring(response.data).iter(f"{SVG}text")]


def test_fewer_classes_are_explained_without_the_technical_note(client):
    url = "/export/choropleth.svg?indicator=health_technicians&level=prefecture&k=7&width=900"
    en = _texts(client, url)
    zh = _texts(client, url + "&lang=zh")
    assert "Only 2 units have data, so the map has 2 classes" in en
    assert "仅 2 个单位有数据，故分为 2 级" in zh
    for line in en + zh:
        assert "asked" not in line and "请求" not in line and "绘制" not in line


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_embed_legend_explains_few_classes_in_words_the_page_keeps_the_count(client, lang):
    query = "indicator=health_technicians&level=prefecture&k=7&lang=" + lang
    embed = client.get("/embed/choropleth?" + query).get_data(as_text=True)
    page = client.get("/maps/choropleth?" + query).get_data(as_text=True)
    words = text("print_classes_note", lang).format(n=2, drawn=2)
    assert f'<p class="classes-note" id="classes-note">{words}</p>' in embed
    assert words not in page
    assert text("i16_classes_note", lang).format(k=7, drawn=2, n=2) in page


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_ties_are_explained_in_words(client, lang):
    texts = _texts(client, CHANGE + f"&lang={lang}&k=5")
    note = text("print_classes_note_ties", lang).split("{")[0]
    assert any(line.startswith(note) for line in texts), texts
    assert not any("请求" in line or "asked" in line for line in texts)


@pytest.mark.parametrize(
    "lang,coverage", [("en", "13 of 13 units have data"), ("zh", "13 个单位中 13 个有数据")]
)
def test_subtitle_says_how_many_units_have_data(client, lang, coverage):
    texts = _texts(client, POP + f"&lang={lang}")
    subtitle = next(line for line in texts if coverage in line)
    assert "13/13" not in subtitle


def test_county_subtitle_counts_units_with_data(client):
    url = "/export/choropleth.svg?indicator=population&level=county&year=2020&width=1400"
    texts = _texts(client, url)
    assert any(re.search(r"\b\d+ of 199 units have data", line) for line in texts), texts


@pytest.mark.parametrize(
    "url",
    [
        POP,
        "/export/corridor/jing-jin.svg?width=1400",
        "/export/clusters.svg?indicator=population&level=county&width=1400",
        "/export/links.svg?width=1400",
    ],
)
def test_zh_prints_measure_in_qianmi_and_en_prints_in_km(client, url):
    zh = _texts(client, url + "&lang=zh")
    scale_zh = [line for line in zh if re.fullmatch(r"\d+(\.\d+)? 千米", line)]
    assert scale_zh, zh
    assert not any(re.search(r"\d km\b", line) for line in zh)
    en = _texts(client, url + "&lang=en")
    assert any(re.fullmatch(r"\d+(\.\d+)? km", line) for line in en)


def test_corridor_subtitle_band_in_qianmi_on_zh(client):
    zh = _texts(client, "/export/corridor/jing-jin.svg?width=1400&lang=zh&band_km=10")
    assert any("10 千米" in line for line in zh)


@pytest.mark.parametrize(
    "lang,title",
    [
        ("zh", "常住人口（人口普查）变化 2010→2020"),
        ("en", "Change in Resident population (national census), 2010→2020"),
    ],
)
def test_change_map_title_says_it_is_a_change(client, lang, title):
    texts = _texts(client, CHANGE + f"&lang={lang}")
    assert title in texts
    plain = _texts(client, POP + f"&lang={lang}")
    assert title not in plain
    embed = client.get(
        f"/embed/choropleth?indicator=population&year=2020&compare=2010&lang={lang}"
    ).get_data(as_text=True)
    assert f'<h1 class="embed-title">{title}</h1>' in embed


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_pdf_carries_the_boundary_note(client, lang):
    response = client.get(POP.replace(".svg", ".pdf") + f"&lang={lang}&paper=a4")
    page_text = PdfReader(io.BytesIO(response.data)).pages[0].extract_text()
    squeezed = re.sub(r"\s+", "", page_text)
    note = re.sub(r"\s+", "", text("boundary_note", lang))
    assert note in squeezed
    assert ("不作为划界依据" if lang == "zh" else "notanauthoritativedelimitation") in squeezed


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize(
    "url",
    [
        "/embed/choropleth?indicator=population",
        "/embed/corridor/jing-jin",
        "/embed/links",
        "/embed/clusters?indicator=population&level=county",
    ],
)
def test_embeds_carry_the_boundary_note(client, url, lang):
    html = client.get(url + ("&" if "?" in url else "?") + f"lang={lang}").get_data(as_text=True)
    assert f'<p class="boundary-note">{text("boundary_note", lang)}</p>' in html
