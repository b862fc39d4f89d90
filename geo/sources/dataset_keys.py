"""Which units an uploaded table's rows are: the level and key column, and the publisher's matches.

:func:`detect` chooses the level and key column by match rate
(:func:`geo.sources.matching.match_counts`, then :func:`geo.sources.matching.join_table`);
:func:`join_distinct` joins a long table deciding each distinct key once;
:func:`closest_units` suggests units for a row that matched none; :func:`parse_matches` and
:func:`apply_matches` read and apply the publisher's own matches (cell text → adcode).
"""

from __future__ import annotations

import dataclasses
import difflib
from collections.abc import Mapping
from functools import cache
from typing import Any

import pandas as pd

from geo.errors import BadParameter
from geo.levels import LEVELS, check_level
from geo.sources.matching import JoinResult, join_table, match_counts, normalise_name, parse_adcodes
from geo.sources.numbers import parse_column
from geo.sources.regions import regions
from geo.sources.value_checks import load_matches

#: Share of non-empty cells that must be numbers for a column to be a value column.
NUMERIC_SHARE = 0.5
#: At most this many publisher's matches (cell text → adcode) per check.
MAX_MATCHES = 2000
VALID_MATCHES = (
    "a JSON object: cell text → adcode of a unit of the level, or null to leave the rows out"
)


def _key_kind(cells: pd.Series) -> str | None:
    """'adcode' if most filled cells are codes, 'name' if most are not numbers, else None."""
    filled = cells[cells.astype(str).str.strip() != ""]
    if filled.empty:
        return None
    if parse_adcodes(filled).notna().mean() >= 0.5:
        return "adcode"
    return "name" if parse_column(filled).numeric_share < NUMERIC_SHARE else None


def _join(table: pd.DataFrame, level: str, column: str, kind: str) -> JoinResult:
    if kind == "adcode":
        return join_table(table, level, adcode_column=column, name_column=None)
    return join_table(table, level, name_column=column)


def join_distinct(table: pd.DataFrame, level: str, column: str, kind: str) -> JoinResult:
    """:func:`_join` deciding each distinct combination of the key and text cells once
    (a long table names every unit once per year), then giving every row the outcome of
    its first such row: the same result as joining every row, far fewer rows to decide.

    Text columns (besides the key) are part of the combination, so 桥西区 of 石家庄市 and
    桥西区 of 张家口市 (told apart by a parent column) stay apart.
    """
    text = [
        c
        for c in table.columns
        if c != column and parse_column(table[c]).numeric_share < NUMERIC_SHARE
    ]
    keys = table[[column, *text]].astype(str).apply(lambda s: s.str.strip())
    signature = pd.Series(list(map(tuple, keys.to_numpy())), index=table.index)
    first = ~signature.duplicated()
    if first.all():
        return _join(table, level, column, kind)
    join = _join(table.loc[first.to_numpy()], level, column, kind)
    first_row = {sig: row for row, sig in signature[first].items()}
    rows_of: dict[Any, list[Any]] = {}
    for row, sig in signature.items():
        rows_of.setdefault(first_row[sig], []).append(row)
    expanded = [
        {"row": row, "adcode": m.adcode, "how": m.how, "note": m.note}
        for m in join.matched.itertuples(index=False)
        for row in rows_of[m.row]
    ]
    matched = pd.DataFrame(expanded, columns=["row", "adcode", "how", "note"])
    matched = matched.sort_values("row", kind="stable").reset_index(drop=True)
    counts = matched["adcode"].map(matched["adcode"].value_counts())
    duplicated = matched[counts > 1][["row", "adcode", "how"]].copy()
    duplicated["kept"] = ~matched["adcode"].duplicated()[counts > 1]

    def spread(frame: pd.DataFrame, extra: list[str]) -> pd.DataFrame:
        rows = [r for first_of in frame.index for r in rows_of[first_of]]
        out = table.loc[rows].copy()
        for name in extra:
            by_first = frame[name]
            out[name] = [by_first.at[f] for f in frame.index for _ in rows_of[f]]
        return out.sort_index()

    return dataclasses.replace(
        join,
        matched=matched,
        unmatched=spread(join.unmatched, ["reason", "reason_zh"]),
        ambiguous=spread(join.ambiguous, ["candidates", "reason", "reason_zh"]),
        duplicated=duplicated.reset_index(drop=True),
    )


def detect(
    table: pd.DataFrame,
    level: str | None = None,
    key_column: str | None = None,
    distinct: bool = False,
) -> tuple[JoinResult, str, list[dict[str, Any]]]:
    """Choose the level and key column with the most rows matched (ties: coarser level,
    leftmost column); either can be fixed by the caller.

    Returns the join, the key column and every candidate tried with its match count.
    """
    if level is not None:
        check_level(level)
    if key_column is not None and key_column not in table.columns:
        raise BadParameter("key_column", key_column, [str(c) for c in table.columns])
    columns = [key_column] if key_column is not None else list(table.columns)
    candidates = [(c, kind) for c in columns if (kind := _key_kind(table[c])) is not None]
    if key_column is not None and not candidates:
        candidates = [(key_column, "name")]
    if not candidates:
        raise BadParameter(
            "key_column",
            "",
            [str(c) for c in table.columns],
            reason="no column holds adcodes or unit names",
        )
    # Score every (column, level) with a vectorised estimate; join fully only the best.
    tried = []
    for column, kind in candidates:
        for lv in [level] if level else LEVELS:
            rows, units = match_counts(table[column], lv, kind)
            tried.append({"level": lv, "key_column": column, "matched": rows, "units": units})
    # Most distinct units first (a county table's parent column names 13 prefectures many
    # times), then most rows; of equals the leftmost column and coarsest level.
    best = max(tried, key=lambda t: (min(t["units"], t["matched"]), t["matched"]))
    kind = dict(candidates)[best["key_column"]]
    join = join_distinct if distinct else _join
    result = join(table, best["level"], best["key_column"], kind)
    tried.sort(key=lambda t: (-min(t["units"], t["matched"]), -t["matched"]))
    return result, best["key_column"], tried


