"""With JJJ_ATLAS_PUBLIC_HOST set, other Host headers are refused
(400 naming Host) before the response cache, so varying Host cannot churn it."""

from __future__ import annotations

from webmap import caching, create_app


def test_unknown_hosts_are_refused_and_do_not_grow_the_cache(tmp_path):
    app = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": f"sqlite:///{tmp_path}/host.sqlite3",
            "PUBLIC_HOST": "atlas.example, atlas.example:8443",
        }
    )
    client = app.test_client()
    ok = client.get("/api/zones", base_url="http://atlas.example")
    assert ok.status_code == 200
    assert client.get("/api/zones", base_url="https://atlas.example:8443").status_code == 200
    before = caching.stats()["entries"]
    for i in range(50):
        for path in ("/api/zones", "/", "/ogc"):
            response = client.get(path, base_url=f"http://evil{i}.example")
            assert response.status_code == 400, (path, response.status_code)
    assert caching.stats()["entries"] == before
    refused = client.get("/api/zones", base_url="http://evil.example").get_json()
    assert refused["parameter"] == "Host" and "atlas.example" in refused["valid"]
    page = client.get("/", base_url="http://evil.example").get_data(as_text=True)
    assert "Host" in page and "atlas.example" in page


def test_without_a_public_host_any_host_is_answered(tmp_path):
    app = create_app({"TESTING": True, "DATABASE_URL": f"sqlite:///{tmp_path}/any.sqlite3"})
    response = app.test_client().get("/api/zones", base_url="http://anything.example")
    assert response.status_code == 200


def test_warm_up_uses_a_public_host(tmp_path):
    app = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": f"sqlite:///{tmp_path}/warm.sqlite3",
            "PUBLIC_HOST": "warmed.example",
            "WARM_HOST": "127.0.0.1:8000",
        },
        warm=True,
    )
    response = app.test_client().get("/api/zones", base_url="http://warmed.example")
    assert response.headers["X-Cache"] == "HIT"  # warmed for the host that is answered
