"""A long URL gets the service's own 414 (JSON under /ogc, /api, /download, /oembed; the HTML
error page elsewhere), not gunicorn's bare HTML (issue 21, no. 9).

gunicorn reads request lines up to ``limit_request_line`` (set to its maximum, 8190 bytes,
in :mod:`webmap.gunicorn_conf`); this hook refuses any URL over :data:`MAX_URL_BYTES`
(4,094 bytes, gunicorn's default line limit, which the service kept until now) with the
error every other bad request gets. Lines over 8,190 bytes still get gunicorn's plain 414
(its hard limit; nginx in front answers those first in production).
"""

from __future__ import annotations

from urllib.parse import quote

from flask import Flask, request

from .errors import error_response

MAX_URL_BYTES = 4094


def url_bytes(environ) -> int:
    raw = environ.get("RAW_URI") or environ.get("REQUEST_URI")
    if raw is None:
        path = quote(environ.get("SCRIPT_NAME", "") + environ.get("PATH_INFO", ""))
        query = environ.get("QUERY_STRING", "")
        raw = path + ("?" + query if query else "")
    return len(raw.encode("latin-1", "replace"))


def _refuse_long_urls():
    size = url_bytes(request.environ)
    if size > MAX_URL_BYTES:
        return error_response(
            414,
            f"URL of {size:,} bytes is over the limit of {MAX_URL_BYTES:,} bytes",
            "url",
            f"at most {MAX_URL_BYTES:,} bytes",
        )
    return None


def register(app: Flask) -> None:
    app.before_request(_refuse_long_urls)
