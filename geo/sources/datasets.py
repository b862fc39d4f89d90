"""User datasets: check an uploaded table, publish it, and map its columns like indicators.

:func:`check_upload` reads a file (:mod:`geo.sources.uploads`), finds the level and key column by
match rate (:func:`geo.analysis.joins.join_table`), reads each value column as numbers
(:mod:`geo.sources.numbers`) and reports what did not match or parse. :func:`publish` and
:func:`replace` write it to the store (:mod:`geo.store`) as one immutable version.
:class:`DatasetColumn` is one column of one version, an
:class:`~geo.sources.indicator_sources.IndicatorSource` like a bundled indicator.

User text (titles, column names, cells) is kept exactly as given and escaped where shown.
"""

from __future__ import annotations

import copy
import dataclasses
import difflib
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache, cached_property
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from geo.analysis.joins import JoinResult, join_table, match_counts, normalise_name, parse_adcodes
from geo.errors import BadParameter
from geo.levels import LEVELS, PROVINCE_ADCODES, check_level
from geo.sources.catalog import check_earlier_year
from geo.sources.numbers import parse_column
from geo.sources.regions import regions
from geo.sources.uploads import UploadedTable, read_upload
from geo.sources.value_checks import load_matches, refuse_out_of_range, refuse_repeated_years
from geo.store import NewVersion, Published, VersionRecord, store_for

#: Shown at most in a report (the counts are always complete).
MAX_LISTED = 200
#: Unmatched rows that get the closest units as suggestions (the first ones).
MAX_SUGGESTED = 50
PROVINCE_PREFIXES = [code[:2] for code in PROVINCE_ADCODES]
#: Share of non-empty cells that must be numbers for a column to be a value column.
NUMERIC_SHARE = 0.5
#: Property names the regions downloads already use; a value column with one of these
#: names is published under ``<name>_value``.
RESERVED = frozenset(
    {"adcode", "name_zh", "name_en", "level", "parent_adcode", "special", "area_km2",
     "geometry", "id"}
)  # fmt: skip
MAX_TITLE = 200
MAX_TEXT = 2000
#: Column names taken for the year column of a long table (compared case-folded).
YEAR_NAMES = ("year", "年份", "年度")
#: A year as written in a cell or a column name: 2020, 2020年, 2020.0.
_YEAR_TEXT = re.compile(r"^((?:19|20)\d\d)(?:\.0+)?\s*年?$")
#: The value column of a wide table (its year columns) unless ``value_name=`` names it.
WIDE_VALUE_NAME = "value"
#: At most this many publisher's matches (cell text → adcode) per check.
MAX_MATCHES = 2000
VALID_MATCHES = (
    "a JSON object: cell text → adcode of a unit of the level, or null to leave the rows out"
)
LICENCES = ("CC-BY-4.0", "CC0-1.0", "ODbL-1.0", "public-domain", "all-rights-reserved", "other")


# --- checking an upload ----------------------------------------------------------------


