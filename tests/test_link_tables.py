"""Uploaded links tables (from, to, weight) through the datasets publish flow, on SQLite
and PostgreSQL: check report → publish → /maps/links?dataset= (page, embed, API,
downloads) → replace → v1 unchanged → delete → 410; plus the links map's data table
and alt text and its source line."""

from __future__ import annotations

import csv
import io
import json

import geopandas as gpd
import pytest

from geo.maps import linkmap
from geo.maps.describe import links_summary, links_unit_rows
from geo.sources import link_tables as lt
from geo.sources.link_query import filtered_links
from webmap import create_app

FLOWS = (
    "from,to,weight\n"
    "北京市,保定市,1200\n"
    "天津市,保定市,300\n"
    "110000,石家庄,50\n"  # a province code at prefecture level: unmatched
    "北京市,北京市,5\n"  # a unit to itself: not drawn
    "廊坊,北京,<b>x</b>\n"  # HTML in a weight cell: reported as not a number
    "Shijiazhuang,天津,80\n"
    "Baodingg,北京,7\n"  # a misspelling: unmatched with suggestions
).encode()


def test_check_links_table_reports_like_a_dataset():
    checked = lt.check_link_upload(FLOWS, "flows.csv")
    report = checked.report()
    assert report["kind"] == "links"
    assert (report["level"], report["from_column"], report["to_column"]) == (
        "prefecture",
        "from",
        "to",
    )
    assert report["weight_column"] == "weight"
    pairs = {(link["from"], link["to"]): link["weight"] for link in checked.links}
    assert pairs == {
        ("110100", "130600"): 1200.0,
        ("120100", "130600"): 300.0,
        ("131000", "110100"): None,
        ("130100", "120100"): 80.0,
    }
    assert report["same_unit"] == [5]
    assert report["problems"] == [{"row": 6, "column": "weight", "text": "<b>x</b>"}]
    unmatched = {u["row"]: u for u in report["ends"]["from"]["unmatched"]}
    assert set(unmatched) == {4, 8}
    assert [s["adcode"] for s in unmatched[8]["suggestions"]][:1] == ["130600"]


def test_duplicated_pairs_and_no_links_are_refused():
    doubled = lt.check_link_upload(b"from,to\n110000,120000\n110000,120000\n")
    assert doubled.report()["duplicated"] == [{"from": "110000", "to": "120000", "rows": [2, 3]}]
    with pytest.raises(lt.BadParameter, match="one row per pair"):
        lt.check_publishable(doubled)
    nothing = lt.check_link_upload(b"from,to\nfoo,bar\n", level="county")
    with pytest.raises(lt.BadParameter, match="0 of 1 rows"):
        lt.check_publishable(nothing)


@pytest.fixture()
def links_client(database_url):
    app = create_app({"TESTING": True, "DATABASE_URL": database_url})
    return app.test_client()


def _publish(client, data=FLOWS, **fields):
    form = {
        "file": (io.BytesIO(data), "flows.csv"),
        "title_en": "Patient <script>alert(1)</script> flows",
        "title_zh": "患者流向",
        "source": '=HYPERLINK("x") survey',
        "source_url": "https://example.org/flows",
        "licence": "CC-BY-4.0",
        "weight_unit": "patients",
        **fields,
    }
    return client.post("/api/datasets", data=form, content_type="multipart/form-data")


