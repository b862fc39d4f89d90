"""What a map shows, decided without a web server (the web layer only renders it).

A map is fully described by its query parameters (indicator — or dataset, column and
version — level, year, compare, change, scheme, k, palette, lang, basemap), so a page, its
embed and its downloads share one description and a URL reproduces exactly what was seen.

With ``compare=<year>`` a choropleth becomes a change view: the change of the indicator
from ``compare`` to ``year`` (``change=percent`` or ``absolute``), classified around 0 with a
ColorBrewer diverging palette.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import urlencode

import numpy as np

from geo.analysis.classify import (
    DEFAULT_DIVERGING_PALETTE,
    DEFAULT_K,
    DEFAULT_PALETTE,
    DEFAULT_SCHEME,
    DIVERGING_PALETTES,
    PALETTES,
    Classification,
    check_diverging_palette,
    check_k,
    check_palette,
    check_scheme,
    classify,
    classify_diverging,
)
from geo.analysis.colour import missing_color
from geo.errors import BadParameter
from geo.i18n import DEFAULT_LANG, check_lang, text
from geo.levels import check_level
from geo.maps.basemaps import DEFAULT_BASEMAP, Basemap, check_basemap
from geo.maps.labels import DEFAULT_LABEL_MODE, check_label_mode, web_label_options
from geo.maps.points import PointLayer, parse_points, points_options, points_param

# format_value and friends are read from here by many modules (geo.maps.value_format)
from geo.maps.value_format import CHANGE_MODES, format_change, format_value  # noqa: F401
from geo.sources.catalog import Indicator, check_indicator_level
from geo.sources.indicator_sources import IndicatorSource, default_level, source_from_params
from geo.sources.indicators import bundled_indicator as get_indicator
from geo.sources.indicators import resolve_bundled as resolve_indicator
from geo.sources.regions import regular_adcodes
from geo.sources.zones import CorridorAnalysis, corridor_analysis, parse_band_km


def change_label(year: int, compare: int, lang: str) -> str:
    """The legend's change heading, e.g. 'change 2010→2020'."""
    return text("change_label", lang).format(start=compare, end=year)


class _MapQuery:
    """URL parameters that fully describe a map (shared by a page, its embed, its links)."""

    def _query_params(self) -> dict[str, str]:
        raise NotImplementedError

    def query(self, **overrides) -> dict[str, str]:
        """Canonical query parameters describing this map (optionally changed)."""
        params = self._query_params()
        params.update({k: str(v) for k, v in overrides.items()})
        return params

    def query_string(self, **overrides) -> str:
        return urlencode(self.query(**overrides))


@dataclass
class LegendEntry:
    label: str
    color: str
    count: int
    missing: bool = False