@dataclass
class CheckedUpload:
    """An upload joined to a level, with its value columns read as numbers."""

    upload: UploadedTable
    join: JoinResult
    key_column: str
    value_columns: list[str]
    text_columns: list[str]
    values: dict[str, dict[str, float | None]]
    problems: list[dict[str, Any]]
    detection: list[dict[str, Any]]
    suggestions: dict[Any, list[dict[str, str]]] = field(default_factory=dict)
    #: Values by year, {column: {year: {adcode: value}}}, for a table with years.
    series: dict[str, dict[str, dict[str, float | None]]] = field(default_factory=dict)
    year_column: str | None = None
    wide_years: dict[str, int] = field(default_factory=dict)
    #: For a long table: (unit, year) pairs given by more than one row (replaces the
    #: join's duplicated units, which a long table has by design).
    duplicated_years: list[dict[str, Any]] | None = None
    #: Rows matched by the publisher (``matches``) and rows the publisher left out.
    by_publisher: list[dict[str, Any]] = field(default_factory=list)
    left_out: list[dict[str, Any]] = field(default_factory=list)
    #: The check options (level, key column, year settings, matches…), stored with a
    #: version so metadata can be edited later without uploading the file again.
    options: dict[str, Any] = field(default_factory=dict)

    @property
    def years(self) -> list[int]:
        return sorted({int(y) for column in self.series.values() for y in column})

    @property
    def level(self) -> str:
        return self.join.level

    @property
    def table(self) -> pd.DataFrame:
        return self.upload.table

    @cached_property
    def join_report(self) -> dict[str, Any]:
        """The full :meth:`JoinResult.report` (computed once), with the (unit, year) pairs
        duplicated in a long table and the publisher's matches."""
        report = self.join.report()
        if self.duplicated_years is not None:
            report["duplicated"] = self.duplicated_years
            report["counts"]["duplicated_units"] = len(self.duplicated_years)
        report["matched_by_publisher"] = self.by_publisher
        report["left_out"] = self.left_out
        report["counts"]["matched_by_publisher"] = len(self.by_publisher)
        report["counts"]["left_out"] = len(self.left_out)
        report["counts"]["rows"] += len(self.left_out)
        return report

    def report(self) -> dict[str, Any]:
        """JSON-ready: detection, the join report (unmatched rows with the closest units),
        value columns, and every cell that did not parse (row, column, text)."""
        report = copy.deepcopy(self.join_report)
        for entry in report["unmatched"]:
            entry["suggestions"] = self.suggestions.get(entry["row"], [])
        report["unmatched"] = report["unmatched"][:MAX_LISTED]
        report["ambiguous"] = report["ambiguous"][:MAX_LISTED]
        report["units_without_data"] = report["units_without_data"][:MAX_LISTED]
        return {
            "file_format": self.upload.file_format,
            "encoding": self.upload.encoding,
            "rows": len(self.table),
            "columns": list(self.table.columns),
            "level": self.level,
            "key_column": self.key_column,
            "detection": self.detection,
            "value_columns": self.value_columns,
            "text_columns": self.text_columns,
            "unparsed_cells": len(self.problems),
            "problems": self.problems[:MAX_LISTED],
            "year_column": self.year_column,
            "wide_years": self.wide_years,
            "years": self.years,
            "join": report,
        }


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


def year_of(text: object) -> int | None:
    """The year a cell or column name holds (``2020``, ``2020年``, ``２０２０``), else None."""
    cleaned = unicodedata.normalize("NFKC", str(text)).strip()
    found = _YEAR_TEXT.match(cleaned)
    return int(found.group(1)) if found else None


def find_year_column(table: pd.DataFrame, year_column: str | None) -> str | None:
    """The year column of a long table: ``year_column`` if given (it must exist), else a
    column named ``year`` / ``年份`` / ``年度``, else None (a table of one year)."""
    if year_column:
        if year_column not in table.columns:
            raise BadParameter("year_column", year_column, [str(c) for c in table.columns])
        return year_column
    for column in table.columns:
        if str(column).strip().casefold() in YEAR_NAMES:
            return column
    return None


def wide_year_columns(table: pd.DataFrame) -> dict[str, int]:
    """The columns of a wide table named by a year (2019, 2020年…), in table order."""
    found = {c: year_of(c) for c in table.columns}
    return {c: y for c, y in found.items() if y is not None}


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


def _duplicated_years(
    unit_year: dict[Any, tuple[str, int]], names: pd.DataFrame
) -> tuple[list[dict[str, Any]], set]:
    """(unit, year) pairs given by several rows (first row kept), and the rows dropped."""
    rows_of: dict[tuple[str, int], list] = {}
    for row, pair in unit_year.items():
        rows_of.setdefault(pair, []).append(row)
    found, dropped = [], set()
    for (adcode, year), rows in rows_of.items():
        if len(rows) > 1:
            found.append(
                {
                    "adcode": adcode,
                    "name_zh": str(names.at[adcode, "name_zh"]),
                    "name_en": str(names.at[adcode, "name_en"]),
                    "year": year,
                    "rows": [int(r) for r in rows],
                    "kept": int(rows[0]),
                }
            )
            dropped.update(rows[1:])
    found.sort(key=lambda d: d["rows"][0])
    return found, dropped


