"""What one published dataset may hold, checked before any expensive work.

Every limit is here, and every refusal names the limit it hit (413 for size, 400 for a
malformed name). :func:`check_rows` runs at the entry of the upload reader, on the raw rows
(lists of cell text) before a DataFrame is built or a key column is looked for: one pass
over the cells, so its cost is linear in the input, and a table over a limit is refused
at the first row that shows it.

Why bounds at all: checking a table costs tens of milliseconds per column (each text
column is tried as a key at three levels: ~40 ms per column of 1,500 unit names), and a
published dataset's columns appear in its pages, its OGC collection schema and its
downloads. A 10,000-column upload kept a worker busy
for minutes (issue 21). With these bounds a maximal table is checked in seconds
(``bench/reliability.py`` measures it).

NUL characters are refused in every text a dataset stores (ids, titles, file names, cells,
column names): PostgreSQL cannot store them in text, SQLite would, so both refuse alike.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from geo.errors import BadParameter, TooLarge

#: Columns in an uploaded table (all of them: key, values, text columns).
MAX_COLUMNS = 64
#: Value (numeric) columns in one published dataset.
MAX_VALUE_COLUMNS = 50
#: Cells in an uploaded table (data rows × columns); the rows are capped separately
#: (``geo.sources.uploads.MAX_ROWS``).
MAX_CELLS = 100_000
#: Characters in one column name.
MAX_COLUMN_NAME = 100

LIMITS_TEXT = (
    f"at most {MAX_COLUMNS} columns, {MAX_VALUE_COLUMNS} value columns, "
    f"{MAX_CELLS:,} cells and {MAX_COLUMN_NAME} characters per column name"
)
NUL = "\x00"


def check_rows(rows: list[list[str]]) -> None:
    """Refuse a table (header row first, as read) over a limit or holding a NUL character.

    Trailing empty cells do not count (spreadsheets pad rows with formatted blanks). One
    pass, each cell looked at a constant number of times.
    """
    width = 0
    cells = 0
    for number, row in enumerate(rows, start=1):
        used = len(row)
        while used and not row[used - 1].strip():
            used -= 1
        if used > MAX_COLUMNS:
            raise TooLarge(
                f"the table (row {number} has {used:,} columns)",
                f"{MAX_COLUMNS} columns",
                zh=f"第 {number} 行有 {used:,} 列：上限为 {MAX_COLUMNS} 列。",
            )
        width = max(width, used)
        cells += width if number > 1 else 0
        if cells > MAX_CELLS:
            raise TooLarge(
                f"the table (more than {MAX_CELLS:,} cells by row {number})",
                f"{MAX_CELLS:,} cells (data rows × columns)",
                zh=f"表格到第 {number} 行已超过 {MAX_CELLS:,} 个单元格（数据行 × 列）的上限。",
            )
        if NUL in "".join(row[:used]):
            column = next(i for i, cell in enumerate(row) if NUL in cell) + 1
            raise BadParameter(
                "file",
                f"a NUL character in row {number}, column {column}",
                "text without NUL characters",
                reason="remove the control character",
                zh=f"第 {number} 行第 {column} 列含有 NUL 控制字符：请删除后重试。",
            )
        if number == 1:
            for column, name in enumerate(row[:used], start=1):
                if len(name.strip()) > MAX_COLUMN_NAME:
                    raise BadParameter(
                        "file",
                        f"column {column}'s name ({len(name.strip()):,} characters)",
                        f"column names of at most {MAX_COLUMN_NAME} characters",
                        reason="shorten the header",
                        zh=f"第 {column} 列的列名过长：最多 {MAX_COLUMN_NAME} 个字符。",
                    )
    if width * max(0, len(rows) - 1) > MAX_CELLS:
        raise TooLarge(
            f"the table ({len(rows) - 1:,} rows × {width} columns)",
            f"{MAX_CELLS:,} cells (data rows × columns)",
            zh=f"表格（{len(rows) - 1:,} 行 × {width} 列）超过 {MAX_CELLS:,} 个单元格的上限。",
        )


def check_value_columns(columns: Iterable[str]) -> None:
    """Refuse a dataset with more value columns than :data:`MAX_VALUE_COLUMNS`."""
    count = len(list(columns))
    if count > MAX_VALUE_COLUMNS:
        raise TooLarge(
            f"the dataset ({count:,} value columns)",
            f"{MAX_VALUE_COLUMNS} value columns (choose some with value_columns)",
            zh=f"数值列过多（{count:,} 列）：最多 {MAX_VALUE_COLUMNS} 列，请选择要发布的列。",
        )


def check_no_nul(fields: Mapping[str, object]) -> None:
    """Refuse the first field (name → text, or a list of texts) holding a NUL character,
    naming the field."""
    for name, value in fields.items():
        values = value if isinstance(value, (list, tuple)) else [value]
        if NUL in name or any(isinstance(v, str) and NUL in v for v in values):
            raise BadParameter(
                name.replace(NUL, "\\x00"),
                "text with a NUL character",
                "text without NUL (\\x00) characters",
            )


def check_file_name(field: str, name: str) -> None:
    """Refuse a file name holding a control character (a line feed, a NUL, …)."""
    if any(ord(c) < 32 or ord(c) == 127 for c in name):
        raise BadParameter(
            field,
            name.encode("unicode_escape").decode("ascii"),
            "a file name without control characters",
        )
