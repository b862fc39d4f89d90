"""Self-describing embeds, oEmbed and the accessible alternatives (HTTP level)."""

from __future__ import annotations

import html
import io
import re
from urllib.parse import parse_qs, quote, urlsplit

import pytest
from PIL import Image

from geo.maps.describe import choropleth_rows, choropleth_subtitle, choropleth_summary
from geo.maps.mapspec import choropleth_spec

GDP_PAGE = "http://localhost/maps/choropleth?indicator=gdp&level=prefecture"
REQUIRED = {"type", "version", "html", "width", "height"}


def oembed(client, url: str, **params):
    query = "&".join(f"{k}={v}" for k, v in params.items())
    return client.get(f"/oembed?url={quote(url, safe='')}" + (f"&{query}" if query else ""))


def test_oembed_rich_response_has_every_required_field(client):
    response = oembed(client, GDP_PAGE, format="json")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    body = response.get_json()
    assert REQUIRED <= body.keys()
    assert body["type"] == "rich" and body["version"] == "1.0"
    spec = choropleth_spec({"indicator": "gdp", "level": "prefecture"})
    assert body["title"] == spec.legend_title and "2020" in body["title"]
    assert body["provider_name"] == "JJJ Atlas" and body["provider_url"] == "http://localhost/"
    assert isinstance(body["width"], int) and isinstance(body["height"], int)
    iframe = re.search(r'<iframe src="([^"]+)"', body["html"])
    src = html.unescape(iframe.group(1))
    assert src.startswith("http://localhost/embed/choropleth?")
    query = parse_qs(urlsplit(src).query)
    assert query["indicator"] == [spec.indicator.id]
    assert re.search(
        r'<script src="http://localhost/static/embed\.js(\?v=\w+)?" async></script>', body["html"]
    )
    # The thumbnail is the PNG export, and its stated size is the real one.
    thumb = client.get(body["thumbnail_url"].removeprefix("http://localhost"))
    assert thumb.status_code == 200 and thumb.mimetype == "image/png"
    image = Image.open(io.BytesIO(thumb.data))
    assert (image.width, image.height) == (body["thumbnail_width"], body["thumbnail_height"])


def test_oembed_respects_maxwidth_and_maxheight(client):
    body = oembed(client, GDP_PAGE, maxwidth=400, maxheight=300).get_json()
    assert body["width"] <= 400 and body["height"] <= 300
    assert body["thumbnail_width"] <= 400
    assert "max-width:400px" in body["html"]


def test_oembed_accepts_embed_and_corridor_urls(client):
    embed = oembed(client, "http://localhost/embed/choropleth?indicator=area_km2&lang=zh")
    assert embed.status_code == 200 and embed.get_json()["title"].startswith("面积")
    corridor = oembed(client, "http://localhost/maps/corridor/jing-bao-shi?band_km=20")
    assert corridor.status_code == 200
    assert "band_km=20" in html.unescape(corridor.get_json()["html"])


@pytest.mark.parametrize(
    "url",
    [
        "http://elsewhere.example/maps/choropleth?indicator=gdp",
        "http://localhost/maps/choropleth?indicator=nope",
        "http://localhost/maps/corridor/nowhere",
        "http://localhost/api/indicators",
        "http://localhost/maps/choropleth?indicator=gdp&k=99",
        "ftp://localhost/maps/choropleth?indicator=gdp",
    ],
)
def test_oembed_404_for_urls_that_are_not_our_maps(client, url):
    response = oembed(client, url)
    assert response.status_code == 404
    assert response.get_json()["parameter"] == "url"


def test_oembed_501_for_xml_and_400_for_bad_sizes(client):
    assert oembed(client, GDP_PAGE, format="xml").status_code == 501
    bad = oembed(client, GDP_PAGE, maxwidth="wide")
    assert bad.status_code == 400 and bad.get_json()["parameter"] == "maxwidth"
    assert client.get("/oembed").status_code == 400


def test_map_pages_and_embeds_carry_oembed_discovery(client):
    for path in (
        "/maps/choropleth?indicator=gdp&level=prefecture",
        "/embed/choropleth?indicator=gdp&level=prefecture",
        "/maps/corridor/jing-bao-shi",
        "/embed/corridor/jing-bao-shi",
    ):
        page = client.get(path).get_data(as_text=True)
        link = re.search(
            r'<link rel="alternate" type="application/json\+oembed" href="([^"]+)"', page
        )
        assert link, path
        href = html.unescape(link.group(1))
        assert client.get(href.removeprefix("http://localhost")).status_code == 200, href


def test_embed_stands_alone_title_subtitle_source_and_data(client):
    page = client.get("/embed/choropleth?indicator=gdp&level=prefecture&lang=zh")
    text = page.get_data(as_text=True)
    spec = choropleth_spec({"indicator": "gdp", "level": "prefecture", "lang": "zh"})
    assert f'<h1 class="embed-title">{spec.title}</h1>' in text
    assert f'<p class="embed-sub">{html.escape(choropleth_subtitle(spec))}</p>' in text
    assert "年份: 2020" in choropleth_subtitle(spec) and "单位: 亿元" in choropleth_subtitle(spec)
    assert 'href="/api/indicators/gdp"' in text  # source line links the cited values
    # "Get the data": exactly what is drawn (this level, this indicator).
    assert 'href="/download/regions.csv?level=prefecture&amp;indicators=gdp&amp;year=2020"' in text
    assert (
        'href="/download/regions.geojson?level=prefecture&amp;indicators=gdp&amp;year=2020"' in text
    )
    assert 'id="data-table"' in text
    bare = client.get("/embed/choropleth?indicator=gdp&level=prefecture&chrome=0")
    bare_text = bare.get_data(as_text=True)
    assert "embed-title" not in bare_text and "embed-foot" not in bare_text
    assert 'class="embed bare"' in bare_text and 'id="legend"' in bare_text


