"""Tables of the dataset store (SQLAlchemy Core), the same on SQLite and PostgreSQL.

Only portable types: text timestamps (ISO 8601, UTC), JSON as text written with sorted keys,
bytes as ``LargeBinary`` (BLOB / BYTEA). What goes in comes out byte-identical on both.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Column,
    ForeignKey,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
)

metadata = MetaData()

#: One row per migration applied (see :mod:`geo.store.migrations`).
schema_version = Table(
    "atlas_schema_version",
    metadata,
    Column("version", Integer, primary_key=True, autoincrement=False),
    Column("description", Text, nullable=False),
    Column("applied_at", String(32), nullable=False),
)

#: A dataset: its permanent id, the current title, who may edit it, whether it was deleted.
#: A deleted dataset keeps this row (a tombstone: its URLs answer 410 with the title) and
#: loses its versions.
datasets = Table(
    "atlas_datasets",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("title_zh", Text, nullable=False),
    Column("title_en", Text, nullable=False),
    Column("token_sha256", String(64), nullable=False),
    Column("latest_version", Integer, nullable=False),
    Column("created_at", String(32), nullable=False),
    Column("updated_at", String(32), nullable=False),
    Column("deleted_at", String(32), nullable=True),
    # Migration 3 (the catalogue, geo.store.catalogue): what the lists show, filter, sort and
    # search on, copied from the latest version at each write so no list reads a version.
    Column("kind", String(16), nullable=True),
    Column("level", String(16), nullable=True),
    Column("licence", Text, nullable=True),
    Column("sort_title_en", Text, nullable=True),
    Column("sort_title_zh", Text, nullable=True),
    Column("search_text", Text, nullable=True),
    Column("summary_json", Text, nullable=True),
    Column("stored_bytes", BigInteger, nullable=True),
    # Moderation (geo.store.moderation): hidden by the operator, and why (hidden or deleted).
    Column("hidden_at", String(32), nullable=True),
    Column("removed_reason", Text, nullable=True),
)

#: One immutable row per published version: the upload as received and what was parsed
#: from it. Never updated; deleted only with its dataset.
dataset_versions = Table(
    "atlas_dataset_versions",
    metadata,
    Column(
        "dataset_id",
        String(32),
        ForeignKey("atlas_datasets.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("version", Integer, primary_key=True, autoincrement=False),
    Column("created_at", String(32), nullable=False),
    Column("level", String(16), nullable=False),
    Column("key_column", Text, nullable=False),
    Column("filename", Text, nullable=False),
    Column("file_format", String(16), nullable=False),
    Column("original", LargeBinary, nullable=False),
    Column("original_sha256", String(64), nullable=False),
    Column("metadata_json", Text, nullable=False),
    Column("table_json", Text, nullable=False),
    Column("values_json", Text, nullable=False),
    Column("report_json", Text, nullable=False),
    # Migration 2: values by year, {column: {year: {adcode: value}}}, for a table with
    # years (long or wide); NULL for a table of one year (``values_json`` alone).
    Column("series_json", Text, nullable=True),
)

#: Uploads checked in the browser but not yet published (the file input cannot be refilled
#: after a round trip, so the page refers to the draft). Pruned after a day.
drafts = Table(
    "atlas_drafts",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("created_at", String(32), nullable=False),
    Column("filename", Text, nullable=False),
    Column("data", LargeBinary, nullable=False),
)

#: Every change to the store (migration 3): publish, version, metadata edit, token change,
#: delete, hide. The client's address only as a keyed hash (see :mod:`geo.store.audit`).
audit = Table(
    "atlas_audit",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", String(32), nullable=False),
    Column("dataset_id", String(32), nullable=False),
    Column("action", String(16), nullable=False),
    Column("client_sha256", String(64), nullable=False),
    Column("version", Integer, nullable=True),
    Column("detail", Text, nullable=True),
)

#: Per-database settings made once (migration 3), e.g. the audit hash key.
settings = Table(
    "atlas_settings",
    metadata,
    Column("name", String(64), primary_key=True),
    Column("value", Text, nullable=False),
)
