"""Render once, serve from memory: an LRU response cache with precomputed gzip and ETags.

Every GET whose answer depends only on its normalised query, the host it is addressed to
and the data version (:func:`geo.version.data_version`) — pages, embeds, API JSON, OGC
API documents and items, downloads — is produced once per worker, compressed once, and
then answered from memory with a strong ``ETag`` (``304`` on ``If-None-Match``).

- Bounded by a byte budget (``JJJ_ATLAS_CACHE_MB``, default 128 MB per worker; body and
  gzip both count), least recently used entries go first.
- Keys start with the data version, so a new version misses everywhere at once; entries
  also carry tags (``"data"`` for all bundled data, ``"dataset:<id>"`` for a published
  dataset, …) and :func:`invalidate` drops every entry with a tag in this process.
- ``X-Cache: HIT|MISS`` on each cached response and :func:`stats` counters let tests check
  that a second request came from memory.
- A cached HTML page cannot carry a per-request CSP nonce, so its policy lists the SHA-256
  hashes of its inline scripts instead (:func:`webmap.security.page_policy`), computed once
  with the page and stored with it.
"""

from __future__ import annotations

import gzip
import hashlib
import os
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass, field
from functools import lru_cache, wraps
from threading import Lock
from urllib.parse import parse_qsl

from flask import Response, current_app, g, request
from werkzeug.http import parse_accept_header

from geo.version import data_version

from . import bundles, language

DEFAULT_BUDGET_MB = 128
#: Where :class:`FastPath` leaves the data version it computed for a request.
VERSION_ENVIRON = "jjj_atlas.data_version"
#: Cache-Control max-age by kind of response (seconds).
MAX_AGE = {"page": 60, "api": 300, "ogc": 60, "download": 3600}


@dataclass(frozen=True)
class Rendered:
    """What a view produced: the body bytes, its media type and extra headers."""

    body: bytes
    mimetype: str
    headers: dict[str, str] = field(default_factory=dict)


def attachment(body: bytes, mimetype: str, name: str) -> Rendered:
    """A download: ``body`` with ``Content-Disposition: attachment`` named ``name``."""
    return Rendered(body, mimetype, {"Content-Disposition": f'attachment; filename="{name}"'})


@dataclass(frozen=True)
class CachedBody:
    body: bytes
    gzipped: bytes
    etag: str
    mimetype: str = "application/octet-stream"
    headers: tuple[tuple[str, str], ...] = ()
    tags: frozenset[str] = frozenset()

    @property
    def size(self) -> int:
        return len(self.body) + len(self.gzipped) + 256


class ResponseCache:
    """A thread-safe LRU of :class:`CachedBody` bounded by total bytes."""

    def __init__(self, budget_bytes: int):
        self.budget_bytes = budget_bytes
        self._entries: OrderedDict[Hashable, CachedBody] = OrderedDict()
        self._bytes = 0
        self._lock = Lock()
        self.hits = 0
        self.misses = 0
        self.evictions = 0
        #: Called with each key that leaves the cache (eviction, invalidation, clear).
        self.on_drop: list[Callable[[Hashable], None]] = []

    def get(self, key: Hashable) -> CachedBody | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                self.misses += 1
                return None
            self._entries.move_to_end(key)
            self.hits += 1
            return entry

    def put(self, key: Hashable, entry: CachedBody) -> None:
        if entry.size > self.budget_bytes:
            return  # larger than the whole budget: serve it, do not keep it
        dropped = []
        with self._lock:
            old = self._entries.pop(key, None)
            if old is not None:
                self._bytes -= old.size
                dropped.append(key)
            self._entries[key] = entry
            self._bytes += entry.size
            while self._bytes > self.budget_bytes:
                evicted_key, evicted = self._entries.popitem(last=False)
                self._bytes -= evicted.size
                self.evictions += 1
                dropped.append(evicted_key)
        self._dropped(dropped)

    def _dropped(self, keys: list[Hashable]) -> None:
        for key in keys:
            for listener in self.on_drop:
                listener(key)

    def contains(self, key: Hashable) -> bool:
        return key in self._entries

    def invalidate(self, tag: str) -> int:
        """Drop every entry tagged ``tag``; return how many were dropped."""
        with self._lock:
            doomed = [k for k, e in self._entries.items() if tag in e.tags]
            for key in doomed:
                self._bytes -= self._entries.pop(key).size
        self._dropped(doomed)
        return len(doomed)

    def clear(self) -> None:
        with self._lock:
            keys = list(self._entries)
            self._entries.clear()
            self._bytes = 0
        self._dropped(keys)

    def keys(self) -> list[Hashable]:
        with self._lock:
            return list(self._entries)

    def stats(self) -> dict[str, int]:
        with self._lock:
            return {
                "entries": len(self._entries),
                "bytes": self._bytes,
                "budget_bytes": self.budget_bytes,
                "hits": self.hits,
                "misses": self.misses,
                "evictions": self.evictions,
            }


