"""A corridor's members side by side, readable: indicators as rows, members as columns.

A zone has two to a few members and about twenty indicators that apply to their levels.
Drawn the other way round (members as rows) the table was twenty-one narrow columns, most
of them "no data". Here each indicator with a value for at least one member is a row, and
the indicators no member has a value for are named once under the table instead.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from geo.i18n import text
from geo.maps.value_format import format_value


@dataclass(frozen=True)
class IndicatorRow:
    """One indicator across the members: its title, unit, source and formatted cells."""

    title: str
    unit: str
    source: str
    cells: tuple[str, ...]
    missing: tuple[bool, ...]


@dataclass(frozen=True)
class MemberTable:
    members: tuple[dict, ...]  # adcode, name_zh, name_en, level of each member (columns)
    rows: tuple[IndicatorRow, ...]  # indicators with a value for at least one member
    without_data: tuple[str, ...]  # titles of indicators no member has a value for


def _missing(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def member_table(spec) -> MemberTable:
    """The members of ``spec`` (a :class:`geo.maps.mapspec.CorridorSpec`) as columns and
    their indicators as rows, values formatted as the map pages format them."""
    lang = spec.lang
    records = spec.analysis.members.to_dict("records")
    members = tuple(
        {k: record[k] for k in ("adcode", "name_zh", "name_en", "level")} for record in records
    )
    rows, without = [], []
    for indicator in spec.indicator_headers():
        values = [record.get(indicator.id) for record in records]
        missing = tuple(_missing(v) for v in values)
        title = indicator.title(lang)
        if all(missing):
            without.append(title)
            continue
        rows.append(
            IndicatorRow(
                title=title,
                unit=indicator.unit_label(lang),
                source=indicator.source_text(lang),
                cells=tuple(
                    text("no_data", lang) if m else format_value(v, indicator, lang)
                    for v, m in zip(values, missing)
                ),
                missing=missing,
            )
        )
    return MemberTable(members=members, rows=tuple(rows), without_data=tuple(without))
