"""JJJ Atlas web layer: a thin Flask app over the ``geo`` data layer.

``create_app()`` is the factory gunicorn loads (``gunicorn 'webmap:create_app()'``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Flask


def create_app(config: Mapping[str, Any] | None = None, warm: bool = False) -> Flask:
    """Build the Flask app: blueprints for pages, embeds, API and downloads.

    ``warm=True`` (what ``jjj-atlas serve`` uses with gunicorn's ``--preload``) loads the
    data and fills the download caches before the workers fork, so every worker shares
    them instead of paying for them on its first requests.
    """
    app = Flask(__name__)
    app.config.update(
        MAX_CONTENT_LENGTH=2 * 1024 * 1024,
        JSON_SORT_KEYS=False,
        TIANDITU_KEY=None,
        SEND_FILE_MAX_AGE_DEFAULT=86400,
    )
    app.config.from_prefixed_env("JJJ_ATLAS")
    if config:
        app.config.update(config)
    app.json.ensure_ascii = False
    app.json.sort_keys = False

    from . import api, caching, downloads, embed, errors, export, links, oembed, pages, security

    app.register_blueprint(pages.bp)
    app.register_blueprint(embed.bp)
    app.register_blueprint(api.bp)
    app.register_blueprint(downloads.bp)
    app.register_blueprint(export.bp)
    app.register_blueprint(oembed.bp)
    app.register_blueprint(links.bp)
    errors.register(app)
    security.register(app)
    app.after_request(caching.compress_response)
    if warm:
        _warm(app)
    return app


def _warm(app: Flask) -> None:
    """Request the routes every map page needs, once, to fill the caches."""
    from geo.levels import LEVELS

    client = app.test_client()
    for level in LEVELS:
        for fmt in ("geojson", "topojson"):
            client.get(
                f"/download/regions.{fmt}?level={level}", headers={"Accept-Encoding": "gzip"}
            )
    client.get("/")
    client.get("/maps/links")  # loads and validates data/links, caches the map's counts
