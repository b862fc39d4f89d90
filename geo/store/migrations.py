"""Schema migrations: a versioned list, applied in order at startup, once per database.

``atlas_schema_version`` records each migration applied. :func:`migrate` runs the missing
ones in one transaction under a lock (PostgreSQL: an advisory lock; SQLite: ``BEGIN
IMMEDIATE``), so several app servers starting at once apply each migration exactly once.
A new migration is a new entry at the end of :data:`MIGRATIONS`; entries are never edited.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Connection, Engine, insert, select

from geo.store import schema

#: Arbitrary constant naming the migration lock (PostgreSQL advisory locks take a bigint).
PG_LOCK_ID = 7_262_001_909


@dataclass(frozen=True)
class Migration:
    version: int
    description: str
    upgrade: Callable[[Connection], None]


def _initial(conn: Connection) -> None:
    for table in (schema.datasets, schema.dataset_versions, schema.drafts):
        table.create(conn)


MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "datasets, immutable dataset versions, drafts", _initial),
)


def applied_versions(conn: Connection) -> list[int]:
    return list(conn.scalars(select(schema.schema_version.c.version)))


def migrate(engine: Engine) -> list[int]:
    """Apply the migrations this database lacks; return the versions applied now."""
    with engine.connect().execution_options(atlas_write=True) as conn:
        with conn.begin():
            if conn.dialect.name == "postgresql":
                conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({PG_LOCK_ID})")
            schema.schema_version.create(conn, checkfirst=True)
            done = set(applied_versions(conn))
            applied = []
            for migration in MIGRATIONS:
                if migration.version in done:
                    continue
                migration.upgrade(conn)
                conn.execute(
                    insert(schema.schema_version).values(
                        version=migration.version,
                        description=migration.description,
                        applied_at=datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
                    )
                )
                applied.append(migration.version)
    return applied
