"""Accessibility of a facility layer per county (geo/analysis/access.py, webmap/access.py):
2SFCA and enhanced 2SFCA checked by hand on a toy and with NumPy on the real layer, nearest
distances and threshold shares against direct sums, coverage notes, bad input, downloads
read back, the static export and the page."""

from __future__ import annotations

import io
import json
import math
import re

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from pyproj import Geod

from geo.analysis import access as acc
from geo.analysis.supply import county_demand, supply_from_params
from geo.sources.indicators import indicator_values
from geo.sources.regions import regions
from tests.map_pages import with_map_script
from webmap import create_app

GEOD = Geod(ellps="WGS84")


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    store = tmp_path_factory.mktemp("access-store")
    app = create_app({"TESTING": True, "DATABASE_URL": f"sqlite:///{store}/s.sqlite3"})
    return app.test_client()


def publish_points(client, text: str, title_en: str = "Hospitals with beds") -> str:
    form = {
        "file": (io.BytesIO(text.encode()), "p.csv"),
        "kind": "points",
        "datum": "wgs84",
        "title_en": title_en,
        "title_zh": "带床位数的医院",
    }
    answer = client.post("/api/datasets", data=form, content_type="multipart/form-data")
    assert answer.status_code == 201, answer.get_json()
    return answer.get_json()["id"]


#: Three hospitals with beds (WGS 84): Shijiazhuang, Baoding, Tangshan (points of this test).
BEDS = (
    "名称,lon,lat,beds\n"
    "石家庄甲医院,114.5149,38.0428,3000\n"
    "保定乙医院,115.4646,38.8740,1500\n"
    "唐山丙医院,118.1802,39.6305,500\n"
)


# --- 2SFCA by hand on a toy -------------------------------------------------------------

TOY_POP = np.array([100.0, 200.0, 300.0])
TOY_CAP = np.array([10.0, 20.0])
TOY_KM = np.array([[5.0, 50.0], [20.0, 10.0], [40.0, 25.0]])


def test_2sfca_on_a_toy_by_hand():
    # Catchment 30 km. Site 0 reaches demand 0 and 1 (300 people): R0 = 10/300.
    # Site 1 reaches demand 1 and 2 (500 people): R1 = 20/500. Each demand sums the R it reaches.
    r0, r1 = 10 / 300, 20 / 500
    got = acc.floating_catchment(TOY_POP, TOY_CAP, TOY_KM, 30.0, enhanced=False)
    assert got == pytest.approx([r0, r0 + r1, r1])


def test_enhanced_2sfca_on_a_toy_by_hand():
    sigma = 30.0 / 2

    def w(d):
        return math.exp(-(d**2) / (2 * sigma**2))

    r0 = 10 / (100 * w(5) + 200 * w(20))
    r1 = 20 / (200 * w(10) + 300 * w(25))
    expected = [r0 * w(5), r0 * w(20) + r1 * w(10), r1 * w(25)]
    got = acc.floating_catchment(TOY_POP, TOY_CAP, TOY_KM, 30.0, enhanced=True)
    assert got == pytest.approx(expected)


def test_a_demand_point_out_of_every_catchment_gets_zero():
    km = TOY_KM.copy()
    km[2] = [90.0, 95.0]
    got = acc.floating_catchment(TOY_POP, TOY_CAP, km, 30.0, enhanced=False)
    assert got[2] == 0.0 and got[0] > 0


# --- The real layer against NumPy --------------------------------------------------------


def _independent_km(supply) -> tuple[pd.DataFrame, np.ndarray]:
    demand = county_demand()
    km = np.empty((len(demand), len(supply)))
    for j in range(len(supply)):
        _, _, metres = GEOD.inv(
            demand["lon"].to_numpy(),
            demand["lat"].to_numpy(),
            np.full(len(demand), supply.lon[j]),
            np.full(len(demand), supply.lat[j]),
        )
        km[:, j] = np.asarray(metres) / 1000
    return demand, km


