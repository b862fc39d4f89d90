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

from sqlalchemy import Connection, Engine, insert, inspect, select

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


def _add_column(conn: Connection, table: str, column: str, sql_type: str) -> None:
    """``ALTER TABLE … ADD COLUMN`` (nullable; the same SQL on SQLite and PostgreSQL), unless
    the column is there already (a database created after the schema gained it)."""
    if column in {c["name"] for c in inspect(conn).get_columns(table)}:
        return
    conn.exec_driver_sql(f"ALTER TABLE {table} ADD COLUMN {column} {sql_type}")


def _series(conn: Connection) -> None:
    _add_column(conn, "atlas_dataset_versions", "series_json", "TEXT")


def _catalogue(conn: Connection) -> None:
    from geo.store import audit, catalogue

    for column, sql_type in (
        ("kind", "VARCHAR(16)"),
        ("level", "VARCHAR(16)"),
        ("licence", "TEXT"),
        ("sort_title_en", "TEXT"),
        ("sort_title_zh", "TEXT"),
        ("search_text", "TEXT"),
        ("summary_json", "TEXT"),
        ("stored_bytes", "BIGINT"),
        ("hidden_at", "VARCHAR(32)"),
        ("removed_reason", "TEXT"),
    ):
        _add_column(conn, "atlas_datasets", column, sql_type)
    schema.audit.create(conn, checkfirst=True)
    schema.settings.create(conn, checkfirst=True)
    audit.create_key(conn)
    catalogue.create_indexes(conn)
    catalogue.backfill(conn)


MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "datasets, immutable dataset versions, drafts", _initial),
    Migration(2, "dataset versions: values by year (series_json)", _series),
    Migration(3, "catalogue columns and indexes, search, moderation, audit trail", _catalogue),
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
