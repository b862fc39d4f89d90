"""Persistence of user datasets: SQLAlchemy Core on SQLite (default) or PostgreSQL (by URL).

The web layer never writes SQL: it calls :func:`store_for` with the configured database URL
and uses :class:`Store`. Schema changes are versioned migrations (:mod:`.migrations`).
"""

from geo.store.store import (
    DatasetRecord,
    NewVersion,
    Published,
    Store,
    VersionRecord,
    normalise_url,
    store_for,
)

__all__ = [
    "DatasetRecord",
    "NewVersion",
    "Published",
    "Store",
    "VersionRecord",
    "normalise_url",
    "store_for",
]
