"""Every inequality and clustering route over HTTP: answers, bad input, caching, datasets."""

from __future__ import annotations

import csv
import gzip
import io
import json
import re

import pytest
from PIL import Image
from pypdf import PdfReader

from geo.levels import XIONGAN
from tests.map_pages import with_map_script


def body(response) -> bytes:
    data = response.data
    return gzip.decompress(data) if response.headers.get("Content-Encoding") == "gzip" else data


def test_inequality_api_answers_every_figure(client):
    r = client.get("/api/analysis/inequality?indicator=population_density&level=county&year=2020")
    assert r.status_code == 200 and r.mimetype == "application/json"
    a = r.get_json()
    for key in ("n", "n_missing", "gini", "theil", "theil_between", "theil_within", "cv"):
        assert isinstance(a[key], int | float), key
    assert a["n"] == 199 and a["n_missing"] == 0
    assert a["weight"] == "none" and "unweighted" in a["weighting"]["note"]
    assert a["max"]["adcode"] == "120101" and a["max"]["unit"] == "persons per km²"
    assert a["lorenz_x"] == "units"
    assert a["lorenz"][0] == {"unit_share": 0.0, "value_share": 0.0, "adcode": None}
    assert a["lorenz"][-1]["unit_share"] == pytest.approx(1.0)
    assert a["groups"]["by"] == "province" and len(a["groups"]["groups"]) == 3
    assert re.search(r"\(unweighted\), \d+ % is between the three provinces", a["statement"]["en"])
    assert a["links"]["page"].startswith("/analysis/inequality?")


def test_weight_population_is_stated(client):
    a = client.get(
        "/api/analysis/inequality?indicator=doctors_per_1000&level=province&weight=population"
    ).get_json()
    assert a["weight"] == "population"
    assert a["weighting"]["by"] == "population" and a["weighting"]["population_year"] == 2020
    assert a["cv_definition"].startswith("Williamson")
    # three provinces: too few units for a Gini, and the refusal says how it was weighted
    assert a["gini"] is None and a["too_few"] == {"n": 3, "minimum": 5}
    assert "weighted by residents, population 2020" in a["statement"]["en"]


def test_missing_units_are_left_out_and_counted(client):
    a = client.get(
        "/api/analysis/inequality?indicator=population_density&level=county&year=2010"
    ).get_json()
    assert a["n"] + a["n_missing"] == 199 and a["n_missing"] == 16
    assert "130102" in {u["adcode"] for u in a["missing"]}


@pytest.mark.parametrize(
    ("query", "status", "parameter"),
    [
        ("indicator=nope", 404, "indicator"),
        ("indicator=gdp&level=township", 400, "level"),
        ("indicator=gdp&level=county", 400, "level"),
        ("indicator=gdp&weight=households", 400, "weight"),
        ("indicator=population_density&level=prefecture&groups=prefecture", 400, "groups"),
        ("indicator=population_density&level=county&groups=a:110000;b:110101", 400, "groups"),
        ("indicator=population_density&level=county&groups=a:999999", 400, "groups"),
        ("indicator=population&year=1999", 400, "year"),
        ("", 400, "indicator"),
    ],
)
def test_bad_inequality_input(client, query, status, parameter):
    r = client.get("/api/analysis/inequality?" + query)
    assert r.status_code == status
    answer = r.get_json()
    assert answer["parameter"] == parameter and answer["valid"]


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ("indicator=nope&level=county", "indicator"),
        ("indicator=population&level=province", "level"),
        ("indicator=gdp&level=county", "level"),
    ],
)
def test_bad_autocorrelation_input(client, query, parameter):
    r = client.get("/api/analysis/autocorrelation?" + query)
    assert r.status_code in (400, 404) and r.get_json()["parameter"] == parameter


def test_autocorrelation_api(client):
    r = client.get("/api/analysis/autocorrelation?indicator=population_density&level=prefecture")
    assert r.status_code == 200
    a = r.get_json()
    assert a["n"] == 13 and a["permutations"] == 9999 and a["seed"] == 12345
    assert a["correction"] == "fdr" and a["local_method"] == "lisa"
    assert a["left_out"][0]["adcode"] == XIONGAN.adcode
    assert {c["adcode"] for c in a["clusters"]} == {f"1{p}" for p in ("10100", "20100")} | {
        f"13{i:02d}00" for i in range(1, 12)
    }
    assert all(c["cluster"] in ("HH", "LL", "HL", "LH", "ns") for c in a["clusters"])
    assert a["expected_i"] == pytest.approx(-1 / 12)
    assert a["weights"]["transformation"] == "row-standardised"
    assert a["links"]["map"].startswith("/maps/clusters?")


def test_pages_in_both_languages_are_cached_and_escape_user_text(client):
    url = "/analysis/inequality?indicator=population_density&level=county&lang=zh"
    first = client.get(url)
    assert first.status_code == 200 and first.headers["X-Cache"] == "MISS"
    html = body(first).decode()
    assert '<svg class="lorenz"' in html and "lorenz-point" in html
    assert "来自三省市之间的差异" in html
    assert 'lang="zh-CN"' in html
    second = client.get(url)
    assert second.headers["X-Cache"] == "HIT"
    en = body(
        client.get("/analysis/inequality?indicator=population_density&level=prefecture")
    ).decode()
    assert "Xiong&#39;an New Area is left out of the statistics" in en
    assert "No between/within split: Beijing, Tianjin each have a single unit" in en
    evil = client.get(
        "/analysis/inequality?indicator=population_density&level=county"
        "&groups=%3Cb%3Ex%3C/b%3E:110000"
    )
    assert evil.status_code == 200
    page = body(evil).decode()
    assert "<b>x</b>" not in page and "&lt;b&gt;x&lt;/b&gt;" in page


