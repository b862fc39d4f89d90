"""The dataset store: publish, replace, delete and read user datasets, on SQLite or PostgreSQL.

Every write is one transaction: a dataset and its first version appear together or not at
all, whatever happens to the process. Versions are immutable rows; the upload is kept as
received (with its SHA-256) next to what was parsed from it, so every version is served
byte-identical after a restart, from any app server sharing the database.

Edit tokens are random, shown once, stored as their SHA-256 and compared with
:func:`hmac.compare_digest`.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import secrets
import threading
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import (
    Connection,
    Engine,
    create_engine,
    delete,
    event,
    insert,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError

from geo.errors import DatasetGone, Forbidden, UnknownItem
from geo.store import audit, catalogue, schema
from geo.store.migrations import migrate
from geo.store.records import (
    DatasetRecord,
    NewVersion,
    Published,
    VersionRecord,
    dataset_record,
)

__all__ = ["DatasetRecord", "NewVersion", "Published", "Store", "VersionRecord", "store_for"]

#: Drafts (checked, unpublished uploads) older than this are removed.
DRAFT_TTL = timedelta(days=1)
#: Immutable versions kept parsed in memory per process (LRU).
VERSION_CACHE_SIZE = 64


def now() -> str:
    """UTC now as stored: ISO 8601 to the microsecond, e.g. ``2026-11-26T02:05:00.123456Z``."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def dumps(value: Any) -> str:
    """JSON as stored: sorted keys, UTF-8 text, no NaN (so output bytes never vary)."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True, allow_nan=False)


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def new_dataset_id() -> str:
    """Eight characters of ``[a-z2-7]`` (40 random bits): short, permanent, unguessable enough
    that ids do not reveal how many datasets exist."""
    return base64.b32encode(secrets.token_bytes(5)).decode("ascii").lower()


def normalise_url(url: str) -> str:
    """``postgresql://`` and ``postgres://`` URLs use psycopg 3; others are left alone."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def _make_engine(url: str) -> Engine:
    url = normalise_url(url)
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 30})

        @event.listens_for(engine, "connect")
        def _sqlite_connect(dbapi_connection, _record):
            # Let SQLAlchemy's "begin" event decide how transactions start (see below).
            dbapi_connection.isolation_level = None
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")  # readers never wait for a writer
            cursor.execute("PRAGMA busy_timeout=30000")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.close()

        @event.listens_for(engine, "begin")
        def _sqlite_begin(conn):
            # Writers take the write lock up front, so two publishes never deadlock on a
            # read-then-write upgrade; readers start a plain (snapshot) transaction.
            options = conn.get_execution_options()
            if options.get("isolation_level") == "AUTOCOMMIT":
                return  # a single-statement read (see Store.state)
            conn.exec_driver_sql("BEGIN IMMEDIATE" if options.get("atlas_write") else "BEGIN")

        return engine
    # No pre-ping (a round trip on every checkout): connections are recycled instead, and one
    # the server dropped fails one request and is then replaced by the pool.
    return create_engine(url, pool_size=5, max_overflow=10, pool_recycle=300)