@pytest.mark.parametrize("catchment", [15.0, 60.0, 120.0])
def test_2sfca_and_e2sfca_on_the_real_layer_match_numpy(catchment):
    supply = supply_from_params("fudan-top100", None)
    frame = acc.county_frame(supply, catchment, 60.0)
    demand, km = _independent_km(supply)
    pop = demand["population"].to_numpy()
    within = km <= catchment
    ratio = supply.capacity / (within.T.astype(float) @ pop)
    ratio[~np.isfinite(ratio)] = 0
    expected = (within * ratio[None, :]).sum(axis=1) * 1e4
    assert frame["sfca_per_10k"].to_numpy() == pytest.approx(expected, abs=1e-6)
    weight = np.where(within, np.exp(-(km**2) / (2 * (catchment / 2) ** 2)), 0.0)
    ratio = supply.capacity / (weight.T @ pop)
    ratio[~np.isfinite(ratio)] = 0
    expected = (weight * ratio[None, :]).sum(axis=1) * 1e4
    assert frame["e2sfca_per_10k"].to_numpy() == pytest.approx(expected, abs=1e-6)
    # Reachable supply ignores competition: sites within the catchment per county resident.
    expected = within.sum(axis=1) / pop * 1e4
    assert frame["reachable_per_10k"].to_numpy() == pytest.approx(expected, abs=1e-4)
    assert frame["sfca_per_10k"].gt(0).sum() == (within.any(axis=1)).sum()


def test_nearest_distances_and_threshold_shares_match_direct_sums():
    params, supply, result, frame = acc.access_from_params({"threshold_km": "30"})
    demand, km = _independent_km(supply)
    nearest = km.min(axis=1)
    assert frame["nearest_km"].to_numpy() == pytest.approx(nearest, abs=0.051)
    population = indicator_values("population", "county", 2020)["value"]
    assert len(result["counties"]) == 199 == len(population)
    beyond = pd.Series(nearest > 30, index=demand.index)
    for province in result["provinces"]:
        members = [a for a in population.index if a[:2] == province["adcode"][:2]]
        total = population[members].sum()
        far = population[[a for a in members if beyond[a]]].sum()
        assert province["population"] == int(total)
        assert province["population_beyond"] == int(far)
        assert province["share_beyond_pct"] == pytest.approx(100 * far / total, abs=0.05)
    hebei_prefectures = [p for p in result["prefectures"] if p["adcode"].startswith("13")]
    assert len(hebei_prefectures) == 11
    assert sum(p["population"] for p in result["prefectures"]) == result["region"]["population"]
    assert result["region"]["population"] == int(population.sum())


def test_the_sentence_quotes_each_province():
    _, _, result, _ = acc.access_from_params({})
    hebei = next(p for p in result["provinces"] if p["adcode"] == "130000")
    zh = result["statement"]["zh"]
    assert zh.startswith("2020 年，")
    assert f"河北省 {hebei['share_beyond_pct']:.1f}%" in zh
    assert "距最近的复旦百强医院（2021年度）超过 60 千米" in zh
    assert f"{hebei['share_beyond_pct']:.1f} % of Hebei's" in result["statement"]["en"]


def test_an_incomplete_tier_says_so():
    _, supply, result, _ = acc.access_from_params({"facilities": "grade-3a"})
    assert "Beijing" in result["coverage_note"]["en"]
    assert "北京" in result["coverage_note"]["zh"] and "dataset:ID" in result["coverage_note"]["zh"]
    # The ranked tier: one ranked hospital has no sourced point, and the note counts it.
    _, _, result, _ = acc.access_from_params({})
    assert result["facilities"]["sites_used"] == 24
    assert "24 of the 25" in result["coverage_note"]["en"]


# --- HTTP ----------------------------------------------------------------------------------


