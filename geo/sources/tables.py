"""Reading tables that planners bring: CSV bytes in UTF-8 or GBK/GB18030, checked."""

from __future__ import annotations

import csv
import io

import pandas as pd

from geo.errors import BadParameter

MAX_ROWS = 10_000
ENCODINGS = ("utf-8-sig", "gb18030")  # gb18030 is a superset of GBK and GB2312
VALID_FILE = "a CSV file with a header row, UTF-8 or GBK/GB18030 encoded, at most 10,000 rows"


def decode_table_bytes(data: bytes) -> tuple[str, str]:
    """Decode uploaded bytes; return (text, encoding). UTF-8 first, then GB18030 (GBK)."""
    if b"\x00" in data[:4096]:
        raise BadParameter("file", "binary data", VALID_FILE, reason="not a text file")
    for encoding in ENCODINGS:
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    raise BadParameter("file", "undecodable bytes", VALID_FILE, reason="unknown text encoding")


def read_csv_bytes(data: bytes, max_rows: int = MAX_ROWS) -> tuple[pd.DataFrame, str]:
    """Parse an uploaded CSV into a DataFrame of strings; return (table, encoding).

    Raises :class:`BadParameter` naming what is wrong (empty, not CSV, ragged rows, too many
    rows, undecodable) and what is accepted.
    """
    if not data or not data.strip():
        raise BadParameter("file", "empty", VALID_FILE, reason="no data")
    text, encoding = decode_table_bytes(data)
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
        delimiter = dialect.delimiter
    except csv.Error:
        delimiter = ","
    try:
        table = pd.read_csv(
            io.StringIO(text),
            sep=delimiter,
            dtype=str,
            keep_default_na=False,
            on_bad_lines="error",
            index_col=False,
            engine="python",
            nrows=max_rows + 1,
        )
    except (pd.errors.ParserError, pd.errors.EmptyDataError, csv.Error) as err:
        message = str(err).splitlines()[0][:200]
        raise BadParameter("file", "malformed CSV", VALID_FILE, reason=message) from None
    if len(table) > max_rows:
        raise BadParameter("file", f"more than {max_rows} rows", VALID_FILE)
    if table.empty:
        raise BadParameter("file", "header only", VALID_FILE, reason="no data rows")
    table.columns = [str(c).strip() for c in table.columns]
    return table, encoding