class Store:
    """Datasets in one database (a SQLAlchemy URL); migrated when opened."""

    def __init__(self, url: str):
        self.url = normalise_url(url)
        self.engine = _make_engine(self.url)
        migrate(self.engine)
        self._versions: OrderedDict[tuple[str, int], VersionRecord] = OrderedDict()
        self._lock = threading.Lock()
        self._local = threading.local()  # per-thread driver connection for state()

    @property
    def backend(self) -> str:
        return self.engine.dialect.name

    # --- transactions --------------------------------------------------------------------

    @contextmanager
    def _read(self) -> Iterator[Connection]:
        if self.engine.dialect.name == "postgresql":
            # One round trip per lookup (no BEGIN/COMMIT): these reads are single statements
            # on immutable rows or one primary key, made on every request naming a dataset.
            with self.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                yield conn
            return
        with self.engine.connect() as conn, conn.begin():
            yield conn

    @contextmanager
    def _write(self) -> Iterator[Connection]:
        with self.engine.connect().execution_options(atlas_write=True) as conn:
            with conn.begin():
                yield conn

    # --- reading -------------------------------------------------------------------------

    def _dataset_row(self, conn: Connection, dataset_id: str, lock: bool = False):
        if "\x00" in dataset_id:  # PostgreSQL cannot compare it; no id holds one
            raise UnknownItem("dataset", dataset_id, ["an id listed by /api/datasets"])
        query = select(schema.datasets).where(schema.datasets.c.id == dataset_id)
        if lock and conn.dialect.name == "postgresql":
            query = query.with_for_update()
        row = conn.execute(query).mappings().first()
        if row is None:
            raise UnknownItem("dataset", dataset_id, ["an id listed by /api/datasets"])
        return row

    @staticmethod
    def _record(row) -> DatasetRecord:
        return dataset_record(row)

    def dataset(self, dataset_id: str, allow_deleted: bool = False) -> DatasetRecord:
        """The dataset's current record (one primary-key lookup: cheap per request).

        Raises :class:`UnknownItem` (no such id) or :class:`DatasetGone` (deleted).
        """
        with self._read() as conn:
            record = self._record(self._dataset_row(conn, dataset_id))
        if (record.deleted_at or record.hidden_at) and not allow_deleted:
            raise _gone(record)
        return record

    #: The per-request lookup (primary key: one index probe, one row).
    # A hidden dataset is gone too (its cached pages must not be served).
    STATE_SQL = (
        "SELECT latest_version, COALESCE(deleted_at, hidden_at) FROM atlas_datasets WHERE id = "
    )
    STATE_STATEMENT = b"atlas_dataset_state"

    def state(self, dataset_id: str) -> tuple[int, str | None] | None:
        """``(latest version, deleted_at)`` of a dataset, None if there is none.

        This lookup is made on every request that names a dataset (a response-cache hit
        costs little more), and it must see a publish, replace or delete committed by any
        worker or server the moment it is committed: it is never cached. So it is made as
        cheaply as a read of the database can be — one primary-key SELECT in autocommit
        mode (no BEGIN/COMMIT round trips) on a driver connection kept per thread, outside
        the pool and SQLAlchemy. On PostgreSQL it is a server-side prepared statement run
        through libpq directly (``PQexecPrepared``: no parsing or planning per request, no
        cursor objects; ``bench/datasets.py`` measures it); on SQLite a cached statement.
        """
        if "\x00" in dataset_id:  # no id holds one (PostgreSQL could not even compare it)
            return None
        postgres = self.engine.dialect.name == "postgresql"
        for attempt in range(2):
            conn = self._state_connection()
            try:
                return (
                    self._pg_state(conn, dataset_id)
                    if postgres
                    else self._db_state(conn, dataset_id)
                )
            except Exception:
                self._local.__dict__.pop("conn", None)  # dropped by the server: reconnect once
                try:
                    conn.close()
                except Exception:  # noqa: BLE001 - already broken
                    pass
                if attempt:
                    raise
        raise AssertionError("unreachable")  # pragma: no cover

    def _db_state(self, conn, dataset_id: str) -> tuple[int, str | None] | None:
        cursor = conn.cursor()
        try:
            cursor.execute(self.STATE_SQL + "?", (dataset_id,))
            row = cursor.fetchone()
        finally:
            cursor.close()
        return None if row is None else (row[0], row[1])

    def _pg_state(self, conn, dataset_id: str) -> tuple[int, str | None] | None:
        from psycopg import OperationalError, pq

        result = conn.pgconn.exec_prepared(self.STATE_STATEMENT, [dataset_id.encode("utf-8")])
        if result.status != pq.ExecStatus.TUPLES_OK:
            message = result.error_message.decode("utf-8", "replace") or "no result"
            raise OperationalError(f"dataset state lookup failed: {message}")
        if result.ntuples == 0:
            return None
        deleted_at = result.get_value(0, 1)
        return int(result.get_value(0, 0)), None if deleted_at is None else deleted_at.decode()

    def _state_connection(self):
        conn = getattr(self._local, "conn", None)
        if conn is None or getattr(self._local, "pid", None) != os.getpid():
            dialect = self.engine.dialect
            cargs, cparams = dialect.create_connect_args(self.engine.url)
            conn = dialect.loaded_dbapi.connect(*cargs, **cparams)
            if dialect.name == "sqlite":
                conn.isolation_level = None  # autocommit: each SELECT sees the latest commit
            else:
                from psycopg import OperationalError, pq

                conn.autocommit = True
                prepared = conn.pgconn.prepare(
                    self.STATE_STATEMENT, (self.STATE_SQL + "$1").encode()
                )
                if prepared.status != pq.ExecStatus.COMMAND_OK:
                    conn.close()
                    raise OperationalError(prepared.error_message.decode("utf-8", "replace"))
            self._local.conn, self._local.pid = conn, os.getpid()
        return conn

    def version(self, dataset_id: str, version: int | None = None) -> VersionRecord:
        """One version (the latest when ``version`` is None) of a live dataset.

        The dataset row is read on every call, so a replace or delete made by any process
        is seen at once; the immutable version itself is cached in memory.
        """
        record = self.dataset(dataset_id)
        number = record.latest_version if version is None else version
        _check_version(dataset_id, number, record.latest_version)
        key = (dataset_id, number)
        with self._lock:
            cached = self._versions.get(key)
            if cached is not None:
                self._versions.move_to_end(key)
                return cached
        with self._read() as conn:
            row = (
                conn.execute(
                    select(schema.dataset_versions).where(
                        schema.dataset_versions.c.dataset_id == dataset_id,
                        schema.dataset_versions.c.version == number,
                    )
                )
                .mappings()
                .first()
            )
        if row is None:
            raise UnknownItem(
                f"version of dataset {dataset_id}",
                number,
                [str(n) for n in range(1, record.latest_version + 1)],
            )
        loaded = VersionRecord(
            dataset_id=row["dataset_id"],
            version=row["version"],
            created_at=row["created_at"],
            level=row["level"],
            key_column=row["key_column"],
            filename=row["filename"],
            file_format=row["file_format"],
            original_sha256=row["original_sha256"],
            original_size=len(row["original"]),
            metadata=json.loads(row["metadata_json"]),
            table=json.loads(row["table_json"]),
            values=json.loads(row["values_json"]),
            report=json.loads(row["report_json"]),
            series=json.loads(row["series_json"]) if row["series_json"] else {},
        )
        with self._lock:
            self._versions[key] = loaded
            while len(self._versions) > VERSION_CACHE_SIZE:
                self._versions.popitem(last=False)
        return loaded

    def original(self, dataset_id: str, version: int) -> bytes:
        """The file of one version exactly as it was uploaded."""
        _check_version(dataset_id, version, self.dataset(dataset_id).latest_version)
        with self._read() as conn:
            data = conn.scalar(
                select(schema.dataset_versions.c.original).where(
                    schema.dataset_versions.c.dataset_id == dataset_id,
                    schema.dataset_versions.c.version == version,
                )
            )
        if data is None:
            raise UnknownItem(f"version of dataset {dataset_id}", version, ["1 … latest"])
        return bytes(data)

    def versions(self, dataset_id: str) -> list[dict]:
        """Every version of a live dataset: number, date, file name, size and checksum."""
        self.dataset(dataset_id)
        v = schema.dataset_versions.c
        with self._read() as conn:
            rows = conn.execute(
                select(v.version, v.created_at, v.filename, v.original_sha256)
                .where(v.dataset_id == dataset_id)
                .order_by(v.version)
            ).mappings()
            return [dict(row) for row in rows]

    def datasets(self) -> list[DatasetRecord]:
        """Live datasets, most recently updated first."""
        d = schema.datasets.c
        with self._read() as conn:
            rows = conn.execute(
                select(schema.datasets)
                .where(d.deleted_at.is_(None), d.hidden_at.is_(None))
                .order_by(d.updated_at.desc(), d.id)
            ).mappings()
            return [self._record(row) for row in rows]

    # --- writing -------------------------------------------------------------------------

    @staticmethod
    def _version_values(dataset_id: str, number: int, new: NewVersion, when: str) -> dict:
        return {
            "dataset_id": dataset_id,
            "version": number,
            "created_at": when,
            "level": new.level,
            "key_column": new.key_column,
            "filename": new.filename,
            "file_format": new.file_format,
            "original": new.original,
            "original_sha256": hashlib.sha256(new.original).hexdigest(),
            "metadata_json": dumps(new.metadata),
            "table_json": dumps(new.table),
            "values_json": dumps(new.values),
            "report_json": dumps(new.report),
            "series_json": dumps(new.series) if new.series else None,
        }

    def publish(self, new: NewVersion) -> Published:
        """A new dataset with version 1, in one transaction; returns it with its edit token."""
        token = secrets.token_urlsafe(32)
        for _attempt in range(5):
            dataset_id = new_dataset_id()
            when = now()
            first = self._version_values(dataset_id, 1, new, when)
            entry = catalogue.columns_for(new, when)
            try:
                with self._write() as conn:
                    conn.execute(
                        insert(schema.datasets).values(
                            id=dataset_id,
                            title_zh=new.title_zh,
                            title_en=new.title_en,
                            token_sha256=token_digest(token),
                            latest_version=1,
                            created_at=when,
                            updated_at=when,
                            deleted_at=None,
                            stored_bytes=catalogue.version_bytes(first),
                            **entry,
                        )
                    )
                    conn.execute(insert(schema.dataset_versions).values(first))
                    catalogue.sync_search(conn, dataset_id, entry["search_text"])
                    audit.record(conn, dataset_id, "publish", 1, when=when)
            except IntegrityError:  # an id collision (40 random bits): draw another
                continue
            return Published(self.dataset(dataset_id), self.version(dataset_id, 1), token)
        raise RuntimeError("could not draw an unused dataset id")

    def check_token(self, dataset_id: str, token: str) -> DatasetRecord:
        """The dataset if ``token`` is its edit token; :class:`Forbidden` otherwise."""
        with self._read() as conn:
            row = self._dataset_row(conn, dataset_id)
        self._verify(row, token)
        return self._record(row)

    @staticmethod
    def _verify(row, token: str) -> None:
        if row["deleted_at"] or row["hidden_at"]:
            raise _gone(Store._record(row))
        if not hmac.compare_digest(token_digest(token), row["token_sha256"]):
            raise Forbidden("the edit token does not belong to this dataset")

    def replace(self, dataset_id: str, token: str, new: NewVersion) -> Published:
        """Add version n+1 (n = the latest) in one transaction; older versions stay as they are."""
        with self._write() as conn:
            row = self._dataset_row(conn, dataset_id, lock=True)
            self._verify(row, token)
            number = row["latest_version"] + 1
            when = now()
            values = self._version_values(dataset_id, number, new, when)
            entry = catalogue.columns_for(new, when)
            conn.execute(
                update(schema.datasets)
                .where(schema.datasets.c.id == dataset_id)
                .values(
                    latest_version=number,
                    title_zh=new.title_zh,
                    title_en=new.title_en,
                    updated_at=when,
                    stored_bytes=(row["stored_bytes"] or 0) + catalogue.version_bytes(values),
                    **entry,
                )
            )
            v = schema.dataset_versions.c
            previous_file = conn.scalar(
                select(v.original_sha256).where(v.dataset_id == dataset_id, v.version == number - 1)
            )
            conn.execute(insert(schema.dataset_versions).values(values))
            catalogue.sync_search(conn, dataset_id, entry["search_text"])
            # The same file again is a metadata edit (the manage page's "save" re-sends it).
            same_file = previous_file == values["original_sha256"]
            audit.record(
                conn, dataset_id, "metadata" if same_file else "version", number, when=when
            )
        return Published(self.dataset(dataset_id), self.version(dataset_id, number))

    def replace_token(self, dataset_id: str, token: str) -> str:
        """A new edit token for the dataset (shown once); the old one stops working."""
        new_token = secrets.token_urlsafe(32)
        with self._write() as conn:
            row = self._dataset_row(conn, dataset_id, lock=True)
            self._verify(row, token)
            conn.execute(
                update(schema.datasets)
                .where(schema.datasets.c.id == dataset_id)
                .values(token_sha256=token_digest(new_token))
            )
            audit.record(conn, dataset_id, "token", row["latest_version"])
        return new_token

    def delete(self, dataset_id: str, token: str) -> DatasetRecord:
        """Remove every version; keep the id and title so its URLs can answer 410."""
        with self._write() as conn:
            row = self._dataset_row(conn, dataset_id, lock=True)
            self._verify(row, token)
            conn.execute(
                delete(schema.dataset_versions).where(
                    schema.dataset_versions.c.dataset_id == dataset_id
                )
            )
            when = now()
            conn.execute(
                update(schema.datasets)
                .where(schema.datasets.c.id == dataset_id)
                .values(deleted_at=when, updated_at=when, stored_bytes=0)
            )
            catalogue.sync_search(conn, dataset_id, None)
            audit.record(conn, dataset_id, "delete", row["latest_version"], when=when)
        self.forget(dataset_id)
        return self.dataset(dataset_id, allow_deleted=True)

    def forget(self, dataset_id: str) -> None:
        """Drop a dataset's versions from this process's cache (after a delete)."""
        with self._lock:
            for key in [k for k in self._versions if k[0] == dataset_id]:
                del self._versions[key]

    # --- drafts --------------------------------------------------------------------------

    def save_draft(self, data: bytes, filename: str) -> str:
        """Keep an upload for a later publish from the browser; returns the draft id."""
        draft_id = secrets.token_urlsafe(24)
        cutoff = (datetime.now(UTC) - DRAFT_TTL).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        with self._write() as conn:
            conn.execute(delete(schema.drafts).where(schema.drafts.c.created_at < cutoff))
            conn.execute(
                insert(schema.drafts).values(
                    id=draft_id, created_at=now(), filename=filename, data=data
                )
            )
        return draft_id

    def draft(self, draft_id: str) -> tuple[bytes, str] | None:
        """(bytes, file name) of a draft, or None when it does not exist (any more)."""
        with self._read() as conn:
            row = conn.execute(
                select(schema.drafts.c.data, schema.drafts.c.filename).where(
                    schema.drafts.c.id == draft_id
                )
            ).first()
        return (bytes(row[0]), row[1]) if row else None

    def discard_draft(self, draft_id: str) -> None:
        with self._write() as conn:
            conn.execute(delete(schema.drafts).where(schema.drafts.c.id == draft_id))

    def dispose(self) -> None:
        conn = self._local.__dict__.pop("conn", None)
        if conn is not None and getattr(self._local, "pid", None) == os.getpid():
            conn.close()
        self.engine.dispose()


