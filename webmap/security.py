"""Response headers: content sniffing off, a CSP that admits only this origin's scripts,
framing rules.

Only ``/embed/`` pages may be framed, from any page; everything else is same-origin. "Any
page" includes a report opened from disk: CSP's ``*`` source matches only network schemes
(http, https), so a ``file:`` page (and a ``data:`` or ``blob:`` one) is named as well;
without them Chromium refuses the frame ("127.0.0.1 refused to connect").
Scripts run only from this origin (``script-src 'self'``): pages hold no inline script at
all — map code is served as ``.js`` (``webmap.map_scripts``), data sits in JSON blocks or
data attributes — so a script injected through an escaping bug would not run, and the
policy is the same for every page and every request (no hashes, no nonces).
"""

from __future__ import annotations

from flask import Flask, request

from geo.errors import BadParameter

# Tile hosts for the optional basemaps (img-src only; no third-party scripts are loaded).
TILE_HOSTS = (
    "https://*.tile.openstreetmap.org",
    "https://*.basemaps.cartocdn.com",
    "https://*.is.autonavi.com",
    "https://*.tianditu.gov.cn",
)


def framable(path: str) -> bool:
    return path.startswith("/embed/")


#: Who may frame an embed: every web origin and pages opened from a file, data or blob URL.
EMBED_ANCESTORS = "frame-ancestors * file: data: blob:"


def _policy(framable: bool) -> str:
    directives = [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: " + " ".join(TILE_HOSTS),
        "connect-src 'self'",
        "font-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        EMBED_ANCESTORS if framable else "frame-ancestors 'self'",
    ]
    return "; ".join(directives)


def page_policy(html: str, framable: bool) -> str:
    """The CSP of a page (cached or not): the same for every page, whatever ``html`` holds."""
    return _policy(framable)


def public_hosts(config) -> tuple[str, ...]:
    """The hosts this service answers for (``JJJ_ATLAS_PUBLIC_HOST``: ``host[:port]``,
    comma-separated), or ``()`` when none is configured (then any Host is answered)."""
    raw = config.get("PUBLIC_HOST") or ""
    items = raw if isinstance(raw, (list, tuple)) else str(raw).split(",")
    return tuple(h.strip() for h in items if str(h).strip())


def check_host(hosts: tuple[str, ...]) -> None:
    """400 for a Host that is not a configured public host (before any cache lookup keyed
    on it: pages hold absolute links, so every Host would get its own cache entries)."""
    if hosts and request.host not in hosts:
        raise BadParameter("Host", request.host, hosts, reason="not a host this service answers")


def register(app: Flask) -> None:
    hosts = public_hosts(app.config)
    if hosts:
        app.before_request(lambda: check_host(hosts))

    @app.after_request
    def _headers(response):
        is_framable = framable(request.path)
        response.headers["X-Content-Type-Options"] = "nosniff"
        # A page may ask for less (the dataset manage page: no-referrer).
        response.headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
        if "Content-Security-Policy" not in response.headers:
            response.headers["Content-Security-Policy"] = _policy(is_framable)
        if not is_framable:
            response.headers["X-Frame-Options"] = "SAMEORIGIN"
        return response