def check_upload(
    data: bytes,
    filename: str = "",
    *,
    pasted: bool = False,
    level: str | None = None,
    key_column: str | None = None,
    value_columns: list[str] | None = None,
    year_column: str | None = None,
    wide_years: bool = False,
    value_name: str | None = None,
    matches: Mapping[str, str | None] | None = None,
) -> CheckedUpload:
    """Read, join and parse an upload; raises :class:`BadParameter` / :class:`TooLarge` for
    a table that cannot be read at all. Problems with rows are reported, not raised.

    A long table (a year column: ``year_column`` or one named ``year``/``年份``/``年度``)
    or a wide one (``wide_years``: value columns named by year, published as one column
    ``value_name``, default ``value``) gives values by year (:attr:`CheckedUpload.series`).
    ``matches`` (cell text → adcode, or None to leave out) settles unmatched or ambiguous
    rows (:func:`apply_matches`).
    """
    upload = read_upload(data, filename, pasted=pasted)
    table = upload.table
    wide: dict[str, int] = {}
    ycol = None
    if wide_years:
        if year_column:
            raise BadParameter(
                "year_column", year_column, "none with wide_years=1 (the columns are the years)"
            )
        wide = wide_year_columns(table)
        refuse_repeated_years(wide)
        if not wide:
            raise BadParameter(
                "wide_years",
                "1",
                "0, or a table with columns named by years (2019, 2020, 2021年…)",
                reason="no column is named by a year: "
                + ", ".join(str(c) for c in table.columns[:8]),
            )
    else:
        ycol = find_year_column(table, year_column)
    keyable = table.drop(columns=[*wide, *([ycol] if ycol else [])])
    if keyable.columns.empty:
        raise BadParameter("key_column", "", "a column of adcodes or unit names")
    # Decide each distinct key cell once: a long table repeats each unit once per year, and
    # a table of 20,000 rows naming 13 units took 12-18 s of CPU deciding every row.
    join, key, detection = detect(keyable, level or None, key_column or None, distinct=True)
    join, by_publisher, left_out = apply_matches(join, keyable, key, matches or {})
    used = {c for c in join.columns.values() if c is not None} | {key} | set(wide)
    if ycol:
        used.add(ycol)
    parsed = {c: parse_column(table[c]) for c in table.columns if c not in used}
    numeric = [c for c, p in parsed.items() if p.filled and p.numeric_share >= NUMERIC_SHARE]
    name = (value_name or "").strip() or WIDE_VALUE_NAME
    if wide:
        if len(name) > 100:
            raise BadParameter("value_name", name[:40] + "…", "at most 100 characters")
        if value_columns and list(dict.fromkeys(value_columns)) != [name]:
            raise BadParameter(
                "value_columns", ",".join(value_columns), [name], reason="wide_years=1: the "
                "year columns are published as one column (name it with value_name=)"
            )  # fmt: skip
        chosen = [name]
    elif value_columns:
        for column in value_columns:
            if column not in parsed:
                raise BadParameter("value_columns", column, list(parsed) or ["(none)"])
            if column not in numeric:
                p = parsed[column]
                examples = ", ".join(repr(text) for _, text in p.bad[:3]) or "no values"
                raise BadParameter(
                    "value_columns",
                    column,
                    numeric or ["(no numeric column)"],
                    reason=f"not numeric: {len(p.bad)} of {p.filled} filled cells are not "
                    f"numbers ({examples}); numbers may be written 1,234 / 12.5% / 3.2万",
                )
        chosen = list(dict.fromkeys(value_columns))
    else:
        chosen = numeric
    text_columns = [c for c in parsed if c not in chosen]

    rows = list(table.index)
    if wide:
        parsed_wide = {c: parse_column(table[c]) for c in wide}
        refuse_out_of_range(parsed_wide, rows)
        problems = [
            {"row": rows[pos], "column": column, "text": text}
            for column in wide
            for pos, text in parsed_wide[column].bad
        ]
        order = list(wide)
    else:
        refuse_out_of_range({c: parsed[c] for c in chosen}, rows)
        problems = [
            {"row": rows[pos], "column": column, "text": text}
            for column in chosen
            for pos, text in parsed[column].bad
        ]
        order = list(chosen)
    row_of = dict(zip(join.matched["row"], join.matched["adcode"]))
    year_of_row: dict[Any, int] = {}
    if ycol:
        order.append(ycol)
        for row, text in zip(rows, table[ycol]):
            year = year_of(text)
            if year is None:
                if row in row_of:
                    problems.append({"row": row, "column": ycol, "text": str(text)})
            else:
                year_of_row[row] = year
    problems.sort(key=lambda p: (p["row"], order.index(p["column"])))

    duplicated_years = None
    if ycol:
        unit_year = {r: (a, year_of_row[r]) for r, a in row_of.items() if r in year_of_row}
        names = regions(join.level).set_index("adcode")
        duplicated_years, dropped = _duplicated_years(unit_year, names)
        dropped |= {r for r in row_of if r not in year_of_row}  # no year: no value
    else:
        duplicated = join.duplicated
        dropped = set()
        if len(duplicated):  # rows after the first for the same unit (a publish refuses them)
            dropped = set(duplicated.loc[~duplicated["kept"].astype(bool), "row"])

    series: dict[str, dict[str, dict[str, float | None]]] = {}
    values: dict[str, dict[str, float | None]] = {}
    if wide:
        by_year: dict[str, dict[str, float | None]] = {}
        for column, year in wide.items():
            column_values = dict(zip(rows, parsed_wide[column].values))
            by_year.setdefault(str(year), {}).update(
                {a: column_values[r] for r, a in row_of.items() if r not in dropped}
            )
        series[name] = dict(sorted(by_year.items()))
    for column in chosen if not wide else []:
        column_values = dict(zip(rows, parsed[column].values))
        if ycol:
            by_year = {}
            for row, adcode in row_of.items():
                if row not in dropped:
                    by_year.setdefault(str(year_of_row[row]), {})[adcode] = column_values[row]
            series[column] = dict(sorted(by_year.items()))
        else:
            values[column] = {
                adcode: column_values[row] for row, adcode in row_of.items() if row not in dropped
            }
    for column, by_year in series.items():
        values[column] = by_year[max(by_year, key=int)] if by_year else {}

    suggestions = {}
    name_column = join.columns.get("name") or key
    unmatched = join.unmatched
    if join.columns.get("adcode"):
        # A row whose code is of another province is not a misspelt unit of the atlas.
        codes = parse_adcodes(unmatched[join.columns["adcode"]])
        unmatched = unmatched[(codes.isna() | codes.str[:2].isin(PROVINCE_PREFIXES)).to_numpy()]
    for row in list(unmatched.index)[:MAX_SUGGESTED]:
        suggestions[row] = closest_units(unmatched.at[row, name_column], join.level)
    options = {
        "level": join.level,
        "key_column": key,
        "value_columns": list(chosen),
        "year_column": ycol,
        "wide_years": bool(wide),
        "value_name": name if wide else None,
        "matches": dict(matches or {}),
    }
    return CheckedUpload(
        upload=upload,
        join=join,
        key_column=key,
        value_columns=chosen,
        text_columns=text_columns,
        values=values,
        problems=problems,
        detection=detection,
        suggestions=suggestions,
        series=series,
        year_column=ycol,
        wide_years=wide,
        duplicated_years=duplicated_years,
        by_publisher=by_publisher,
        left_out=left_out,
        options=options,
    )


