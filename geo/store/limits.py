"""Bounds on publishing: a per-client rate and a total store quota, shared by all workers.

Both are read from the database, never from process memory, so every gunicorn worker and
every server on one database sees the same counts: the rate counts the client's audit rows
of the last hour (:mod:`geo.store.audit`; one indexed range query), the quota sums the
datasets' ``stored_bytes`` (each version's upload and parsed JSON, kept by the store's
writes). Checked before a publish or a new version; two publishes racing from one client
can pass one over the limit (the check and the write are separate transactions), which
bounds the work, not the last unit of it.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from geo.store import audit, schema

#: Audit actions that count as a publish (a new dataset, a new file, a metadata edit).
COUNTED = ("publish", "version", "metadata")
WINDOW = timedelta(hours=1)


class TooManyPublishes(Exception):
    """A client published ``limit`` times in the last hour (→ HTTP 429 with Retry-After)."""

    def __init__(self, limit: int, retry_after: int):
        self.limit = limit
        self.retry_after = retry_after
        super().__init__(
            f"publishing limit reached: {limit} publishes or new versions per hour from one "
            f"address; try again in {retry_after} s"
        )
        self.zh = (
            f"已达发布上限：每个地址每小时最多发布或更新 {limit} 次；请在 {retry_after} 秒后重试。"
        )


class StoreFull(Exception):
    """The store's quota in bytes would be passed (→ HTTP 507)."""

    def __init__(self, used: int, quota: int, incoming: int):
        self.used, self.quota, self.incoming = used, quota, incoming
        super().__init__(
            f"the dataset store is full: it holds {used:,} of its {quota:,} bytes and this "
            f"upload of {incoming:,} bytes does not fit; nothing was published"
        )
        self.zh = (
            f"数据存储已满：已用 {used:,} 字节，上限 {quota:,} 字节，"
            f"本次上传 {incoming:,} 字节放不下；未发布任何内容。"
        )


def _stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def publishes_in_window(store, address: str | None = None, now: datetime | None = None):
    """(count, oldest time) of the client's publishes in the last hour."""
    now = now or datetime.now(UTC)
    a = schema.audit.c
    with store._read() as conn:
        digest = audit.client_hash(conn, address)
        count, oldest = conn.execute(
            select(func.count(), func.min(a.at)).where(
                a.client_sha256 == digest,
                a.at >= _stamp(now - WINDOW),
                a.action.in_(COUNTED),
            )
        ).one()
    return int(count), oldest


def used_bytes(store) -> int:
    with store._read() as conn:
        return int(conn.scalar(select(func.coalesce(func.sum(schema.datasets.c.stored_bytes), 0))))


def check_publish(
    store, per_hour: int, quota_bytes: int, incoming: int, address: str | None = None
) -> None:
    """Raise :class:`TooManyPublishes` or :class:`StoreFull` (0 turns either bound off)."""
    if per_hour > 0:
        now = datetime.now(UTC)
        count, oldest = publishes_in_window(store, address, now)
        if count >= per_hour:
            started = datetime.strptime(oldest, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)
            wait = (started + WINDOW - now).total_seconds()
            raise TooManyPublishes(per_hour, max(1, math.ceil(wait)))
    if quota_bytes > 0:
        used = used_bytes(store)
        if used + incoming > quota_bytes:
            raise StoreFull(used, quota_bytes, incoming)
