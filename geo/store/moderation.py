"""The operator's moderation of published datasets: hide, show again, remove.

A hidden dataset keeps its versions; its URLs answer 410 with the operator's reason until it
is shown again. A removed dataset loses its versions, as when its publisher deletes it, and
keeps the reason beside its tombstone. Each is one transaction with its audit row.
"""

from __future__ import annotations

from sqlalchemy import delete, update

from geo.store import audit, catalogue, schema
from geo.store.store import DatasetRecord, Store, now

MAX_REASON = 500


def _row(store: Store, conn, dataset_id: str):
    return store._dataset_row(conn, dataset_id, lock=True)


def hide(store: Store, dataset_id: str, reason: str) -> DatasetRecord:
    with store._write() as conn:
        row = _row(store, conn, dataset_id)
        when = now()
        if not row["deleted_at"]:
            conn.execute(
                update(schema.datasets)
                .where(schema.datasets.c.id == dataset_id)
                .values(hidden_at=when, removed_reason=reason, updated_at=when)
            )
            catalogue.sync_search(conn, dataset_id, None)
            audit.record(conn, dataset_id, "hide", row["latest_version"], reason, when=when)
    return store.dataset(dataset_id, allow_deleted=True)


def unhide(store: Store, dataset_id: str) -> DatasetRecord:
    with store._write() as conn:
        row = _row(store, conn, dataset_id)
        if row["hidden_at"] and not row["deleted_at"]:
            when = now()
            conn.execute(
                update(schema.datasets)
                .where(schema.datasets.c.id == dataset_id)
                .values(hidden_at=None, removed_reason=None, updated_at=when)
            )
            catalogue.sync_search(conn, dataset_id, row["search_text"] or "")
            audit.record(conn, dataset_id, "unhide", row["latest_version"], when=when)
    return store.dataset(dataset_id, allow_deleted=True)


def remove(store: Store, dataset_id: str, reason: str) -> DatasetRecord:
    """Delete any dataset (no edit token): its versions go, the tombstone keeps the reason."""
    with store._write() as conn:
        row = _row(store, conn, dataset_id)
        when = now()
        conn.execute(
            delete(schema.dataset_versions).where(
                schema.dataset_versions.c.dataset_id == dataset_id
            )
        )
        conn.execute(
            update(schema.datasets)
            .where(schema.datasets.c.id == dataset_id)
            .values(
                deleted_at=row["deleted_at"] or when,
                hidden_at=None,
                removed_reason=reason,
                updated_at=when,
                stored_bytes=0,
            )
        )
        catalogue.sync_search(conn, dataset_id, None)
        audit.record(conn, dataset_id, "remove", row["latest_version"], reason, when=when)
    store.forget(dataset_id)
    return store.dataset(dataset_id, allow_deleted=True)
