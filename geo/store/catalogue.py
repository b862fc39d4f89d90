"""The catalogue of published datasets: one page of a filtered, searched, sorted list.

Lists never read a version: every write (publish, new version, delete) copies what the lists
show from the new latest version into the dataset's own row (:func:`columns_for`: kind,
level, licence, sort keys, search text, a small summary), so a page of 50 is one indexed
query and a count, whatever the number of datasets.

Search (``q``) matches substrings of titles (zh and en), descriptions and sources, each
whitespace-separated term anywhere (all terms must match), case-insensitively. Chinese has
no spaces between words, so word tokenisers fail on it; substrings are indexed by trigram
instead: SQLite's FTS5 ``trigram`` tokenizer (a shadow table :data:`FTS_TABLE`), and on
PostgreSQL a ``pg_trgm`` GIN index over ``search_text`` (``LIKE`` uses it). A term shorter
than three characters (e.g. 医院) cannot use a trigram index: it is matched by ``instr`` /
``LIKE`` over the live rows, still one query.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, and_, func, literal_column, select, text

from geo.errors import BadParameter
from geo.store import schema
from geo.store.records import DatasetRecord, NewVersion, dataset_record

if TYPE_CHECKING:
    from geo.store.store import Store  # the store calls in here; only its type is named

#: SQLite only: the FTS5 trigram index of ``search_text`` (rowid-less; ``dataset_id`` kept).
FTS_TABLE = "atlas_catalogue_fts"
KINDS = ("values", "links", "points")
SORTS = ("updated", "title")
DEFAULT_LIMIT = 50
MAX_LIMIT = 200
#: Longest ``q`` accepted (characters) and most terms in it.
MAX_QUERY = 200
MAX_TERMS = 8


def kind_of_metadata(metadata: dict) -> str:
    kind = metadata.get("kind")
    return kind if kind in ("links", "points") else "values"


def version_bytes(values: dict) -> int:
    """What one stored version occupies (the upload and the parsed JSON, in bytes): the
    quantity the store quota (``geo.store.limits``) counts."""
    size = len(values["original"])
    for name in ("metadata_json", "table_json", "values_json", "report_json", "series_json"):
        if values.get(name):
            size += len(values[name].encode("utf-8"))
    return size


def summary_of(
    title_zh: str, title_en: str, level: str, metadata: dict, table: dict, values: dict, when: str
) -> dict:
    """What a list entry shows of the latest version (no values, no rows)."""
    kind = kind_of_metadata(metadata)
    summary: dict[str, Any] = {
        "kind": kind,
        "level": level,
        "columns": list(values),
        "description": metadata.get("description", ""),
        "source": metadata.get("source", ""),
        "source_url": metadata.get("source_url", ""),
        "licence": metadata.get("licence", ""),
        "version_created_at": when,
    }
    if kind == "points":
        summary["point_count"] = len(table.get("points", []))
        summary["datum"] = (metadata.get("points") or {}).get("datum", "")
    if kind == "links":
        summary["link_count"] = len(table.get("links", []))
    return summary


def search_text_of(title_zh: str, title_en: str, summary: dict) -> str:
    parts = (title_zh, title_en, summary.get("description", ""), summary.get("source", ""))
    return "\n".join(p for p in parts if p).casefold()


def columns_for(new: NewVersion, when: str) -> dict:
    """The dataset row's catalogue columns for a new latest version ``new``."""
    summary = summary_of(
        new.title_zh, new.title_en, new.level, new.metadata, new.table, new.values, when
    )
    return _columns(new.title_zh, new.title_en, summary)


def _columns(title_zh: str, title_en: str, summary: dict) -> dict:
    return {
        "kind": summary["kind"],
        "level": summary["level"],
        "licence": summary["licence"] or "",
        "sort_title_en": (title_en or title_zh).casefold(),
        "sort_title_zh": (title_zh or title_en).casefold(),
        "search_text": search_text_of(title_zh, title_en, summary),
        "summary_json": json.dumps(summary, ensure_ascii=False, sort_keys=True),
    }