_stores: dict[str, Store] = {}
_stores_lock = threading.Lock()


#: Version numbers are 32-bit integers in the schema (PostgreSQL ``integer``); a larger
#: number names no version, and must not reach the database (an overflow error there).
MAX_VERSION = 2**31 - 1


def _gone(record: DatasetRecord) -> DatasetGone:
    return DatasetGone(
        record.id,
        record.title("en"),
        record.deleted_at or record.hidden_at or "",
        reason=record.removed_reason or "",
        hidden=bool(record.hidden_at and not record.deleted_at),
    )


def _check_version(dataset_id: str, number: int, latest: int) -> None:
    if not 1 <= number <= min(latest, MAX_VERSION):
        raise UnknownItem(
            f"version of dataset {dataset_id}", number, [str(n) for n in range(1, latest + 1)]
        )


def store_for(url: str) -> Store:
    """The process's :class:`Store` for a database URL (opened and migrated on first use)."""
    key = normalise_url(url)
    with _stores_lock:
        store = _stores.get(key)
        if store is None:
            store = _stores[key] = Store(key)
        return store


def _after_fork_in_child() -> None:
    # Connections opened before gunicorn forked its workers must not be shared with them.
    for store in _stores.values():
        store.engine.dispose(close=False)


os.register_at_fork(after_in_child=_after_fork_in_child)