@dataclass
class ChoroplethSpec(_MapQuery):
    #: What the map shows: a bundled Indicator or a published DatasetColumn (one interface).
    indicator: IndicatorSource
    level: str
    scheme: str
    k: int
    palette: str
    lang: str
    basemap: Basemap
    classification: Classification | None
    legend: list[LegendEntry]
    units_total: int
    units_with_value: int
    #: The year shown (None for indicators that do not vary by year).
    year: int | None = None
    #: The earlier year of a change view (None: a plain map of ``year``).
    compare: int | None = None
    #: ``percent`` or ``absolute`` (change views only).
    change: str = "percent"
    #: What the units are labelled with: ``names``, ``values``, ``both`` or ``none``.
    labels: str = DEFAULT_LABEL_MODE
    #: Facility point layers drawn over the areas (``points=``).
    points: list[PointLayer] = field(default_factory=list)

    def _query_params(self) -> dict[str, str]:
        params = {
            **self.indicator.query_params(),
            "level": self.level,
            "scheme": self.scheme,
            "k": str(self.k),
            "palette": self.palette,
            "lang": self.lang,
            "basemap": self.basemap.id,
        }
        params.update(self._time_params())
        # Only when not the default, so existing map URLs stay canonical.
        if self.labels != DEFAULT_LABEL_MODE:
            params["labels"] = self.labels
        if self.points:
            params["points"] = points_param(self.points)
        return params

    @property
    def classes_drawn(self) -> int:
        """How many classes the map draws (fewer than ``k`` when few units have values)."""
        return len(self.classification.colors) if self.classification else 0

    @property
    def classes_note(self) -> str | None:
        """'5 classes asked, 2 drawn: only 2 units have values' when fewer are drawn."""
        drawn = self.classes_drawn
        if drawn >= self.k:
            return None
        key = "i16_classes_note" if self.units_with_value < self.k else "i16_classes_note_ties"
        return text(key, self.lang).format(k=self.k, drawn=drawn, n=self.units_with_value)

    @property
    def classes_reason(self) -> str | None:
        """Why there are fewer classes than asked, in a planner's words, for prints and
        embeds ("Only 2 units have data, so the map has 2 classes"); None when all are
        drawn. The map page's :attr:`classes_note` also says how many were asked."""
        drawn = self.classes_drawn
        if drawn >= self.k:
            return None
        key = "print_classes_note" if self.units_with_value < self.k else "print_classes_note_ties"
        return text(key, self.lang).format(drawn=drawn, n=self.units_with_value)

    def _time_params(self) -> dict[str, str]:
        if len(self.indicator.all_years) < 2 or self.year is None:
            return {}
        params = {"year": str(self.year)}
        if self.compare is not None:
            params.update(compare=str(self.compare), change=self.change)
        return params

    @property
    def title(self) -> str:
        return self.indicator.title(self.lang)

    @property
    def heading(self) -> str:
        """The title a print or embed carries: a change map says it is one
        ("常住人口变化 2010→2020", "Change in Resident population, 2010→2020")."""
        if self.compare is None:
            return self.title
        return text("change_title", self.lang).format(
            title=self.title, start=self.compare, end=self.year
        )

    @property
    def unit(self) -> str:
        if self.compare is not None and self.change == "percent":
            return "%"
        return self.indicator.unit_label(self.lang)

    @property
    def legend_title(self) -> str:
        """The legend heading: the title, with the year or 'change 2010→2020'."""
        if self.compare is not None:
            return f"{self.title} · {change_label(self.year, self.compare, self.lang)}"
        if self.year is not None and str(self.year) not in self.title:
            return f"{self.title} ({self.year})"
        return self.title

    @property
    def property_name(self) -> str:
        """The data property the map colours by (see :meth:`data_query`)."""
        if self.compare is None:
            return self.indicator.id
        return f"{self.indicator.id}_change" + ("_pct" if self.change == "percent" else "")

    @property
    def missing_color(self) -> str:
        """The "no data" grey, differing in lightness from every class (geo.analysis.colour)."""
        return missing_color(self.classification.colors if self.classification else [])

    def map_values(self):
        """adcode → the value the map colours by: the year's values, or the change from
        ``compare`` (percent or absolute). Units without a value are absent."""
        if self.compare is None:
            return self.indicator.values(self.level, self.year)["value"]
        column = "change_pct" if self.change == "percent" else "change"
        changes = self.indicator.change(self.level, self.year, self.compare)
        return changes[column].dropna()

    def format_map_value(self, value: float | None) -> str:
        """A value of :meth:`map_values` as shown next to :attr:`unit` (signed for changes)."""
        if self.compare is None or value is None or np.isnan(value):
            return format_value(value, self.indicator, self.lang)
        if self.change == "percent":
            return f"{value:+,.1f}"
        return format_change(value, self.change, self.indicator, self.lang)

    def data_query(self) -> dict[str, str]:
        """Query for the download endpoints serving this map's data."""
        query = {"level": self.level, **self.indicator.data_params()}
        time = self._time_params()
        time.pop("change", None)
        query.update(time)
        return query

    def layer_options(self, data_url: str) -> dict:
        """Options for the browser-side layer (static/atlas.js ``JJJAtlas.regions``)."""
        c = self.classification
        options = {
            "url": data_url,
            "format": "topojson",
            "object": "regions",
            "property": self.property_name,
            "bins": c.bins if c else [],
            "colors": c.colors if c else [],
            "missingColor": self.missing_color,
            "decimals": self.indicator.decimals,
            "unit": self.unit,
            "lang": self.lang,
            "noData": text("no_data", self.lang),
            "valueLabel": self.title,
            "shiftToGcj02": self.basemap.datum == "GCJ02",
            "className": "jjj-region",
            "specialLabel": text("special_area", self.lang),
            # Keyboard focus announces the class as the legend and data table name it.
            "classWord": text("class", self.lang),
            "classLabels": [e.label for e in self.legend if not e.missing],
            # Place names (geo.maps.labels), computed once per level and shipped here.
            "labelMode": self.labels,
            "labelPoints": web_label_options(self.level, self.lang),
            "collide": self.level == "county",
        }
        if self.points:
            options["points"] = points_options(self.points, self.lang)
        if self.compare is None and getattr(self.indicator, "kind", None) == "indicator":
            # Values kept as printed but doubtful carry a note (geo.sources.flags), shown
            # under the value in the tooltip, in the page's language.
            options["flagNoteProperty"] = f"{self.indicator.id}_flag_note" + (
                "_zh" if self.lang == "zh" else ""
            )
        if self.compare is not None:
            ind = self.indicator
            options["decimals"] = 1 if self.change == "percent" else ind.decimals
            options["valueLabel"] = change_label(self.year, self.compare, self.lang)
            options["signed"] = True
            # Units whose change is not comparable carry why, in the page's language
            # (geo.sources.comparability): the tooltip shows it in place of a change.
            options["changeNoteProperty"] = f"{ind.id}_change_note" + (
                "_zh" if self.lang == "zh" else ""
            )
            # Tooltips show both years and both measures of change.
            options["extra"] = [
                {
                    "property": ind.id,
                    "label": str(self.year),
                    "unit": ind.unit_label(self.lang),
                    "decimals": ind.decimals,
                },
                {
                    "property": f"{ind.id}_{self.compare}",
                    "label": str(self.compare),
                    "unit": ind.unit_label(self.lang),
                    "decimals": ind.decimals,
                },
                {
                    "property": f"{ind.id}_change",
                    "label": text("change_absolute", self.lang),
                    "unit": ind.unit_label(self.lang),
                    "decimals": ind.decimals,
                    "signed": True,
                },
                {
                    "property": f"{ind.id}_change_pct",
                    "label": text("change_percent", self.lang),
                    "unit": "%",
                    "decimals": 1,
                    "signed": True,
                },
            ]
        return options