def check_publishable(checked: CheckedUpload) -> None:
    """Raise :class:`BadParameter` naming what blocks a publish: no row matched, a unit
    matched by several rows, or no numeric column to map."""
    report = checked.join_report
    counts = report["counts"]
    if counts["matched"] == 0:
        others = [d for d in checked.detection if d["matched"]]
        hint = (
            "; try " + ", ".join(f"level={d['level']} key_column={d['key_column']}" for d in others)
            if others
            else "; the key column must hold adcodes (e.g. 130100) or unit names (石家庄市)"
        )
        raise BadParameter(
            "key_column",
            checked.key_column,
            [str(c) for c in checked.table.columns],
            reason=f"0 of {counts['rows']} rows match a {checked.level} of the atlas{hint}",
        )
    if report["duplicated"]:
        first = report["duplicated"][0]
        if checked.year_column:
            what, valid = "(unit, year) pairs", "one row per unit and year"
            example = f"{first['adcode']} {first['name_zh']} {first['year']}"
        else:
            what, valid = "units", "one row per unit"
            example = f"{first['adcode']} {first['name_zh']}"
        raise BadParameter(
            "file",
            f"{len(report['duplicated'])} {what} matched by more than one row",
            valid,
            reason=f"e.g. {example} in rows " + ", ".join(str(r) for r in first["rows"]),
        )
    if checked.year_column and not checked.years:
        raise BadParameter(
            "year_column",
            checked.year_column,
            "a column of years (2019, 2020年…) for the matched rows",
            reason="no matched row has a year",
        )
    if not checked.value_columns:
        raise BadParameter(
            "value_columns",
            "",
            "at least one column of numbers besides the key (1,234 / 12.5% / 3.2万 / -)",
            reason="no numeric column: " + ", ".join(checked.text_columns or ["(none)"]),
        )


