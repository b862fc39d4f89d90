"""The audit trail: one row per change to the store, written in the change's transaction.

Actions: ``publish`` (a new dataset), ``version`` (a new file), ``metadata`` (a new version
of the same file: a metadata edit), ``token`` (a new edit token), ``delete`` (by its
publisher), and the operator's ``hide``, ``unhide`` and ``remove``. The client is recorded
as an HMAC-SHA256 of its address under a random key made once per database (so the hashes
of one database cannot be matched against another's, nor reversed by trying every IPv4
address without the key); publishing limits count these rows (:mod:`geo.store.limits`), so
the counts are shared by every worker and server on the database.

The web layer names the client for the current request with :func:`acting_as` (a context
variable): the store's methods keep their signatures, and a change made outside a request
(a script, the CLI) is recorded as ``local``.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime

from sqlalchemy import Connection, insert, select

from geo.store import schema

ACTIONS = ("publish", "version", "metadata", "token", "delete", "hide", "unhide", "remove")
#: Who changes the store in this context: a client address, or ``local``.
_client: ContextVar[str] = ContextVar("atlas_client", default="local")
KEY_SETTING = "audit_key"
_keys: dict[str, bytes] = {}
_keys_lock = threading.Lock()


@contextmanager
def acting_as(address: str) -> Iterator[None]:
    """Record changes made inside the block as made by ``address``."""
    token = _client.set(address or "unknown")
    try:
        yield
    finally:
        _client.reset(token)


def set_client(address: str):
    """Name the client until :func:`reset_client` (for request hooks); returns the reset token."""
    return _client.set(address or "unknown")


def reset_client(token) -> None:
    _client.reset(token)


def current_client() -> str:
    return _client.get()


def create_key(conn: Connection) -> None:
    """Migration 3: the database's random hash key."""
    exists = conn.scalar(
        select(schema.settings.c.value).where(schema.settings.c.name == KEY_SETTING)
    )
    if exists is None:
        conn.execute(insert(schema.settings).values(name=KEY_SETTING, value=secrets.token_hex(32)))


def _key(conn: Connection) -> bytes:
    name = str(conn.engine.url)
    with _keys_lock:
        key = _keys.get(name)
    if key is None:
        value = conn.scalar(
            select(schema.settings.c.value).where(schema.settings.c.name == KEY_SETTING)
        )
        key = bytes.fromhex(value)
        with _keys_lock:
            _keys[name] = key
    return key


def client_hash(conn: Connection, address: str | None = None) -> str:
    """The keyed hash of ``address`` (default: the current client) in this database."""
    address = current_client() if address is None else address
    return hmac.new(_key(conn), address.encode("utf-8"), hashlib.sha256).hexdigest()


def now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def record(
    conn: Connection,
    dataset_id: str,
    action: str,
    version: int | None = None,
    detail: str | None = None,
    when: str | None = None,
) -> None:
    """One audit row, inside the caller's transaction."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    conn.execute(
        insert(schema.audit).values(
            at=when or now(),
            dataset_id=dataset_id,
            action=action,
            client_sha256=client_hash(conn),
            version=version,
            detail=detail,
        )
    )


def trail(store, dataset_id: str | None = None, limit: int = 100) -> list[dict]:
    """The newest audit rows (of one dataset, or all), newest first."""
    a = schema.audit.c
    query = select(schema.audit).order_by(a.at.desc(), a.id.desc()).limit(limit)
    if dataset_id is not None:
        query = query.where(a.dataset_id == dataset_id)
    with store._read() as conn:
        return [dict(row) for row in conn.execute(query).mappings()]