def _legend(
    c: Classification | None, indicator: IndicatorSource, lang: str, missing: int, fmt=None
):
    fmt = fmt or (lambda value: format_value(value, indicator, lang))
    entries = []
    if c is not None:
        lower = c.minimum
        for i, (upper, color, count) in enumerate(zip(c.bins, c.colors, c.counts)):
            if c.lowers is not None:
                lower = c.lowers[i]
            low = fmt(lower)
            high = fmt(upper)
            first = i == 0 or c.lowers is not None
            label = high if (first and lower == upper) else f"{low} – {high}"
            entries.append(LegendEntry(label, color, count))
            lower = upper
    no_data = missing_color(c.colors if c else [])
    entries.append(LegendEntry(text("no_data", lang), no_data, missing, missing=True))
    return entries


def choropleth_spec(
    params: Mapping[str, str],
    config: Mapping | None = None,
    source: IndicatorSource | None = None,
) -> ChoroplethSpec:
    """Validate map parameters and decide classes, colours and legend.

    ``indicator`` (a bundled indicator) or ``dataset`` + ``column`` [+ ``v``] (a published
    dataset, read from ``config["DATABASE_URL"]``) is required; every other parameter has a
    default. Raises :class:`~geo.errors.UnknownItem` (unknown indicator or dataset),
    :class:`~geo.errors.DatasetGone` (deleted dataset) or :class:`~geo.errors.BadParameter`
    (anything else invalid), naming the valid values. ``source`` overrides what the
    parameters name (the preview of an upload that is not published yet).
    """
    config = config or {}
    alias_year = None
    if source is not None:
        indicator = source
    elif params.get("dataset"):
        indicator = source_from_params(params, config)
    else:
        if not params.get("indicator"):
            raise BadParameter(
                "indicator",
                "",
                "an indicator id (see /api/indicators), or dataset=ID&column=NAME "
                "(see /api/datasets)",
            )
        indicator, alias_year = resolve_indicator(params["indicator"])
    raw_year = params.get("year") or alias_year
    if alias_year is not None and params.get("year") and str(params["year"]) != str(alias_year):
        raise BadParameter(
            "year", params["year"], [alias_year], reason=f"{params['indicator']} names one year"
        )
    year, compare = indicator.check_years(raw_year, params.get("compare"))
    years = (year, compare) if compare is not None else (year,)
    level = check_level(params.get("level") or default_level(indicator, years))
    check_indicator_level(indicator, level)
    change = params.get("change") or CHANGE_MODES[0]
    if change not in CHANGE_MODES:
        raise BadParameter("change", change, CHANGE_MODES)
    scheme = check_scheme(params.get("scheme") or DEFAULT_SCHEME)
    k = check_k(params.get("k") or DEFAULT_K)
    # The view picks the palette family: a sequential palette carried over to a change view
    # (the page's form sends both) becomes the diverging default, and the other way round.
    palette = params.get("palette") or None
    if compare is None:
        if palette in DIVERGING_PALETTES:
            palette = None
        palette = check_palette(palette or DEFAULT_PALETTE)
    else:
        if palette in PALETTES:
            palette = None
        palette = check_diverging_palette(palette or DEFAULT_DIVERGING_PALETTE)
    lang = check_lang(params.get("lang") or DEFAULT_LANG)
    basemap = check_basemap(params.get("basemap") or DEFAULT_BASEMAP, config)

    units = regular_adcodes(level)
    fmt = None
    if compare is None:
        values = indicator.values(level, year)
        regular = values[values.index.isin(units)]["value"]
        classification = classify(regular.to_numpy(), scheme, k, palette)
    else:
        changes = indicator.change(level, year, compare)
        column = "change_pct" if change == "percent" else "change"
        regular = changes[changes.index.isin(units)][column].dropna()
        classification = classify_diverging(regular.to_numpy(), scheme, k, palette)

        def fmt(value):
            return format_change(value, change, indicator, lang)

    missing = len(units) - len(regular)
    labels = check_label_mode(params.get("labels"))
    # points=a,b or points=a&points=b (the page's checkboxes send one value each).
    raw_points = params.getlist("points") if hasattr(params, "getlist") else [params.get("points")]
    points = parse_points(",".join(p for p in raw_points if p), config)
    return ChoroplethSpec(
        indicator=indicator,
        level=level,
        scheme=scheme,
        k=k,
        palette=palette,
        lang=lang,
        basemap=basemap,
        classification=classification,
        legend=_legend(classification, indicator, lang, missing, fmt),
        units_total=len(units),
        units_with_value=len(regular),
        year=year,
        compare=compare,
        change=change,
        labels=labels,
        points=points,
    )


