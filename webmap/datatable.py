"""The choropleth data table's rows as HTML, without a Jinja loop per request.

The table (``_data_table.html``) lists every unit of the level — 199 at county level — and
rendering it row by row in Jinja was the largest part of a cold choropleth page. The part
of each row that does not depend on the classification (name, adcode, value) is the same
for every scheme, class count and palette, so it is built and escaped once and kept
(content-addressed: the key is the row's own text); per request only the class cell is
added. The HTML is the one the template loop produced.
"""

from __future__ import annotations

from functools import lru_cache

from markupsafe import Markup, escape

from geo.maps.describe import MapRow


@lru_cache(maxsize=65536)
def _row_head(name: str, adcode: str, value: float | None, display: str, note: str = "") -> str:
    missing = " missing" if value is None else ""
    data_value = "" if value is None else str(value)
    # A value kept as printed but doubtful says why under it (geo.sources.flags).
    flag = f'<br><small class="flag-note">⚠ {escape(note)}</small>' if note else ""
    return (
        f'<tr><th scope="row" data-value="{escape(name)}">{escape(name)}</th>'
        f'<td data-value="{escape(adcode)}">{escape(adcode)}</td>'
        f'<td class="num{missing}" data-value="{escape(data_value)}">{escape(display)}{flag}</td>'
    )


def table_body(rows: list[MapRow], lang: str) -> Markup:
    """The ``<tr>`` elements of the data table for ``rows`` (names in ``lang``)."""
    cells: dict[tuple, str] = {}  # the class cell: at most k + 1 different ones per table
    parts = []
    for row in rows:
        key = (row.class_number, row.color, row.class_label, row.value is None)
        cell = cells.get(key)
        if cell is None:
            missing = " missing" if row.value is None else ""
            cell = cells[key] = (
                f'<td data-value="{row.class_number or 0}"><span class="swatch{missing}" '
                f'style="background-color: {escape(row.color)}"></span> '
                f"{escape(row.class_label)}</td></tr>\n"
            )
        parts.append(
            _row_head(row.name(lang), row.adcode, row.value, row.display, row.flag_note) + cell
        )
    return Markup("".join(parts))
