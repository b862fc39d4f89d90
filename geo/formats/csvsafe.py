"""CSV that a spreadsheet opens as data, never as formulas (CSV/formula injection).

Every CSV this project writes may carry user text: published dataset column names and
source lines, uploaded link tables, Shapefile ``fields.csv``. A cell starting with ``=``,
``+``, ``-``, ``@``, a tab or a carriage return is run as a formula by Excel, LibreOffice
and Google Sheets (``=HYPERLINK(...)``, ``=cmd|...``); following the OWASP "CSV Injection"
guidance such text is prefixed with an apostrophe, which the spreadsheets show as text.
Numbers are left alone (``-3.5`` stays a number): only text cells and headers change.
"""

from __future__ import annotations

import pandas as pd

#: First characters that make a spreadsheet evaluate a cell.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_text(value):
    """``value`` with an apostrophe in front if it is text a spreadsheet would evaluate."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def safe_table(table: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``table`` whose headers and text cells are :func:`safe_text`."""
    table = table.copy()
    table.columns = [safe_text(str(c)) for c in table.columns]
    for i in range(table.shape[1]):
        column = table.iloc[:, i]
        if column.dtype == object or isinstance(column.dtype, pd.StringDtype):
            table.isetitem(i, column.map(safe_text, na_action="ignore"))
    return table


def to_csv_bytes(table: pd.DataFrame) -> bytes:
    """``table`` as UTF-8 CSV bytes (no index, ``\\n`` line ends), formula-safe."""
    return safe_table(table).to_csv(index=False, lineterminator="\n").encode("utf-8")