def _budget_from_env() -> int:
    raw = os.environ.get("JJJ_ATLAS_CACHE_MB", "")
    megabytes = float(raw) if raw.strip() else DEFAULT_BUDGET_MB
    return int(megabytes * 1024 * 1024)


#: The process-wide response cache (each gunicorn worker has its own copy; entries warmed
#: before the fork are shared copy-on-write).
cache = ResponseCache(_budget_from_env())


def invalidate(tag: str) -> int:
    """Drop this process's entries tagged ``tag`` (e.g. ``"dataset:<id>"`` after a publish)."""
    return cache.invalidate(tag)


def stats() -> dict[str, int]:
    return cache.stats()


#: Bodies above this size are gzipped at level 4 instead of 6: for the 0.9 MB county
#: GeoJSON 2.4× faster (24 → 10 ms, paid by every cold download) for 2.5 % more bytes.
#: Pages and the map pages' TopoJSON (0.3 MB at county level) stay at level 6.
LARGE_BODY = 512_000


#: Bodies already compressed: gzip would save nothing and cost the most time of a cold PNG
#: export (about 1 s of zlib for a county map). Served as they are, gzip accepted or not.
COMPRESSED_TYPES = frozenset({"image/png", "image/jpeg", "application/zip"})


def _entry(rendered: Rendered, tags: Iterable[str]) -> CachedBody:
    level = 4 if len(rendered.body) > LARGE_BODY else 6
    compressed = rendered.mimetype in COMPRESSED_TYPES
    return CachedBody(
        body=rendered.body,
        gzipped=b"" if compressed else gzip.compress(rendered.body, compresslevel=level, mtime=0),
        etag='"' + hashlib.sha256(rendered.body).hexdigest()[:32] + '"',
        mimetype=rendered.mimetype,
        headers=tuple(rendered.headers.items()),
        tags=frozenset(tags),
    )


def lookup(
    key: Hashable, produce: Callable[[], Rendered], tags: Iterable[str] = ("data",)
) -> tuple[CachedBody, bool]:
    """The entry for ``key`` under the current data version, and whether it was a hit."""
    # FastPath has already asked the version sources for this request (a database query for
    # a dataset's pages); ask them again only when it did not.
    full_key = (request.environ.get(VERSION_ENVIRON) or data_version(), key)
    g.response_cache_key = full_key  # lets the fast path (below) link its copy to it
    entry = cache.get(full_key)
    if entry is not None:
        return entry, True
    entry = _entry(produce(), tags)
    cache.put(full_key, entry)
    return entry, False


def cached_body(key: Hashable, produce: Callable[[], bytes]) -> CachedBody:
    """The cached body for ``key`` (bytes ``produce()`` makes on first use)."""
    entry, _ = lookup(key, lambda: Rendered(produce(), "application/octet-stream"))
    return entry


