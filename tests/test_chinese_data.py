"""Chinese throughout (data side): every ``*_zh`` field of the bundled data is
Chinese; English stays only in cited titles, quotations, names and URLs."""

from __future__ import annotations

import json
import re

import pandas as pd
import pytest

from geo.paths import BOUNDARIES_DIR, DATA_DIR, FACILITIES_DIR, INDICATORS_DIR, ZONES_DIR

#: English titles of cited works, kept as titles in Chinese text.
TITLES = ("Proceedings of Business and Economic Studies",)
URL = re.compile(r"(https?://|www\.)\S+")
QUOTED = re.compile(r"“[^”]*”|‘[^’]*’|《[^》]*》|\"[^\"]*\"")
#: Four English words in a row (a phrase, not a name, a code or a unit).
PROSE = re.compile(r"\b[A-Za-z][a-z']+(?:[ ,;:-]+[A-Za-z][a-z']+){3,}")


def english_prose(text: str) -> list[str]:
    """English phrases in ``text`` outside URLs, quotations and cited titles."""
    for title in TITLES:
        text = text.replace(title, "")
    text = QUOTED.sub("", URL.sub("", text))
    return PROSE.findall(text)


def _zh_fields(node, path=""):
    if isinstance(node, dict):
        for key, value in node.items():
            if key.endswith("_zh") and isinstance(value, str):
                yield f"{path}.{key}", value
            else:
                yield from _zh_fields(value, f"{path}.{key}")
    elif isinstance(node, list):
        for i, item in enumerate(node):
            yield from _zh_fields(item, f"{path}[{i}]")


def _all_zh_texts():
    for path in (INDICATORS_DIR / "catalog.json", ZONES_DIR / "zones.json"):
        for where, text in _zh_fields(json.loads(path.read_text(encoding="utf-8"))):
            yield f"{path.name}{where}", text
    csvs = [
        *sorted(FACILITIES_DIR.glob("*.csv")),
        DATA_DIR / "links" / "links.csv",
        BOUNDARIES_DIR / "county_changes_2010_2020.csv",
    ]
    for path in csvs:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
        for column in [c for c in frame.columns if c.endswith("_zh") and c != "name_zh"]:
            for i, text in enumerate(frame[column]):
                yield f"{path.name}:{i + 2}:{column}", text


def test_the_prose_detector_finds_english_and_spares_titles_quotes_and_urls():
    assert english_prose("not stated in the copy read")
    assert english_prose("所在区：District not read on a cited page.")
    assert not english_prose(
        "Jing & Zhang（Proceedings of Business and Economic Studies，第3.4节）"
    )
    assert not english_prose("所在区依据：“located in Hexi District, Tianjin”（https://a.b/c d）")
    assert not english_prose("见 grade_source（北京市医保定点名单）；datum_check=unchecked")


@pytest.mark.parametrize("where,text", list(_all_zh_texts()))
def test_no_zh_field_is_english_prose(where, text):
    assert not english_prose(text), (where, english_prose(text))


def test_every_english_note_has_its_chinese_note():
    for path in [*sorted(FACILITIES_DIR.glob("*.csv")), DATA_DIR / "links" / "links.csv"]:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
        assert "note_zh" in frame.columns, path.name
        assert ((frame["note"] == "") == (frame["note_zh"] == "")).all(), path.name
        if "source_zh" in frame.columns or path.parent == FACILITIES_DIR:
            assert (frame["source_zh"] != "").all(), path.name
    for path, key in (
        (INDICATORS_DIR / "catalog.json", "indicators"),
        (ZONES_DIR / "zones.json", "zones"),
    ):
        for entry in json.loads(path.read_text(encoding="utf-8"))[key]:
            for citation in entry.get("citations", ()):
                for field in ("note", "unavailable"):
                    if citation.get(field):
                        assert citation.get(f"{field}_zh"), (entry["id"], citation)
                if citation.get("publisher", "").startswith("not stated"):
                    assert citation.get("publisher_zh")


def test_downloads_and_api_carry_both_languages(client):
    links = client.get("/download/links.geojson").get_json()
    props = links["features"][0]["properties"]
    assert props["note"] and props["note_zh"]
    facilities = client.get("/download/facilities.geojson?category=hospital").get_json()
    notes = [f["properties"].get("note_zh") for f in facilities["features"]]
    assert any(notes) and all("note" in f["properties"] for f in facilities["features"])
    assert all(f["properties"].get("source_zh") for f in facilities["features"])
    api = client.get("/api/indicators/academician_share").get_json()
    citation = api["citations"][0] if "citations" in api else api["indicator"]["citations"][0]
    assert citation["publisher_zh"] == "所读副本未写明" and citation["unavailable_zh"]


def test_zh_page_shows_the_chinese_citation_remarks(client):
    html = client.get("/maps/choropleth?indicator=academician_share&lang=zh").get_data(as_text=True)
    assert "所读副本未写明" in html and "not stated in the copy read" not in html
    en = client.get("/maps/choropleth?indicator=academician_share&lang=en").get_data(as_text=True)
    assert "not stated in the copy read" in en
