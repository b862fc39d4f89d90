"""Static files joined from parts: ``/static/atlas.js`` is ``static/atlas/*.js`` end to end.

The map script is one program (a single closure shares its helpers), kept as parts a reader
can find by name: the GCJ-02 shift, data loading, popups, keyboard access, labels, points,
map controls, then one file per map (regions, corridor, links, clusters) and the page's
tables and forms. ``BUNDLES`` gives the order; the parts are joined byte for byte (no
separator), so the served script, its ``?v=`` hash, ETag and page weight are those of the
one file it replaces. The join is cached per version of its parts (modification time and
size of each), served like any static file (conditional GET, ranges, max-age) and then
minified by ``minify.py`` unless debugging.
"""

from __future__ import annotations

import hashlib
import io
import os
from functools import lru_cache

from flask import Flask, send_file

#: Served name -> its parts under ``static/``, in the order they are joined.
BUNDLES: dict[str, tuple[str, ...]] = {
    "atlas.js": tuple(
        f"atlas/{part}.js"
        for part in (
            "core",  # opens the closure: the JJJAtlas namespace, escapeHtml
            "gcj02",  # WGS 84 -> GCJ-02 for AMap tiles
            "data",  # fetchGeoJSON, number formats, class colours, fields by language
            "popups",  # popup size, truncation, a place's two names
            "loading",  # loaded marks, the load error box, fitting the map to its layer
            "keyboard",  # shapes as focusable buttons
            "labels",  # place names placed without overlap
            "points",  # facility points
            "controls",  # layer toggles, basemap note, scale words, kept view, setup
            "regions",  # the choropleth map
            "corridor",  # the corridor map
            "links",  # the cooperation links map
            "tables",  # sortable data tables
            "page",  # embed height, year/palette selectors, scroll boxes; closes the closure
            "clusters",  # the LISA cluster map (its own closure)
        )
    ),
}


def parts(static_folder: str, filename: str) -> list[str]:
    """The paths of ``filename``'s parts (empty when it is not a bundle)."""
    return [os.path.join(static_folder, part) for part in BUNDLES.get(filename, ())]


def version(static_folder: str, filename: str) -> tuple[tuple[str, int, int], ...]:
    """The parts' paths with modification time and size: a new tuple when one changes."""
    stats = []
    for path in parts(static_folder, filename):
        stat = os.stat(path)
        stats.append((path, stat.st_mtime_ns, stat.st_size))
    return tuple(stats)


@lru_cache(maxsize=16)
def source_of(key: tuple[tuple[str, int, int], ...]) -> bytes:
    """The parts named in ``key`` (from ``version``) joined in order."""
    body = b""
    for path, _mtime, _size in key:
        with open(path, "rb") as handle:
            body += handle.read()
    return body


def source(static_folder: str, filename: str) -> bytes:
    """The bundle's text as served unminified: its parts joined in order."""
    return source_of(version(static_folder, filename))


def register(app: Flask) -> None:
    """Serve each bundle at its name through the ``static`` endpoint (so ``url_for``,
    versioning, minifying and compression treat it as the file it replaces)."""
    serve_file = app.view_functions["static"]

    def static(filename: str):
        if filename not in BUNDLES:
            return serve_file(filename=filename)
        folder = app.static_folder or ""
        key = version(folder, filename)
        body = source_of(key)
        return send_file(
            io.BytesIO(body),
            download_name=filename,
            etag=hashlib.sha256(body).hexdigest()[:32],
            last_modified=max(mtime for _path, mtime, _size in key) / 1e9,
            max_age=app.get_send_file_max_age(filename),
            conditional=True,
        )

    app.view_functions["static"] = static
