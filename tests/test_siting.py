"""Siting of new sites (geo/analysis/siting.py, webmap/access.py): the MCLP objective against
brute force for small k, p-median against brute force for k = 1, existing sites kept,
bounded work (k, candidates, solver time) and bad input, the page."""

from __future__ import annotations

import io
import itertools
import re

import numpy as np
import pytest
from pyproj import Geod

from geo.analysis import siting as sit
from geo.analysis.supply import county_demand, supply_from_params
from webmap import create_app

GEOD = Geod(ellps="WGS84")


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    store = tmp_path_factory.mktemp("siting-store")
    app = create_app({"TESTING": True, "DATABASE_URL": f"sqlite:///{store}/s.sqlite3"})
    return app.test_client()


def _km(lon_a, lat_a, lon_b, lat_b) -> np.ndarray:
    """Independent distance matrix (rows a, columns b) with pyproj directly."""
    out = np.empty((len(lon_a), len(lon_b)))
    for j in range(len(lon_b)):
        _, _, metres = GEOD.inv(
            lon_a, lat_a, np.full(len(lon_a), lon_b[j]), np.full(len(lon_a), lat_b[j])
        )
        out[:, j] = np.asarray(metres) / 1000
    return out


@pytest.fixture(scope="module")
def problem():
    demand = county_demand()
    lon, lat = demand["lon"].to_numpy(), demand["lat"].to_numpy()
    supply = supply_from_params("fudan-top100", None)
    existing = _km(lon, lat, supply.lon, supply.lat).min(axis=1)
    candidates = _km(lon, lat, lon, lat)
    return demand, demand["population"].to_numpy(), existing, candidates


@pytest.mark.parametrize("k", [1, 2])
def test_mclp_objective_matches_brute_force(problem, k):
    demand, pop, existing, cand = problem
    radius = 40.0
    open_demand = existing > radius
    reach = (cand <= radius) & open_demand[:, None]  # only residents not covered yet count
    best = max(
        pop[reach[:, list(combo)].any(axis=1)].sum()
        for combo in itertools.combinations(range(cand.shape[1]), k)
    )
    _, _, result = sit.siting_from_params({"k": str(k), "radius_km": "40"})
    assert result["newly_covered"] == int(best)
    assert result["newly_covered_pct"] == pytest.approx(100 * best / pop.sum(), abs=0.05)
    assert sum(s["newly_covered_residents"] for s in result["chosen_sites"]) == int(best)
    chosen = [demand.index.get_loc(s["id"]) for s in result["chosen_sites"]]
    assert pop[reach[:, chosen].any(axis=1)].sum() == best


def test_pmedian_k1_matches_brute_force(problem):
    _, pop, existing, cand = problem
    weighted = [(np.minimum(existing, cand[:, j]) * pop).sum() for j in range(cand.shape[1])]
    best = min(weighted) / pop.sum()
    _, _, result = sit.siting_from_params({"k": "1", "objective": "pmedian"})
    assert result["mean_km_after"] == pytest.approx(best, abs=0.01)
    assert result["mean_km_before"] == pytest.approx((existing * pop).sum() / pop.sum(), abs=0.01)


def test_existing_sites_are_kept_and_counted_once():
    _, supply, result = sit.siting_from_params({"k": "3", "radius_km": "60"})
    assert len(result["existing_sites"]) == len(supply) == 24
    before = {c["adcode"]: c for c in result["counties"]}
    for county in result["counties"]:
        if county["status"] == "covered":
            assert county["nearest_km_before"] <= 60
        if county["status"] == "newly_covered":
            assert county["nearest_km_before"] > 60 >= county["nearest_km_after"]
    assert result["covered_after"] - result["covered_before"] == result["newly_covered"]
    newly = sum(c["population"] for c in before.values() if c["status"] == "newly_covered")
    assert newly == result["newly_covered"]
    assert "3 new sites would bring" in result["statement"]["en"]
    assert f"{result['newly_covered_pct']:.1f} %" in result["statement"]["en"]
    assert "新增 3 个设施" in result["statement"]["zh"]


