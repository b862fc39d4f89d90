"""Indicator sources: what a choropleth, a download or an export can show.

A bundled indicator (:class:`geo.sources.catalog.Indicator`) and a column of a published dataset
(:class:`geo.sources.datasets.DatasetColumn`) both satisfy :class:`IndicatorSource`, so the map
spec, the classification, the exports and the downloads take either through one interface.
:func:`source_from_params` and :func:`regions_request` read which one a URL names.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

import pandas as pd

from geo.errors import BadParameter
from geo.levels import LEVELS, check_level
from geo.sources.catalog import check_indicator_level
from geo.sources.indicators import bundled_indicator as get_indicator
from geo.sources.regions_request import check_regions_request, download_name


@runtime_checkable
class IndicatorSource(Protocol):
    """Values per unit, with the labels and citation every map and download shows.

    ``id`` names the value property in downloads (``<id>`` and ``<id>_source``).
    """

    kind: str  # "indicator" (bundled) or "dataset" (published by a user)
    id: str
    slug: str  # ASCII, for file names
    levels: tuple[str, ...]
    year: int | None
    decimals: int | None
    source: str
    description: str
    extra: dict  # catalog extras (e.g. a coverage note); empty for datasets
    citations: list  # catalog citations; empty for datasets (their source is metadata)

    def title(self, lang: str = "en") -> str: ...

    def unit_label(self, lang: str = "en") -> str: ...

    def as_dict(self) -> dict: ...

    @property
    def all_years(self) -> tuple[int, ...]: ...

    def description_text(self, lang: str = "en") -> str: ...

    def source_text(self, lang: str = "en") -> str: ...

    def derived_at(self, level: str) -> bool: ...

    def values(self, level: str, year: int | None = None) -> pd.DataFrame:
        """Indexed by ``adcode``: ``value`` (float), ``source``, ``url``, ``note``; units
        without a value are absent. ``year`` defaults to the latest."""
        ...

    def check_years(self, year, compare) -> tuple[int | None, int | None]:
        """(year, compare year) a map may show; BadParameter naming the valid ones."""
        ...

    def change(self, level: str, year, compare) -> pd.DataFrame:
        """Indexed by ``adcode``: ``value``, ``base``, ``change``, ``change_pct``."""
        ...

    def query_params(self) -> dict[str, str]:
        """URL parameters naming this source on a map URL (``indicator=`` or ``dataset=``…)."""
        ...

    def data_params(self) -> dict[str, str]:
        """URL parameters naming this source's data on the download endpoints."""
        ...


def source_from_params(params: Mapping[str, str], config: Mapping | None = None):
    """The source a map URL names: ``indicator=ID``, or ``dataset=ID&column=C[&v=N]``."""
    if params.get("dataset"):
        from geo.sources.datasets import dataset_column

        return dataset_column(
            database_url(config), params["dataset"], params.get("column"), params.get("v")
        )
    if not params.get("indicator"):
        raise BadParameter(
            "indicator",
            "",
            "an indicator id (see /api/indicators), or dataset=ID&column=NAME (see /api/datasets)",
        )
    return get_indicator(params["indicator"])


def database_url(config: Mapping | None) -> str:
    url = (config or {}).get("DATABASE_URL")
    if not url:
        raise BadParameter("dataset", "", "none: this server has no dataset store configured")
    return url


@dataclass(frozen=True)
class RegionsRequest:
    """A validated request for a level with some sources (the regions downloads).

    ``sources`` are bundled indicator ids (aliases allowed, with ``year``/``compare``) or the
    :class:`IndicatorSource` columns of one dataset version.
    """

    level: str
    sources: tuple
    cache_key: tuple[Hashable, ...]
    metadata: dict
    year: str | None = None
    compare: str | None = None
    dataset_name: str | None = None  # jjj_<level>_<id>_v<n> for a dataset

    def download_name(self, fmt: str) -> str:
        if self.dataset_name:
            return f"{self.dataset_name}.{fmt}"
        return download_name("regions", self.level, self.sources, fmt, self.year, self.compare)

    def export_name(self) -> str | None:
        """The ``name`` inside GeoJSON/TopoJSON (None: the exporter's own for indicators)."""
        return self.dataset_name


def regions_request(params: Mapping[str, str], config: Mapping | None = None) -> RegionsRequest:
    """Read ``level=`` with ``indicators=a,b[&year=&compare=]`` (bundled) or
    ``dataset=ID[&v=N]`` (published).

    A dataset request resolves "latest" to a version number here, so a cache keyed by
    :attr:`RegionsRequest.cache_key` never serves an older version after a replace.
    """
    if params.get("dataset"):
        from geo.sources.datasets import dataset_sources

        version, sources = dataset_sources(database_url(config), params["dataset"], params.get("v"))
        level = params.get("level") or version.level
        check_level(level)
        if level != version.level:
            raise BadParameter(
                "level",
                level,
                [version.level],
                reason=f"dataset {version.dataset_id} is by {version.level}",
            )
        year, compare = params.get("year") or None, params.get("compare") or None
        name = f"jjj_{level}_{version.dataset_id}_v{version.version}"
        if year or compare:
            # Columns with years are fixed at the year (and compare year) asked for, the
            # way bundled indicators are; a column of one year accepts only its year.
            sources = [s.at(year, compare) for s in sources]
            name += f"_{sources[0].year}" + (f"_vs_{compare}" if compare else "")
        key = ("dataset", database_url(config), version.dataset_id, version.version)
        return RegionsRequest(
            level=level,
            sources=tuple(sources),
            cache_key=(level, key) + ((year, compare) if (year or compare) else ()),
            metadata={"dataset": sources[0].dataset_dict()},
            year=year,
            compare=compare,
            dataset_name=name,
        )
    level = params.get("level", "prefecture")
    year = params.get("year") or None
    compare = params.get("compare") or None
    raw = params.get("indicators", "")
    ids = check_regions_request(
        level, [i.strip() for i in raw.split(",") if i.strip()], year, compare
    )
    return RegionsRequest(
        level=level,
        sources=ids,
        cache_key=(level, ids) + ((year, compare) if (year or compare) else ()),
        metadata={},
        year=year,
        compare=compare,
    )


def indicator_sources(level: str, ids: Sequence[str]) -> tuple:
    """Bundled indicators by id, each checked to exist at ``level``."""
    check_level(level)
    found = tuple(get_indicator(i) for i in dict.fromkeys(ids))
    for indicator in found:
        check_indicator_level(indicator, level)
    return found


def default_level(source: IndicatorSource, years: Sequence[int | None] = ()) -> str:
    """The finest level the source has values at in every one of ``years`` (default: its
    latest year), so that a change view such as ``compare=2010`` opens where both years
    exist instead of a level that has only one of them."""
    if source.kind == "indicator":  # a catalog entry (metadata only) → the one with values
        source = get_indicator(source.id)
    levels = [lv for lv in LEVELS if lv in source.levels]
    wanted = tuple(years) or (None,)
    for level in reversed(levels):
        if all(not source.values(level, year).empty for year in wanted):
            return level
    return levels[-1]
