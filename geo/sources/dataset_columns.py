"""A published column as an indicator source, and the metadata of a published version.

:class:`DatasetColumn` is one value column of one version, an
:class:`~geo.sources.indicator_sources.IndicatorSource` like a bundled indicator;
:func:`dataset_column` and :func:`dataset_sources` find the columns a URL names;
:func:`dataset_dict` is a version's metadata as JSON.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from geo.errors import BadParameter
from geo.sources.catalog import check_earlier_year
from geo.store import VersionRecord, store_for

#: Property names the regions downloads already use; a value column with one of these
#: names is published under ``<name>_value``.
RESERVED = frozenset(
    {"adcode", "name_zh", "name_en", "level", "parent_adcode", "special", "area_km2",
     "geometry", "id"}
)  # fmt: skip


# --- a published column as an indicator source ---------------------------------------------


def _decimals(values: list[float | None]) -> int:
    """Decimals to show: as many as the data has (at most 3)."""
    most = 0
    for value in values:
        if value is None or float(value).is_integer():
            continue
        text = f"{value:.6f}".rstrip("0")
        most = max(most, len(text.split(".")[1]))
    return min(most, 3)


def _parse_version(text: str | None) -> int | None:
    if text in (None, ""):
        return None
    if not re.fullmatch(r"[1-9]\d{0,8}", str(text)):
        raise BadParameter("v", text, "a version number (1, 2, …) or none for the latest")
    return int(text)


@dataclass(frozen=True, eq=False)
class DatasetColumn:
    """One value column of one published version.

    An :class:`~geo.sources.indicator_sources.IndicatorSource`.

    ``pinned`` says whether the URL named the version (then every link keeps it) or asked
    for the latest (then map links keep asking for the latest; data links name the version
    resolved now, so a page and its data always agree).
    """

    kind: ClassVar[str] = "dataset"
    version_record: VersionRecord
    column: str
    pinned: bool = False
    #: For a column with years: the year and the earlier year downloads show (see
    #: :meth:`at`); None: the latest year, no change columns.
    chosen_year: int | None = None
    compare_year: int | None = None

    @property
    def series(self) -> dict[str, dict[str, float | None]]:
        """{year: {adcode: value}} of a column with years; empty for a one-year column."""
        return self.version_record.series.get(self.column, {})

    def at(self, year, compare=None) -> DatasetColumn:
        """This column fixed at ``year`` (and ``compare``), as checked by :meth:`check_years`."""
        chosen, base = self.check_years(year, compare)
        return dataclasses.replace(self, chosen_year=chosen, compare_year=base)

    @property
    def dataset_id(self) -> str:
        return self.version_record.dataset_id

    @property
    def version(self) -> int:
        return self.version_record.version

    @property
    def meta(self) -> dict[str, Any]:
        return self.version_record.metadata

    @property
    def id(self) -> str:
        return f"{self.column}_value" if self.column in RESERVED else self.column

    @property
    def levels(self) -> tuple[str, ...]:
        return (self.version_record.level,)

    @property
    def year(self) -> int | None:
        if self.series:
            return self.chosen_year or self.all_years[-1]
        return self.meta["columns"].get(self.column, {}).get("year")

    @property
    def decimals(self) -> int:
        if self.series:
            return _decimals([v for by in self.series.values() for v in by.values()])
        return _decimals(list(self.version_record.values[self.column].values()))

    @property
    def source(self) -> str:
        parts = [self.meta.get("source") or "", self.meta.get("source_url") or ""]
        return " — ".join(p for p in parts if p) or "uploaded by a user (no source given)"

    @property
    def description(self) -> str:
        return self.meta.get("description", "")

    higher_is_better = None

    @property
    def extra(self) -> dict:
        """Catalog extras a bundled indicator may carry (coverage notes...): none here."""
        return {}

    def dataset_title(self, lang: str = "en") -> str:
        first, second = (
            (self.meta["title_zh"], self.meta["title_en"])
            if lang == "zh"
            else (self.meta["title_en"], self.meta["title_zh"])
        )
        return first or second

    def title(self, lang: str = "en") -> str:
        if len(self.version_record.values) == 1:
            return self.dataset_title(lang)
        return f"{self.dataset_title(lang)}: {self.column}"

    def unit_label(self, lang: str = "en") -> str:
        return self.meta["columns"].get(self.column, {}).get("unit", "")

    @property
    def all_years(self) -> tuple[int, ...]:
        if self.series:
            return tuple(sorted(int(y) for y in self.series))
        year = self.meta["columns"].get(self.column, {}).get("year")
        return (year,) if year is not None else ()

    def description_text(self, lang: str = "en") -> str:
        return self.description

    def source_text(self, lang: str = "en") -> str:
        return self.source

    def derived_at(self, level: str) -> bool:
        return False

    @property
    def citations(self) -> list:
        """Catalog citations (a dataset's source is its own metadata, on the source line)."""
        return []

    def _year(self, year) -> int | None:
        """``year`` checked against the column's years (default: the chosen or latest)."""
        valid = self.all_years
        if year in (None, ""):
            if self.series:
                return self.chosen_year or valid[-1]
            return valid[-1] if valid else None
        try:
            value = int(year)
        except (TypeError, ValueError):
            value = None
        if value not in valid:
            reason = (
                f"dataset {self.dataset_id} column {self.column!r} has values for these years"
                if valid
                else f"dataset {self.dataset_id} column {self.column!r} names no year"
            )
            raise BadParameter("year", year, list(valid) or ["none"], reason=reason)
        return value

    def check_years(self, year, compare) -> tuple[int | None, int | None]:
        """(year, compare year) a map may show; like a bundled indicator with years: a
        change runs from an earlier year of the column to the year shown."""
        chosen = self._year(year)
        if compare in (None, ""):
            return chosen, None
        earlier = [y for y in self.all_years if chosen is not None and y < chosen]
        what = f"dataset {self.dataset_id} column {self.column!r}"
        return chosen, check_earlier_year(
            compare, earlier if self.series else [], what, repr(self.column)
        )

    def change(self, level: str, year, compare) -> pd.DataFrame:
        """Indexed by ``adcode``: ``value`` (at ``year``), ``base`` (at ``compare``),
        ``change`` and ``change_pct`` (percent of base), where both years have a value."""
        year, compare = self.check_years(year, compare)
        if compare is None:
            raise BadParameter("compare", "", [y for y in self.all_years if y < (year or 0)])
        later = self.values(level, year)["value"]
        earlier = self.values(level, compare)["value"]
        both = later.index.intersection(earlier.index)
        value = later.loc[both].astype(float)
        base = earlier.loc[both].astype(float)
        change = value - base
        with np.errstate(divide="ignore", invalid="ignore"):
            pct = np.where(base != 0, change / base * 100.0, np.nan)
        return pd.DataFrame(
            {"value": value, "base": base, "change": change, "change_pct": np.round(pct, 2)},
            index=pd.Index(both, name="adcode"),
        )

    def values(self, level: str, year: int | None = None) -> pd.DataFrame:
        chosen = self._year(year)
        if level != self.version_record.level:
            reason = f"dataset {self.dataset_id} is by {self.levels[0]}"
            raise BadParameter("level", level, self.levels, reason=reason)
        if self.series:
            column = self.series.get(str(chosen), {})
        else:
            column = self.version_record.values[self.column]
        pairs = [(a, v) for a, v in column.items() if v is not None]
        in_year = f" {chosen}" if self.series else ""
        frame = pd.DataFrame(
            {
                "value": pd.Series([v for _, v in pairs], dtype=float),
                # Starts with our own words, so no user text opens a CSV cell (formulas).
                "source": f"dataset {self.dataset_id} v{self.version}{in_year}: "
                f"{self.dataset_title('en') or self.dataset_title('zh')}; {self.source}",
                "url": self.meta.get("source_url", ""),
                "note": "",
            },
        )
        frame.index = pd.Index([a for a, _ in pairs], name="adcode", dtype=object)
        return frame

    @property
    def slug(self) -> str:
        """ASCII, for file names: dataset, version and the column's position."""
        position = list(self.version_record.values).index(self.column) + 1
        return f"{self.dataset_id}_v{self.version}_c{position}"

    def query_params(self) -> dict[str, str]:
        params = {"dataset": self.dataset_id, "column": self.column}
        if self.pinned:
            params["v"] = str(self.version)
        return params

    def data_params(self) -> dict[str, str]:
        return {"dataset": self.dataset_id, "v": str(self.version)}

    def as_dict(self) -> dict:
        return {
            "id": self.id,
            "column": self.column,
            "title_zh": self.meta["title_zh"],
            "title_en": self.meta["title_en"],
            "unit": self.unit_label(),
            "year": self.year,
            "years": list(self.all_years),
            "levels": list(self.levels),
            "source": self.source,
            "description": self.description,
            "dataset": self.dataset_id,
            "version": self.version,
        }

    def dataset_dict(self) -> dict:
        return dataset_dict(self.version_record)


def dataset_dict(version: VersionRecord) -> dict[str, Any]:
    """The metadata of a version as JSON, for the API and the downloads."""
    meta = version.metadata
    return {
        "id": version.dataset_id,
        "version": version.version,
        "published_at": version.created_at,
        "title_zh": meta["title_zh"],
        "title_en": meta["title_en"],
        "description": meta["description"],
        "source": meta["source"],
        "source_url": meta["source_url"],
        "licence": meta["licence"],
        "level": version.level,
        "key_column": version.key_column,
        "columns": [
            {
                "column": c,
                "unit": m.get("unit", ""),
                "year": max(map(int, version.series[c]))
                if version.series.get(c)
                else m.get("year"),
                "years": sorted(map(int, version.series.get(c, {})))
                or ([m["year"]] if m.get("year") else []),
            }
            for c, m in meta["columns"].items()
        ],
        "file": {
            "name": version.filename,
            "format": version.file_format,
            "bytes": version.original_size,
            "sha256": version.original_sha256,
        },
    }


def dataset_column(
    database_url: str, dataset_id: str, column: str | None, version: str | None = None
) -> DatasetColumn:
    """The source a map URL ``dataset=…&column=…[&v=…]`` names (latest version if no ``v``).

    Raises UnknownItem (no such dataset or version), DatasetGone (deleted) or BadParameter
    (no such column; the message lists the value columns).
    """
    number = _parse_version(version)
    record = store_for(database_url).version(dataset_id, number)
    _not_links(record)
    columns = list(record.values)
    if not column:
        if len(columns) != 1:
            raise BadParameter("column", "", columns)
        column = columns[0]
    if column not in record.values:
        raise BadParameter("column", column, columns)
    return DatasetColumn(record, column, pinned=number is not None)


def dataset_sources(
    database_url: str, dataset_id: str, version: str | None = None
) -> tuple[VersionRecord, list[DatasetColumn]]:
    """Every value column of a version (the latest if ``version`` is None)."""
    number = _parse_version(version)
    record = store_for(database_url).version(dataset_id, number)
    _not_links(record)
    return record, [DatasetColumn(record, c, pinned=number is not None) for c in record.values]


def _not_links(record: VersionRecord) -> None:
    """A links dataset (from, to, weight: :mod:`geo.sources.link_tables`) has no values
    by unit: maps and downloads of values by unit refuse it, naming where it maps."""
    if record.metadata.get("kind") == "links":
        raise BadParameter(
            "dataset",
            record.dataset_id,
            "a dataset of values by unit",
            reason=f"dataset {record.dataset_id} is a links table (from, to, weight): map it "
            f"on /maps/links?dataset={record.dataset_id}",
        )