def sync_search(conn: Connection, dataset_id: str, search_text: str | None) -> None:
    """Keep SQLite's trigram index in step with the row (``None``: drop the entry)."""
    if conn.dialect.name != "sqlite":
        return  # PostgreSQL indexes the column itself
    conn.execute(text(f"DELETE FROM {FTS_TABLE} WHERE dataset_id = :id"), {"id": dataset_id})
    if search_text is not None:
        conn.execute(
            text(f"INSERT INTO {FTS_TABLE} (dataset_id, search_text) VALUES (:id, :t)"),
            {"id": dataset_id, "t": search_text},
        )


# --- migration 3 -------------------------------------------------------------------------


def create_indexes(conn: Connection) -> None:
    """The list indexes (partial: live, visible rows), the audit indexes, the search index."""
    live = "WHERE deleted_at IS NULL AND hidden_at IS NULL"
    statements = [
        f"CREATE INDEX IF NOT EXISTS ix_atlas_datasets_updated "
        f"ON atlas_datasets (updated_at DESC, id) {live}",
        f"CREATE INDEX IF NOT EXISTS ix_atlas_datasets_title_en "
        f"ON atlas_datasets (sort_title_en, id) {live}",
        f"CREATE INDEX IF NOT EXISTS ix_atlas_datasets_title_zh "
        f"ON atlas_datasets (sort_title_zh, id) {live}",
        "CREATE INDEX IF NOT EXISTS ix_atlas_audit_client ON atlas_audit (client_sha256, at)",
        "CREATE INDEX IF NOT EXISTS ix_atlas_audit_dataset ON atlas_audit (dataset_id, at)",
    ]
    for statement in statements:
        conn.exec_driver_sql(statement)
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql(
            f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} "
            "USING fts5(dataset_id UNINDEXED, search_text, tokenize='trigram')"
        )
        return
    # pg_trgm ships with Debian's postgresql package (contrib); it is a trusted extension
    # (PostgreSQL 13+), so a database owner may create it. Without it, LIKE still answers
    # (a scan of the live rows): the search is slower, never wrong.
    savepoint = conn.begin_nested()
    try:
        conn.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        conn.exec_driver_sql(
            "CREATE INDEX IF NOT EXISTS ix_atlas_datasets_search "
            "ON atlas_datasets USING gin (search_text gin_trgm_ops)"
        )
        savepoint.commit()
    except Exception:  # noqa: BLE001 - the extension is optional (see above)
        savepoint.rollback()


def backfill(conn: Connection) -> None:
    """Fill the catalogue columns of datasets published before migration 3."""
    d, v = schema.datasets.c, schema.dataset_versions.c
    rows = conn.execute(
        select(d.id, d.title_zh, d.title_en, d.latest_version, d.deleted_at).where(d.kind.is_(None))
    ).all()
    for dataset_id, title_zh, title_en, latest, deleted_at in rows:
        versions = (
            conn.execute(select(schema.dataset_versions).where(v.dataset_id == dataset_id))
            .mappings()
            .all()
        )
        size = sum(version_bytes(dict(row)) for row in versions)
        newest = next((row for row in versions if row["version"] == latest), None)
        if newest is None:  # a deleted dataset: no versions left
            summary = {"kind": "values", "level": "", "licence": ""}
            columns = _columns(title_zh, title_en, {**summary, "description": "", "source": ""})
        else:
            summary = summary_of(
                title_zh,
                title_en,
                newest["level"],
                json.loads(newest["metadata_json"]),
                json.loads(newest["table_json"]),
                json.loads(newest["values_json"]),
                newest["created_at"],
            )
            columns = _columns(title_zh, title_en, summary)
        conn.execute(
            schema.datasets.update().where(d.id == dataset_id).values(**columns, stored_bytes=size)
        )
        sync_search(conn, dataset_id, None if deleted_at else columns["search_text"])


# --- reading a page ----------------------------------------------------------------------


