"""Name matching decides each distinct cell once, not each row: a table of 20,000 rows
naming 13 units took 12-18 s of CPU (by adcode: 1 s). Counted in decisions, not seconds,
so the test does not depend on the machine; the outcome is the same as row by row."""

from __future__ import annotations

import pytest

from geo.sources import matching as joins
from geo.sources.datasets import check_upload
from geo.sources.regions import regions


@pytest.fixture()
def decisions(monkeypatch):
    calls = []
    decide = joins._decide

    def counted(*args, **kwargs):
        calls.append(1)
        return decide(*args, **kwargs)

    monkeypatch.setattr(joins, "_decide", counted)
    return calls


def _names() -> list[str]:
    return list(regions("prefecture")["name_zh"]) + ["不存在市", "桥西区"]


def _table(rows: int) -> bytes:
    names = _names()
    body = "".join(f"{names[i % len(names)]},{i}\n" for i in range(rows))
    return ("城市,床位\n" + body).encode()


def test_a_values_table_decides_each_distinct_name_once(decisions):
    distinct = len(_names())
    checked = check_upload(_table(distinct * 200), "t.csv", level="prefecture")
    assert len(decisions) <= distinct
    counts = checked.join_report["counts"]
    assert counts["rows"] == distinct * 200 and counts["matched"] == (distinct - 2) * 200
    assert counts["unmatched"] == 2 * 200  # 不存在市 and 桥西区 (a county), 200 rows each


def test_join_table_decides_each_distinct_name_once(decisions):
    import io

    import pandas as pd

    distinct = len(_names())
    table = pd.read_csv(io.BytesIO(_table(distinct * 100)), dtype=str)
    result = joins.join_table(table, "prefecture", name_column="城市")
    assert len(decisions) <= distinct
    assert len(result.matched) == (distinct - 2) * 100 and len(result.unmatched) == 200
    # Rows with the same name have the same outcome as the first of them.
    first = result.unmatched.groupby("城市")["reason"].nunique()
    assert (first == 1).all()
