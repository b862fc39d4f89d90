"""Our JS/CSS served minified (webmap/minify.py), still valid and
the same program; the repo's files unchanged and served as they are when debugging.
``atlas.js`` is joined from ``static/atlas/*.js`` (webmap/bundles.py)."""

from __future__ import annotations

import gzip
import shutil
import subprocess
from pathlib import Path

import pytest
import rcssmin
import rjsmin

from webmap import bundles

STATIC = Path(__file__).resolve().parent.parent / "webmap" / "static"


def _source(name: str) -> bytes:
    """What ``/static/<name>`` holds before minifying: a file, or a bundle's parts joined."""
    if name in bundles.BUNDLES:
        return bundles.source(str(STATIC), name)
    return (STATIC / name).read_bytes()


def _body(response) -> bytes:
    data = response.data
    return gzip.decompress(data) if response.headers.get("Content-Encoding") == "gzip" else data


@pytest.mark.parametrize("name", ["atlas.js", "embed.js", "atlas.css"])
def test_served_minified_and_smaller_gzipped(app, name):
    client = app.test_client()
    source = _source(name).decode("utf-8")
    plain = client.get(f"/static/{name}")
    assert plain.status_code == 200
    minify = rjsmin.jsmin if name.endswith(".js") else rcssmin.cssmin
    assert plain.data == minify(source).encode()
    assert len(plain.data) < len(source.encode())
    assert int(plain.headers["Content-Length"]) == len(plain.data)
    zipped = client.get(f"/static/{name}", headers={"Accept-Encoding": "gzip"})
    assert _body(zipped) == plain.data
    if len(plain.data) >= 1024:  # smaller bodies are not worth compressing (caching.py)
        assert zipped.headers["Content-Encoding"] == "gzip"
        assert len(zipped.data) < len(gzip.compress(source.encode(), 6))


@pytest.mark.skipif(not shutil.which("node"), reason="node not installed")
@pytest.mark.parametrize("name", ["atlas.js", "embed.js"])
def test_minified_script_parses(app, name, tmp_path):
    body = app.test_client().get(f"/static/{name}").data
    target = tmp_path / name
    target.write_bytes(body)
    done = subprocess.run(["node", "--check", str(target)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def test_range_gets_the_whole_minified_body(app):
    client = app.test_client()
    whole = client.get("/static/atlas.js").data
    ranged = client.get("/static/atlas.js", headers={"Range": "bytes=0-99"})
    assert ranged.status_code == 200 and ranged.data == whole
    assert "Content-Range" not in ranged.headers


def test_not_modified_still_answers_304(app):
    client = app.test_client()
    first = client.get("/static/atlas.js")
    again = client.get("/static/atlas.js", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304


def test_debugging_serves_the_file_as_is(app):
    app.config["MINIFY_STATIC"] = False
    try:
        body = app.test_client().get("/static/atlas.js").data
    finally:
        app.config["MINIFY_STATIC"] = True
    assert body == _source("atlas.js")


def test_other_static_files_untouched(app):
    body = app.test_client().get("/static/vendor/leaflet/leaflet.css").data
    assert body == (STATIC / "vendor" / "leaflet" / "leaflet.css").read_bytes()


def test_atlas_js_is_its_parts_in_order():
    """Every part under static/atlas/ is in the bundle, once; the join is one program
    (its first part opens the closure its last parts close) and keeps the name it had."""
    listed = bundles.BUNDLES["atlas.js"]
    on_disk = sorted(f"atlas/{path.name}" for path in (STATIC / "atlas").glob("*.js"))
    assert sorted(listed) == on_disk and len(set(listed)) == len(listed)
    assert not (STATIC / "atlas.js").exists()  # one source: the parts
    text = _source("atlas.js").decode("utf-8")
    assert text.startswith("/* JJJ Atlas map layers") and text.endswith("})(window);\n")
    assert "global.JJJAtlas = JJJAtlas;" in text and "JJJAtlas.clusters = " in text


def test_bundle_follows_its_parts(app, tmp_path):
    """A changed part changes the served script, its ETag and its ?v= hash (no stale cache)."""
    from flask import url_for

    from webmap import caching

    for part in bundles.BUNDLES["atlas.js"]:
        (tmp_path / part).parent.mkdir(exist_ok=True)
        (tmp_path / part).write_bytes((STATIC / part).read_bytes())
    folder, versions = app.static_folder, dict(caching._static_versions)
    app.static_folder = str(tmp_path)
    caching._static_versions.clear()
    try:
        client = app.test_client()
        before = client.get("/static/atlas.js")
        with app.test_request_context():
            url = url_for("static", filename="atlas.js")
        last = tmp_path / bundles.BUNDLES["atlas.js"][-1]
        last.write_text(last.read_text() + "var bundleProbe = 1;\n")
        after = client.get("/static/atlas.js")
        caching._static_versions.clear()
        with app.test_request_context():
            assert url_for("static", filename="atlas.js") != url
    finally:
        app.static_folder = folder
        caching._static_versions.clear()
        caching._static_versions.update(versions)
    assert b"bundleProbe" in after.data and b"bundleProbe" not in before.data
    assert after.headers["ETag"] != before.headers["ETag"]
