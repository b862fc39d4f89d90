"""CORS for public read-only resources (issue 19): a report page's own script may fetch
downloads, ``/api/*`` GETs, the OGC API and oEmbed from any origin.

Only GET and HEAD answers get ``Access-Control-Allow-Origin: *`` (no credentials: the
resources are public). Writes (POST/PUT/DELETE with the Bearer token) get no CORS header
and preflight requests are not answered with any ``Access-Control-Allow-*``, so browsers
keep them same-origin.
"""

from __future__ import annotations

from flask import Flask, Response, request

#: Path prefixes of the public read-only resources.
PUBLIC_PREFIXES = ("/download/", "/api/", "/ogc/", "/oembed")


def is_public_read(path: str, method: str) -> bool:
    return method in ("GET", "HEAD") and (path == "/ogc" or path.startswith(PUBLIC_PREFIXES))


def add_cors(response: Response) -> Response:
    if is_public_read(request.path, request.method):
        response.headers["Access-Control-Allow-Origin"] = "*"
        # Let scripts read the headers a GIS client uses (paging, CRS, caching).
        response.headers["Access-Control-Expose-Headers"] = "Content-Crs, ETag, Link"
    return response


def register(app: Flask) -> None:
    app.after_request(add_cors)
