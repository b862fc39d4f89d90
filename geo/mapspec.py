"""What a map shows, decided without a web server (the web layer only renders it).

A map is fully described by its query parameters (indicator, level, scheme, k, palette,
lang, basemap), so a page, its embed and its downloads share one description and a URL
reproduces exactly what was seen.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlencode

import numpy as np

from .basemaps import DEFAULT_BASEMAP, Basemap, check_basemap
from .catalog import Indicator, check_indicator_level, get_indicator
from .classify import (
    DEFAULT_K,
    DEFAULT_PALETTE,
    DEFAULT_SCHEME,
    Classification,
    check_k,
    check_palette,
    check_scheme,
    classify,
)
from .colour import missing_color
from .errors import BadParameter
from .i18n import DEFAULT_LANG, check_lang, text
from .indicators import indicator_values
from .levels import LEVELS, check_level
from .regions import regions
from .zones import CorridorAnalysis, corridor_analysis, parse_band_km


def format_value(value: float | None, indicator: Indicator, lang: str = "en") -> str:
    """A value as shown to people: grouped digits, the catalog's decimals, or 'no data'."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return text("no_data", lang)
    decimals = indicator.decimals
    if decimals is None:
        decimals = 0 if float(value).is_integer() else 1
    return f"{value:,.{decimals}f}"


def default_level(indicator: Indicator) -> str:
    """The finest level the indicator exists at."""
    return [lv for lv in LEVELS if lv in indicator.levels][-1]


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
    indicator: Indicator
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

    def _query_params(self) -> dict[str, str]:
        return {
            "indicator": self.indicator.id,
            "level": self.level,
            "scheme": self.scheme,
            "k": str(self.k),
            "palette": self.palette,
            "lang": self.lang,
            "basemap": self.basemap.id,
        }

    @property
    def title(self) -> str:
        return self.indicator.title(self.lang)

    @property
    def unit(self) -> str:
        return self.indicator.unit_label(self.lang)

    @property
    def missing_color(self) -> str:
        """The "no data" grey, differing in lightness from every class (geo.colour)."""
        return missing_color(self.classification.colors if self.classification else [])

    def data_query(self) -> dict[str, str]:
        """Query for the download endpoints serving this map's data."""
        return {"level": self.level, "indicators": self.indicator.id}

    def layer_options(self, data_url: str) -> dict:
        """Options for the browser-side layer (static/atlas.js ``JJJAtlas.regions``)."""
        c = self.classification
        return {
            "url": data_url,
            "format": "topojson",
            "object": "regions",
            "property": self.indicator.id,
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
        }


def _legend(c: Classification | None, indicator: Indicator, lang: str, missing: int):
    entries = []
    if c is not None:
        lower = c.minimum
        for i, (upper, color, count) in enumerate(zip(c.bins, c.colors, c.counts)):
            low = format_value(lower, indicator, lang)
            high = format_value(upper, indicator, lang)
            label = high if (i == 0 and lower == upper) else f"{low} – {high}"
            entries.append(LegendEntry(label, color, count))
            lower = upper
    no_data = missing_color(c.colors if c else [])
    entries.append(LegendEntry(text("no_data", lang), no_data, missing, missing=True))
    return entries


def choropleth_spec(params: Mapping[str, str], config: Mapping | None = None) -> ChoroplethSpec:
    """Validate map parameters and decide classes, colours and legend.

    ``indicator`` is required; every other parameter has a default. Raises
    :class:`~geo.errors.UnknownItem` (unknown indicator) or
    :class:`~geo.errors.BadParameter` (anything else invalid), naming the valid values.
    """
    config = config or {}
    if not params.get("indicator"):
        raise BadParameter("indicator", "", "an indicator id (see /api/indicators)")
    indicator = get_indicator(params["indicator"])
    level = check_level(params.get("level") or default_level(indicator))
    check_indicator_level(indicator, level)
    scheme = check_scheme(params.get("scheme") or DEFAULT_SCHEME)
    k = check_k(params.get("k") or DEFAULT_K)
    palette = check_palette(params.get("palette") or DEFAULT_PALETTE)
    lang = check_lang(params.get("lang") or DEFAULT_LANG)
    basemap = check_basemap(params.get("basemap") or DEFAULT_BASEMAP, config)

    units = regions(level, include_special=False)
    values = indicator_values(indicator.id, level)
    regular = values[values.index.isin(units["adcode"])]
    classification = classify(regular["value"].to_numpy(), scheme, k, palette)
    missing = len(units) - len(regular)
    return ChoroplethSpec(
        indicator=indicator,
        level=level,
        scheme=scheme,
        k=k,
        palette=palette,
        lang=lang,
        basemap=basemap,
        classification=classification,
        legend=_legend(classification, indicator, lang, missing),
        units_total=len(units),
        units_with_value=len(regular),
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

    def indicator_headers(self) -> list[Indicator]:
        return [get_indicator(i) for i in self.analysis.member_indicators]

    def layer_options(self, data_url: str) -> dict:
        """Options for the browser-side corridor layer (static/atlas.js ``JJJAtlas.corridor``)."""
        return {
            "url": data_url,
            "shiftToGcj02": self.basemap.datum == "GCJ02",
            "lang": self.lang,
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
