"""Every page in zh shows no English sentence, every page in en no untranslated Chinese.

Definitions (what the test checks, on the visible text of each page):

- Visible text: the HTML with ``<script>``, ``<style>`` and ``<textarea>`` (the copy-paste
  embed code) removed. Text inside an element marked ``lang`` with the *other* language is
  exempt (place and facility names are marked ``lang="zh"`` / ``lang="en"``, as is the
  language switch), and so is text inside ``class="citation"`` elements (a cited document
  keeps its own title and publisher), and inside ``translate="no"`` elements (identifiers
  such as ColorBrewer palette names and API paths). URLs and titles in 《》 are exempt.
- Wrong script on a zh page: a run of 4 or more Latin words (``[A-Za-z][A-Za-z'’-]*``)
  separated only by spaces or light punctuation.
- Wrong script on an en page: any run of CJK ideographs.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from geo.i18n import FACILITY_CATEGORIES, LANGS, text
from geo.sources.catalog import indicators
from geo.sources.zones import zones

SKIP_TAGS = {"script", "style", "textarea"}
VOID = {"br", "img", "input", "meta", "link", "hr", "area", "base", "col", "source", "wbr"}
LATIN_RUN = re.compile(r"[A-Za-z][A-Za-z'’-]*(?:[ \t\n,;:()/&·–-]+[A-Za-z][A-Za-z'’-]*){3,}")
CJK_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
URL = re.compile(r"https?://\S+")
TITLE = re.compile(r"《[^》]*》")


class VisibleText(HTMLParser):
    def __init__(self, lang: str):
        super().__init__()
        self.lang = lang
        self.stack: list[bool] = []  # skip flag per open element
        self.chunks: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in VOID:
            return
        attrs = dict(attrs)
        skip = bool(self.stack and self.stack[-1])
        skip = skip or tag in SKIP_TAGS or "citation" in (attrs.get("class") or "").split()
        skip = skip or attrs.get("translate") == "no"
        marked = attrs.get("lang")
        skip = skip or (marked is not None and not marked.startswith(self.lang))
        self.stack.append(skip)

    def handle_endtag(self, tag):
        if tag not in VOID and self.stack:
            self.stack.pop()

    def handle_data(self, data):
        if not (self.stack and self.stack[-1]):
            self.chunks.append(data)


def visible_text(html: str, lang: str) -> str:
    parser = VisibleText(lang)
    parser.feed(html)
    return TITLE.sub(" ", URL.sub(" ", " ".join(parser.chunks)))


def wrong_script(html: str, lang: str) -> list[str]:
    text_ = visible_text(html, lang)
    pattern = LATIN_RUN if lang == "zh" else CJK_RUN
    return [m.group(0) for m in pattern.finditer(text_)]


def all_pages() -> list[str]:
    pages = ["/"]
    for ind in indicators():
        for level in ind.levels:
            pages.append(f"/maps/choropleth?indicator={ind.id}&level={level}&basemap=none")
            pages.append(f"/embed/choropleth?indicator={ind.id}&level={level}&basemap=none")
        for run in ind.segments():  # a change never spans a definition break
            for year in run[:-1]:
                pages.append(
                    f"/maps/choropleth?indicator={ind.id}&year={run[-1]}&compare={year}"
                    "&basemap=none"
                )
    for zone in zones():
        pages.append(f"/maps/corridor/{zone.id}?basemap=none")
        pages.append(f"/embed/corridor/{zone.id}?basemap=none")
    pages += ["/maps/links?basemap=none", "/embed/links?basemap=none"]
    return pages


def test_the_checker_catches_wrong_script():
    assert wrong_script("<p>这是一个测试 and this is an English sentence</p>", "zh")
    names = '<p>通州区 <span lang="en">Tongzhou District Beijing City</span></p>'
    assert not wrong_script(names, "zh")
    assert wrong_script("<p>Population 常住人口 of the city</p>", "en")
    assert not wrong_script('<p>See <span lang="zh">通州区</span> and 《北京统计年鉴》</p>', "en")
    assert not wrong_script('<li class="citation">《标题》, 北京市统计局, 2021</li>', "en")


@pytest.mark.parametrize("lang", LANGS)
def test_no_sentence_in_the_wrong_script_on_any_page(client, lang):
    problems = {}
    for url in all_pages():
        response = client.get(f"{url}{'&' if '?' in url else '?'}lang={lang}")
        assert response.status_code == 200, url
        found = wrong_script(response.get_data(as_text=True), lang)
        if found:
            problems[url] = found[:3]
    assert not problems, problems


def test_every_indicator_zone_and_category_has_both_languages():
    for ind in indicators():
        assert ind.title_zh and ind.title_en and ind.unit and ind.unit_zh, ind.id
        assert ind.description and ind.description_zh, ind.id
        assert ind.source and ind.source_zh, ind.id
    for zone in zones():
        assert zone.name_zh and zone.name_en and zone.description_zh and zone.description_en
        assert zone.source and zone.source_zh, zone.id
    for category in FACILITY_CATEGORIES:
        for lang in LANGS:
            for key in (category, f"{category}_description", "facility_unit"):
                assert text(key, lang) != key, (category, key, lang)