# --- metadata ---------------------------------------------------------------------------


def _text(params: Mapping[str, str], name: str, limit: int = MAX_TEXT) -> str:
    value = (params.get(name) or "").strip()
    if len(value) > limit:
        raise BadParameter(name, value[:40] + "…", f"at most {limit} characters")
    return value


def read_metadata(params: Mapping[str, str], value_columns: list[str]) -> dict[str, Any]:
    """Titles, description, source, licence and per-column unit/year from form fields.

    ``title`` (either language), ``title_zh``, ``title_en``, ``description``, ``source``,
    ``source_url`` (http/https), ``licence``; per value column ``unit:<column>`` and
    ``year:<column>`` (or ``unit``/``year`` for all columns).
    """
    title = _text(params, "title", MAX_TITLE)
    title_zh = _text(params, "title_zh", MAX_TITLE)
    title_en = _text(params, "title_en", MAX_TITLE)
    if title and not (title_zh or title_en):
        if re.search(r"[\u3400-\u9fff]", title):
            title_zh = title
        else:
            title_en = title
    if not (title_zh or title_en):
        raise BadParameter("title", "", "a title in Chinese (title_zh) and/or English (title_en)")
    source_url = _text(params, "source_url", 500)
    if source_url and not re.match(r"^https?://[^\s<>\"']+$", source_url):
        raise BadParameter("source_url", source_url, "an http:// or https:// address")
    licence = _text(params, "licence", 100)
    columns = {}
    for column in value_columns:
        unit = _text(params, f"unit:{column}", 50) or _text(params, "unit", 50)
        year_text = _text(params, f"year:{column}", 4) or _text(params, "year", 4)
        year = None
        if year_text:
            if not re.fullmatch(r"(19|20)\d\d", year_text):
                raise BadParameter(f"year:{column}", year_text, "a year from 1900 to 2099")
            year = int(year_text)
        columns[column] = {"unit": unit, "year": year}
    return {
        "title_zh": title_zh,
        "title_en": title_en,
        "description": _text(params, "description"),
        "source": _text(params, "source", 500),
        "source_url": source_url,
        "licence": licence,
        "columns": columns,
    }


def new_version(
    upload,
    table: pd.DataFrame,
    *,
    level: str,
    key_column: str,
    data: bytes,
    filename: str,
    metadata: dict[str, Any],
    values,
    report: dict,
    series: dict | None = None,
    **row_columns: list,
) -> NewVersion:
    """The store record of one checked upload: its original bytes, metadata and table rows.

    ``row_columns`` are per-row lists stored beside the table (e.g. each row's ``adcodes``).
    """
    return NewVersion(
        title_zh=metadata["title_zh"],
        title_en=metadata["title_en"],
        level=level,
        key_column=key_column,
        filename=filename or f"pasted.{'txt' if upload.file_format == 'paste' else 'csv'}",
        file_format=upload.file_format,
        original=data,
        metadata=metadata,
        table={
            "columns": list(table.columns),
            "rows": table.to_numpy().tolist(),
            "row_numbers": [int(r) for r in table.index],
            **row_columns,
        },
        values=values,
        report=report,
        series=series or {},
    )


def _new_version(
    checked: CheckedUpload, data: bytes, filename: str, metadata: dict[str, Any]
) -> NewVersion:
    adcode_of = dict(zip(checked.join.matched["row"], checked.join.matched["adcode"]))
    return new_version(
        checked.upload,
        checked.table,
        level=checked.level,
        key_column=checked.key_column,
        data=data,
        filename=filename,
        metadata=metadata,
        values=checked.values,
        report=checked.report(),
        series=checked.series,
        adcodes=[adcode_of.get(r) for r in checked.table.index],
    )


