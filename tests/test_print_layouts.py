"""Print layouts of static exports: paper sizes, complete source lines, place
names and facility points in PDF/SVG/PNG, file names that say what the file is."""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET

import pytest
from matplotlib.lines import Line2D
from PIL import Image
from pypdf import PdfReader

from geo.maps.labels import label_points
from geo.maps.mapspec import choropleth_spec
from geo.render import export_options
from geo.render.annotate import draw_labels
from geo.render.choropleth import region_extent
from geo.render.fonts import cjk_font
from geo.render.layout import Sheet, drawing, edge_color, text_width, wrap
from webmap import cli

SVG = "{http://www.w3.org/2000/svg}"
POP = "/export/choropleth.{fmt}?indicator=population&level=prefecture&year=2020"
CHANGE = POP + "&compare=2010"
MM = 72 / 25.4


def _pdf(response) -> tuple:
    assert response.status_code == 200, response.get_data(as_text=True)[:400]
    assert response.mimetype == "application/pdf"
    page = PdfReader(io.BytesIO(response.data)).pages[0]
    return float(page.mediabox.width), float(page.mediabox.height), page.extract_text()


@pytest.mark.parametrize(
    "paper,orientation,size_mm",
    [
        ("a4", "portrait", (210, 297)),
        ("a4", "landscape", (297, 210)),
        ("a3", "landscape", (420, 297)),
        ("letter", "portrait", (215.9, 279.4)),
    ],
)
def test_pdf_is_exactly_the_page(client, paper, orientation, size_mm):
    width, height, _ = _pdf(
        client.get(POP.format(fmt="pdf") + f"&paper={paper}&orientation={orientation}")
    )
    assert width == pytest.approx(size_mm[0] * MM, abs=0.05)
    assert height == pytest.approx(size_mm[1] * MM, abs=0.05)
    if (paper, orientation) == ("a4", "portrait"):
        assert (round(width), round(height)) == (595, 842)


def test_orientation_defaults_to_portrait_and_width_export_is_unchanged(client):
    width, height, _ = _pdf(client.get(POP.format(fmt="pdf") + "&paper=a4"))
    assert width < height
    # Without paper: today's width/dpi export, as tall as the map needs.
    width, height, _ = _pdf(client.get(POP.format(fmt="pdf") + "&width=900&dpi=150"))
    assert width == pytest.approx(900 / 150 * 72, abs=0.01)
    assert height not in (pytest.approx(842, abs=1),)


def test_png_and_svg_take_the_page_proportions_at_dpi(client):
    png = client.get(POP.format(fmt="png") + "&paper=a4&orientation=landscape&dpi=100")
    assert png.status_code == 200
    image = Image.open(io.BytesIO(png.data))
    assert image.size == (round(297 / 25.4 * 100), round(210 / 25.4 * 100))
    svg = client.get(POP.format(fmt="svg") + "&paper=a3&dpi=100")
    root = ET.fromstring(svg.data)
    assert float(root.get("width").removesuffix("pt")) == pytest.approx(297 * MM, abs=0.05)
    assert float(root.get("height").removesuffix("pt")) == pytest.approx(420 * MM, abs=0.05)


@pytest.mark.parametrize(
    "query,name",
    [
        ("paper=b5", "paper"),
        ("paper=a4&orientation=sideways", "orientation"),
        ("paper=a3&dpi=600", "dpi"),  # a 70-megapixel PNG: the answer names the largest dpi
    ],
)
def test_bad_paper_options_are_400_naming_the_valid_values(client, query, name):
    response = client.get(POP.format(fmt="png") + "&" + query)
    assert response.status_code == 400
    body = response.get_data(as_text=True)
    assert f"invalid {name}" in body
    if name == "paper":
        assert "a4, a3, letter" in body
    if name == "orientation":
        assert "portrait, landscape" in body
    if name == "dpi":
        assert "to 557" in body


def _names(level: str, lang: str) -> list[str]:
    return [p.name(lang) for p in label_points(level)]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_prefecture_and_xiongan_named_in_pdf_text_and_svg_text(client, lang):
    names = _names("prefecture", lang)
    assert len(names) == 14 and ("雄安新区" in names or "Xiong'an New Area" in names)
    _, _, pdf_text = _pdf(client.get(POP.format(fmt="pdf") + f"&lang={lang}&paper=a4"))
    flat = pdf_text.replace("\n", " ")
    for name in names:
        assert name in flat, name
    svg = client.get(POP.format(fmt="svg") + f"&lang={lang}&paper=a4")
    texts = [t.text for t in ET.fromstring(svg.data).iter(f"{SVG}text")]
    for name in names:
        assert name in texts, name
    # Each name once as text (the white halo is a stroke path, not a second text).
    assert sum(t == names[0] for t in texts) == 1


