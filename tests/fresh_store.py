"""An empty dataset store per test, on the backend of the ``database_url`` fixture: a new
SQLite file, or a new database in the session's throwaway PostgreSQL cluster (counts,
totals and limits must not see other tests' datasets)."""

from __future__ import annotations

import uuid
from pathlib import Path

from sqlalchemy import create_engine
from sqlalchemy.engine import make_url


def fresh_database(database_url: str, tmp_path: Path) -> str:
    if not database_url.startswith("postgres"):
        return f"sqlite:///{tmp_path}/store-{uuid.uuid4().hex[:8]}.sqlite3"
    name = f"atlas_{uuid.uuid4().hex[:12]}"
    engine = create_engine(database_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.exec_driver_sql(f"CREATE DATABASE {name}")
    engine.dispose()
    return make_url(database_url).set(database=name).render_as_string(hide_password=False)
