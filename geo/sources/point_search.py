"""Finding published point tables by title, for the choropleth's "add a published point
table" control: the live datasets whose latest version is a point table, matched by every
word of the query in the Chinese or English title (case-insensitive), newest first.

The database does the filtering (titles and the ``kind`` marker of the version's metadata,
confirmed here), and at most ``limit`` rows are read, so the answer stays small however
many datasets are published.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import and_, func, or_, select

from geo.errors import BadParameter
from geo.sources.point_tables import KIND
from geo.store import schema, store_for

#: Longest query and most results a search answers.
MAX_QUERY = 100
MAX_RESULTS = 50
#: How the kind of a point table reads inside its metadata JSON (sorted keys, ", " and ": ").
KIND_MARK = f'"kind": "{KIND}"'


def _like(word: str) -> str:
    escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped.lower()}%"


def check_query(query: str | None) -> str:
    query = (query or "").strip()
    if len(query) > MAX_QUERY:
        raise BadParameter(
            "q", query[:20] + "…", f"at most {MAX_QUERY} characters",
            zh=f"参数「q」过长：最多 {MAX_QUERY} 个字符。",
        )  # fmt: skip
    return query


def find_point_tables(database_url: str, query: str = "", limit: int = 20) -> list[dict[str, Any]]:
    """Published point tables whose title holds every word of ``query`` (all of them, newest
    first, for an empty query): id, titles, latest version, level, number of points."""
    query = check_query(query)
    d = schema.datasets.c
    v = schema.dataset_versions.c
    statement = (
        select(
            d.id, d.title_zh, d.title_en, d.latest_version, v.level, v.metadata_json, v.report_json
        )
        .join(
            schema.dataset_versions,
            and_(v.dataset_id == d.id, v.version == d.latest_version),
        )
        .where(d.deleted_at.is_(None), v.metadata_json.contains(KIND_MARK, autoescape=True))
        .order_by(d.updated_at.desc(), d.id)
        .limit(max(1, min(limit, MAX_RESULTS)))
    )
    for word in query.split():
        pattern = _like(word)
        statement = statement.where(
            or_(
                func.lower(d.title_zh).like(pattern, escape="\\"),
                func.lower(d.title_en).like(pattern, escape="\\"),
            )
        )
    store = store_for(database_url)
    with store.engine.connect() as conn:
        rows = conn.execute(statement).mappings().all()
    found = []
    for row in rows:
        if json.loads(row["metadata_json"]).get("kind") != KIND:
            continue  # the marker was in a title or a note, not the kind
        counts = json.loads(row["report_json"]).get("counts", {})
        found.append(
            {
                "id": row["id"],
                "title_zh": row["title_zh"],
                "title_en": row["title_en"],
                "version": row["latest_version"],
                "level": row["level"],
                "points": counts.get("points"),
                "token": f"dataset:{row['id']}",
            }
        )
    return found
