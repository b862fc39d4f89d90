"""JJJ Atlas web layer: a thin Flask app over the ``geo`` data layer.

``create_app()`` is the factory gunicorn loads (``gunicorn 'webmap:create_app()'``).
"""

from __future__ import annotations

import os
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
    from .converters import register as register_converters

    register_converters(app)  # before the routes: <int:…> takes ASCII digits only
    app.config.update(
        MAX_CONTENT_LENGTH=2 * 1024 * 1024,
        JSON_SORT_KEYS=False,
        TIANDITU_KEY=None,
        SEND_FILE_MAX_AGE_DEFAULT=86400,
    )
    app.config.from_prefixed_env("JJJ_ATLAS")
    if config:
        app.config.update(config)
    if not app.config.get("DATABASE_URL"):
        # User datasets: a SQLite file in the instance folder unless JJJ_ATLAS_DATABASE_URL
        # names another database (postgresql://... for a store shared by several servers).
        os.makedirs(app.instance_path, exist_ok=True)
        app.config["DATABASE_URL"] = "sqlite:///" + os.path.join(app.instance_path, "atlas.sqlite3")
    from .json_output import FiniteJSONProvider

    app.json = FiniteJSONProvider(app)  # never NaN/Infinity in an answer
    app.json.ensure_ascii = False
    app.json.sort_keys = False

    from geo.store import store_for
    from geo.version import register_version_source

    from . import (
        access,
        analysis,
        api,
        bundles,
        caching,
        cors,
        dataset_cache,
        datasets,
        datasets_api,  # noqa: F401 (importing it adds its views to the blueprints)
        datasets_form,  # noqa: F401
        datasets_pages,  # noqa: F401
        download_paths,
        downloads,
        embed,
        errors,
        export,
        language,
        links,
        map_scripts,
        minify,
        moderation,
        oembed,
        ogc,
        pages,
        point_datasets,
        query_params,
        security,
        trend,
        url_limit,
    )

    store_for(app.config["DATABASE_URL"])  # open and migrate now: a bad URL fails at startup
    register_version_source("dataset", datasets.requested_dataset_state)
    register_version_source("ogc-datasets", ogc.datasets_state)
    from geo.formats.ogc_collections import register_collections

    register_collections(
        "datasets", ogc.dataset_collections, ogc.dataset_collection, ogc.dataset_collections_page
    )
    register_collections(
        "point-datasets",
        point_datasets.ogc_collections,
        point_datasets.ogc_collection,
        point_datasets.ogc_collections_page,
    )

    app.register_blueprint(pages.bp)
    app.register_blueprint(embed.bp)
    app.register_blueprint(api.bp)
    app.register_blueprint(downloads.bp)
    app.register_blueprint(download_paths.bp)
    app.register_blueprint(datasets.bp)
    app.register_blueprint(datasets.api_bp)
    app.register_blueprint(point_datasets.bp)
    app.register_blueprint(export.bp)
    app.register_blueprint(oembed.bp)
    app.register_blueprint(links.bp)
    app.register_blueprint(ogc.bp)
    app.register_blueprint(analysis.bp)
    app.register_blueprint(access.bp)
    app.register_blueprint(trend.bp)
    app.register_blueprint(map_scripts.bp)
    app.jinja_env.globals["map_script_url"] = map_scripts.script_url
    app.jinja_env.filters["page_ids"] = map_scripts.page_ids
    errors.register(app)
    moderation.register(app)  # publishing limits, store quota, operator routes, audit client
    query_params.register(app)  # unknown or repeated query parameters: 400 before any view
    security.register(app)
    language.register(app)  # a page URL without lang= follows Accept-Language (302 to zh)
    url_limit.register(app)  # URLs over 4,094 bytes: the JSON/HTML 414, not gunicorn's
    cors.register(app)  # public read-only resources: Access-Control-Allow-Origin: *
    app.after_request(caching.compress_response)
    bundles.register(app)  # /static/atlas.js: static/atlas/*.js joined in order
    minify.register(app)  # runs before compress_response: gzip the minified text
    dataset_cache.register(app)
    caching.register_static_versioning(app)
    app.after_request(caching.remember_cache_key)
    if app.config.get("FAST_PATH", True):
        app.wsgi_app = caching.FastPath(app, app.wsgi_app, caching.cache)
    if warm:
        _warm(app)
    return app


def warm_urls() -> list[str]:
    """The common set: what the gallery links to, their embeds and data, API and OGC."""
    from geo.formats import ogc
    from geo.levels import LEVELS
    from geo.maps.mapspec import default_level
    from geo.sources.catalog import indicators
    from geo.sources.zones import zones

    urls = ["/", "/?lang=zh", "/api/indicators", "/api/zones", "/maps/links"]
    for level in LEVELS:
        urls += [f"/download/regions.{fmt}?level={level}" for fmt in ("geojson", "topojson")]
    for indicator in indicators():
        query = f"indicator={indicator.id}&level={default_level(indicator)}"
        urls += [f"/maps/choropleth?{query}&lang=en", f"/embed/choropleth?{query}"]
    for zone in zones():
        urls += [
            f"/maps/corridor/{zone.id}?lang=en",
            f"/embed/corridor/{zone.id}",
            f"/download/corridor.geojson?zone={zone.id}&band_km=30",
        ]
    urls += ["/download/facilities.geojson", "/download/zones.geojson"]
    # Only what the bundled data bounds: the OGC collection list and API document name every
    # published dataset, so they (and the datasets' items) are built on first request, and
    # start-up costs the same however many datasets users published (issue 21).
    urls += ["/download/corridors.geojson", "/ogc"]
    urls += [f"/ogc/collections/{c.id}/items" for c in ogc.builtin_collections()]
    return urls


def _warm(app: Flask) -> None:
    """Request the common set once, to fill the response cache before workers fork.

    Pages and OGC documents contain absolute links, so they are cached per host: warm for
    the host clients will use (``JJJ_ATLAS_WARM_HOST``, e.g. ``127.0.0.1:8000``; ``jjj-atlas
    serve`` sets it from its bind address).
    """
    from geo.sources.indicators import warm_values

    warm_values()  # every bundled indicator × level × year: bounded, datasets stay lazy
    from .security import public_hosts

    client = app.test_client()
    host = app.config.get("WARM_HOST") or "localhost"
    hosts = public_hosts(app.config)
    if hosts and host not in hosts:  # only the public hosts are answered: warm the first
        host = hosts[0]
    base = f"http://{host}"
    for url in warm_urls():
        client.get(url, base_url=base, headers={"Accept-Encoding": "gzip"})
