"""Every route through the Flask test client: status, types, headers, errors, escaping."""

import gzip
import io
import json
import re

import geopandas as gpd
import pandas as pd
import pytest

from geo.sources.catalog import indicators
from geo.sources.zones import zones

GZIP = {"Accept-Encoding": "gzip"}


def read_json(response):
    data = response.data
    if response.headers.get("Content-Encoding") == "gzip":
        data = gzip.decompress(data)
    return json.loads(data)


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/?lang=zh",
        "/maps/choropleth?indicator=population",
        "/maps/choropleth?indicator=population&compare=2010",
        "/maps/corridor/tong-wu-lang",
        "/embed/choropleth?indicator=area_km2&level=county",
        "/embed/corridor/xiongan",
    ],
)
def test_pages_render(client, url):
    response = client.get(url)
    assert response.status_code == 200 and response.mimetype == "text/html"
    html = response.get_data(as_text=True)
    assert "/static/vendor/leaflet/leaflet.js" in html and "cdn.jsdelivr" not in html


def test_gallery_lists_every_indicator_and_zone(client):
    html = client.get("/").get_data(as_text=True)
    for ind in indicators():
        assert f"indicator={ind.id}" in html
    for zone in zones():
        assert f"/maps/corridor/{zone.id}" in html


def test_every_indicator_map_renders_at_every_level(client):
    for ind in indicators():
        for level in ind.levels:
            response = client.get(f"/maps/choropleth?indicator={ind.id}&level={level}")
            assert response.status_code == 200, (ind.id, level)


def test_choropleth_page_fetches_data_by_url_and_shows_legend_and_source(client):
    html = client.get("/maps/choropleth?indicator=population&level=prefecture&lang=zh").get_data(
        as_text=True
    )
    script_url = re.findall(r'<script src="(/map-script/[^"]+)"', html)[0].replace("&amp;", "&")
    html += client.get(script_url).get_data(as_text=True)  # the map code is a .js file
    assert (
        "/download/regions.topojson?level=prefecture&amp;indicators=population&amp;year=2020"
        in html
        or "/download/regions.topojson?level=prefecture\\u0026indicators=population\\u0026year=2020"
        in html
    )
    assert "无数据" in html and "人" in html  # legend 'no data' and unit in Chinese
    assert "河北省第七次全国人口普查公报" in html  # source line
    assert "&lt;iframe src=&#34;http://localhost/embed/choropleth?indicator=population&amp;" in html
    assert len(html) < 30_000  # data is not inlined


def test_choropleth_parameters_all_work(client):
    for scheme in ("quantiles", "natural_breaks", "equal_interval"):
        for k in (3, 9):
            url = f"/maps/choropleth?indicator=area_km2&level=county&scheme={scheme}&k={k}"
            assert client.get(url + "&palette=YlOrRd&basemap=amap").status_code == 200


@pytest.mark.parametrize(
    "url,status,parameter",
    [
        ("/maps/choropleth?indicator=nope", 404, "indicator"),
        ("/maps/choropleth", 400, "indicator"),
        ("/maps/choropleth?indicator=area_km2&level=township", 400, "level"),
        ("/maps/choropleth?indicator=doctors_per_1000&level=county", 400, "level"),
        ("/maps/choropleth?indicator=area_km2&scheme=jenks2", 400, "scheme"),
        ("/maps/choropleth?indicator=area_km2&k=12", 400, "k"),
        ("/maps/choropleth?indicator=area_km2&k=five", 400, "k"),
        ("/maps/choropleth?indicator=area_km2&palette=Rainbow", 400, "palette"),
        ("/maps/choropleth?indicator=area_km2&lang=fr", 400, "lang"),
        ("/maps/choropleth?indicator=area_km2&basemap=google", 400, "basemap"),
        ("/maps/choropleth?indicator=area_km2&basemap=tianditu", 400, "basemap"),
        ("/maps/corridor/atlantis", 404, "zone"),
        ("/maps/corridor/jing-jin?band_km=-3", 400, "band_km"),
        ("/embed/corridor/atlantis", 404, "zone"),
        ("/embed/choropleth?indicator=area_km2&k=2", 400, "k"),
    ],
)
def test_page_errors_are_html_naming_valid_values(client, url, status, parameter):
    response = client.get(url)
    assert response.status_code == status and response.mimetype == "text/html"
    html = response.get_data(as_text=True)
    assert f"<code>{parameter}</code>" in html and "valid" in html.lower()