def publish(
    database_url: str, checked: CheckedUpload, data: bytes, filename: str, params: Mapping
) -> Published:
    """Publish a checked upload as a new dataset (version 1), in one transaction."""
    check_publishable(checked)
    metadata = read_metadata(params, checked.value_columns)
    metadata["check"] = checked.options
    return store_for(database_url).publish(_new_version(checked, data, filename, metadata))


def next_metadata(
    previous: Mapping, params: Mapping, drop: tuple[str, ...], carried: Mapping | None = None
) -> dict:
    """The form fields of a replacing version: the previous version's metadata less ``drop``
    (what the new file decides), with ``carried`` (previous values spelt as form fields),
    under every non-empty value of ``params`` — metadata not given keeps its value. Shared
    by tables of values, links tables and point tables."""
    merged = {k: v for k, v in previous.items() if k not in drop}
    for key, value in (carried or {}).items():
        merged.setdefault(key, value)
    merged.update({k: v for k, v in params.items() if v})
    return merged


def replace(
    database_url: str,
    dataset_id: str,
    token: str,
    checked: CheckedUpload,
    data: bytes,
    filename: str,
    params: Mapping,
) -> Published:
    """Publish a checked upload as the next version of a dataset (edit token required).

    Metadata not given keeps its value from the latest version.
    """
    store = store_for(database_url)
    store.check_token(dataset_id, token)
    check_publishable(checked)
    previous = store.version(dataset_id).metadata
    carried = {}
    for column, meta in previous.get("columns", {}).items():
        carried[f"unit:{column}"] = meta.get("unit") or ""
        carried[f"year:{column}"] = str(meta.get("year") or "")
    merged = next_metadata(previous, params, drop=("columns",), carried=carried)
    metadata = read_metadata(merged, checked.value_columns)
    metadata["check"] = checked.options
    return store.replace(dataset_id, token, _new_version(checked, data, filename, metadata))


# --- a published column as an indicator source ---------------------------------------------


def _decimals(values: list[float | None]) -> int:
    """Decimals to show: as many as the data has (at most 3)."""
    most = 0
    for value in values:
        if value is None or float(value).is_integer():
            continue
        text = f"{value:.6f}".rstrip("0")
        most = max(most, len(text.split(".")[1]))
    return min(most, 3)


def _parse_version(text: str | None) -> int | None:
    if text in (None, ""):
        return None
    if not re.fullmatch(r"[1-9]\d{0,8}", str(text)):
        raise BadParameter("v", text, "a version number (1, 2, …) or none for the latest")
    return int(text)