@dataclass(frozen=True)
class CatalogueQuery:
    """One page of the catalogue: search terms, filters, order, window."""

    q: str = ""
    level: str | None = None
    kind: str | None = None
    licence: str | None = None
    sort: str = "updated"
    lang: str = "en"
    limit: int = DEFAULT_LIMIT
    offset: int = 0
    #: Several kinds at once (OGC: tables by unit and point tables); ``kind`` is one.
    kinds: tuple[str, ...] = ()

    def terms(self) -> list[str]:
        return list(dict.fromkeys(self.q.casefold().split()))[:MAX_TERMS]

    def params(self) -> dict[str, str]:
        """The query as URL parameters (defaults left out), for next/prev links."""
        found = {
            "q": self.q,
            "level": self.level or "",
            "kind": self.kind or "",
            "licence": self.licence or "",
            "sort": "" if self.sort == "updated" else self.sort,
            "limit": "" if self.limit == DEFAULT_LIMIT else str(self.limit),
        }
        return {k: v for k, v in found.items() if v}


@dataclass(frozen=True)
class Entry:
    record: DatasetRecord
    summary: dict = field(hash=False)

    @property
    def kind(self) -> str:
        return self.summary.get("kind", "values")

    @property
    def level(self) -> str:
        return self.summary.get("level", "")


@dataclass(frozen=True)
class Page:
    entries: list[Entry]
    total: int
    query: CatalogueQuery

    @property
    def next_offset(self) -> int | None:
        after = self.query.offset + self.query.limit
        return after if after < self.total else None

    @property
    def prev_offset(self) -> int | None:
        if self.query.offset <= 0:
            return None
        return max(0, self.query.offset - self.query.limit)


def _integer(name: str, raw: str | None, default: int, low: int, high: int) -> int:
    if raw in (None, ""):
        return default
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 9 or not low <= int(raw) <= high:
        raise BadParameter(
            name,
            raw,
            f"a whole number from {low} to {high}",
            zh=f"参数「{name}」的值「{raw}」无效：应为 {low} 到 {high} 之间的整数。",
        )
    return int(raw)


def _choice(name: str, raw: str | None, valid) -> str | None:
    if raw in (None, ""):
        return None
    if raw not in valid:
        raise BadParameter(name, raw, valid)
    return raw


def parse_query(args, lang: str, levels, licences) -> CatalogueQuery:
    """A :class:`CatalogueQuery` from request parameters (a mapping of str), or a 400 naming
    the parameter and what is valid."""
    q = (args.get("q") or "").strip()
    if len(q) > MAX_QUERY:
        raise BadParameter(
            "q",
            q[:40] + "…",
            f"at most {MAX_QUERY} characters",
            zh=f"参数「q」过长：最多 {MAX_QUERY} 个字符。",
        )
    return CatalogueQuery(
        q=q,
        level=_choice("level", args.get("level"), levels),
        kind=_choice("kind", args.get("kind"), KINDS),
        licence=_choice("licence", args.get("licence"), licences),
        sort=_choice("sort", args.get("sort"), SORTS) or "updated",
        lang=lang,
        limit=_integer("limit", args.get("limit"), DEFAULT_LIMIT, 1, MAX_LIMIT),
        offset=_integer("offset", args.get("offset"), 0, 0, 10**8),
    )


def _like(term: str) -> str:
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _conditions(dialect: str, query: CatalogueQuery) -> list:
    d = schema.datasets.c
    where = [d.deleted_at.is_(None), d.hidden_at.is_(None)]
    for column, wanted in ((d.level, query.level), (d.kind, query.kind)):
        if wanted:
            where.append(column == wanted)
    if query.kinds:
        where.append(d.kind.in_(query.kinds))
    if query.licence:
        where.append(d.licence == query.licence)
    for number, term in enumerate(query.terms()):
        if dialect == "sqlite" and len(term) >= 3:
            phrase = '"' + term.replace('"', '""') + '"'
            name = f"phrase_{number}"
            matched = (
                select(literal_column("dataset_id"))
                .select_from(text(FTS_TABLE))
                .where(text(f"{FTS_TABLE} MATCH :{name}").bindparams(**{name: phrase}))
            )
            where.append(d.id.in_(matched.scalar_subquery()))
        elif dialect == "sqlite":
            where.append(func.instr(d.search_text, term) > 0)
        else:
            where.append(d.search_text.like(_like(term), escape="\\"))
    return where