def test_snippet_is_responsive_iframe_plus_sizing_script(client):
    text = client.get("/maps/choropleth?indicator=area_km2&level=county").get_data(as_text=True)
    snippet = html.unescape(re.search(r"<textarea[^>]*>(.*?)</textarea>", text, re.S).group(1))
    assert snippet.startswith('<iframe src="http://localhost/embed/choropleth?indicator=area_km2')
    assert "data-jjj-atlas" in snippet
    assert re.search(
        r'<script src="http://localhost/static/embed\.js(\?v=\w+)?" async></script>$', snippet
    )
    script = client.get("/static/embed.js")
    assert script.status_code == 200 and "jjj-atlas:height" in script.get_data(as_text=True)


def test_page_table_has_the_same_values_and_classes_as_the_map(client):
    spec = choropleth_spec({"indicator": "gdp", "level": "prefecture"})
    rows = choropleth_rows(spec)
    text = client.get("/maps/choropleth?indicator=gdp&level=prefecture").get_data(as_text=True)
    table = text.split('<table class="sortable" id="map-table">')[1].split("</table>")[0]
    body_rows = re.findall(r"<tr>(.*?)</tr>", table.split("<tbody>")[1], re.S)
    assert len(body_rows) == len(rows) == 13
    for row, cells in zip(rows, body_rows):
        assert f">{row.adcode}<" in cells
        assert f">{row.display}<" in cells
        assert f"background-color: {row.color}" in cells
    summary = choropleth_summary(spec, rows)
    assert f'aria-label="{html.escape(summary, quote=True)}"' in text
    assert "<caption>" in table


def test_corridor_pages_describe_the_map(client):
    text = client.get("/maps/corridor/jing-bao-shi?lang=zh").get_data(as_text=True)
    assert 'aria-label="京保石发展轴走廊地图' in text
    embed = client.get("/embed/corridor/jing-bao-shi").get_data(as_text=True)
    assert "embed-title" in embed and 'id="members"' in embed


def test_folium_viewport_does_not_disable_zoom(client):
    text = client.get("/maps/choropleth?indicator=gdp").get_data(as_text=True)
    assert "user-scalable=no" not in text


def test_oembed_and_embeds_of_a_published_dataset(client):
    from geo.sources.regions import regions

    units = regions("prefecture", include_special=False)["adcode"].tolist()
    table = "adcode,beds\n" + "".join(f"{a},{100 + i * 7}\n" for i, a in enumerate(units))
    created = client.post(
        "/api/datasets",
        data={
            "file": (io.BytesIO(table.encode()), "beds.csv"),
            "title_en": "Beds <b>per</b> city",
            "title_zh": "床位",
            "source": "A bureau's table",
            "source_url": "https://example.org/beds",
            "licence": "CC-BY-4.0",
            "unit:beds": "beds",
            "year:beds": "2023",
        },
        content_type="multipart/form-data",
    )
    assert created.status_code == 201, created.get_data(as_text=True)
    dataset_id = created.get_json()["id"]
    for url in (
        f"http://localhost/datasets/{dataset_id}",
        f"http://localhost/datasets/{dataset_id}/v/1",
    ):
        body = oembed(client, url).get_json()
        assert body["type"] == "rich" and "Beds <b>per</b> city" in body["title"]
        src = html.unescape(re.search(r'<iframe src="([^"]+)"', body["html"]).group(1))
        assert f"dataset={dataset_id}" in src and "column=beds" in src
        assert "<b>" not in body["html"]  # the title is escaped in the snippet
        thumb = client.get(body["thumbnail_url"].removeprefix("http://localhost"))
        assert thumb.status_code == 200 and thumb.mimetype == "image/png"
    page = client.get(f"/datasets/{dataset_id}").get_data(as_text=True)
    assert 'type="application/json+oembed"' in page
    embed = client.get(f"/embed/choropleth?dataset={dataset_id}&column=beds&v=1")
    text = embed.get_data(as_text=True)
    assert f'href="/datasets/{dataset_id}/v/1"' in text  # the source line cites the version
    assert 'id="map-table"' in text and "highest:" in text
    assert oembed(client, "http://localhost/datasets/nosuchdataset").status_code == 404


def test_oembed_describes_the_links_map(client):
    body = oembed(client, "http://localhost/maps/links?kind=hospital-partnership&lang=zh")
    assert body.status_code == 200, body.get_data(as_text=True)
    data = body.get_json()
    src = html.unescape(re.search(r'<iframe src="([^"]+)"', data["html"]).group(1))
    assert src.startswith("http://localhost/embed/links?") and "lang=zh" in src
    thumb = client.get(data["thumbnail_url"].removeprefix("http://localhost"))
    assert thumb.status_code == 200 and thumb.mimetype == "image/png"
    image = Image.open(io.BytesIO(thumb.data))
    assert (image.width, image.height) == (data["thumbnail_width"], data["thumbnail_height"])
    page = client.get("/maps/links").get_data(as_text=True)
    assert 'type="application/json+oembed"' in page
    assert oembed(client, "http://localhost/maps/links?kind=nope").status_code == 404