def respond(
    entry: CachedBody, hit: bool, max_age: int, immutable: bool = False, ranges: bool = False
) -> Response:
    """A response for a cached entry: 304 on a matching ETag, gzip when accepted; with
    ``ranges`` (downloads, exports) byte ranges too (:mod:`webmap.ranges`)."""
    cache_control = f"public, max-age={max_age}" + (", immutable" if immutable else "")
    headers = {
        "ETag": entry.etag,
        "Cache-Control": cache_control,
        "Vary": "Accept-Encoding",
        "X-Cache": "HIT" if hit else "MISS",
        **dict(entry.headers),
    }
    if entry.etag in request.headers.get("If-None-Match", ""):
        return Response(status=304, headers=headers)
    if ranges:
        from .ranges import range_response

        headers["Accept-Ranges"] = "bytes"
        ranged = range_response(entry, headers)
        if ranged is not None:
            return ranged
    if entry.gzipped and request.accept_encodings["gzip"]:
        response = Response(entry.gzipped, mimetype=entry.mimetype, headers=headers)
        response.headers["Content-Encoding"] = "gzip"
    else:
        response = Response(entry.body, mimetype=entry.mimetype, headers=headers)
    return response


def send_cached(
    key: Hashable,
    produce: Callable[[], bytes],
    mimetype: str,
    download_name: str | None = None,
    max_age: int = MAX_AGE["download"],
    tags: Iterable[str] = ("data",),
) -> Response:
    """Respond with a cached download: ETag/304, gzip when accepted, attachment if named."""
    from .csv_bom import is_csv, producing_with_bom, wants_bom

    headers = {}
    if download_name:
        headers["Content-Disposition"] = f'attachment; filename="{download_name}"'
    if is_csv(mimetype):  # UTF-8 with a BOM unless bom=0 (webmap.csv_bom)
        bom = wants_bom(request.args)
        key, produce = (key, ("bom", bom)), producing_with_bom(produce, bom)
    entry, hit = lookup(key, lambda: Rendered(produce(), mimetype, headers), tags)
    return respond(entry, hit, max_age, ranges=True)


def request_key() -> tuple:
    """This GET normalised: endpoint, path arguments, sorted query pairs, scheme and host.

    The host is part of the key because pages and OGC documents contain absolute links.
    With ``JJJ_ATLAS_PUBLIC_HOST`` set, a request for any other host was refused before
    this (:func:`webmap.security.check_host`), so the keys hold only the configured hosts
    and varying ``Host`` cannot churn the cache.
    """
    return (
        request.endpoint,
        tuple(sorted((request.view_args or {}).items())),
        tuple(sorted(request.args.items(multi=True))),
        request.host_url,
    )


