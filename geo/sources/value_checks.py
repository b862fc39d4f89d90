"""Refusals for tables of values that would publish wrong data or break the output later.

- numbers that are not plausible values (not finite, or beyond
  :data:`geo.sources.numbers.MAX_MAGNITUDE` after 万/亿, or non-zero below
  :data:`~geo.sources.numbers.MIN_MAGNITUDE`): 1e300 made the statistics overflow (a Gini of
  ``nan``, comparisons of ``inf``) and 305 nines followed by 万 became ``inf`` at publish;
- a wide table naming one year twice (``2020`` and ``2020年``, or ``2020.0``): the second
  column overwrote the first without a word;
- ``matches`` that cannot be read as a JSON object of text (nesting deep enough to exhaust
  the parser, lone surrogates that no database can store).

Each raises :class:`geo.errors.BadParameter` naming the row and column (or the parameter)
and what is valid, in English and Chinese.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from geo.errors import BadParameter
from geo.sources.numbers import MAX_MAGNITUDE, MIN_MAGNITUDE, ParsedColumn

VALID_VALUES = (
    f"finite numbers between {MIN_MAGNITUDE:g} and {MAX_MAGNITUDE:g} in magnitude "
    "(after 万/亿), or 0, or empty for a missing value"
)
#: ``matches`` nested deeper than this is not an object of cell text → adcode.
MAX_MATCHES_DEPTH = 3


def refuse_out_of_range(parsed: Mapping[str, ParsedColumn], rows: Sequence[Any]) -> None:
    """Raise for the first value cell (by row, then column) that is a number out of range.

    ``parsed`` maps each value column to its parsed cells; ``rows`` are the table's row
    numbers (as the spreadsheet shows them) in cell order.
    """
    found = [
        (rows[pos], order, column, text)
        for order, (column, column_cells) in enumerate(parsed.items())
        for pos, text in column_cells.out_of_range
    ]
    if not found:
        return
    row, _, column, text = min(found, key=lambda f: (f[0], f[1]))
    shown = text if len(text) <= 40 else text[:20] + "…" + text[-8:]
    more = f" (and {len(found) - 1} more cells)" if len(found) > 1 else ""
    more_zh = f"（另有 {len(found) - 1} 个单元格）" if len(found) > 1 else ""
    raise BadParameter(
        "file",
        shown,
        VALID_VALUES,
        reason=f"row {row}, column {column!s}: not a plausible value{more}",
        zh=(
            f"第 {row} 行「{column}」列的数值「{shown}」不合理{more_zh}：数值须为有限数，"
            f"绝对值在 {MIN_MAGNITUDE:g} 与 {MAX_MAGNITUDE:g} 之间（按万、亿换算后），"
            "或为 0，缺失值留空。"
        ),
    )


def refuse_repeated_years(wide: Mapping[Any, int]) -> None:
    """Raise when two columns of a wide table name the same year (``2020`` and ``2020年``)."""
    seen: dict[int, Any] = {}
    for column, year in wide.items():
        if year in seen:
            first = seen[year]
            raise BadParameter(
                "wide_years",
                f"{first!s}, {column!s}",
                "one column per year",
                reason=f"columns {first!s} and {column!s} both hold {year}",
                zh=f"「{first}」列与「{column}」列都是 {year} 年的数值：每个年份只能有一列。",
            )
        seen[year] = column


def load_matches(text: str, valid: str) -> Any:
    """``matches`` as JSON, refusing text the parser or the store cannot take."""
    try:
        value = json.loads(text)
    except (ValueError, RecursionError) as err:
        reason = "nested too deeply" if isinstance(err, RecursionError) else str(err)
        raise BadParameter(
            "matches",
            text[:40],
            valid,
            reason=reason,
            zh=f"参数「matches」无法读取（{reason}）：须为 JSON 对象，"
            "单元格文本 → 行政区划代码或 null。",
        ) from None
    _check_text(value, valid, 0)
    return value


def _check_text(value: Any, valid: str, depth: int) -> None:
    if depth > MAX_MATCHES_DEPTH:
        raise BadParameter("matches", "…", valid, reason="nested too deeply")
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise BadParameter(
                "matches",
                value.encode("utf-8", "backslashreplace").decode("ascii", "replace")[:40],
                valid,
                reason="text with a lone surrogate (\\ud800…) is not valid Unicode",
                zh="参数「matches」含有无效的 Unicode 字符（孤立代理项，如 \\ud800）。",
            ) from None
    elif isinstance(value, dict):
        for key, item in value.items():
            _check_text(key, valid, depth + 1)
            _check_text(item, valid, depth + 1)
    elif isinstance(value, list):
        for item in value:
            _check_text(item, valid, depth + 1)
