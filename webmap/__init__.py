"""JJJ Atlas web layer: a thin Flask app over the ``geo`` data layer.

``create_app()`` is the factory gunicorn loads (``gunicorn 'webmap:create_app()'``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Flask


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Build the Flask app: blueprints for pages, embeds, API and downloads."""
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

    from . import api, downloads, embed, errors, pages, security

    app.register_blueprint(pages.bp)
    app.register_blueprint(embed.bp)
    app.register_blueprint(api.bp)
    app.register_blueprint(downloads.bp)
    errors.register(app)
    security.register(app)
    return app
