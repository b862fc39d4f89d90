"""Numbers as people type them in tables: ``1,234``, ``1 234``, full-width digits, ``12.5%``,
``3.2万``, ``1.2亿``; and the usual ways of writing "no value" (``-``, ``—``, ``..``, empty).

A cell that is neither is reported, never guessed: ``1,5`` (a decimal comma or a typo?) and
``12张`` do not parse.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field

#: Cell texts that mean "no value" (compared after NFKC and case folding).
MISSING_TEXTS = frozenset(
    {"", "-", "--", "—", "——", "–", "..", "...", "…", "……", "n/a", "na", "nan", "null",
     "none", "x", "无", "暂无", "空", "/"}
)  # fmt: skip

#: Chinese magnitude suffixes, longest first.
MAGNITUDES: tuple[tuple[str, float], ...] = (
    ("万亿", 1e12),
    ("亿", 1e8),
    ("万", 1e4),
    ("千", 1e3),
)

_NUMBER = re.compile(
    r"""^(?P<sign>[+-])?
    (?P<int>\d{1,3}(?:[,' ]\d{3})+|\d*)
    (?P<frac>\.\d+)?
    (?P<exp>[eE][+-]?\d+)?$""",
    re.VERBOSE,
)


#: The largest magnitude a published value may have (a thousand 万亿): the region's GDP in
#: yuan is about 10¹³. Larger values (1e300, 305 nines followed by 万) are typing or export
#: errors, and overflow the statistics (a Gini of ``nan``, a change of ``inf``).
MAX_MAGNITUDE = 1e15
#: The smallest non-zero magnitude (1e-300 made a comparison's ratio overflow).
MIN_MAGNITUDE = 1e-9


class NotANumber(ValueError):
    """A cell that is neither a number nor a way of writing "missing"."""


class OutOfRange(NotANumber):
    """A number, but not a plausible value: not finite, or its magnitude outside
    :data:`MIN_MAGNITUDE` … :data:`MAX_MAGNITUDE` (after 万/亿)."""


def parse_number(cell: object) -> float | None:
    """The number a cell holds, ``None`` when it says "no value".

    ``12.5%`` is 12.5 (the unit is percent); ``3.2万`` is 32,000; full-width digits and
    separators are read as ASCII (NFKC). Raises :class:`NotANumber` for anything else.

    >>> parse_number("1,234"), parse_number("１２３４"), parse_number("3.2万"), parse_number("—")
    (1234.0, 1234.0, 32000.0, None)
    """
    if cell is None:
        return None
    if isinstance(cell, bool):
        raise NotANumber(str(cell))
    if isinstance(cell, (int, float)):
        if isinstance(cell, float) and math.isnan(cell):
            return None
        return _plausible(float(cell), cell)
    text = unicodedata.normalize("NFKC", str(cell)).strip()
    text = text.replace("\u2212", "-").replace("\u00a0", " ")  # minus sign, no-break space
    if text.casefold() in MISSING_TEXTS:
        return None
    body = text
    scale = 1.0
    if body.endswith("%"):
        body = body[:-1].rstrip()
    else:
        for suffix, factor in MAGNITUDES:
            if body.endswith(suffix):
                body, scale = body[: -len(suffix)].rstrip(), factor
                break
    match = _NUMBER.match(body)
    if not match or not (match["int"] or match["frac"]):
        raise NotANumber(str(cell))
    digits = re.sub(r"[,' ]", "", match["int"])
    value = float(f"{match['sign'] or ''}{digits or '0'}{match['frac'] or ''}{match['exp'] or ''}")
    return _plausible(value * scale if scale != 1.0 else value, cell)


def _plausible(value: float, cell: object) -> float:
    if not math.isfinite(value) or (value and not MIN_MAGNITUDE <= abs(value) <= MAX_MAGNITUDE):
        raise OutOfRange(str(cell))
    return value


@dataclass
class ParsedColumn:
    """A column read as numbers: ``values`` (None where missing or unparsable), ``bad`` (the
    positions and texts that did not parse), how many cells held a value, and of the bad
    cells those that are numbers out of range (``out_of_range``, also in ``bad``)."""

    values: list[float | None]
    bad: list[tuple[int, str]]
    filled: int
    out_of_range: list[tuple[int, str]] = field(default_factory=list)

    @property
    def numeric_share(self) -> float:
        """Share of non-empty cells that are numbers (0 when the column is empty)."""
        return (self.filled - len(self.bad)) / self.filled if self.filled else 0.0


def parse_column(cells: Iterable[object]) -> ParsedColumn:
    values: list[float | None] = []
    bad: list[tuple[int, str]] = []
    out_of_range: list[tuple[int, str]] = []
    filled = 0
    for pos, cell in enumerate(cells):
        try:
            value = parse_number(cell)
        except NotANumber as err:
            if isinstance(err, OutOfRange):
                out_of_range.append((pos, str(cell)))
            bad.append((pos, str(cell)))
            values.append(None)
            filled += 1
            continue
        values.append(value)
        filled += value is not None
    return ParsedColumn(values, bad, filled, out_of_range)