def test_inequality_exports(client):
    base = (
        "/export/analysis/inequality.{}?indicator=population_density&level=county&lang=zh&width=800"
    )
    png = client.get(base.format("png"))
    assert png.status_code == 200 and png.mimetype == "image/png"
    assert Image.open(io.BytesIO(body(png))).size[0] == 800
    assert "attachment" in png.headers["Content-Disposition"]
    svg = body(client.get(base.format("svg"))).decode()
    assert svg.lstrip().startswith("<?xml") and 'id="lorenz-curve' in svg
    pdf = body(client.get(base.format("pdf").replace("lang=zh", "lang=en")))
    text = " ".join(PdfReader(io.BytesIO(pdf)).pages[0].extract_text().split())
    assert "Gini coefficient" in text and "within them" in text
    assert client.get(base.format("gif")).status_code == 400


def test_cluster_map_page_embed_downloads_and_exports(client):
    q = "indicator=population_density&level=county"
    page = client.get(f"/maps/clusters?{q}&lang=zh")
    assert page.status_code == 200
    html = with_map_script(client, body(page).decode())
    assert "JJJAtlas.clusters(" in html and "高–高（热点）" in html and "局部莫兰指数" in html
    assert "#d7191c" in html and "#2c7bb6" in html
    embed = client.get(f"/embed/clusters?{q}")
    assert embed.status_code == 200 and 'id="embed"' in body(embed).decode()
    assert "frame-ancestors *" in embed.headers["Content-Security-Policy"]
    geo = json.loads(body(client.get(f"/download/clusters.geojson?{q}")))
    assert geo["type"] == "FeatureCollection" and len(geo["features"]) == 199
    props = geo["features"][0]["properties"]
    assert {"adcode", "value", "spatial_lag", "p_value", "cluster", "status"} <= set(props)
    assert geo["analysis"]["permutations"] == 9999 and geo["analysis"]["correction"] == "fdr"
    rows = list(
        csv.DictReader(
            io.StringIO(
                body(
                    client.get(
                        "/download/clusters.csv?indicator=population_density&level=prefecture"
                    )
                ).decode("utf-8-sig")
            )
        )
    )
    assert len(rows) == 14
    xiongan = [r for r in rows if r["adcode"] == XIONGAN.adcode][0]
    assert xiongan["status"] == "overlay" and xiongan["cluster"] == ""
    api = client.get(
        "/api/analysis/autocorrelation?indicator=population_density&level=prefecture"
    ).get_json()
    by_code = {c["adcode"]: c["cluster"] for c in api["clusters"]}
    assert all(r["cluster"] == by_code[r["adcode"]] for r in rows if r["status"] == "analysed")
    png = client.get(f"/export/clusters.png?{q}&width=600")
    assert png.status_code == 200 and Image.open(io.BytesIO(body(png))).size[0] == 600
    for fmt, mimetype in (("svg", "image/svg+xml"), ("pdf", "application/pdf")):
        r = client.get(f"/export/clusters.{fmt}?{q}")
        assert r.status_code == 200 and r.mimetype == mimetype
    assert client.get(f"/download/clusters.xml?{q}").status_code == 400


def test_every_choropleth_links_to_the_analysis(client):
    url = "/maps/choropleth?indicator=population_density&level=county&lang=zh"
    html = body(client.get(url)).decode()
    pattern = r'href="(/(?:analysis/inequality|analysis/trend|maps/clusters)\?[^"]+)"'
    links = re.findall(pattern, html)
    assert len(links) == 3
    for link in links:
        target = client.get(link.replace("&amp;", "&"))
        assert target.status_code == 200
    province = body(
        client.get("/maps/choropleth?indicator=academician_share&level=province")
    ).decode()
    assert "/analysis/inequality?" in province and "/maps/clusters?" not in province
    # a count links no inequality (it would be refused), only the clusters
    count = body(client.get("/maps/choropleth?indicator=population&level=county")).decode()
    assert "/analysis/inequality?" not in count and "/maps/clusters?" in count


def test_a_published_dataset_column_works_like_an_indicator(client):
    lines = ["adcode,beds"] + [
        f"{a},{v}"
        for a, v in zip(
            ["110100", "120100"] + [f"13{i:02d}00" for i in range(1, 12)],
            [5.8, 4.9, 6.1, 5.0, 5.5, 5.9, 6.3, 5.2, 5.1, 4.8, 4.7, 5.6, 5.3],
        )
    ]
    form = {
        "file": (io.BytesIO("\n".join(lines).encode()), "beds.csv"),
        "title_en": "Beds per 1000",
        "source": "test",
    }
    published = client.post("/api/datasets", data=form, content_type="multipart/form-data")
    assert published.status_code == 201, published.data
    dataset = published.get_json()["id"]
    a = client.get(f"/api/analysis/inequality?dataset={dataset}&column=beds").get_json()
    assert a["n"] == 13 and a["source"]["kind"] == "dataset"
    m = client.get(f"/api/analysis/autocorrelation?dataset={dataset}&column=beds").get_json()
    assert m["n"] == 13
    assert client.get(f"/maps/clusters?dataset={dataset}&column=beds").status_code == 200
    page = client.get(f"/analysis/inequality?dataset={dataset}&column=beds&lang=zh")
    assert page.status_code == 200
    bad = client.get(f"/api/analysis/inequality?dataset={dataset}&column=nope")
    assert bad.status_code == 400 and bad.get_json()["parameter"] == "column"