@pytest.mark.parametrize(
    "url,status,parameter",
    [
        ("/download/regions.geojson?level=township", 400, "level"),
        ("/download/regions.geojson?level=county&indicators=nope", 404, "indicator"),
        ("/download/regions.csv?level=county&indicators=doctors_per_1000_2020", 400, "level"),
        ("/download/facilities.geojson?category=school", 400, "category"),
        ("/download/corridor.geojson?zone=atlantis", 404, "zone"),
        ("/download/corridor.geojson?zone=jing-jin&band_km=wide", 400, "band_km"),
        ("/api/indicators/nope", 404, "indicator"),
        ("/api/zones/nope", 404, "zone"),
    ],
)
def test_api_and_download_errors_are_json(client, url, status, parameter):
    response = client.get(url)
    assert response.status_code == status and response.mimetype == "application/json"
    body = response.get_json()
    assert body["parameter"] == parameter and body["valid"] and "error" in body


@pytest.mark.parametrize(
    "url",
    [
        "/maps/choropleth?indicator=<img src=x onerror=alert(1)>",
        "/maps/choropleth?indicator=area_km2&palette=<img src=x onerror=alert(1)>",
        "/maps/corridor/<img src=x onerror=alert(1)>",
        "/embed/choropleth?indicator=area_km2&basemap=<img src=x onerror=alert(1)>",
    ],
)
def test_user_text_is_escaped_in_errors(client, url):
    html = client.get(url).get_data(as_text=True)
    assert "<img src=x" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html


def test_unknown_route_is_404(client):
    assert client.get("/nowhere").status_code == 404
    assert client.get("/api/nowhere").get_json()["status"] == 404


def test_regions_download_headers_and_caching(client):
    url = "/download/regions.geojson?level=county&indicators=area_km2,top_hospitals"
    response = client.get(url, headers=GZIP)
    assert response.status_code == 200
    assert response.mimetype == "application/geo+json"
    assert response.headers["Content-Encoding"] == "gzip"
    assert response.headers["Content-Disposition"] == (
        'attachment; filename="jjj_county_area_km2_top_hospitals.geojson"'
    )
    assert "max-age" in response.headers["Cache-Control"]
    etag = response.headers["ETag"]
    data = read_json(response)
    assert data["type"] == "FeatureCollection" and len(data["features"]) == 199
    assert "crs" not in data  # RFC 7946
    again = client.get(url, headers={"If-None-Match": etag})
    assert again.status_code == 304 and not again.data
    plain = client.get(url)
    assert "Content-Encoding" not in plain.headers and json.loads(plain.data) == data


@pytest.mark.parametrize(
    "url,count",
    [
        ("/download/regions.geojson?level=province", 3),
        ("/download/regions.geojson?level=prefecture", 14),
        ("/download/facilities.geojson", None),
        ("/download/facilities.geojson?category=hospital", None),
        ("/download/zones.geojson", 6),
        ("/download/corridors.geojson", 6),
        ("/download/corridor.geojson?zone=jing-bao-shi&band_km=40", None),
    ],
)
def test_geojson_downloads(client, url, count):
    response = client.get(url)
    assert response.status_code == 200 and response.mimetype == "application/geo+json"
    assert response.headers["Content-Disposition"].startswith("attachment; filename=")
    assert "ETag" in response.headers
    data = json.loads(response.data)
    assert data["type"] == "FeatureCollection"
    if count is not None:
        assert len(data["features"]) == count


def test_downloads_read_back_with_a_gis_reader_equal_the_api(client):
    ids = "population_2020,population_density_2020"
    response = client.get(f"/download/regions.geojson?level=prefecture&indicators={ids}")
    frame = gpd.read_file(io.BytesIO(response.data), engine="pyogrio")
    assert frame.crs.to_epsg() == 4326 and len(frame) == 14
    api = client.get("/api/indicators/population_2020").get_json()
    api_values = {row["adcode"]: row["value"] for row in api["values"]["prefecture"]}
    assert dict(zip(frame["adcode"], frame["population_2020"])) == api_values
    csv = pd.read_csv(
        io.BytesIO(client.get(f"/download/regions.csv?level=prefecture&indicators={ids}").data),
        dtype={"adcode": str},
    )
    assert dict(zip(csv["adcode"], csv["population_2020"])) == api_values
    assert "population_2020_source" in csv.columns


def test_facility_csv_keeps_unlocated_rows(client):
    csv = pd.read_csv(io.BytesIO(client.get("/download/facilities.csv").data))
    geo = json.loads(client.get("/download/facilities.geojson").data)
    assert len(csv) > len(geo["features"]) and csv["lon"].isna().any()


