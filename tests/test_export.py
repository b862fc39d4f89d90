"""Static exports (geo.render, /export/..., ``jjj-atlas export --format png|svg|pdf``)."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET

import numpy as np
import pytest
from matplotlib.figure import Figure
from matplotlib.ft2font import FT2Font
from PIL import Image
from pypdf import PdfReader

from geo import render
from geo.analysis.classify import K_RANGE, PALETTES, palette_colors
from geo.analysis.colour import lightness, min_lightness_gap, missing_color
from geo.errors import BadParameter
from geo.maps.describe import choropleth_rows, choropleth_summary, corridor_summary
from geo.maps.mapspec import choropleth_spec, corridor_spec
from webmap import cli

GDP = "/export/choropleth.{fmt}?indicator=gdp_2021&level=prefecture"


def test_png_has_the_requested_width_and_dpi(client):
    response = client.get(GDP.format(fmt="png") + "&width=800&dpi=100")
    assert response.status_code == 200
    assert response.mimetype == "image/png"
    image = Image.open(io.BytesIO(response.data))
    assert image.format == "PNG"
    assert image.width == 800
    assert 800 < image.height < 1600  # portrait: the region is taller than wide
    assert image.info["dpi"] == pytest.approx((100, 100), abs=0.01)
    wide = Image.open(io.BytesIO(client.get(GDP.format(fmt="png") + "&width=1600").data))
    assert wide.width == 1600
    assert wide.height / wide.width == pytest.approx(image.height / image.width, abs=0.01)


def test_svg_parses_and_has_the_physical_size(client):
    response = client.get(GDP.format(fmt="svg") + "&width=900&dpi=150&lang=zh")
    assert response.status_code == 200
    assert response.mimetype == "image/svg+xml"
    root = ET.fromstring(response.data)
    assert root.tag.endswith("svg")
    assert float(root.get("width").removesuffix("pt")) == pytest.approx(900 / 150 * 72, abs=0.01)
    # Text stays text (svg.fonttype=none), the CJK font named: editable in Inkscape.
    texts = root.findall(".//{http://www.w3.org/2000/svg}text")
    assert "地区生产总值" in [t.text for t in texts]
    assert all("Noto Sans CJK SC" in t.get("style") for t in texts)
    assert b'id="legend"' in response.data


@pytest.mark.parametrize("lang,title", [("en", "Gross regional product"), ("zh", "地区生产总值")])
def test_pdf_embeds_the_cjk_font_and_searchable_title(client, lang, title):
    response = client.get(GDP.format(fmt="pdf") + f"&lang={lang}&width=1200&dpi=150")
    assert response.status_code == 200
    assert response.data.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(response.data))
    assert len(reader.pages) == 1
    page = reader.pages[0]
    assert float(page.mediabox.width) == pytest.approx(1200 / 150 * 72, abs=0.01)
    assert title in page.extract_text()
    fonts = {str(f["/BaseFont"]) for f in page["/Resources"]["/Font"].values()}
    assert any("NotoSansCJK" in f for f in fonts), fonts


def _title_band(png: bytes) -> np.ndarray:
    image = np.asarray(Image.open(io.BytesIO(png)).convert("L"), dtype=float)
    width = image.shape[1]
    return image[: int(width * 0.07), : int(width * 0.6)]


def _tofu_title(text: str, width_px: int, dpi: int) -> np.ndarray:
    """The same title drawn with DejaVu Sans, which has no CJK glyphs: boxes (tofu)."""
    fig = Figure(figsize=(width_px / dpi, width_px / dpi), dpi=dpi, facecolor="white")
    fig.text(
        0.03,
        1 - 0.03,
        text,
        family="DejaVu Sans",
        size=2.2 * width_px / dpi,
        weight="bold",
        va="top",
    )
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi)
    return _title_band(buffer.getvalue())


@pytest.mark.filterwarnings("ignore:Glyph .* missing from font")
def test_chinese_title_is_drawn_with_cjk_glyphs_not_boxes(client):
    spec = choropleth_spec({"indicator": "gdp_2021", "level": "prefecture", "lang": "zh"})
    font = FT2Font(str(render.fonts.cjk_font_path()))
    assert all(font.get_char_index(ord(ch)) for ch in spec.title if not ch.isspace())
    png = client.get(GDP.format(fmt="png") + "&lang=zh&width=1000&dpi=100").data
    drawn = _title_band(png)
    assert (drawn < 128).sum() > 500  # there is a title
    tofu = _tofu_title(spec.title, 1000, 100)
    assert drawn.shape == tofu.shape
    assert np.abs(drawn - tofu).mean() > 5  # not the missing-glyph boxes


def test_missing_font_is_a_clear_error(monkeypatch, tmp_path):
    monkeypatch.setenv("JJJ_ATLAS_CJK_FONT", str(tmp_path / "none.ttc"))
    with pytest.raises(render.FontMissing, match="fonts-noto-cjk"):
        render.cjk_font()


def test_corridor_exports_in_every_format(client):
    for fmt in render.FORMATS:
        response = client.get(f"/export/corridor/jing-bao-shi.{fmt}?band_km=20&lang=zh")
        assert response.status_code == 200, fmt
        assert response.mimetype == render.MIMETYPES[fmt]
        assert "jjj_corridor_jing-bao-shi_20km_zh." + fmt in response.headers["Content-Disposition"]


@pytest.mark.parametrize(
    "query,parameter,valid",
    [
        ("&dpi=10", "dpi", "72 to 600"),
        ("&dpi=abc", "dpi", "72 to 600"),
        ("&width=100", "width", "300 to 6000"),
        ("&lang=fr", "lang", "en"),
        ("&k=12", "k", "3 to 9"),
    ],
)
def test_bad_export_parameters_are_400_naming_the_range(client, query, parameter, valid):
    response = client.get(GDP.format(fmt="png") + query)
    assert response.status_code == 400
    body = response.get_data(as_text=True)
    assert f"<code>{parameter}</code>" in body and valid in body


def test_unknown_format_zone_and_indicator(client):
    assert client.get(GDP.format(fmt="gif")).status_code == 400
    assert client.get("/export/corridor/nowhere.png").status_code == 404
    assert client.get("/export/choropleth.png?indicator=nope").status_code == 404


def test_exports_are_cached_with_an_etag(client):
    url = GDP.format(fmt="png") + "&width=640"
    first = client.get(url)
    etag = first.headers["ETag"]
    # The same map with parameters in another order and defaults spelled out: same entry.
    again = client.get(
        "/export/choropleth.png?level=prefecture&width=640&indicator=gdp_2021&k=5&dpi=150"
    )
    assert again.headers["ETag"] == etag
    assert client.get(url, headers={"If-None-Match": etag}).status_code == 304
    other = client.get(url + "&palette=Reds")
    assert other.headers["ETag"] != etag


def test_corridor_exports_of_different_zones_are_different(client):
    from geo.sources.zones import zones

    first, second = (z.id for z in zones()[:2])
    a = client.get(f"/export/corridor/{first}.png?width=400")
    b = client.get(f"/export/corridor/{second}.png?width=400")
    assert a.status_code == b.status_code == 200
    assert a.headers["ETag"] != b.headers["ETag"]


def test_map_pages_offer_png_svg_pdf_buttons(client):
    page = client.get("/maps/choropleth?indicator=area_km2&level=county&palette=Reds")
    html = page.get_data(as_text=True)
    for fmt in ("png", "svg", "pdf"):
        assert f"/export/choropleth.{fmt}?indicator=area_km2&amp;level=county" in html
    assert "palette=Reds" in html.split('id="exports"')[1]
    corridor = client.get("/maps/corridor/jing-bao-shi?band_km=20").get_data(as_text=True)
    assert "/export/corridor/jing-bao-shi.pdf?band_km=20" in corridor


def test_no_data_grey_differs_in_lightness_from_every_class():
    worst = min(
        min_lightness_gap(missing_color(palette_colors(p, k)), palette_colors(p, k))
        for p in PALETTES
        for k in K_RANGE
    )
    assert worst >= 4.5
    default = palette_colors("YlGnBu", 5)
    assert min_lightness_gap(missing_color(default), default) >= 8
    assert lightness("#ffffff") == pytest.approx(100, abs=0.01)
    assert lightness("#000000") == pytest.approx(0, abs=0.01)
    assert lightness("#777777") == pytest.approx(50.03, abs=0.05)  # CIELAB reference grey
    spec = choropleth_spec({"indicator": "gdp_2021", "level": "prefecture"})
    assert spec.legend[-1].color == spec.missing_color
    assert spec.layer_options("/x")["missingColor"] == spec.missing_color


def test_table_rows_carry_the_same_classes_as_the_legend():
    spec = choropleth_spec({"indicator": "gdp_2021", "level": "prefecture", "lang": "zh"})
    rows = choropleth_rows(spec)
    assert len(rows) == spec.units_total
    counts = [sum(r.class_number == i + 1 for r in rows) for i in range(spec.classification.k)]
    assert counts == spec.classification.counts
    assert sum(r.value is None for r in rows) == spec.legend[-1].count
    for row in rows:
        if row.value is None:
            assert row.display == "无数据" and row.color == spec.missing_color
        else:
            assert row.color == spec.classification.colors[row.class_number - 1]


def test_alt_text_names_indicator_level_year_highest_and_lowest():
    spec = choropleth_spec({"indicator": "population_2020", "level": "prefecture"})
    rows = [r for r in choropleth_rows(spec) if r.value is not None]
    high = max(rows, key=lambda r: r.value)
    low = min(rows, key=lambda r: r.value)
    summary = choropleth_summary(spec)
    assert spec.title in summary and "prefecture" in summary and "2020" in summary
    assert f"highest: {high.name_en} {high.display}" in summary
    assert f"lowest: {low.name_en} {low.display}" in summary
    zh = choropleth_summary(
        choropleth_spec({"indicator": "population_2020", "level": "prefecture", "lang": "zh"})
    )
    assert f"最高：{high.name_zh}" in zh and f"最低：{low.name_zh}" in zh
    corridor = corridor_summary(corridor_spec("jing-bao-shi", {"band_km": "30"}))
    assert "Baoding" in corridor and "30 km" in corridor


def test_export_options_validation():
    options = render.export_options({"width": "640", "dpi": "72"}, "svg")
    assert (options.format, options.width, options.dpi) == ("svg", 640, 72)
    with pytest.raises(BadParameter, match="72 to 600"):
        render.export_options({"dpi": "601"})


def test_cli_exports_one_map_and_a_batch(tmp_path, capsys):
    out = tmp_path / "gdp.svg"
    assert (
        cli.main(
            [
                "export",
                "--format",
                "svg",
                "--indicators",
                "gdp_2021",
                "--level",
                "prefecture",
                "--lang",
                "zh",
                "--width",
                "600",
                "--output",
                str(out),
            ]
        )
        == 0
    )
    assert ET.fromstring(out.read_bytes()).tag.endswith("svg")
    corridor = tmp_path / "c.pdf"
    assert (
        cli.main(["export", "--format", "pdf", "--zone", "jing-bao-shi", "--output", str(corridor)])
        == 0
    )
    assert corridor.read_bytes().startswith(b"%PDF-")
    folder = tmp_path / "report"
    assert (
        cli.main(
            [
                "export",
                "--format",
                "png",
                "--level",
                "province",
                "--all",
                "--width",
                "400",
                "--dpi",
                "72",
                "--output",
                str(folder),
            ]
        )
        == 0
    )
    made = sorted(p.name for p in folder.iterdir())
    from geo.render.names import choropleth_name
    from geo.sources.catalog import indicators

    options = render.export_options({"width": "400", "dpi": "72"}, "png")
    expected = sorted(
        choropleth_name(choropleth_spec({"indicator": i.id, "level": "province"}), options)
        for i in indicators()
        if "province" in i.levels
    )
    # the file names say indicator, level, year and language
    assert "jjj_population_province_2020_en.png" in expected
    assert made == expected
    assert all(Image.open(folder / name).width == 400 for name in made)
    err = capsys.readouterr().err
    assert f"{len(made)}/{len(made)}" in err  # the progress bar reached the end
    assert (
        cli.main(
            [
                "export",
                "--format",
                "png",
                "--indicators",
                "gdp_2021",
                "--dpi",
                "9",
                "--output",
                str(tmp_path / "x.png"),
            ]
        )
        == 2
    )
