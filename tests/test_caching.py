"""The response cache: second request from memory (asserted by counters, not timing),
304 on a matching ETag, invalidation by data version and by tag, a byte budget."""

from __future__ import annotations

import pytest

from geo import version
from webmap import caching

PAGES = [
    "/?lang=zh",
    "/maps/choropleth?indicator=area_km2&level=county&k=4",
    "/embed/corridor/jing-bao-shi?band_km=25",
    "/api/indicators",
    "/ogc/collections/county/items?limit=7",
    "/download/regions.geojson?level=province",
]


@pytest.mark.parametrize("url", PAGES)
def test_second_request_is_served_from_memory(client, url):
    client.get(url)  # whatever state the cache was in, it now holds the answer
    before = caching.stats()
    first = client.get(url)
    second = client.get(url, headers={"Accept-Encoding": "gzip"})
    after = caching.stats()
    assert first.status_code == 200 and second.status_code == 200
    assert first.headers["X-Cache"] == second.headers["X-Cache"] == "HIT"
    assert after["hits"] - before["hits"] == 2 and after["misses"] == before["misses"]
    assert second.headers["Content-Encoding"] == "gzip"
    assert first.headers["ETag"] == second.headers["ETag"]
    revalidated = client.get(url, headers={"If-None-Match": first.headers["ETag"]})
    assert revalidated.status_code == 304 and not revalidated.data


def test_query_order_does_not_matter_and_errors_are_not_cached(client):
    a = client.get("/maps/choropleth?level=county&indicator=area_km2&k=6")
    b = client.get("/maps/choropleth?k=6&indicator=area_km2&level=county")
    assert (a.headers["X-Cache"], b.headers["X-Cache"]) == ("MISS", "HIT")
    before = caching.stats()["entries"]
    assert client.get("/maps/choropleth?indicator=nope").status_code == 404
    assert caching.stats()["entries"] == before


def test_cache_control(client):
    assert client.get("/").headers["Cache-Control"] == "public, max-age=60"
    assert "max-age=3600" in client.get("/download/zones.geojson").headers["Cache-Control"]


def test_a_new_data_version_misses_and_a_tag_invalidates(client):
    url = "/api/zones"
    client.get(url)
    assert client.get(url).headers["X-Cache"] == "HIT"
    version.register_version_source("test-datasets", lambda: "2")
    try:
        assert client.get(url).headers["X-Cache"] == "MISS"
        assert client.get(url).headers["X-Cache"] == "HIT"
    finally:
        version.unregister_version_source("test-datasets")
    assert client.get(url).headers["X-Cache"] == "HIT"  # the old version's entry
    assert caching.invalidate("data") >= 1
    assert client.get(url).headers["X-Cache"] == "MISS"


def test_a_missed_request_asks_the_version_sources_once(client):
    calls = []
    version.register_version_source("test-count", lambda: calls.append(1) or "")
    caching.invalidate("data")  # a miss (an unknown parameter is a 400 now, not a new key)
    try:
        response = client.get("/api/zones")
    finally:
        version.unregister_version_source("test-count")
    assert response.headers["X-Cache"] == "MISS"
    assert len(calls) == 1  # the fast path's answer, reused by the response cache


def test_lru_respects_the_byte_budget():
    small = caching.ResponseCache(budget_bytes=3_000)
    for n in range(10):
        small.put(n, caching._entry(caching.Rendered(b"x" * 500, "text/plain"), {"t"}))
    stats = small.stats()
    assert stats["bytes"] <= 3_000 and stats["evictions"] > 0
    assert small.get(9) is not None and small.get(0) is None
    assert small.invalidate("t") == stats["entries"]


def test_versioned_static_assets_are_immutable(client):
    from flask import url_for

    with client.application.test_request_context():
        url = url_for("static", filename="atlas.js")
    assert "?v=" in url
    response = client.get(url)
    assert "immutable" in response.headers["Cache-Control"]
    assert "immutable" not in client.get("/static/atlas.js").headers["Cache-Control"]


def test_pages_rendered_per_request_get_the_same_strict_policy():
    """With the cache off (or a page outside it), the CSP is the same: scripts from this
    origin only, and the page holds no inline script."""
    from webmap import create_app

    uncached = create_app({"TESTING": True, "RESPONSE_CACHE": False}).test_client()
    response = uncached.get("/maps/corridor/xiongan", headers={"Accept-Encoding": "gzip"})
    assert response.headers["Content-Encoding"] == "gzip" and "X-Cache" not in response.headers
    import gzip
    import re

    html = gzip.decompress(response.data).decode()
    assert not re.findall(r"<script(?![^>]*\ssrc=)[^>]*>", html)
    assert "script-src 'self';" in response.headers["Content-Security-Policy"]


def test_fast_path_repeats_the_apps_answer_exactly():
    from webmap import create_app

    app = create_app({"TESTING": True})
    fast = app.wsgi_app
    assert isinstance(fast, caching.FastPath)
    client = app.test_client()
    url = "/ogc/collections/zones/items?limit=3"
    headers = {"Accept-Encoding": "gzip", "Accept": "text/html"}
    caching.invalidate("data")
    first = client.get(url, headers=headers)  # through Flask
    before = fast.hits
    second = client.get(url, headers=headers)  # from the fast path
    assert fast.hits == before + 1
    assert (first.headers["X-Cache"], second.headers["X-Cache"]) == ("MISS", "HIT")
    assert second.data == first.data and second.mimetype == "text/html"
    drop = {"X-Cache", "Date"}
    assert {k: v for k, v in first.headers if k not in drop} == {
        k: v for k, v in second.headers if k not in drop
    }
    as_json = client.get(url, headers={"Accept-Encoding": "gzip"})  # another Accept: not it
    assert as_json.mimetype == "application/geo+json"
    caching.invalidate("data")  # the fast copy goes with its cache entry
    assert client.get(url, headers=headers).headers["X-Cache"] == "MISS"


def test_gunicorn_config_serves_threads_preloaded_and_warm(monkeypatch):
    import importlib

    monkeypatch.delenv("JJJ_ATLAS_WARM_HOST", raising=False)
    monkeypatch.setenv("JJJ_ATLAS_THREADS", "3")
    import webmap.gunicorn_conf as conf

    conf = importlib.reload(conf)
    assert conf.worker_class == "webmap.buffered_worker.BufferedThreadWorker"  # gthread-based
    assert conf.threads == 3 and conf.keepalive > 0
    assert conf.preload_app and conf.wsgi_app == "webmap:create_app(warm=True)"
    import os

    assert os.environ["JJJ_ATLAS_WARM_HOST"] == conf.bind


def test_fast_path_never_replays_a_cookie():
    from flask import after_this_request

    from webmap import create_app

    app = create_app({"TESTING": True})

    @app.get("/probe-cookie")
    @caching.cached_view("api")
    def probe():
        @after_this_request
        def _cookie(response):
            response.set_cookie("who", "first-client")
            return response

        return {"ok": True}

    client = app.test_client()
    client.get("/probe-cookie")
    before = app.wsgi_app.hits
    second = client.get("/probe-cookie")
    assert app.wsgi_app.hits == before  # answered by Flask again, not replayed
    assert second.headers["X-Cache"] == "HIT"  # the body still came from the cache