def cached_view(kind: str, tags: Iterable[str] = ("data",)):
    """Decorate a GET view whose answer depends only on :func:`request_key` and the data.

    The view returns a ``str`` (HTML page), a ``dict``/``list`` (JSON) or a
    :class:`Rendered`; errors it raises are not cached. HTML pages get a hash-based CSP.
    """
    from . import security
    from .csv_bom import is_csv, wants_bom, with_bom

    def decorate(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            # (``g.render_uncached``: webmap.map_scripts renders a page for its map script.)
            def made() -> Rendered:
                result = _rendered(view(*args, **kwargs))
                if is_csv(result.mimetype):  # the query (so bom=) is in the key
                    body = with_bom(result.body, wants_bom(request.args))
                    result = Rendered(body, result.mimetype, result.headers)
                return result

            if current_app.config.get("RESPONSE_CACHE") is False or g.get("render_uncached"):
                return _as_response(made())

            def produce() -> Rendered:
                result = made()
                if result.mimetype == "text/html":
                    html = result.body.decode("utf-8")
                    result.headers.setdefault(
                        "Content-Security-Policy",
                        security.page_policy(html, security.framable(request.path)),
                    )
                return result

            entry, hit = lookup(request_key(), produce, tags)
            return respond(entry, hit, MAX_AGE[kind])

        return wrapper

    return decorate


def _rendered(result) -> Rendered:
    if isinstance(result, Rendered):
        return result
    if isinstance(result, Response):
        kept = {k: v for k, v in result.headers.items() if k in ("Content-Disposition",)}
        return Rendered(result.get_data(), result.mimetype or "application/octet-stream", kept)
    if isinstance(result, str):
        return Rendered(result.encode("utf-8"), "text/html", {})
    return Rendered(current_app.json.dumps(result).encode("utf-8"), "application/json", {})


def _as_response(result) -> Response:
    rendered = _rendered(result)
    return Response(rendered.body, mimetype=rendered.mimetype, headers=rendered.headers)


IMMUTABLE_MAX_AGE = 365 * 86400
_static_versions: dict[str, str] = {}


def _static_version(app, filename: str) -> str | None:
    if filename not in _static_versions:
        path = os.path.join(app.static_folder or "", filename)
        try:
            if filename in bundles.BUNDLES:  # parts joined into one script (bundles.py)
                body = bundles.source(app.static_folder or "", filename)
            else:
                with open(path, "rb") as handle:
                    body = handle.read()
        except OSError:
            return None
        _static_versions[filename] = hashlib.sha256(body).hexdigest()[:12]
    return _static_versions[filename]


def register_static_versioning(app) -> None:
    """``url_for('static', …)`` adds ``?v=<content hash>``; such URLs are ``immutable``.

    A changed file gets a new URL, so browsers and CDNs may keep a versioned asset for a
    year without revalidating; the unversioned URL keeps the ordinary max-age.
    """

    @app.url_defaults
    def _add_version(endpoint, values):
        if endpoint == "static" and "v" not in values and "filename" in values:
            version = _static_version(app, values["filename"])
            if version:
                values["v"] = version

    @app.after_request
    def _immutable(response):
        if request.endpoint == "static" and response.status_code in (200, 304):
            filename = (request.view_args or {}).get("filename", "")
            if request.args.get("v") and request.args["v"] == _static_version(app, filename):
                response.headers["Cache-Control"] = (
                    f"public, max-age={IMMUTABLE_MAX_AGE}, immutable"
                )
        return response


#: Text responses worth compressing on the fly (cached ones are pre-compressed above).
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


@lru_cache(maxsize=4096)
def sorted_query(query_string: str) -> tuple[tuple[str, str], ...]:
    """A raw query string as sorted (name, value) pairs, remembered for repeated URLs
    (percent-decoding a Chinese column name costs more than the rest of a cache hit)."""
    return tuple(sorted(parse_qsl(query_string, keep_blank_values=True)))


@lru_cache(maxsize=4096)
def first_value(query_string: str, name: str) -> str | None:
    """The first value of ``name`` in a raw query string (as ``request.args.get``)."""
    return next((v for k, v in parse_qsl(query_string, keep_blank_values=True) if k == name), None)


class FastPath:
    """WSGI middleware: repeat a cached GET's final answer without entering Flask.

    The first time a cacheable response (one with ``X-Cache``) leaves the app, its final
    status, headers (security headers included) and body are kept under the raw request:
    path, sorted query, host, scheme, whether gzip is accepted, the ``Accept`` header for
    ``/ogc`` (whose format follows it), and the data version. Later identical requests are
    answered here — a dictionary lookup instead of Flask's routing, request and response
    objects — as long as the response cache still holds the entry it came from (each hit
    is counted there); evicting or invalidating that entry drops the copy too. The body
    bytes are the cache entry's own, so nothing is stored twice.
    """

    MAX_KEYS = 20_000

    def __init__(self, flask_app, wsgi_app, response_cache: ResponseCache):
        self.flask_app = flask_app
        self.app = wsgi_app
        self.cache = response_cache
        self._answers: dict[tuple, tuple] = {}
        self._by_entry: dict[Hashable, set[tuple]] = {}
        self.hits = 0
        response_cache.on_drop.append(self._forget)

    def _forget(self, full_key: Hashable) -> None:
        for key in self._by_entry.pop(full_key, ()):
            self._answers.pop(key, None)

    def request_key(self, environ) -> tuple | None:
        if environ.get("REQUEST_METHOD") != "GET" or "HTTP_RANGE" in environ:
            return None
        # Version sources may depend on the request (a dataset named in the query): give
        # them one, as the app would.
        with self.flask_app.request_context(environ):
            version = data_version()
        environ[VERSION_ENVIRON] = version  # :func:`lookup` keys the cache with it too
        path = environ.get("PATH_INFO", "")
        query = sorted_query(environ.get("QUERY_STRING", ""))
        gzip_ok = bool(parse_accept_header(environ.get("HTTP_ACCEPT_ENCODING", ""))["gzip"])
        accept = (  # OGC answers vary on Accept and Accept-Language (titles in zh/en)
            environ.get("HTTP_ACCEPT", "") + "|" + environ.get("HTTP_ACCEPT_LANGUAGE", "")
            if path.startswith("/ogc")
            else ""
        )
        if language.is_negotiated_path(path, environ.get("QUERY_STRING", "")):
            # a page without lang= follows Accept-Language (webmap.language): key by it
            accept = language.negotiated(environ.get("HTTP_ACCEPT_LANGUAGE"))
        host = environ.get("HTTP_HOST", "")
        scheme = environ.get("wsgi.url_scheme", "http")
        return (version, path, query, host, scheme, gzip_ok, accept)

    def __call__(self, environ, start_response):
        key = self.request_key(environ)
        if key is not None:
            answer = self._answers.get(key)
            if answer is not None and self.cache.get(answer[0]) is not None:
                _, status, headers, body, etag = answer
                self.hits += 1
                if etag and etag in environ.get("HTTP_IF_NONE_MATCH", ""):
                    kept = [
                        (k, v)
                        for k, v in headers
                        if k not in ("Content-Length", "Content-Encoding", "Content-Type")
                    ]
                    start_response("304 NOT MODIFIED", kept)
                    return [b""]
                start_response(status, headers)
                return [body]
        captured: dict = {}

        def capture(status, headers, exc_info=None):
            captured["status"], captured["headers"] = status, headers
            return start_response(status, headers, exc_info)

        environ["jjj_atlas.fast_path"] = captured
        result = self.app(environ, capture)
        full_key = captured.get("cache_key")
        headers = captured.get("headers") or []
        if (
            key is None
            or full_key is None
            or not captured.get("status", "").startswith("200")
            or not any(k == "X-Cache" for k, _ in headers)
            # never replay anything addressed to one client
            or any(k.lower() == "set-cookie" for k, _ in headers)
            or any(k.lower() == "vary" and "cookie" in v.lower() for k, v in headers)
        ):
            return result
        try:  # an in-memory body: joining one bytes object returns that object
            body = b"".join(result)
        finally:
            if hasattr(result, "close"):
                result.close()
        stored = [(k, "HIT" if k == "X-Cache" else v) for k, v in headers]
        etag = next((v for k, v in headers if k == "ETag"), "")
        if len(self._answers) >= self.MAX_KEYS:
            self._answers.clear()
            self._by_entry.clear()
        if self.cache.contains(full_key):
            self._answers[key] = (full_key, captured["status"], stored, body, etag)
            self._by_entry.setdefault(full_key, set()).add(key)
        return [body]


def remember_cache_key(response: Response) -> Response:
    """Tell :class:`FastPath` which cache entry this response came from (after_request)."""
    captured = request.environ.get("jjj_atlas.fast_path")
    key = g.get("response_cache_key")
    if captured is not None and key is not None and response.status_code == 200:
        captured["cache_key"] = key
    return response
