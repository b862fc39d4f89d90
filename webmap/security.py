"""Response headers: content sniffing off, a CSP that admits the map code, framing rules.

Only ``/embed/`` pages may be framed, from any origin; everything else is same-origin.
Scripts run only from this origin or when the CSP names them: cached pages (rendered once,
served many times, see ``webmap.caching``) list the SHA-256 hash of each inline
``<script>`` they contain (folium emits inline map code); a template rendered per request
may instead use the per-request nonce (``csp_nonce()``).
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import re
import secrets

from flask import Flask, g, request

# Tile hosts for the optional basemaps (img-src only; no third-party scripts are loaded).
TILE_HOSTS = (
    "https://*.tile.openstreetmap.org",
    "https://*.basemaps.cartocdn.com",
    "https://*.is.autonavi.com",
    "https://*.tianditu.gov.cn",
)

#: An inline script element (no src attribute) and its text.
_INLINE_SCRIPT = re.compile(r"<script(?![^>]*\ssrc=)[^>]*>(.*?)</script>", re.S | re.I)


def csp_nonce() -> str:
    """The nonce for this request's inline scripts (created on first use)."""
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(16)
    return g.csp_nonce


def script_hashes(html: str) -> list[str]:
    """CSP source expressions (``'sha256-…'``) for every inline script in ``html``."""
    found = []
    for text in _INLINE_SCRIPT.findall(html):
        digest = base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode()
        source = f"'sha256-{digest}'"
        if source not in found:
            found.append(source)
    return found


def framable(path: str) -> bool:
    return path.startswith("/embed/")


def _policy(framable: bool, script_sources: list[str]) -> str:
    script_src = " ".join(["'self'", *script_sources])
    directives = [
        "default-src 'self'",
        f"script-src {script_src}",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: " + " ".join(TILE_HOSTS),
        "connect-src 'self'",
        "font-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors *" if framable else "frame-ancestors 'self'",
    ]
    return "; ".join(directives)


def page_policy(html: str, framable: bool) -> str:
    """The CSP of a cached page: its own inline scripts by hash, nothing per request."""
    return _policy(framable, script_hashes(html))


def register(app: Flask) -> None:
    app.jinja_env.globals["csp_nonce"] = csp_nonce

    @app.after_request
    def _headers(response):
        is_framable = framable(request.path)
        response.headers["X-Content-Type-Options"] = "nosniff"
        # A page may ask for less (the dataset manage page: no-referrer).
        response.headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
        if "Content-Security-Policy" not in response.headers:
            # A page rendered per request (not through the response cache): its inline
            # scripts by hash too, plus the nonce if a template asked for one.
            sources = []
            if response.mimetype == "text/html" and not response.direct_passthrough:
                body = response.get_data()
                if response.headers.get("Content-Encoding") == "gzip":  # compressed already
                    body = gzip.decompress(body)
                sources = script_hashes(body.decode("utf-8", "replace"))
            nonce = g.get("csp_nonce")
            if nonce:
                sources.append(f"'nonce-{nonce}'")
            response.headers["Content-Security-Policy"] = _policy(is_framable, sources)
        if not is_framable:
            response.headers["X-Frame-Options"] = "SAMEORIGIN"
        return response