def test_api_catalogs(client):
    data = client.get("/api/indicators").get_json()
    ids = [i["id"] for i in data["indicators"]]
    assert "population" in ids and data["levels"] == ["province", "prefecture", "county"]
    assert data["aliases"]["population_2020"] == {"indicator": "population", "year": 2020}
    entry = next(i for i in data["indicators"] if i["id"] == "gdp")
    assert entry["coverage"]["prefecture"]["units"] == 13
    assert entry["unit"] and entry["source"]
    # the best-covered year: 2020 has all 13 cities (yearbook); 2021 lacks Chengde and Hengshui
    assert entry["default_year"] == 2020 and entry["year"] == 2023
    zone_data = client.get("/api/zones").get_json()
    assert {z["id"] for z in zone_data["zones"]} >= {"tong-wu-lang", "xiongan"}


def test_security_headers_and_framing(client):
    page = client.get("/maps/choropleth?indicator=area_km2")
    assert page.headers["X-Content-Type-Options"] == "nosniff"
    assert page.headers["X-Frame-Options"] == "SAMEORIGIN"
    csp = page.headers["Content-Security-Policy"]
    assert "frame-ancestors 'self'" in csp
    # No inline script at all: the map code is a .js file, the policy admits this origin only.
    html = page.get_data(as_text=True)
    assert not re.findall(r"<script(?![^>]*\ssrc=)[^>]*>", html)
    assert csp.split("script-src ")[1].split(";")[0].split() == ["'self'"]
    embed = client.get("/embed/choropleth?indicator=area_km2")
    assert "X-Frame-Options" not in embed.headers
    assert "frame-ancestors *" in embed.headers["Content-Security-Policy"]
    assert client.get("/download/zones.geojson").headers["X-Content-Type-Options"] == "nosniff"


JOIN_CSV = "城市,医生数\n石家庄市,1\nShijiazhuang,2\n廊坊,3\nAtlantis,4\n<script>x</script>,5\n"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk"])
def test_join_upload_reports_matches_in_any_encoding(client, encoding):
    response = client.post(
        "/api/join?level=prefecture",
        data={"file": (io.BytesIO(JOIN_CSV.encode(encoding)), "doctors.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 200
    report = response.get_json()["report"]
    assert report["counts"]["matched"] == 3 and report["counts"]["unmatched"] == 2
    assert report["duplicated"][0]["adcode"] == "130100"
    assert {row["name"] for row in report["unmatched"]} == {"Atlantis", "<script>x</script>"}


def test_join_upload_as_geojson_reads_back(client):
    response = client.post("/api/join?level=prefecture&format=geojson", data=JOIN_CSV.encode())
    assert response.status_code == 200 and response.mimetype == "application/geo+json"
    frame = gpd.read_file(io.BytesIO(response.data), engine="pyogrio")
    joined = frame.set_index("adcode")
    assert joined.loc["131000", "医生数"] == "3" and len(frame) == 14


@pytest.mark.parametrize(
    "body,status",
    [
        (b"", 400),
        (b"a,b\n1,2\n3,4,5,6\n", 400),
        (b"\x00\x01binary", 400),
        (b"\xff\xfe\xfa\xfb" * 10, 400),
        (b"only_a_header\n", 400),
        (b"x" * (3 * 1024 * 1024), 413),
    ],
)
def test_join_upload_bad_input_is_a_clear_4xx(client, body, status):
    response = client.post("/api/join?level=prefecture", data=body)
    assert response.status_code == status
    payload = response.get_json()
    assert payload["parameter"] == "file" and payload["valid"]
    assert client.get("/api/zones").status_code == 200  # still serving


def test_join_upload_bad_level_and_format(client):
    assert client.post("/api/join?level=town", data=JOIN_CSV.encode()).status_code == 400
    response = client.post("/api/join?format=xlsx", data=JOIN_CSV.encode())
    assert response.status_code == 400 and response.get_json()["valid"] == ["json", "geojson"]


def test_pages_and_own_assets_are_gzipped_when_accepted(client):
    for url in (
        "/maps/choropleth?indicator=area_km2&level=county",
        "/static/atlas.js",
        "/api/zones",
    ):
        response = client.get(url, headers=GZIP)
        assert response.headers.get("Content-Encoding") == "gzip", url
        assert "Accept-Encoding" in response.headers["Vary"]
        assert gzip.decompress(response.data)
        assert "Content-Encoding" not in client.get(url).headers


def test_warm_app_serves_from_filled_caches():
    from webmap import caching, create_app

    create_app({"TESTING": True}, warm=True)
    keys = [key for _, key in caching.cache.keys()]
    assert ("regions", "topojson", "county", ()) in keys