@cache
def _unit_names(level: str) -> tuple[list[str], dict[str, list[str]], dict[str, dict]]:
    units = regions(level)
    by_key: dict[str, list[str]] = {}
    names: dict[str, dict] = {}
    for row in units[["adcode", "name_zh", "name_en"]].itertuples(index=False):
        names[row.adcode] = {"adcode": row.adcode, "name_zh": row.name_zh, "name_en": row.name_en}
        for name in (row.name_zh, row.name_en):
            by_key.setdefault(normalise_name(name), []).append(row.adcode)
    return list(by_key), by_key, names


def closest_units(text: object, level: str, n: int = 3) -> list[dict[str, str]]:
    """Up to ``n`` units of ``level`` whose names are closest to ``text`` (for a person to
    pick from; never applied automatically)."""
    key = normalise_name(text)
    if not key:
        return []
    keys, by_key, names = _unit_names(level)
    found: list[str] = []
    for match in difflib.get_close_matches(key, keys, n=n * 2, cutoff=0.5):
        for adcode in by_key[match]:
            if adcode not in found:
                found.append(adcode)
    return [dict(names[a]) for a in found[:n]]

def parse_matches(value: Any) -> dict[str, str | None]:
    """``matches`` as sent (a JSON text or an object): cell text → adcode, or None/"" to
    leave the rows out. Raises :class:`BadParameter` naming ``matches``."""
    if value in (None, "", {}):
        return {}
    if isinstance(value, str):
        value = load_matches(value, VALID_MATCHES)
    if not isinstance(value, dict):
        raise BadParameter("matches", str(value)[:40], VALID_MATCHES)
    if len(value) > MAX_MATCHES:
        raise BadParameter("matches", f"{len(value)} entries", f"at most {MAX_MATCHES}")
    parsed: dict[str, str | None] = {}
    for text, code in value.items():
        if code is not None and not isinstance(code, str):
            raise BadParameter(f"matches[{text}]", str(code)[:40], VALID_MATCHES)
        parsed[str(text).strip()] = (code or "").strip() or None
    return parsed


def apply_matches(
    join: JoinResult, table: pd.DataFrame, key_column: str, matches: Mapping[str, str | None]
) -> tuple[JoinResult, list[dict[str, Any]], list[dict[str, Any]]]:
    """The join with the publisher's choices applied to unmatched and ambiguous rows.

    ``matches`` maps a key cell's text to an adcode of the level (the row is matched, ``how``
    ``publisher``) or to None (the row is left out). Automatic matches are never changed.
    Returns the join, the rows matched by the publisher and the rows left out.
    """
    if not matches:
        return join, [], []
    units = regions(join.level).set_index("adcode")
    for text, code in matches.items():
        if code is not None and code not in units.index:
            raise BadParameter(
                f"matches[{text}]",
                code,
                f"an adcode of a {join.level} of the atlas (e.g. {units.index[0]}), or null",
            )
    column = join.columns.get("name") or key_column
    by_publisher, left_out, new_rows, handled = [], [], [], set()
    for frame in (join.unmatched, join.ambiguous):
        for row in frame.index:
            text = str(table.at[row, column]).strip()
            if text not in matches:
                continue
            handled.add(row)
            code = matches[text]
            if code is None:
                left_out.append({"row": int(row), "text": text})
                continue
            new_rows.append({"row": row, "adcode": code, "how": "publisher", "note": ""})
            by_publisher.append(
                {
                    "row": int(row),
                    "text": text,
                    "adcode": code,
                    "name_zh": str(units.at[code, "name_zh"]),
                    "name_en": str(units.at[code, "name_en"]),
                }
            )
    if not handled:
        return join, [], []
    matched = pd.concat([join.matched, pd.DataFrame(new_rows)], ignore_index=True)
    matched = matched.sort_values("row", kind="stable").reset_index(drop=True)
    counts = matched["adcode"].map(matched["adcode"].value_counts())
    duplicated = matched[counts > 1][["row", "adcode", "how"]].copy()
    duplicated["kept"] = ~matched["adcode"].duplicated()[counts > 1]
    result = dataclasses.replace(
        join,
        matched=matched,
        unmatched=join.unmatched[~join.unmatched.index.isin(handled)],
        ambiguous=join.ambiguous[~join.ambiguous.index.isin(handled)],
        duplicated=duplicated.reset_index(drop=True),
    )
    return result, by_publisher, left_out

