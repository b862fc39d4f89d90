"""The values a statistical analysis reads: one indicator (or dataset column), one level, one
year, the level's regular units.

Shared by :mod:`geo.analysis.inequality` and :mod:`geo.analysis.autocorrelation`, so both read
every bundled indicator and every published dataset column the same way (through
:class:`geo.sources.indicator_sources.IndicatorSource`), and both leave out the same units:

- overlay units (Xiong'an New Area at prefecture level: its three counties are still
  Baoding's, so counting it would count them twice), named in ``left_out``;
- units without a value, counted in ``missing``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from geo.errors import BadParameter
from geo.levels import SPECIAL_UNITS, check_level
from geo.sources.catalog import check_indicator_level
from geo.sources.indicator_sources import IndicatorSource, default_level, source_from_params
from geo.sources.indicators import resolve_bundled as resolve_indicator
from geo.sources.regions import regions


@dataclass(frozen=True)
class AnalysisValues:
    """One source's values on one level's regular units.

    Attributes
    ----------
    source : IndicatorSource
        The bundled indicator or dataset column.
    level : str
    year : int or None
        The year read (None for indicators without years).
    units : pandas.DataFrame
        Every regular unit of the level (overlay units excluded), indexed by ``adcode`` in
        adcode order: ``name_zh``, ``name_en``, ``parent_adcode``.
    values : pandas.Series
        adcode → value (float) for the units that have a finite value, in adcode order.
    left_out : list of dict
        Overlay units left out of every statistic (``adcode``, names, ``reason``).
    """

    source: IndicatorSource
    level: str
    year: int | None
    units: pd.DataFrame
    values: pd.Series
    left_out: list[dict] = field(default_factory=list)

    @property
    def missing(self) -> list[str]:
        """Adcodes of regular units without a value (left out, counted)."""
        return [a for a in self.units.index if a not in self.values.index]

    def unit_dict(self, adcode: str) -> dict:
        row = self.units.loc[adcode]
        return {"adcode": adcode, "name_zh": row["name_zh"], "name_en": row["name_en"]}

    def name(self, adcode: str, lang: str) -> str:
        return str(self.units.loc[adcode, "name_zh" if lang == "zh" else "name_en"])

    def query(self) -> dict[str, str]:
        """URL parameters naming these values (source, level, year)."""
        params = {**self.source.query_params(), "level": self.level}
        if self.year is not None and len(self.source.all_years) > 1:
            params["year"] = str(self.year)
        return params

    def source_dict(self, lang: str = "en") -> dict:
        return {
            "kind": self.source.kind,
            **self.source.query_params(),
            "title": self.source.title(lang),
            "unit": self.source.unit_label(lang),
        }


def left_out_units(level: str) -> list[dict]:
    """The overlay units of ``level`` and why they are left out of statistics."""
    frame = regions(level)
    out = []
    for unit in SPECIAL_UNITS:
        if unit.level != level:
            continue
        row = frame[frame["adcode"] == unit.adcode].iloc[0]
        host = unit.members[0][:4] + "00"
        host_name = frame.loc[frame["adcode"] == host, "name_en"].iloc[0]
        out.append(
            {
                "adcode": unit.adcode,
                "name_zh": row["name_zh"],
                "name_en": row["name_en"],
                "counted_in": host,
                "reason": "overlay unit: its counties "
                + ", ".join(unit.members)
                + f" are also counted in {host} ({host_name}); "
                "counting it would count them twice",
            }
        )
    return out


def resolve_source(params: Mapping[str, str], config: Mapping | None = None):
    """(source, year from an alias) for ``indicator=`` (aliases allowed) or ``dataset=``."""
    if params.get("dataset") or not params.get("indicator"):
        return source_from_params(params, config), None
    return resolve_indicator(params["indicator"])


def analysis_values(params: Mapping[str, str], config: Mapping | None = None) -> AnalysisValues:
    """Read ``indicator=`` (or ``dataset=&column=[&v=]``), ``level=`` and ``year=``.

    Parameters
    ----------
    params : mapping
        Query parameters. ``level`` defaults to the finest level the source has values at;
        ``year`` to its latest year.
    config : mapping, optional
        The app configuration (``DATABASE_URL`` for datasets).

    Returns
    -------
    AnalysisValues

    Raises
    ------
    BadParameter
        Unknown level, a level or year the source has no values for (names the valid ones).
    UnknownItem
        Unknown indicator or dataset.
    """
    source, alias_year = resolve_source(params, config)
    raw_year = params.get("year") or alias_year
    year, _ = source.check_years(raw_year, None)
    level = check_level(params.get("level") or default_level(source, (year,)))
    check_indicator_level(source, level)
    units = regions(level, include_special=False)[["adcode", "name_zh", "name_en", "parent_adcode"]]
    units = units.sort_values("adcode").set_index("adcode")
    raw = source.values(level, year)["value"]
    numbers = pd.to_numeric(raw, errors="coerce").astype(float)
    numbers = numbers[numbers.index.isin(units.index) & np.isfinite(numbers.to_numpy())]
    numbers = numbers.sort_index()
    return AnalysisValues(
        source=source,
        level=level,
        year=year,
        units=units,
        values=numbers,
        left_out=left_out_units(level),
    )


def check_enough(data: AnalysisValues, minimum: int, what: str) -> None:
    """BadParameter naming ``level`` when fewer than ``minimum`` units have a value."""
    if len(data.values) < minimum:
        raise BadParameter(
            "level",
            data.level,
            [lv for lv in data.source.levels if lv != data.level] or data.source.levels,
            reason=f"{what} needs at least {minimum} units with a value; "
            f"{len(data.values)} of {len(data.units)} have one",
        )