def test_solver_past_its_time_limit_is_a_503(client, monkeypatch):
    monkeypatch.setattr(sit, "TIME_LIMIT_S", 0.01)
    answer = client.get("/api/analysis/siting?objective=pmedian&k=7&radius_km=33")
    assert answer.status_code == 503, answer.get_json()
    body = answer.get_json()
    assert "time" in body["error"] and "时限" in body["error_zh"]
    assert answer.headers["Retry-After"]


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ("k=0", "k"),
        ("k=21", "k"),
        ("k=2.5", "k"),
        ("radius_km=1", "radius_km"),
        ("objective=pcenter", "objective"),
        ("candidates=everywhere", "candidates"),
        ("facilities=nope", "facilities"),
        ("capacity=beds", "capacity"),
    ],
)
def test_bad_input_is_a_400_naming_the_parameter(client, query, parameter):
    answer = client.get(f"/api/analysis/siting?{query}")
    assert answer.status_code == 400
    body = answer.get_json()
    assert body["parameter"] == parameter
    assert re.search(r"[\u4e00-\u9fff]", body["error_zh"])
    page = client.get(f"/maps/siting?{query}&lang=zh")
    assert page.status_code == 400


def test_published_candidates_and_their_bounds(client):
    text = "名称,lon,lat\n甲,114.5149,38.0428\n乙,115.4646,38.8740\n丙,118.1802,39.6305\n"
    form = {
        "file": (io.BytesIO(text.encode()), "c.csv"),
        "kind": "points",
        "datum": "wgs84",
        "title_en": "Candidate sites",
    }
    answer = client.post("/api/datasets", data=form, content_type="multipart/form-data")
    assert answer.status_code == 201
    token = f"dataset:{answer.get_json()['id']}"
    answer = client.get(f"/api/analysis/siting?candidates={token}&k=2")
    assert answer.status_code == 200, answer.get_json()
    chosen = {s["name_zh"] for s in answer.get_json()["chosen_sites"]}
    assert len(chosen) == 2 and chosen <= {"甲", "乙", "丙"}
    answer = client.get(f"/api/analysis/siting?candidates={token}&k=4")
    assert answer.status_code == 400 and answer.get_json()["parameter"] == "k"
    values = client.post(
        "/api/datasets",
        data={"file": (io.BytesIO(b"adcode,beds\n110101,5\n"), "v.csv"), "title_en": "Beds"},
        content_type="multipart/form-data",
    )
    assert values.status_code == 201
    answer = client.get(f"/api/analysis/siting?candidates=dataset:{values.get_json()['id']}")
    assert answer.status_code == 400 and answer.get_json()["parameter"] == "candidates"
    assert "point table" in answer.get_json()["error"]
    monkey = sit.MAX_CANDIDATES
    try:
        sit.MAX_CANDIDATES = 2
        answer = client.get(f"/api/analysis/siting?candidates={token}&k=1")
        assert answer.status_code == 400 and answer.get_json()["parameter"] == "candidates"
    finally:
        sit.MAX_CANDIDATES = monkey


def test_siting_page_shows_sites_and_sentence(client):
    page = client.get("/maps/siting?lang=zh&k=2")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "新增 2 个设施可使另外" in html and 'id="legend"' in html
    assert "新覆盖" in html and "选中的新设施" in html and "/embed/siting?" in html
    api = client.get("/api/analysis/siting?k=2").get_json()
    for site in api["chosen_sites"]:
        assert site["name_zh"] in html


def test_siting_downloads_and_export_read_back(client, tmp_path):
    import geopandas as gpd
    from pypdf import PdfReader

    api = client.get("/api/analysis/siting?k=2").get_json()
    answer = client.get("/download/siting.geojson?k=2")
    assert answer.status_code == 200 and "attachment" in answer.headers["Content-Disposition"]
    path = tmp_path / "s.geojson"
    path.write_bytes(answer.data)
    frame = gpd.read_file(path)
    assert len(frame) == 199 and frame.crs.to_epsg() == 4326
    newly = frame[frame["status"] == "newly_covered"]["population"].sum()
    assert newly == api["newly_covered"]
    csv = client.get("/download/siting.csv?k=2")
    assert csv.status_code == 200 and csv.data.count(b"\n") >= 200
    pdf = client.get("/export/siting.pdf?k=2&lang=en&paper=a4")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    words = PdfReader(io.BytesIO(pdf.data)).pages[0].extract_text()
    assert "Where new sites would reach most people" in words and "Newly covered" in words


def test_page_map_script_and_api_share_one_solve(client, monkeypatch):
    calls = []
    solve = sit.siting_from_params

    def counted(args, config=None):
        calls.append(dict(args))
        return solve(args, config)

    monkeypatch.setattr(sit, "siting_from_params", counted)
    query = "k=2&radius_km=47"
    assert client.get(f"/maps/siting?{query}&lang=zh").status_code == 200
    assert client.get(f"/embed/siting?{query}&lang=en").status_code == 200
    assert client.get(f"/api/analysis/siting?{query}").status_code == 200
    assert len(calls) == 1
