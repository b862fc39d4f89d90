"""Serving immutable-per-process bodies fast: precomputed gzip, strong ETags, 304s.

Data files do not change while the service runs, so each distinct download is serialised
once per worker, compressed once, and then answered from memory.
"""

from __future__ import annotations

import gzip
import hashlib
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from threading import Lock

from flask import Response, request

MAX_ENTRIES = 256


@dataclass(frozen=True)
class CachedBody:
    body: bytes
    gzipped: bytes
    etag: str


_entries: OrderedDict[Hashable, CachedBody] = OrderedDict()
_lock = Lock()


def cached_body(key: Hashable, produce: Callable[[], bytes]) -> CachedBody:
    """The cached body for ``key``, produced (and gzipped) on first use; LRU-bounded."""
    with _lock:
        entry = _entries.get(key)
        if entry is not None:
            _entries.move_to_end(key)
            return entry
    body = produce()
    entry = CachedBody(
        body=body,
        gzipped=gzip.compress(body, compresslevel=6, mtime=0),
        etag='"' + hashlib.sha256(body).hexdigest()[:32] + '"',
    )
    with _lock:
        _entries[key] = entry
        while len(_entries) > MAX_ENTRIES:
            _entries.popitem(last=False)
    return entry


def send_cached(
    key: Hashable,
    produce: Callable[[], bytes],
    mimetype: str,
    download_name: str | None = None,
    max_age: int = 3600,
) -> Response:
    """Respond with a cached body: ETag/304, gzip when accepted, attachment if named."""
    entry = cached_body(key, produce)
    headers = {
        "ETag": entry.etag,
        "Cache-Control": f"public, max-age={max_age}",
        "Vary": "Accept-Encoding",
    }
    if download_name:
        headers["Content-Disposition"] = f'attachment; filename="{download_name}"'
    if entry.etag in request.headers.get("If-None-Match", ""):
        return Response(status=304, headers=headers)
    if request.accept_encodings["gzip"]:
        response = Response(entry.gzipped, mimetype=mimetype, headers=headers)
        response.headers["Content-Encoding"] = "gzip"
    else:
        response = Response(entry.body, mimetype=mimetype, headers=headers)
    return response


#: Text responses worth compressing on the fly (downloads are pre-compressed above).
COMPRESSIBLE = (
    "text/html",
    "text/css",
    "text/javascript",
    "application/javascript",
    "application/json",
)
MIN_COMPRESS_BYTES = 1024


def compress_response(response: Response) -> Response:
    """gzip a text response (pages, our JS/CSS, JSON) when the client accepts it."""
    if (
        response.status_code != 200
        or "Content-Encoding" in response.headers
        or response.mimetype not in COMPRESSIBLE
        or not request.accept_encodings["gzip"]
    ):
        return response
    response.direct_passthrough = False  # static files: read the body to compress it
    body = response.get_data()
    if len(body) < MIN_COMPRESS_BYTES:
        return response
    response.set_data(gzip.compress(body, compresslevel=6, mtime=0))
    response.headers["Content-Encoding"] = "gzip"
    response.vary.add("Accept-Encoding")
    return response
