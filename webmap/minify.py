"""Our own JS/CSS served minified (issue 18: page weight), the files in the repo unchanged.

``static/atlas.js``, ``static/embed.js``, ``static/place_search.js`` and ``static/atlas.css``
are sent through rjsmin / rcssmin (comment and whitespace removal only: names and
statements stay as written, so a stack trace still reads), once per file version, then
gzipped like any text response. ``atlas.js`` is a bundle (``bundles.py``): its parts
joined in order, minified as one text, once per version of its parts.
Debugging: ``flask --debug`` or ``MINIFY_STATIC=False`` in the app config serves the files
as they are. A ``Range`` request for a minified file gets the whole minified body (200),
never a slice of the unminified file under the same validator.
"""

from __future__ import annotations

import os
from functools import lru_cache

from flask import Flask, Response, request

from . import bundles

#: Static files served minified, with their minifier's name.
MINIFIED = {"atlas.js": "js", "embed.js": "js", "place_search.js": "js", "atlas.css": "css"}


@lru_cache(maxsize=16)
def minified(path: str, mtime_ns: int, size: int) -> bytes:
    """The minified text of ``path`` (keyed by its modification time and size)."""
    with open(path, encoding="utf-8") as handle:
        source = handle.read()
    return _minify(source, MINIFIED[os.path.basename(path)])


@lru_cache(maxsize=16)
def minified_bundle(filename: str, key: tuple[tuple[str, int, int], ...]) -> bytes:
    """The minified text of a bundle (keyed by its parts' paths, times and sizes)."""
    return _minify(bundles.source_of(key).decode("utf-8"), MINIFIED[filename])


def _minify(source: str, kind: str) -> bytes:
    import rcssmin
    import rjsmin

    text = rjsmin.jsmin(source) if kind == "js" else rcssmin.cssmin(source)
    return text.encode("utf-8")


def register(app: Flask) -> None:
    """Register after ``compress_response`` (after_request runs in reverse order)."""

    @app.after_request
    def _minify(response: Response) -> Response:
        if request.endpoint != "static" or response.status_code not in (200, 206):
            return response
        filename = (request.view_args or {}).get("filename", "")
        if filename not in MINIFIED or app.debug or not app.config.get("MINIFY_STATIC", True):
            return response
        folder = app.static_folder or ""
        if filename in bundles.BUNDLES:
            body = minified_bundle(filename, bundles.version(folder, filename))
        else:
            path = os.path.join(folder, filename)
            stat = os.stat(path)
            body = minified(path, stat.st_mtime_ns, stat.st_size)
        response.direct_passthrough = False
        response.status_code = 200
        response.headers.pop("Content-Range", None)
        response.headers.pop("Accept-Ranges", None)
        response.set_data(body)
        return response
