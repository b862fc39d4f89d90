"""What the accessibility and siting maps show: one view model for page, embed and export.

The measure the map colours (``method=``), its classes and colours, legend entries, data
table rows, title, subtitle and source line are decided here, from the analysis answer
(:func:`geo.analysis.access.accessibility`, :func:`geo.analysis.siting.siting`), so the
web page and the static export show the same classes and colours and never compute
anything a second time.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from geo.analysis.access import MEASURE_COLUMNS
from geo.analysis.classify import classify
from geo.analysis.colour import missing_color
from geo.analysis.supply import POPULATION_YEAR, Supply
from geo.i18n import text
from geo.maps.mapspec import LegendEntry
from geo.maps.points import PointFeature, PointLayer
from geo.sources.catalog import get_indicator

#: Classes of the access map (quantiles of the counties' values).
ACCESS_K = 5
#: Distance maps: darker is farther; supply maps: darker is more supply.
PALETTE = {"nearest": "YlOrRd", "2sfca": "YlGnBu", "e2sfca": "YlGnBu", "reachable": "YlGnBu"}
#: Counties with no site within the catchment (a supply measure of exactly 0).
ZERO_COLOR = "#f4f1ea"
#: Siting map: county status colours and the chosen sites' colour.
STATUS_COLORS = {"newly_covered": "#e6550d", "covered": "#9ecae1", "not_covered": "#f0f0f0"}
CHOSEN_COLOR = "#31a354"


def _decimals(values: np.ndarray, measure: str) -> int:
    """Enough decimals for about three significant digits of the largest value."""
    if measure == "nearest":
        return 1
    positive = values[values > 0]
    if not positive.size:
        return 0
    return int(min(6, max(0, 2 - math.floor(math.log10(float(positive.max()))))))


def measure_label(measure: str, lang: str) -> str:
    return text(f"acc_{measure}", lang)


def measure_unit(measure: str, lang: str) -> str:
    return text("acc_unit_km" if measure == "nearest" else "acc_unit_per10k", lang)


def source_line(supply: Supply, lang: str) -> str:
    """Where the demand and the supply come from, in ``lang``."""
    population = get_indicator("population").source_text(lang)
    if supply.kind == "dataset":
        layer = f"{supply.title(lang)} ({supply.token})"
    else:
        layer = (
            f"{text(supply.token, lang)}: 图集设施图层 data/facilities"
            "（各设施出处见 /download/facilities.csv）"
            if lang == "zh"
            else f"{text(supply.token, lang)}: atlas facility layer data/facilities (each "
            "site's source in /download/facilities.csv)"
        )
    lead = "人口" if lang == "zh" else "Residents"
    sites = "设施" if lang == "zh" else "Sites"
    return f"{lead}: {population} · {sites}: {layer}"


@dataclass
class AccessView:
    lang: str
    params: dict
    supply: Supply
    result: dict
    measure: str
    values: dict[str, float]
    decimals: int
    bins: list[float]
    colors: list[str]
    legend: list[LegendEntry]
    rows: list[dict] = field(default_factory=list)

    @property
    def title(self) -> str:
        return f"{text('acc_title', self.lang)} · {facility_name(self.supply, self.lang)}"

    @property
    def subtitle(self) -> str:
        p, lang = self.params, self.lang
        parts = [
            measure_label(self.measure, lang),
            f"{text('acc_catchment', lang)} {p['catchment_km']:g}",
            f"{text('acc_threshold', lang)} {p['threshold_km']:g}",
            f"{text('county', lang)} · {POPULATION_YEAR}",
        ]
        return " · ".join(parts)

    @property
    def unit(self) -> str:
        return measure_unit(self.measure, self.lang)

    @property
    def source(self) -> str:
        return source_line(self.supply, self.lang)

    def fmt(self, value: float | None) -> str:
        if value is None or (isinstance(value, float) and math.isnan(value)):
            return text("no_data", self.lang)
        return f"{value:,.{self.decimals}f}"

    def color_of(self, value: float | None) -> str:
        if value is None or (isinstance(value, float) and math.isnan(value)):
            return missing_color(self.colors)
        if self.measure != "nearest" and value == 0:
            return ZERO_COLOR
        i = int(np.searchsorted(self.bins, value, side="left").clip(0, len(self.bins) - 1))
        return self.colors[i]

    @property
    def web_bins(self) -> list[float]:
        """Class upper bounds as the web map reads them (``0`` first on supply maps: the
        counties with no site within the catchment)."""
        return self.bins if self.measure == "nearest" else [0.0, *self.bins]

    @property
    def web_colors(self) -> list[str]:
        return self.colors if self.measure == "nearest" else [ZERO_COLOR, *self.colors]

    def site_layer(self) -> PointLayer:
        """The supply sites as a point layer (what the web map and the export draw)."""
        features = [
            PointFeature(
                id=s["id"],
                name_zh=s["name_zh"],
                name_en=s["name_en"],
                category="hospital" if self.supply.kind != "dataset" else "",
                tier=self.supply.token if self.supply.kind == "tier" else "",
                grade="",
                lon=s["lon"],
                lat=s["lat"],
                county_adcode="",
                location_precision="site",
                source=self.supply.title("en"),
                source_zh=self.supply.title("zh"),
            )
            for s in self.result["sites"]
        ]
        return PointLayer(self.supply.token, "tier", self.supply.color, features)


def facility_name(supply: Supply, lang: str) -> str:
    return supply.title(lang) if supply.kind == "dataset" else text(supply.token, lang)


def access_view(params: dict, supply: Supply, result: dict, frame: pd.DataFrame, lang: str):
    """The map of ``result`` in ``lang`` (see the module docstring)."""
    measure = params["method"]
    column = MEASURE_COLUMNS[measure]
    series = frame[column].astype(float)
    values = series.to_numpy()
    decimals = _decimals(values[~np.isnan(values)], measure)
    classed = values if measure == "nearest" else values[values > 0]
    c = classify(list(classed), "quantiles", ACCESS_K, PALETTE[measure])
    bins = c.bins if c else []
    colors = c.colors if c else []
    legend = []
    view = AccessView(lang, params, supply, result, measure, {}, decimals, bins, colors, legend)
    if measure != "nearest":
        zeros = int((values == 0).sum())
        label = (
            f"0（{params['catchment_km']:g} 千米内无设施）"
            if lang == "zh"
            else f"0 (no site within {params['catchment_km']:g} km)"
        )
        legend.append(LegendEntry(label, ZERO_COLOR, zeros))
    if c is not None:
        lower = c.minimum
        for upper, color, count in zip(c.bins, c.colors, c.counts):
            label = view.fmt(upper) if lower == upper else f"{view.fmt(lower)} – {view.fmt(upper)}"
            legend.append(LegendEntry(label, color, count))
            lower = upper
    missing = int(np.isnan(values).sum())
    if missing:
        legend.append(LegendEntry(text("no_data", lang), missing_color(colors), missing, True))
    view.values = {
        adcode: (None if np.isnan(v) else float(v)) for adcode, v in zip(frame.index, values)
    }
    name = "name_zh" if lang == "zh" else "name_en"
    nearest = "nearest_zh" if lang == "zh" else "nearest_en"
    view.rows = [
        {
            "adcode": adcode,
            "name": row[name],
            "prefecture": row[f"prefecture_{'zh' if lang == 'zh' else 'en'}"],
            "population": int(row["population"]),
            "nearest_km": row["nearest_km"],
            "nearest_site": row[nearest],
            "value": view.values[adcode],
            "display": view.fmt(view.values[adcode]),
            "color": view.color_of(view.values[adcode]),
            "beyond": bool(row["beyond"]),
        }
        for adcode, row in frame.iterrows()
    ]
    return view


def siting_layers(supply: Supply, result: dict) -> list[PointLayer]:
    """Existing sites and chosen new sites as point layers (web map and legend)."""
    existing = [
        PointFeature(
            id=s["id"],
            name_zh=s["name_zh"],
            name_en=s["name_en"],
            category="hospital",
            tier=supply.token if supply.kind == "tier" else "",
            grade="",
            lon=s["lon"],
            lat=s["lat"],
            county_adcode="",
            location_precision="site",
            source=supply.title("en"),
            source_zh=supply.title("zh"),
        )
        for s in result["existing_sites"]
    ]
    chosen = [
        PointFeature(
            id=s["id"],
            name_zh=s["name_zh"],
            name_en=s["name_en"],
            category="",
            tier="",
            grade="",
            lon=s["lon"],
            lat=s["lat"],
            county_adcode="",
            location_precision="site",
            source=f"chosen by {result['method']['model']}",
            source_zh=f"{result['method']['model']} 选出",
        )
        for s in result["chosen_sites"]
    ]
    return [
        _Titled(supply.token, "tier", supply.color, existing, titles=_titles("acc_existing")),
        _Titled("chosen", "tier", CHOSEN_COLOR, chosen, titles=_titles("acc_chosen")),
    ]


def _titles(key: str) -> dict[str, str]:
    return {"zh": text(key, "zh"), "en": text(key, "en")}


@dataclass
class _Titled(PointLayer):
    titles: dict[str, str] = field(default_factory=dict)

    def title(self, lang: str) -> str:
        return self.titles.get(lang, self.token)
