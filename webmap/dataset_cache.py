"""Cache lifetimes of responses that name a published dataset.

A URL naming an explicit version — ``/datasets/<id>/v/<n>``, ``/datasets/<id>/v/<n>/original``
or any map, embed, download or export with ``dataset=<id>&v=<n>`` — always has the same
answer: a version is never changed after publishing. Such 200/304 answers get
``Cache-Control: public, max-age=86400, immutable`` so browsers and shared caches keep them
without revalidating. The lifetime is bounded (a day, not a year) because a version does
end: ``DELETE /api/datasets/<id>`` makes every URL of the dataset answer 410, and a shared
cache may go on serving the old copy until its day is over.

A URL without ``v`` shows the latest version, which a publish, replace or delete in any
worker changes: a lifetime it was given is capped at :data:`LATEST_MAX_AGE` seconds.
"""

from __future__ import annotations

import re

from flask import Flask, Response, request

VERSION_MAX_AGE = 86400
VERSIONED = f"public, max-age={VERSION_MAX_AGE}, immutable"
LATEST_MAX_AGE = 60

#: Endpoints whose path names one version.
VERSION_ENDPOINTS = frozenset({"datasets.version_page", "datasets.original"})
#: Where ``dataset=`` / ``v=`` in the query select what is drawn or downloaded.
QUERY_PREFIXES = ("/maps/", "/embed/", "/download/", "/export/")
_MAX_AGE = re.compile(r"max-age=(\d+)")


def names_version() -> bool | None:
    """True: the request names one dataset version; False: a dataset's latest; None: neither."""
    if request.endpoint in VERSION_ENDPOINTS:
        return True
    if request.endpoint == "datasets.dataset_page":
        return False
    if request.args.get("dataset") and request.path.startswith(QUERY_PREFIXES):
        v = request.args.get("v") or ""
        return v.isascii() and v.isdigit()
    return None


def cache_control(response: Response) -> Response:
    """after_request: immutable for a named version, short for the latest."""
    if (
        request.method not in ("GET", "HEAD")
        or response.status_code not in (200, 304)
        or "Set-Cookie" in response.headers
    ):
        return response
    versioned = names_version()
    if versioned is None:
        return response
    if versioned:
        response.headers["Cache-Control"] = VERSIONED
        return response
    current = _MAX_AGE.search(response.headers.get("Cache-Control", ""))
    if current is not None and int(current[1]) > LATEST_MAX_AGE:
        response.headers["Cache-Control"] = f"public, max-age={LATEST_MAX_AGE}"
    return response


def register(app: Flask) -> None:
    app.after_request(cache_control)