def _order(query: CatalogueQuery) -> list:
    d = schema.datasets.c
    if query.sort == "title":
        column = d.sort_title_zh if query.lang == "zh" else d.sort_title_en
        return [column, d.id]
    return [d.updated_at.desc(), d.id]


LIST_COLUMNS = (
    "id",
    "title_zh",
    "title_en",
    "latest_version",
    "created_at",
    "updated_at",
    "deleted_at",
    "summary_json",
)


def page_statement(dialect: str, query: CatalogueQuery):
    d = schema.datasets.c
    return (
        select(*(d[name] for name in LIST_COLUMNS))
        .where(and_(*_conditions(dialect, query)))
        .order_by(*_order(query))
        .limit(query.limit)
        .offset(query.offset)
    )


def count_statement(dialect: str, query: CatalogueQuery):
    return (
        select(func.count()).select_from(schema.datasets).where(and_(*_conditions(dialect, query)))
    )


def search(store: Store, query: CatalogueQuery) -> Page:
    """One page of live, visible datasets matching ``query``, and how many match in all."""
    dialect = store.backend
    with store._read() as conn:
        rows = conn.execute(page_statement(dialect, query)).mappings().all()
        if rows or query.offset or not query.limit:
            total = conn.scalar(count_statement(dialect, query))
        else:
            total = 0  # the first page is empty: nothing matches
    return Page([_entry(row) for row in rows], int(total or 0), query)


def _entry(row) -> Entry:
    return Entry(dataset_record(row), json.loads(row["summary_json"] or "{}"))


def entry(store: Store, dataset_id: str) -> Entry:
    """One live dataset's catalogue entry (one primary-key lookup); raises ``UnknownItem``
    or ``DatasetGone`` (deleted or hidden) as :meth:`Store.dataset` does."""
    store.dataset(dataset_id)
    d = schema.datasets.c
    with store._read() as conn:
        row = (
            conn.execute(select(*(d[n] for n in LIST_COLUMNS)).where(d.id == dataset_id))
            .mappings()
            .one()
        )
    return _entry(row)


def state(store: Store) -> str:
    """A short fingerprint of the whole catalogue that changes with every write (a new row,
    a newer ``updated_at``): the OGC documents' cache key, without listing the datasets."""
    d = schema.datasets.c
    with store._read() as conn:
        count, newest = conn.execute(select(func.count(), func.max(d.updated_at))).one()
    return f"{count}:{newest or ''}"


def query_plans(store: Store, query: CatalogueQuery, prefer_indexes: bool = False) -> list[str]:
    """The database's plan for one page's query and its count (the bench prints them).

    ``prefer_indexes`` (PostgreSQL): plan as if the table were large (``enable_seqscan``
    off), so a test with a handful of rows shows which indexes the query can use.
    """
    dialect = store.backend
    prefix = "EXPLAIN QUERY PLAN " if dialect == "sqlite" else "EXPLAIN "
    plans = []
    with store._read() as conn:
        if prefer_indexes and dialect == "postgresql":
            conn.exec_driver_sql("SET enable_seqscan = off")
        for statement in (page_statement(dialect, query), count_statement(dialect, query)):
            compiled = statement.compile(dialect=conn.dialect)
            sql = prefix + str(compiled)
            params = compiled.params
            if dialect == "sqlite":
                ordered = tuple(params[name] for name in compiled.positiontup)
                rows = conn.exec_driver_sql(sql, ordered).all()
                plans.append("\n".join(str(row[-1]) for row in rows))
            else:
                rows = conn.exec_driver_sql(sql, params).all()
                plans.append("\n".join(row[0] for row in rows))
        if prefer_indexes and dialect == "postgresql":
            conn.exec_driver_sql("RESET enable_seqscan")
    return plans