def test_labels_values_both_none(client):
    spec = choropleth_spec({"indicator": "population", "level": "prefecture", "year": "2020"})
    beijing = spec.format_map_value(spec.map_values()["110100"])
    _, _, values = _pdf(client.get(POP.format(fmt="pdf") + "&labels=values"))
    assert beijing in values and "Baoding" not in values
    _, _, both = _pdf(client.get(POP.format(fmt="pdf") + "&labels=both"))
    assert beijing in both and "Baoding" in both
    _, _, none = _pdf(client.get(POP.format(fmt="pdf") + "&labels=none"))
    assert "Baoding" not in none and "Resident population" in none
    bad = client.get(POP.format(fmt="pdf") + "&labels=all")
    assert bad.status_code == 400 and "names, values, both, none" in bad.get_data(as_text=True)


def test_county_labels_are_a_subset_without_overlaps():
    options = export_options({"paper": "a4", "dpi": "100"}, "png")
    with drawing():
        sheet = Sheet(options, region_extent(), "title", "subtitle", "source", "zh")
        sheet.legend([Line2D([], [], label="x" * 30)] * 6, prop=cjk_font(10))
        sheet.decorate()
        kept = draw_labels(sheet, "county", "zh")
        renderer = sheet.figure.canvas.get_renderer()
        boxes = [a.get_window_extent(renderer) for a in kept]
        legend = sheet.ax.get_legend().get_window_extent(renderer)
        frame = sheet.ax.get_window_extent(renderer)
    assert 40 < len(kept) < len(label_points("county"))
    for i, a in enumerate(boxes):
        assert not a.overlaps(legend)
        assert frame.x0 <= a.x0 and a.x1 <= frame.x1 and frame.y0 <= a.y0 and a.y1 <= frame.y1
        for b in boxes[i + 1 :]:
            assert not a.overlaps(b)


def test_source_line_is_complete_in_the_pdf(client):
    spec = choropleth_spec({"indicator": "population", "lang": "zh", "level": "prefecture"})
    source = spec.indicator.source_text("zh")
    assert len(source) > 150  # long enough to need several lines
    _, _, pdf_text = _pdf(client.get(POP.format(fmt="pdf") + "&lang=zh&paper=a4"))

    def squeeze(value: str) -> str:
        return re.sub(r"\s+", "", value)

    assert squeeze(source) in squeeze(pdf_text)
    assert "…" not in pdf_text
    assert "2 0 2 0" not in pdf_text and "2020年第七次" in pdf_text  # CJK not letter-spaced
    _, _, en_text = _pdf(client.get(POP.format(fmt="pdf") + "&lang=en&paper=a4"))
    en_source = spec.indicator.source_text("en")
    assert squeeze(en_source) in squeeze(en_text) and "…" not in en_text


def test_wrap_keeps_numbers_and_words_whole_and_fits():
    font = cjk_font(10)
    value = "人口普查公报：2020年第七次人口普查（《河北省第七次全国人口普查公报》及京、津）；see https://www.stats.gov.cn/sj/tjgb/rkpcgb/"
    lines = wrap(value, 120, font)
    assert len(lines) > 3
    assert all(text_width(line, font) <= 120 for line in lines)
    assert "".join(lines).replace(" ", "") == value.replace(" ", "")
    assert any("2020年" in line for line in lines)
    assert not any(line[0] in "）》，；：" for line in lines)  # no closing mark opens a line


def test_outlines_stay_visible_on_the_palest_class():
    assert edge_color("#ffffcc") != "#ffffff"  # YlGnBu's palest class: grey outline
    assert edge_color("#f7fbff") != "#ffffff"
    assert edge_color("#253494") == "#ffffff"  # dark fills keep white borders


@pytest.mark.parametrize(
    "url,name",
    [
        (
            CHANGE.format(fmt="pdf") + "&lang=zh",
            "jjj_population_prefecture_2010-2020_change_zh.pdf",
        ),
        (
            CHANGE.format(fmt="svg") + "&change=absolute&lang=en",
            "jjj_population_prefecture_2010-2020_change-absolute_en.svg",
        ),
        (POP.format(fmt="png") + "&width=300", "jjj_population_prefecture_2020_en.png"),
        (
            POP.format(fmt="pdf") + "&lang=zh&paper=a3&orientation=landscape",
            "jjj_population_prefecture_2020_zh_a3-landscape.pdf",
        ),
        ("/export/corridor/jing-jin.png?band_km=20&width=300", "jjj_corridor_jing-jin_20km_en.png"),
        (
            "/export/links.pdf?kind=paired-assistance&lang=zh&paper=a4",
            "jjj_links_prefecture_kind-paired-assistance_zh_a4-portrait.pdf",
        ),
    ],
)
def test_file_names_say_what_the_file_is(client, url, name):
    response = client.get(url)
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == f'attachment; filename="{name}"'


