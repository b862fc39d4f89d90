"""Reading the tables people upload or paste: CSV, TSV (UTF-8 or GBK/GB18030) and XLSX.

:func:`read_upload` is the one reader of uploaded tables: ``/api/join``, ``/api/datasets``
and the publishing pages all go through it (same row limit, binary detection, encodings
and messages). Checks on the shape of a table (rows, header) live in :func:`_table`, so
further limits slot in there for every caller at once.

Every cell comes back as text exactly as typed (numbers are read later by
:mod:`geo.sources.numbers`), so nothing is coerced on the way in. Limits are checked before any
expensive work: the byte size, the number of rows, and for XLSX the unpacked size of the
ZIP container (a small file that unpacks to gigabytes is refused before it is opened).
"""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass
from datetime import date, datetime, time

import pandas as pd

from geo.errors import BadParameter, TooLarge
from geo.sources.limits import check_rows

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 20_000
#: XLSX containers unpacking to more than this, or at a higher ratio, are refused unopened.
MAX_XLSX_UNPACKED = 64 * 1024 * 1024
MAX_XLSX_RATIO = 100
ENCODINGS = ("utf-8-sig", "gb18030")  # gb18030 is a superset of GBK and GB2312
VALID_FILE = (
    "a table with a header row: CSV or TSV (UTF-8 or GBK), XLSX, or text pasted from a "
    f"spreadsheet; at most {MAX_BYTES // (1024 * 1024)} MB and {MAX_ROWS:,} rows"
)
#: What VALID_FILE says, for zh pages; and the messages of the reader in Chinese.
ZH_VALID = "可上传带表头的表格：CSV 或 TSV（UTF-8 或 GBK 编码）、XLSX，或从电子表格粘贴的文本。"
ZH_EMPTY = "文件为空，没有数据。" + ZH_VALID
ZH_BINARY = "这不是文本表格（二进制数据）。" + ZH_VALID
ZH_ENCODING = "无法识别文件编码：既不是 UTF-8 也不是 GBK。" + ZH_VALID
ZH_MALFORMED = "CSV 格式有误，无法读取。" + ZH_VALID
ZH_XLSX = "XLSX 文件已损坏或无法读取。" + ZH_VALID
FORMATS = ("csv", "tsv", "xlsx", "paste")


@dataclass
class UploadedTable:
    """An uploaded table: cells as text, indexed by their row number in the file (the header
    is row 1), so every report can point at the row a person sees in their spreadsheet."""

    table: pd.DataFrame
    file_format: str
    encoding: str | None


def read_upload(data: bytes, filename: str = "", pasted: bool = False) -> UploadedTable:
    """Parse uploaded bytes (or pasted text, UTF-8) into a table of strings.

    Raises
    ------
    TooLarge
        Over :data:`MAX_BYTES` or :data:`MAX_ROWS`.
    BadParameter
        Empty, binary, undecodable, ragged, without a header row, or a ZIP-bomb-like XLSX;
        the message says what is wrong and what is accepted.
    """
    if len(data) > MAX_BYTES:
        raise TooLarge(
            f"the file ({len(data):,} bytes)",
            f"{MAX_BYTES:,} bytes (5 MB)",
            zh=f"文件过大（{len(data):,} 字节）：上限为 {MAX_BYTES:,} 字节（5 MB）。",
        )
    if not data.strip():
        raise BadParameter("file", "empty", VALID_FILE, reason="no data", zh=ZH_EMPTY)
    name = filename.lower()
    if data[:4] == b"PK\x03\x04" or name.endswith((".xlsx", ".xlsm")):
        rows = _xlsx_rows(data)
        return UploadedTable(_table(rows), "xlsx", None)
    text, encoding = _decode(data)
    if pasted:
        fmt = "paste"
    else:
        fmt = "tsv" if name.endswith((".tsv", ".tab")) else "csv"
    return UploadedTable(_table(_text_rows(text, tsv=fmt == "tsv")), fmt, encoding)


def _decode(data: bytes) -> tuple[str, str]:
    sample = data[:8192]
    controls = sum(1 for b in sample if b < 32 and b not in (9, 10, 13))
    if b"\x00" in sample or controls > len(sample) // 100:
        raise BadParameter(
            "file", "binary data", VALID_FILE, reason="not a text table", zh=ZH_BINARY
        )
    for encoding in ENCODINGS:
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    raise BadParameter(
        "file", "undecodable bytes", VALID_FILE, reason="neither UTF-8 nor GBK", zh=ZH_ENCODING
    )


def _text_rows(text: str, tsv: bool) -> list[list[str]]:
    if tsv:
        delimiter = "\t"
    else:
        try:
            delimiter = csv.Sniffer().sniff(text[:8192], delimiters=",;\t").delimiter
        except csv.Error:
            delimiter = "\t" if "\t" in text.split("\n", 1)[0] else ","
    rows = []
    try:
        for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter):
            rows.append(row)
            if len(rows) > MAX_ROWS + 1:
                break
    except csv.Error as err:
        raise BadParameter(
            "file", "malformed CSV", VALID_FILE, reason=str(err), zh=ZH_MALFORMED
        ) from None
    return rows


