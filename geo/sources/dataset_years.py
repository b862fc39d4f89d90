"""Years of an uploaded table: a long table's year column, a wide table's year columns.

A long table has a year column (``year`` / ``年份`` / ``年度``, or named by ``year_column=``)
and one row per unit and year; a wide table (``wide_years=1``) has one column per year, named
by it (2019, 2020年…). :func:`geo.sources.dataset_check.check_upload` reads either into values
by year.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

import pandas as pd

from geo.errors import BadParameter

#: Column names taken for the year column of a long table (compared case-folded).
YEAR_NAMES = ("year", "年份", "年度")
#: A year as written in a cell or a column name: 2020, 2020年, 2020.0.
_YEAR_TEXT = re.compile(r"^((?:19|20)\d\d)(?:\.0+)?\s*年?$")
#: The value column of a wide table (its year columns) unless ``value_name=`` names it.
WIDE_VALUE_NAME = "value"


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

