"""Response headers: content sniffing off, a CSP that admits the map code, framing rules.

Only ``/embed/`` pages may be framed, from any origin; everything else is same-origin.
Scripts run only from this origin or with the per-request nonce that page templates put
on their inline ``<script>`` blocks (folium emits inline map code).
"""

from __future__ import annotations

import secrets

from flask import Flask, g, request

# Tile hosts for the optional basemaps (img-src only; no third-party scripts are loaded).
TILE_HOSTS = (
    "https://*.tile.openstreetmap.org",
    "https://*.basemaps.cartocdn.com",
    "https://*.is.autonavi.com",
    "https://*.tianditu.gov.cn",
)


def csp_nonce() -> str:
    """The nonce for this request's inline scripts (created on first use)."""
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(16)
    return g.csp_nonce


def _policy(framable: bool) -> str:
    nonce = g.get("csp_nonce")
    script_src = "'self'" + (f" 'nonce-{nonce}'" if nonce else "")
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


def register(app: Flask) -> None:
    app.jinja_env.globals["csp_nonce"] = csp_nonce

    @app.after_request
    def _headers(response):
        framable = request.path.startswith("/embed/")
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "strict-origin-when-cross-origin"
        response.headers["Content-Security-Policy"] = _policy(framable)
        if not framable:
            response.headers["X-Frame-Options"] = "SAMEORIGIN"
        return response