def test_api_answer_carries_method_inputs_and_links(client):
    answer = client.get("/api/analysis/access?catchment_km=45&method=2sfca")
    assert answer.status_code == 200
    body = answer.get_json()
    assert body["method"]["catchment_km"] == 45 and body["method"]["measure"] == "2sfca"
    assert body["method"]["decay"] == {"function": "gaussian", "sigma_km": 22.5}
    assert "road network" in body["method"]["distance"]
    assert "population grid" in body["method"]["demand"]
    assert body["links"]["page"].startswith("/maps/access?")
    assert len(body["counties"]) == 199 and body["coverage_note"]


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ("facilities=nope", "facilities"),
        ("facilities=hospital,park", "facilities"),
        ("catchment_km=10", "catchment_km"),
        ("catchment_km=121", "catchment_km"),
        ("catchment_km=abc", "catchment_km"),
        ("threshold_km=0", "threshold_km"),
        ("method=3sfca", "method"),
        ("capacity=beds", "capacity"),
        ("colour=red", "colour"),
        ("method=nearest&method=2sfca", "method"),
    ],
)
def test_bad_input_is_a_400_naming_the_parameter_in_both_languages(client, query, parameter):
    answer = client.get(f"/api/analysis/access?{query}")
    assert answer.status_code == 400
    body = answer.get_json()
    assert body["parameter"] == parameter
    assert parameter in body["error"] and parameter in body["error_zh"]
    assert re.search(r"[\u4e00-\u9fff]", body["error_zh"])
    page = client.get(f"/maps/access?{query}&lang=zh")
    assert page.status_code == 400
    assert re.search(r"[\u4e00-\u9fff]", page.get_data(as_text=True))


def test_a_point_table_with_a_capacity_column_is_supply(client):
    dataset = publish_points(client, BEDS)
    answer = client.get(f"/api/analysis/access?facilities=dataset:{dataset}&capacity=beds")
    assert answer.status_code == 200, answer.get_json()
    body = answer.get_json()
    assert body["facilities"]["total_capacity"] == 5000
    assert body["coverage_note"] is None
    by_code = {c["adcode"]: c for c in body["counties"]}
    # A county only one site reaches: its 2SFCA is that site's beds over the residents in
    # the site's catchment (computed here from the answer's own distances).
    demand, km = _independent_km(
        supply_from_params(f"dataset:{dataset}", None, client.application.config)
    )
    within = km <= 60
    pop = demand["population"].to_numpy()
    beds = np.array([3000.0, 1500.0, 500.0])
    expected = (within * (beds / (within.T @ pop))[None, :]).sum(axis=1) * 1e4
    got = np.array([by_code[a]["sfca_per_10k"] for a in demand.index])
    assert got == pytest.approx(expected, abs=1e-6)
    # The page offers the table's columns for capacity=.
    page = client.get(f"/maps/access?facilities=dataset:{dataset}&capacity=beds&lang=zh")
    assert page.status_code == 200
    assert 'id="capacity-choices"><option value="名称">' in page.get_data(as_text=True)
    assert '<option value="beds">' in page.get_data(as_text=True)
    # Without the column every site counts 1.
    plain = client.get(f"/api/analysis/access?facilities=dataset:{dataset}").get_json()
    assert plain["facilities"]["total_capacity"] == 3


def test_bad_capacity_columns_and_tables_are_refused(client):
    dataset = publish_points(client, BEDS.replace("500\n", "many\n"))
    answer = client.get(f"/api/analysis/access?facilities=dataset:{dataset}&capacity=beds")
    assert answer.status_code == 400 and answer.get_json()["parameter"] == "capacity"
    assert "row" in answer.get_json()["error"]
    answer = client.get(f"/api/analysis/access?facilities=dataset:{dataset}&capacity=rooms")
    assert answer.status_code == 400 and answer.get_json()["parameter"] == "capacity"
    assert "beds" in answer.get_json()["valid"]
    values = client.post(
        "/api/datasets",
        data={
            "file": (io.BytesIO(b"adcode,beds\n110101,5\n110102,7\n"), "v.csv"),
            "title_en": "Beds",
        },
        content_type="multipart/form-data",
    )
    assert values.status_code == 201, values.get_json()
    table = values.get_json()["id"]
    answer = client.get(f"/api/analysis/access?facilities=dataset:{table}")
    assert answer.status_code == 400 and answer.get_json()["parameter"] == "facilities"