@dataclass(frozen=True, eq=False)
class DatasetColumn:
    """One value column of one published version.

    An :class:`~geo.sources.indicator_sources.IndicatorSource`.

    ``pinned`` says whether the URL named the version (then every link keeps it) or asked
    for the latest (then map links keep asking for the latest; data links name the version
    resolved now, so a page and its data always agree).
    """

    kind: ClassVar[str] = "dataset"
    version_record: VersionRecord
    column: str
    pinned: bool = False
    #: For a column with years: the year and the earlier year downloads show (see
    #: :meth:`at`); None: the latest year, no change columns.
    chosen_year: int | None = None
    compare_year: int | None = None

    @property
    def series(self) -> dict[str, dict[str, float | None]]:
        """{year: {adcode: value}} of a column with years; empty for a one-year column."""
        return self.version_record.series.get(self.column, {})

    def at(self, year, compare=None) -> DatasetColumn:
        """This column fixed at ``year`` (and ``compare``), as checked by :meth:`check_years`."""
        chosen, base = self.check_years(year, compare)
        return dataclasses.replace(self, chosen_year=chosen, compare_year=base)

    @property
    def dataset_id(self) -> str:
        return self.version_record.dataset_id

    @property
    def version(self) -> int:
        return self.version_record.version

    @property
    def meta(self) -> dict[str, Any]:
        return self.version_record.metadata

    @property
    def id(self) -> str:
        return f"{self.column}_value" if self.column in RESERVED else self.column

    @property
    def levels(self) -> tuple[str, ...]:
        return (self.version_record.level,)

    @property
    def year(self) -> int | None:
        if self.series:
            return self.chosen_year or self.all_years[-1]
        return self.meta["columns"].get(self.column, {}).get("year")

    @property
    def decimals(self) -> int:
        if self.series:
            return _decimals([v for by in self.series.values() for v in by.values()])
        return _decimals(list(self.version_record.values[self.column].values()))

    @property
    def source(self) -> str:
        parts = [self.meta.get("source") or "", self.meta.get("source_url") or ""]
        return " — ".join(p for p in parts if p) or "uploaded by a user (no source given)"

    @property
    def description(self) -> str:
        return self.meta.get("description", "")

    higher_is_better = None

    @property
    def extra(self) -> dict:
        """Catalog extras a bundled indicator may carry (coverage notes...): none here."""
        return {}

    def dataset_title(self, lang: str = "en") -> str:
        first, second = (
            (self.meta["title_zh"], self.meta["title_en"])
            if lang == "zh"
            else (self.meta["title_en"], self.meta["title_zh"])
        )
        return first or second

    def title(self, lang: str = "en") -> str:
        if len(self.version_record.values) == 1:
            return self.dataset_title(lang)
        return f"{self.dataset_title(lang)}: {self.column}"

    def unit_label(self, lang: str = "en") -> str:
        return self.meta["columns"].get(self.column, {}).get("unit", "")

    @property
    def all_years(self) -> tuple[int, ...]:
        if self.series:
            return tuple(sorted(int(y) for y in self.series))
        year = self.meta["columns"].get(self.column, {}).get("year")
        return (year,) if year is not None else ()

    def description_text(self, lang: str = "en") -> str:
        return self.description

    def source_text(self, lang: str = "en") -> str:
        return self.source

    def derived_at(self, level: str) -> bool:
        return False

    @property
    def citations(self) -> list:
        """Catalog citations (a dataset's source is its own metadata, on the source line)."""
        return []

    def _year(self, year) -> int | None:
        """``year`` checked against the column's years (default: the chosen or latest)."""
        valid = self.all_years
        if year in (None, ""):
            if self.series:
                return self.chosen_year or valid[-1]
            return valid[-1] if valid else None
        try:
            value = int(year)
        except (TypeError, ValueError):
            value = None
        if value not in valid:
            reason = (
                f"dataset {self.dataset_id} column {self.column!r} has values for these years"
                if valid
                else f"dataset {self.dataset_id} column {self.column!r} names no year"
            )
            raise BadParameter("year", year, list(valid) or ["none"], reason=reason)
        return value

    def check_years(self, year, compare) -> tuple[int | None, int | None]:
        """(year, compare year) a map may show; like a bundled indicator with years: a
        change runs from an earlier year of the column to the year shown."""
        chosen = self._year(year)
        if compare in (None, ""):
            return chosen, None
        earlier = [y for y in self.all_years if chosen is not None and y < chosen]
        what = f"dataset {self.dataset_id} column {self.column!r}"
        return chosen, check_earlier_year(
            compare, earlier if self.series else [], what, repr(self.column)
        )

    def change(self, level: str, year, compare) -> pd.DataFrame:
        """Indexed by ``adcode``: ``value`` (at ``year``), ``base`` (at ``compare``),
        ``change`` and ``change_pct`` (percent of base), where both years have a value."""
        year, compare = self.check_years(year, compare)
        if compare is None:
            raise BadParameter("compare", "", [y for y in self.all_years if y < (year or 0)])
        later = self.values(level, year)["value"]
        earlier = self.values(level, compare)["value"]
        both = later.index.intersection(earlier.index)
        value = later.loc[both].astype(float)
        base = earlier.loc[both].astype(float)
        change = value - base
        with np.errstate(divide="ignore", invalid="ignore"):
            pct = np.where(base != 0, change / base * 100.0, np.nan)
        return pd.DataFrame(
            {"value": value, "base": base, "change": change, "change_pct": np.round(pct, 2)},
            index=pd.Index(both, name="adcode"),
        )

    def values(self, level: str, year: int | None = None) -> pd.DataFrame:
        chosen = self._year(year)
        if level != self.version_record.level:
            reason = f"dataset {self.dataset_id} is by {self.levels[0]}"
            raise BadParameter("level", level, self.levels, reason=reason)
        if self.series:
            column = self.series.get(str(chosen), {})
        else:
            column = self.version_record.values[self.column]
        pairs = [(a, v) for a, v in column.items() if v is not None]
        in_year = f" {chosen}" if self.series else ""
        frame = pd.DataFrame(
            {
                "value": pd.Series([v for _, v in pairs], dtype=float),
                # Starts with our own words, so no user text opens a CSV cell (formulas).
                "source": f"dataset {self.dataset_id} v{self.version}{in_year}: "
                f"{self.dataset_title('en') or self.dataset_title('zh')}; {self.source}",
                "url": self.meta.get("source_url", ""),
                "note": "",
            },
        )
        frame.index = pd.Index([a for a, _ in pairs], name="adcode", dtype=object)
        return frame

    @property
    def slug(self) -> str:
        """ASCII, for file names: dataset, version and the column's position."""
        position = list(self.version_record.values).index(self.column) + 1
        return f"{self.dataset_id}_v{self.version}_c{position}"

    def query_params(self) -> dict[str, str]:
        params = {"dataset": self.dataset_id, "column": self.column}
        if self.pinned:
            params["v"] = str(self.version)
        return params

    def data_params(self) -> dict[str, str]:
        return {"dataset": self.dataset_id, "v": str(self.version)}

    def as_dict(self) -> dict:
        return {
            "id": self.id,
            "column": self.column,
            "title_zh": self.meta["title_zh"],
            "title_en": self.meta["title_en"],
            "unit": self.unit_label(),
            "year": self.year,
            "years": list(self.all_years),
            "levels": list(self.levels),
            "source": self.source,
            "description": self.description,
            "dataset": self.dataset_id,
            "version": self.version,
        }

    def dataset_dict(self) -> dict:
        return dataset_dict(self.version_record)


