"""Our JS/CSS served minified (webmap/minify.py), still valid and
the same program; the repo's files unchanged and served as they are when debugging."""

from __future__ import annotations

import gzip
import shutil
import subprocess
from pathlib import Path

import pytest
import rcssmin
import rjsmin

STATIC = Path(__file__).resolve().parent.parent / "webmap" / "static"


def _body(response) -> bytes:
    data = response.data
    return gzip.decompress(data) if response.headers.get("Content-Encoding") == "gzip" else data


@pytest.mark.parametrize("name", ["atlas.js", "embed.js", "atlas.css"])
def test_served_minified_and_smaller_gzipped(app, name):
    client = app.test_client()
    source = (STATIC / name).read_text(encoding="utf-8")
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
    assert body == (STATIC / "atlas.js").read_bytes()


def test_other_static_files_untouched(app):
    body = app.test_client().get("/static/vendor/leaflet/leaflet.css").data
    assert body == (STATIC / "vendor" / "leaflet" / "leaflet.css").read_bytes()
