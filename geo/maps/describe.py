"""What a map shows, in words and rows: the data-table alternative and the alt text.

The web page, its embed and the static exports all describe a map through these
functions, so the table a screen-reader user reads holds the same values and classes as
the colours a sighted user sees.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from geo.i18n import text
from geo.maps.mapspec import ChoroplethSpec, CorridorSpec, change_label
from geo.sources.regions import regions


@dataclass(frozen=True)
class MapRow:
    """One unit of a choropleth as drawn: value, class and colour."""

    adcode: str
    name_zh: str
    name_en: str
    value: float | None  # None: no sourced value
    display: str  # the value as shown (grouped digits, catalog decimals, or "no data")
    class_number: int | None  # 1-based class, None for "no data"
    class_label: str  # the legend label of that class
    color: str  # the fill drawn
    flag_note: str = ""  # why a value kept as printed is doubtful (geo.sources.flags)

    def name(self, lang: str) -> str:
        return self.name_zh if lang == "zh" else self.name_en


def spec_year(spec: ChoroplethSpec) -> int | None:
    """The year the map shows (a spec may carry its own; otherwise the catalog's)."""
    return getattr(spec, "year", None) or spec.indicator.year


@dataclass(frozen=True)
class UnitValues:
    """What a choropleth's rows show before classing: the level's regular units in adcode
    order with the value the map colours by (NaN: none) and that value as displayed.

    Depends on the indicator, level, year (and compare/change) and language, not on the
    scheme, classes or palette, so it is built once per such combination (bundled
    indicators; their values are fixed for the life of the process)."""

    adcodes: tuple[str, ...]
    names_zh: tuple[str, ...]
    names_en: tuple[str, ...]
    values: np.ndarray
    displays: tuple[str, ...]
    #: Per unit, the note of a value kept as printed but doubtful ("" for most).
    flag_notes: tuple[str, ...] = ()


@lru_cache(maxsize=16)
def _sorted_units(level: str) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    units = regions(level, include_special=False).sort_values("adcode")
    return tuple(units["adcode"]), tuple(units["name_zh"]), tuple(units["name_en"])


def _unit_values(spec: ChoroplethSpec) -> UnitValues:
    adcodes, names_zh, names_en = _sorted_units(spec.level)
    mapped = spec.map_values()  # the year shown, or the change in a change view
    values = np.array(
        [float(v) for v in mapped.reindex(list(adcodes)).to_numpy(dtype=float)], dtype=float
    )
    displays = tuple(spec.format_map_value(None if math.isnan(v) else float(v)) for v in values)
    values.flags.writeable = False
    notes: tuple[str, ...] = ()
    if spec.compare is None and getattr(spec.indicator, "kind", None) == "indicator":
        from geo.sources.flags import value_flags

        flags = value_flags(spec.indicator.id, spec.level, spec.year)
        column = "flag_note_zh" if spec.lang == "zh" else "flag_note"
        notes = tuple(str(flags[column].get(a, "")) for a in adcodes) if not flags.empty else ()
    return UnitValues(adcodes, names_zh, names_en, values, displays, notes)


_unit_values_cache: dict[tuple, UnitValues] = {}
_UNIT_VALUES_MAX = 256


def unit_values(spec: ChoroplethSpec) -> UnitValues:
    """:class:`UnitValues` of ``spec``, remembered for bundled indicators."""
    if getattr(spec.indicator, "kind", None) != "indicator":
        return _unit_values(spec)  # a published dataset or an upload's preview: as asked
    key = (spec.indicator.id, spec.level, spec.year, spec.compare, spec.change, spec.lang)
    found = _unit_values_cache.get(key)
    if found is None:
        if len(_unit_values_cache) >= _UNIT_VALUES_MAX:
            _unit_values_cache.clear()
        found = _unit_values_cache[key] = _unit_values(spec)
    return found


def choropleth_rows(spec: ChoroplethSpec) -> list[MapRow]:
    """Every regular unit of the spec's level, in adcode order, with its value and class.

    Special units laid over the level (Xiong'an) are not classed and are not listed.
    """
    base = unit_values(spec)
    c = spec.classification
    class_entries = [e for e in spec.legend if not e.missing]
    missing_color = spec.missing_color
    no_data = text("no_data", spec.lang)
    present = ~np.isnan(base.values)
    if c is not None:  # Classification.class_of for every value at once
        indexes = np.searchsorted(c.bins, base.values, side="left").clip(0, c.k - 1)
    rows = []
    for i, adcode in enumerate(base.adcodes):
        value = float(base.values[i]) if present[i] else None
        index = int(indexes[i]) if (c is not None and value is not None) else None
        rows.append(
            MapRow(
                adcode=adcode,
                name_zh=base.names_zh[i],
                name_en=base.names_en[i],
                value=value,
                display=base.displays[i],
                class_number=None if index is None else index + 1,
                class_label=no_data if index is None else class_entries[index].label,
                color=missing_color if index is None else c.colors[index],
                flag_note=base.flag_notes[i] if base.flag_notes else "",
            )
        )
    return rows


def _with_unit(row: MapRow, spec: ChoroplethSpec) -> str:
    return f"{row.display} {spec.unit}".strip()


def choropleth_summary(spec: ChoroplethSpec, rows: list[MapRow] | None = None) -> str:
    """Alt text: indicator, level, year, highest and lowest unit with values, gaps."""
    rows = rows if rows is not None else choropleth_rows(spec)
    lang = spec.lang
    year = spec_year(spec)
    if year and str(year) in spec.title:
        year = None  # the title already says it
    valued = sorted((r for r in rows if r.value is not None), key=lambda r: (r.value, r.adcode))
    missing = len(rows) - len(valued)
    level = text(spec.level, lang)
    if lang == "zh":
        when = f"，{year}年" if year else ""
        parts = [f"{spec.title}（{level}{when}）分级设色地图"]
        if valued:
            high, low = valued[-1], valued[0]
            parts.append(
                f"最高：{high.name_zh} {_with_unit(high, spec)}；"
                f"最低：{low.name_zh} {_with_unit(low, spec)}"
            )
        parts.append(f"{len(rows)}个单位中{missing}个无数据")
        return "。".join(parts) + "。"
    when = f", {year}" if year else ""
    parts = [f"Choropleth map of {spec.title} by {level.lower()}{when}"]
    if valued:
        high, low = valued[-1], valued[0]
        parts.append(
            f"highest: {high.name_en} {_with_unit(high, spec)}; "
            f"lowest: {low.name_en} {_with_unit(low, spec)}"
        )
    parts.append(f"{missing} of {len(rows)} units have no data")
    return ". ".join(parts) + "."


def corridor_summary(spec: CorridorSpec) -> str:
    """Alt text of a corridor map: zone, members, band, facilities in the band."""
    lang = spec.lang
    zone = spec.zone
    analysis = spec.analysis
    members = analysis.members
    names = list(members["name_zh"] if lang == "zh" else members["name_en"])
    count = len(analysis.facilities)
    if lang == "zh":
        return (
            f"{zone.name_zh}走廊地图：成员单位{'、'.join(names)}；"
            f"走廊线两侧{analysis.band_km:g}千米缓冲带内或成员单位内有{count}个设施。"
        )
    return (
        f"Corridor map of {zone.name_en}: members {', '.join(names)}; "
        f"{count} facilities within {analysis.band_km:g} km of the corridor line "
        "or inside its members."
    )


def choropleth_subtitle(spec: ChoroplethSpec) -> str:
    """One line under the title: level · unit · year · how many units have a value."""
    lang = spec.lang
    parts = [text(spec.level, lang), f"{text('unit', lang)}: {spec.unit}"]
    year = spec_year(spec)
    if getattr(spec, "compare", None) is not None:
        parts.append(change_label(spec.year, spec.compare, lang))
    elif year:
        parts.append(f"{text('year', lang)}: {year}")
    parts.append(
        text("print_coverage", lang).format(
            with_value=spec.units_with_value, units=spec.units_total
        )
    )
    return " · ".join(parts)


def corridor_subtitle(spec: CorridorSpec) -> str:
    """One line under a corridor map's title: band width · facilities in the band."""
    lang = spec.lang
    analysis = spec.analysis
    return (
        f"{text('band', lang)}: {analysis.band_km:g} {text('i16_km', lang)} · "
        f"{text('facilities_in_band', lang)}: {len(analysis.facilities)}"
    )


@dataclass(frozen=True)
class LinkUnitRow:
    """One unit of a links map as shaded: incoming links, their weight, class, colour."""

    adcode: str
    name_zh: str
    name_en: str
    count: int
    weight: float
    lower_bound: bool
    class_number: int | None
    class_label: str
    color: str

    def name(self, lang: str) -> str:
        return self.name_zh if lang == "zh" else self.name_en


def links_unit_rows(spec) -> list[LinkUnitRow]:
    """Every regular unit of a links map's level (adcode order) with the incoming links
    that pass the filter, and the class and colour it is shaded with (the map's values)."""
    adcodes, names_zh, names_en = _sorted_units(spec.level)
    incoming = spec.incoming.reindex(list(adcodes))
    counts = incoming["count"].to_numpy()
    weights = incoming["weight"].to_numpy(dtype=float)
    lower = incoming["unlocated_in_parent"].to_numpy()
    values = spec.shade_values()
    c = spec.shading
    labels = [e.label for e in spec.shade_legend]
    shade = np.array([float(values.get(a, 0)) for a in adcodes], dtype=float)
    if c is not None:  # Classification.class_of for every value at once
        indexes = np.searchsorted(c.bins, shade, side="left").clip(0, c.k - 1)
    rows = []
    for i, adcode in enumerate(adcodes):
        index = None if c is None or math.isnan(shade[i]) else int(indexes[i])
        rows.append(
            LinkUnitRow(
                adcode=adcode,
                name_zh=names_zh[i],
                name_en=names_en[i],
                count=int(counts[i]),
                weight=float(weights[i]),
                lower_bound=bool(lower[i]),
                class_number=None if index is None else index + 1,
                class_label="" if index is None else labels[index],
                color="#f0f0f0" if index is None else c.colors[index],
            )
        )
    return rows


def _number(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}"


def links_summary(spec, rows: list[LinkUnitRow] | None = None) -> str:
    """Alt text of a links map: what it shows, links per kind, the unit with the most
    incoming links (or weight, for a weighted uploaded table)."""
    rows = rows if rows is not None else links_unit_rows(spec)
    lang = spec.lang
    level = text(spec.level, lang)
    kinds = [k for k in spec.kinds if k.count]
    key = (lambda r: (r.weight, r.count)) if spec.shade_by == "weight" else (lambda r: r.count)
    top = max(rows, key=key, default=None)
    unit = spec.source.meta.get("weight_unit", "")
    if lang == "zh":
        parts = [f"{spec.title}：合作与流向地图，共{spec.link_total}条（起点→终点的弧线）"]
        if kinds:
            parts.append("按类型：" + "、".join(f"{k.label}{k.count}条" for k in kinds))
        parts.append(f"{level}单位按接收{'权重' if spec.shade_by == 'weight' else '数量'}着色")
        if top is not None and top.count:
            most = f"接收最多的是{top.name_zh}（{top.count}条"
            if spec.shade_by == "weight":
                most += f"，合计{_number(top.weight)}{unit}"
            parts.append(most + "）")
        return "。".join(parts) + "。"
    parts = [
        f"Map of {spec.title}: {spec.link_total} links drawn as arcs from origin to destination"
    ]
    if kinds:
        parts.append("by kind: " + ", ".join(f"{k.label} {k.count}" for k in kinds))
    shade = "incoming weight" if spec.shade_by == "weight" else "incoming links"
    parts.append(f"{level.lower()} units shaded by {shade}")
    if top is not None and top.count:
        most = f"most incoming: {top.name_en} ({top.count} links"
        if spec.shade_by == "weight":
            most += f", {_number(top.weight)} {unit}".rstrip()
        parts.append(most + ")")
    return "; ".join(parts) + "."