def dataset_dict(version: VersionRecord) -> dict[str, Any]:
    """The metadata of a version as JSON, for the API and the downloads."""
    meta = version.metadata
    return {
        "id": version.dataset_id,
        "version": version.version,
        "published_at": version.created_at,
        "title_zh": meta["title_zh"],
        "title_en": meta["title_en"],
        "description": meta["description"],
        "source": meta["source"],
        "source_url": meta["source_url"],
        "licence": meta["licence"],
        "level": version.level,
        "key_column": version.key_column,
        "columns": [
            {
                "column": c,
                "unit": m.get("unit", ""),
                "year": max(map(int, version.series[c]))
                if version.series.get(c)
                else m.get("year"),
                "years": sorted(map(int, version.series.get(c, {})))
                or ([m["year"]] if m.get("year") else []),
            }
            for c, m in meta["columns"].items()
        ],
        "file": {
            "name": version.filename,
            "format": version.file_format,
            "bytes": version.original_size,
            "sha256": version.original_sha256,
        },
    }


def dataset_column(
    database_url: str, dataset_id: str, column: str | None, version: str | None = None
) -> DatasetColumn:
    """The source a map URL ``dataset=…&column=…[&v=…]`` names (latest version if no ``v``).

    Raises UnknownItem (no such dataset or version), DatasetGone (deleted) or BadParameter
    (no such column; the message lists the value columns).
    """
    number = _parse_version(version)
    record = store_for(database_url).version(dataset_id, number)
    _not_links(record)
    columns = list(record.values)
    if not column:
        if len(columns) != 1:
            raise BadParameter("column", "", columns)
        column = columns[0]
    if column not in record.values:
        raise BadParameter("column", column, columns)
    return DatasetColumn(record, column, pinned=number is not None)


def dataset_sources(
    database_url: str, dataset_id: str, version: str | None = None
) -> tuple[VersionRecord, list[DatasetColumn]]:
    """Every value column of a version (the latest if ``version`` is None)."""
    number = _parse_version(version)
    record = store_for(database_url).version(dataset_id, number)
    _not_links(record)
    return record, [DatasetColumn(record, c, pinned=number is not None) for c in record.values]


def _not_links(record: VersionRecord) -> None:
    """A links dataset (from, to, weight: :mod:`geo.sources.link_tables`) has no values
    by unit: maps and downloads of values by unit refuse it, naming where it maps."""
    if record.metadata.get("kind") == "links":
        raise BadParameter(
            "dataset",
            record.dataset_id,
            "a dataset of values by unit",
            reason=f"dataset {record.dataset_id} is a links table (from, to, weight): map it "
            f"on /maps/links?dataset={record.dataset_id}",
        )