@dataclass
class CorridorSpec(_MapQuery):
    analysis: CorridorAnalysis
    lang: str
    basemap: Basemap

    @property
    def zone(self):
        return self.analysis.zone

    def _query_params(self) -> dict[str, str]:
        return {
            "band_km": f"{self.analysis.band_km:g}",
            "lang": self.lang,
            "basemap": self.basemap.id,
        }

    def member_rows(self) -> list[dict]:
        """Members with formatted indicator values, for the side-by-side table."""
        headers = self.indicator_headers()
        return [
            {
                "record": record,
                "cells": [format_value(record[i.id], i, self.lang) for i in headers],
            }
            for record in self.analysis.members.to_dict("records")
        ]

    def member_table(self):
        """Indicators as rows, members as columns (:mod:`geo.maps.member_table`)."""
        from geo.maps.member_table import member_table

        return member_table(self)

    def member_names(self) -> list[str]:
        """The zone's member units by name, in the page's language."""
        return [_unit_name(adcode, self.lang) for adcode, _ in self.zone.members]

    def line_names(self) -> list[str]:
        """The places the corridor line runs through, in order (names, not adcodes)."""
        return [_unit_name(adcode, self.lang) for adcode in self.zone.line]

    def label_points(self) -> list[list]:
        """Place names of the map: members first, then the prefecture-level context units
        (``[adcode, lon, lat, name]`` in rank order, see
        :func:`geo.maps.labels.web_label_options`)."""
        rows, seen = [], set()
        for adcode, level in self.zone.members:
            for row in web_label_options(level, self.lang):
                if row[0] == adcode:
                    rows.append(row)
                    seen.add(adcode)
        for row in web_label_options("prefecture", self.lang):
            if row[0] not in seen:
                rows.append(row)
        return rows

    def indicator_headers(self) -> list[Indicator]:
        return [get_indicator(i) for i in self.analysis.member_indicators]

    def layer_options(self, data_url: str) -> dict:
        """Options for the browser-side corridor layer (static/atlas.js ``JJJAtlas.corridor``)."""
        return {
            "url": data_url,
            "shiftToGcj02": self.basemap.datum == "GCJ02",
            "lang": self.lang,
            "labelPoints": self.label_points(),
            "lineText": text("i16_corridor_line_between", self.lang).format(
                places=" → ".join(self.line_names())
            ),
            "labels": {
                k: text(k, self.lang)
                for k in (
                    "hospital",
                    "park",
                    "base",
                    "distance_km",
                    "corridor_line",
                    "band",
                    "approximate",
                    "grade",
                    "datum_check",
                    "fudan-top100",
                    "hebei-provincial-leading",
                    "grade-3a",
                    "national-high-tech-zone",
                    "cooperation-park",
                    "national-base",
                    "三级甲等",
                    "members",
                    "in_member_outside_band",
                )
            },
        }


