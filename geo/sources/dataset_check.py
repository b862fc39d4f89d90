"""Check an uploaded table of values: read it, join it to a level, read its values as numbers.

:func:`check_upload` reads a file (:mod:`geo.sources.uploads`), finds the level and key column
(:mod:`geo.sources.dataset_keys`), reads each value column as numbers
(:mod:`geo.sources.numbers`), by year for a long or wide table
(:mod:`geo.sources.dataset_years`), and reports what did not match or parse
(:class:`CheckedUpload`). :func:`check_publishable` says what blocks a publish.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import pandas as pd

from geo.errors import BadParameter
from geo.levels import PROVINCE_ADCODES
from geo.sources.dataset_keys import NUMERIC_SHARE, apply_matches, closest_units, detect
from geo.sources.dataset_years import (
    WIDE_VALUE_NAME,
    _duplicated_years,
    find_year_column,
    wide_year_columns,
    year_of,
)
from geo.sources.matching import JoinResult, parse_adcodes
from geo.sources.numbers import parse_column
from geo.sources.regions import regions
from geo.sources.uploads import UploadedTable, read_upload
from geo.sources.value_checks import refuse_out_of_range, refuse_repeated_years

#: Shown at most in a report (the counts are always complete).
MAX_LISTED = 200
#: Unmatched rows that get the closest units as suggestions (the first ones).
MAX_SUGGESTED = 50
PROVINCE_PREFIXES = [code[:2] for code in PROVINCE_ADCODES]


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