def test_links_dataset_flow(links_client):
    client = links_client
    response = _publish(client)  # from/to headers: detected as a links table
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    dataset_id, token = body["id"], body["edit_token"]
    assert body["kind"] == "links" and body["report"]["links"] == 4
    assert body["links"]["map"].endswith(f"/maps/links?dataset={dataset_id}&v=1")

    page = client.get(f"/maps/links?dataset={dataset_id}&lang=en")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "<script>alert(1)</script>" not in html
    assert "Patient &lt;script&gt;alert(1)&lt;/script&gt; flows" in html
    assert "CC-BY-4.0" in html and "https://example.org/flows" in html
    assert "Incoming weight (patients)" in html
    assert 'role="figure" aria-label="Map of Patient' in html
    assert "most incoming: Baoding (2 links, 1,500 patients)" in html
    assert "data/links" not in html

    api = client.get(f"/api/links?dataset={dataset_id}").get_json()
    assert api["count"] == 4 and api["dataset"]["licence"] == "CC-BY-4.0"
    assert api["dataset"]["weight_unit"] == "patients"
    assert api["counts"]["incoming"] == {"130600": 2, "110100": 1, "120100": 1}
    assert api["urls"]["csv"].endswith(f"dataset={dataset_id}&v=1")

    geojson = client.get(f"/download/links.geojson?dataset={dataset_id}")
    assert geojson.status_code == 200
    doc = json.loads(geojson.data)
    assert doc["dataset"]["title_en"].startswith("Patient <script>")  # JSON: data, not HTML
    assert doc["incoming"]["130600"] == {"count": 2, "weight": 1500.0, "lower_bound": False}
    frame = gpd.read_file(io.BytesIO(geojson.data))
    assert len(frame) == 4 and set(frame.geom_type) == {"LineString"}
    rows = list(csv.DictReader(io.StringIO(client.get(
        f"/download/links.csv?dataset={dataset_id}").get_data(as_text=True))))  # fmt: skip
    assert {r["source_title"] for r in rows} == {
        f"dataset {dataset_id} v1: {doc['dataset']['title_en']}"
    }
    assert {r["source_publisher"] for r in rows} == {'\'=HYPERLINK("x") survey'}  # not a formula
    assert {r["note"] for r in rows} == {"licence: CC-BY-4.0"}
    assert client.get(f"/embed/links?dataset={dataset_id}&lang=zh").status_code == 200
    assert client.get(f"/datasets/{dataset_id}").status_code == 200
    listed = client.get("/api/datasets").get_json()["datasets"]
    assert {d["id"]: d["kind"] for d in listed}[dataset_id] == "links"
    assert "links table: from, to, weight" in client.get("/datasets").get_data(as_text=True)
    svg = client.get(f"/export/links.svg?dataset={dataset_id}&width=600")
    assert svg.status_code == 200 and b"jjj-row-2" in svg.data  # one group per link
    oembed = client.get(
        "/oembed", query_string={"url": f"http://localhost/datasets/{dataset_id}/v/1"}
    ).get_json()
    assert oembed["title"].startswith("Patient <script>")  # JSON; escaped in the iframe
    assert f"dataset={dataset_id}" in oembed["html"] and "<script>alert" not in oembed["html"]
    # A links dataset is no choropleth: the answer names where it maps.
    refused = client.get(f"/maps/choropleth?dataset={dataset_id}")
    assert refused.status_code == 400 and b"/maps/links?dataset=" in refused.data
    # A filter value not in the dataset names the valid ends.
    assert client.get(f"/api/links?dataset={dataset_id}&from=130700").status_code == 400

    # Replace: v2 has one link; v1 stays as it was.
    replaced = client.put(
        f"/api/datasets/{dataset_id}",
        data={"file": (io.BytesIO("from,to,weight\n天津市,唐山市,9\n".encode()), "v2.csv")},
        headers={"Authorization": f"Bearer {token}"},
        content_type="multipart/form-data",
    )
    assert replaced.status_code == 200, replaced.get_json()
    assert replaced.get_json()["kind"] == "links"
    assert client.get(f"/api/links?dataset={dataset_id}").get_json()["count"] == 1
    assert client.get(f"/api/links?dataset={dataset_id}&v=1").get_json()["count"] == 4
    svg2 = client.get(f"/export/links.svg?dataset={dataset_id}&width=600")
    assert b"jjj-row-2" in svg2.data and b"jjj-row-3" not in svg2.data  # not the v1 image
    v2 = client.get(f"/api/links?dataset={dataset_id}").get_json()
    assert v2["dataset"]["weight_unit"] == "patients"  # metadata kept
    assert client.delete(f"/api/datasets/{dataset_id}").status_code == 401
    deleted = client.delete(
        f"/api/datasets/{dataset_id}", headers={"Authorization": f"Bearer {token}"}
    )
    assert deleted.status_code == 200
    for url in (
        f"/maps/links?dataset={dataset_id}&v=1",
        f"/embed/links?dataset={dataset_id}",
        f"/download/links.csv?dataset={dataset_id}&v=2",
        f"/api/links?dataset={dataset_id}",
    ):
        gone = client.get(url)
        assert gone.status_code == 410, url
        assert "Patient" in gone.get_data(as_text=True)


def test_kind_values_keeps_a_from_to_table_a_value_table(links_client):
    response = _publish(links_client, data=b"from,to\n110000,1\n120000,2\n", kind="values")
    assert response.status_code == 201
    assert response.get_json()["kind"] == "values"
    dataset_id = response.get_json()["id"]
    refused = links_client.get(f"/maps/links?dataset={dataset_id}")
    assert refused.status_code == 400 and b"/maps/choropleth?dataset=" in refused.data
    assert links_client.get("/api/links?dataset=nosuchid").status_code == 404
    assert links_client.post("/api/datasets", data={"kind": "edges"}).status_code == 400


# --- the bundled links map: source line, data table and alt text ---------------------------


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_links_page_cites_documents_not_files_and_has_a_data_table(client, lang):
    html = client.get(f"/maps/links?lang={lang}&basemap=none").get_data(as_text=True)
    assert "data/links" not in html and "links.csv:" not in html
    assert 'id="links-source"' in html and "/download/links.csv" in html
    spec = linkmap.links_spec({"lang": lang})
    rows = links_unit_rows(spec)
    summary = links_summary(spec, rows)
    assert f'aria-label="{summary}"' in html
    assert html.count('<table class="sortable" id="map-table">') == 1
    # Same values as the map: the count per unit equals a count from the raw rows.
    links = filtered_links()
    by_prefecture = links["to_prefecture"].value_counts()
    for row in rows:
        if row.adcode not in ("133100",) and not row.lower_bound:
            assert row.count >= int(by_prefecture.get(row.adcode, 0))
    top = max(rows, key=lambda r: r.count)
    assert (top.name_zh if lang == "zh" else top.name_en) in summary
    assert str(spec.link_total) in summary
    embed = client.get(f"/embed/links?lang={lang}&basemap=none").get_data(as_text=True)
    assert f'aria-label="{summary}"' in embed and 'id="map-table"' in embed