def test_downloads_read_back(client, tmp_path):
    for fmt in ("geojson", "gpkg", "csv"):
        answer = client.get(f"/download/access.{fmt}?threshold_km=30")
        assert answer.status_code == 200
        assert "attachment" in answer.headers["Content-Disposition"]
        path = tmp_path / f"a.{fmt}"
        path.write_bytes(answer.data)
        frame = pd.read_csv(path, dtype={"adcode": str}) if fmt == "csv" else gpd.read_file(path)
        assert len(frame) == 199
        assert {"nearest_km", "sfca_per_10k", "e2sfca_per_10k", "beyond"} <= set(frame.columns)
        if fmt != "csv":
            assert frame.crs.to_epsg() == 4326
            assert set(frame.geom_type) <= {"Polygon", "MultiPolygon"}
    collection = json.loads(client.get("/download/access.geojson?threshold_km=30").data)
    api = client.get("/api/analysis/access?threshold_km=30").get_json()
    assert collection["analysis"]["provinces"] == api["provinces"]
    far = sum(
        f["properties"]["population"] for f in collection["features"] if f["properties"]["beyond"]
    )
    assert far == api["region"]["population_beyond"]
    assert set(regions("county")["adcode"]) == {
        f["properties"]["adcode"] for f in collection["features"]
    }


def test_pdf_export_has_title_sentence_and_source(client):
    from pypdf import PdfReader

    answer = client.get("/export/access.pdf?lang=en&paper=a4")
    assert answer.status_code == 200 and answer.data.startswith(b"%PDF")
    page = PdfReader(io.BytesIO(answer.data)).pages[0]
    assert round(float(page.mediabox.width)) == 595
    words = page.extract_text()
    assert "Access to top medical care" in words and "Hebei" in words
    png = client.get("/export/access.png?lang=zh&width=600")
    assert png.status_code == 200 and png.data.startswith(b"\x89PNG")


def test_page_has_legend_note_table_embed_and_escapes_titles(client):
    page = client.get("/maps/access?lang=zh&threshold_km=30")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'id="legend"' in html and 'id="method-note"' in html and 'id="data-table"' in html
    assert "没有道路网络" in html or "未收录道路网络" in html
    assert "/embed/access?" in html and "/download/access.gpkg" in html
    assert "超过 30 千米" in html and 'id="coverage-note"' in html
    script = with_map_script(client, html)
    options = json.loads(
        re.search(r"JJJAtlas\.regions\(map_\w+, (\{.*?\})\);", script, re.S).group(1)
    )
    assert len(options["values"]) == 199 and options["points"]["layers"][0]["features"]
    evil = publish_points(client, BEDS, title_en="<script>alert(1)</script>")
    html = client.get(f"/maps/access?facilities=dataset:{evil}&lang=en").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;alert(1)" in html
    embed = client.get("/embed/access?lang=en")
    assert embed.status_code == 200 and 'id="legend"' in embed.get_data(as_text=True)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_pages_speak_one_language(client, lang):
    from tests.test_language import wrong_script

    for url in (
        "/maps/access?basemap=none&facilities=grade-3a&method=2sfca",
        "/embed/access?basemap=none",
        "/maps/siting?basemap=none&k=2",
        "/embed/siting?basemap=none&k=2",
    ):
        answer = client.get(f"{url}&lang={lang}")
        assert answer.status_code == 200, url
        assert wrong_script(answer.get_data(as_text=True), lang) == [], url