def _xlsx_rows(data: bytes) -> list[list[str]]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, ValueError) as err:
        raise BadParameter(
            "file", "damaged XLSX", VALID_FILE, reason=str(err), zh=ZH_XLSX
        ) from None
    unpacked = sum(m.file_size for m in members)
    packed = max(1, sum(m.compress_size for m in members))
    if unpacked > MAX_XLSX_UNPACKED or unpacked / packed > MAX_XLSX_RATIO:
        raise BadParameter(
            "file",
            "ZIP-bomb-like XLSX",
            VALID_FILE,
            reason=f"it unpacks to {unpacked:,} bytes ({unpacked / packed:,.0f}× its size); "
            f"at most {MAX_XLSX_UNPACKED:,} bytes and {MAX_XLSX_RATIO}× are accepted",
            zh=f"XLSX 解压后过大（{unpacked:,} 字节，压缩比 {unpacked / packed:,.0f}）："
            "疑似压缩炸弹。",
        )
    if "xl/workbook.xml" not in {m.filename for m in members}:
        raise BadParameter(
            "file", "ZIP without a workbook", VALID_FILE, reason="not an XLSX", zh=ZH_XLSX
        )
    import openpyxl

    try:
        # data_only: the values Excel computed, never formula text; read_only: streamed.
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as err:  # openpyxl raises many types for damaged files
        raise BadParameter(
            "file", "unreadable XLSX", VALID_FILE, reason=str(err)[:200], zh=ZH_XLSX
        ) from None
    try:
        if not book.worksheets:
            raise BadParameter(
                "file",
                "XLSX without a worksheet",
                VALID_FILE,
                reason="no sheet",
                zh="XLSX 文件中没有工作表。" + ZH_VALID,
            )
        sheet = book.worksheets[0]
        rows = []
        for row in sheet.iter_rows(values_only=True):
            rows.append([_cell_text(v) for v in row])
            if len(rows) > MAX_ROWS + 1:
                break
    finally:
        book.close()
    return rows


def _cell_text(value: object) -> str:
    """A spreadsheet value as the text a person sees (130100, not 130100.0)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    if isinstance(value, (datetime, date, time)):
        return value.isoformat()
    return str(value)


def _table(rows: list[list[str]]) -> pd.DataFrame:
    rows = [row for row in rows if any(cell.strip() for cell in row)]
    check_rows(rows)  # column, cell and name limits, NUL: before any per-column work
    if not rows:
        raise BadParameter("file", "empty", VALID_FILE, reason="no rows", zh=ZH_EMPTY)
    header = [cell.strip() for cell in rows[0]]
    body = rows[1:]
    if len(body) > MAX_ROWS:
        raise TooLarge(
            f"the table (more than {MAX_ROWS:,} rows)",
            f"{MAX_ROWS:,} rows",
            zh=f"表格超过 {MAX_ROWS:,} 行的上限。",
        )
    if not body:
        raise BadParameter(
            "file",
            "header only",
            VALID_FILE,
            reason="no data rows",
            zh="表格只有表头，没有数据行。",
        )
    width = max(len(header), *(len(row) for row in body))
    header += [""] * (width - len(header))
    # Trailing unnamed columns that hold nothing (spreadsheet formatting) are dropped.
    while width and not header[width - 1]:
        if any(len(row) >= width and row[width - 1].strip() for row in body):
            break
        width -= 1
    header = header[:width]
    _check_header(header)
    cells = [[*(c.strip() for c in row[:width]), *([""] * (width - len(row)))] for row in body]
    frame = pd.DataFrame(cells, columns=header, dtype=object)
    # Row numbers as in the file (the header is row 1; blank lines are not counted).
    frame.index = pd.RangeIndex(2, len(frame) + 2)
    return frame


def _check_header(header: list[str]) -> None:
    from geo.sources.numbers import NotANumber, parse_number

    def numeric(cell: str) -> bool:
        try:
            return parse_number(cell) is not None
        except NotANumber:
            return False

    if all(numeric(cell) or not cell for cell in header):
        raise BadParameter(
            "file",
            "no header row",
            VALID_FILE,
            reason=f"the first row ({', '.join(header[:4])}…) holds values, not column names",
            zh=f"第一行（{'、'.join(header[:4])}…）是数值而不是列名：请在第一行写列名。",
        )
    blank = [i + 1 for i, cell in enumerate(header) if not cell]
    if blank:
        raise BadParameter(
            "file",
            f"column {blank[0]} has no name",
            VALID_FILE,
            reason="name every column",
            zh=f"第 {blank[0]} 列没有列名：请为每一列命名。",
        )
    seen: set[str] = set()
    for cell in header:
        if cell in seen:
            raise BadParameter(
                "file",
                f"column name {cell!r} repeated",
                VALID_FILE,
                reason="names must differ",
                zh=f"列名「{cell}」重复：各列名称须不同。",
            )
        seen.add(cell)