def corridor_spec(
    zone_id: str, params: Mapping[str, str], config: Mapping | None = None
) -> CorridorSpec:
    """Validate corridor-map parameters and run the corridor analysis."""
    config = config or {}
    band_km = parse_band_km(params.get("band_km"))
    lang = check_lang(params.get("lang") or DEFAULT_LANG)
    basemap = check_basemap(params.get("basemap") or DEFAULT_BASEMAP, config)
    return CorridorSpec(corridor_analysis(zone_id, band_km), lang, basemap)


def year_choices(indicator: IndicatorSource, level: str) -> list[dict]:
    """The years a map of ``indicator`` at ``level`` can show, newest first: each with
    ``level`` None when it has values at this level, else the finest level that has values
    for it (the page offers it there, with a note, never as an all-grey map)."""
    from geo.levels import LEVELS

    # Runs of years with one definition (bundled indicators with breaks): a change only
    # compares years of the same run.
    runs = indicator.segments() if hasattr(indicator, "segments") else [indicator.all_years]
    segment = {year: i for i, run in enumerate(runs) for year in run}
    choices = []
    for year in reversed(indicator.all_years):
        if not indicator.values(level, year)["value"].dropna().empty:
            choices.append({"year": year, "level": None, "segment": segment.get(year, 0)})
            continue
        others = [
            lv
            for lv in reversed(LEVELS)
            if lv in indicator.levels
            and lv != level
            and not indicator.values(lv, year)["value"].dropna().empty
        ]
        if others:
            choices.append({"year": year, "level": others[0], "segment": segment.get(year, 0)})
    return choices


def palette_swatches(k: int, diverging: bool = False) -> dict[str, str]:
    """The colours of each palette of one family at ``k`` classes, as the page shows them
    next to the palette choice: ``{"YlGnBu": "ffffcc a1dab4 …"}`` (hex without ``#``)."""
    from branca.utilities import color_brewer

    n = max(3, k)
    names = DIVERGING_PALETTES if diverging else PALETTES
    return {p: " ".join(c.lower().lstrip("#") for c in color_brewer(p, n)[:n]) for p in names}


def _unit_name(adcode: str, lang: str) -> str:
    from geo.sources.zones import _all_units

    row = _all_units().loc[adcode]
    return row["name_zh"] if lang == "zh" else row["name_en"]