def test_svg_keeps_text_and_names_the_font(client):
    svg = client.get(POP.format(fmt="svg") + "&lang=zh&width=600").get_data(as_text=True)
    root = ET.fromstring(svg)
    texts = list(root.iter(f"{SVG}text"))
    assert "常住人口（人口普查）" in [t.text for t in texts]
    assert any((t.text or "").endswith(" 千米") for t in texts)  # zh prints: 千米, not km
    for t in texts:
        assert "font-family: 'Noto Sans CJK SC', 'Source Han Sans SC', 'Noto Sans CJK" in t.get(
            "style"
        )


def test_points_drawn_with_legend_entries(client):
    svg = client.get(POP.format(fmt="svg") + "&points=hospital,park&width=800").get_data(
        as_text=True
    )
    texts = [t.text for t in ET.fromstring(svg).iter(f"{SVG}text")]
    assert any(t and t.startswith("Hospital") for t in texts), texts
    assert any(t and t.startswith("approximate (") for t in texts)  # parks: district points
    assert 'id="points-hospital"' in svg and 'id="points-park-approximate"' in svg


def test_corridor_and_links_exports_on_paper_name_places(client):
    width, height, corridor = _pdf(
        client.get(
            "/export/corridor/tong-wu-lang.pdf?band_km=30&lang=zh&paper=a4&orientation=landscape"
        )
    )
    assert width > height
    for name in ("通州区", "武清区", "廊坊市", "北京市", "天津市"):
        assert name in corridor
    assert "走廊线：通州区 – 武清区 – 廊坊市" in corridor  # the line by place names
    _, _, links = _pdf(client.get("/export/links.pdf?lang=en&paper=letter"))
    assert "Shijiazhuang" in links and "Chengde" in links


def test_cli_paper_orientation_and_links(tmp_path):
    out = tmp_path / "map.pdf"
    argv = ["export", "--format", "pdf", "--indicators", "population", "--lang", "zh"]
    argv += ["--paper", "a3", "--orientation", "landscape", "--output", str(out)]
    assert cli.main(argv) == 0
    page = PdfReader(out).pages[0]
    assert float(page.mediabox.width) == pytest.approx(420 * MM, abs=0.05)
    links = tmp_path / "links.svg"
    assert cli.main(["export", "--format", "svg", "--links", "--output", str(links)]) == 0
    assert b"Beijing" in links.read_bytes()
    assert cli.main(["export", "--format", "pdf", "--indicators", "gdp", "--paper", "b4",
                     "--output", str(tmp_path / "x.pdf")]) == 2  # fmt: skip


@pytest.mark.parametrize(
    "lang,words", [("zh", ("纸张", "方向", "横向")), ("en", ("Paper", "Landscape"))]
)
def test_map_page_offers_paper_and_orientation(client, lang, words):
    page = client.get(f"/maps/choropleth?indicator=population&lang={lang}").get_data(as_text=True)
    form = page[page.index('class="exports print-export"') :]
    form = form[: form.index("</form>")]
    assert 'action="/export/choropleth.pdf"' in form
    assert '<select name="paper">' in form and 'value="a3"' in form and 'value="letter"' in form
    assert '<select name="orientation">' in form and 'value="landscape"' in form
    assert 'name="indicator" value="population"' in form
    for word in words:
        assert word in form
    corridor = client.get(f"/maps/corridor/jing-jin?lang={lang}").get_data(as_text=True)
    assert 'action="/export/corridor/jing-jin.pdf"' in corridor
    links = client.get(f"/maps/links?lang={lang}").get_data(as_text=True)
    assert 'action="/export/links.pdf"' in links


def test_thumbnails_leave_labels_out(client):
    small = client.get(POP.format(fmt="svg") + "&width=300&dpi=100").get_data(as_text=True)
    texts = [t.text for t in ET.fromstring(small).iter(f"{SVG}text")]
    assert "Baoding" not in texts and "Resident population (national census)" in texts


def test_legend_says_when_fewer_classes_are_drawn(client):
    url = "/export/choropleth.svg?indicator=health_technicians&level=prefecture&k=7&width=900"
    texts = [t.text for t in ET.fromstring(client.get(url).data).iter(f"{SVG}text")]
    assert "Only 2 units have data, so the map has 2 classes" in texts  # planner's words
