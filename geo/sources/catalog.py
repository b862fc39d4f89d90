"""The indicator catalog: what each indicator means, its unit, years, levels and sources.

Read from ``data/indicators/catalog.json``. Table indicators have a value file
``data/indicators/<id>.csv`` (one row per level × unit × year); computed ones
(``"computed": true``) are derived by :mod:`geo.sources.indicators` from boundaries, tables and
facilities; ``"derived"`` levels are ratios of two other indicators (formula in the entry).

An indicator may carry several years (``"years"``); ``year`` is the latest. Old ids that
named one year (``population_2020``) are *aliases*: they resolve to the indicator and year.
A derived indicator's years follow its inputs: the years both inputs have values for, plus
the years of its own table rows (levels that are read, not derived).

This module is metadata only and imports nothing that reads values: the values, changes and
the :class:`~geo.sources.indicator_sources.IndicatorSource` interface of a bundled indicator
(:class:`geo.sources.indicators.BundledIndicator`) live in :mod:`geo.sources.indicators`,
which imports this module — never the other way round.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import lru_cache
from typing import ClassVar

from geo.errors import BadParameter, UnknownItem
from geo.levels import LEVELS
from geo.paths import INDICATORS_DIR


@dataclass(frozen=True)
class Indicator:
    """A bundled indicator; satisfies :class:`~geo.sources.indicator_sources.IndicatorSource`."""

    kind: ClassVar[str] = "indicator"
    id: str
    title_zh: str
    title_en: str
    unit: str
    unit_zh: str
    year: int | None
    levels: tuple[str, ...]
    source: str
    higher_is_better: bool | None
    description: str = ""
    computed: bool = False
    decimals: int | None = None
    extra: dict = field(default_factory=dict, compare=False, hash=False, repr=False)
    #: Every year with values, ascending (empty for timeless indicators such as area).
    years: tuple[int, ...] = ()
    description_zh: str = ""
    source_zh: str = ""
    #: Public documents behind the values: dicts with title, publisher, date, url (+ section).
    citations: tuple = field(default=(), compare=False, hash=False, repr=False)
    #: Levels computed as numerator / denominator × scale (see :mod:`geo.sources.indicators`).
    derived: dict | None = field(default=None, compare=False, hash=False, repr=False)
    #: What the values are (catalog key ``kind``): one of :data:`MEASURES`. Analysis uses it
    #: to refuse meaningless operations (weighting a count by population, say).
    measure: str = "count"
    #: For rates and densities: the ids of the numerator and denominator indicators.
    numerator: str | None = None
    denominator: str | None = None
    #: Definition breaks (catalog key ``breaks``): dicts with ``year`` (the first year of the
    #: new definition), ``note`` and ``note_zh``. Years on either side of a break never compare.
    breaks: tuple = field(default=(), compare=False, hash=False, repr=False)

    def break_between(self, a: int, b: int) -> dict | None:
        """The first definition break between years ``a`` and ``b`` (None if they compare)."""
        low, high = sorted((int(a), int(b)))
        for brk in self.breaks:
            if low < int(brk["year"]) <= high:
                return brk
        return None

    def segments(self) -> list[tuple[int, ...]]:
        """``all_years`` split at the definition breaks: runs of years that compare."""
        runs: list[list[int]] = []
        for year in self.all_years:
            if runs and self.break_between(runs[-1][-1], year) is None:
                runs[-1].append(year)
            else:
                runs.append([year])
        return [tuple(r) for r in runs]

    def segment_labels(self) -> list[str]:
        """The runs of :meth:`segments` as text: ``["2009–2016", "2017–2020"]``."""
        return [f"{r[0]}–{r[-1]}" if len(r) > 1 else str(r[0]) for r in self.segments()]

    def title(self, lang: str = "en") -> str:
        return self.title_zh if lang == "zh" else self.title_en

    def description_text(self, lang: str = "en") -> str:
        return (self.description_zh or self.description) if lang == "zh" else self.description

    def source_text(self, lang: str = "en") -> str:
        return (self.source_zh or self.source) if lang == "zh" else self.source

    @property
    def all_years(self) -> tuple[int, ...]:
        """The years with values (the single ``year`` for one-year indicators)."""
        if self.years:
            return self.years
        return (self.year,) if self.year is not None else ()

    @property
    def default_year(self) -> int | None:
        """The year a map shows when none is asked for: the catalog's ``default_year`` (the
        best-covered year, where a later year has values for a few units only), else the
        latest."""
        valid = self.all_years
        if not valid:
            return None
        chosen = self.extra.get("default_year")
        return int(chosen) if chosen in valid else valid[-1]

    def derived_at(self, level: str) -> bool:
        return bool(self.derived) and level in self.derived.get("levels", ())

    def unit_label(self, lang: str = "en") -> str:
        return (self.unit_zh or self.unit) if lang == "zh" else self.unit

    def check_years(self, year, compare) -> tuple[int | None, int | None]:
        """(year, compare year) of a map; BadParameter naming the valid years."""
        return check_compare(self.id, year, compare)

    @property
    def slug(self) -> str:
        """ASCII, for file names."""
        return self.id

    def query_params(self) -> dict[str, str]:
        return {"indicator": self.id}

    def data_params(self) -> dict[str, str]:
        return {"indicators": self.id}

    def as_dict(self) -> dict:
        return {
            "id": self.id,
            "title_zh": self.title_zh,
            "title_en": self.title_en,
            "unit": self.unit,
            "unit_zh": self.unit_zh,
            "year": self.year,
            "levels": list(self.levels),
            "source": self.source,
            "higher_is_better": self.higher_is_better,
            "description": self.description,
            "computed": self.computed,
            "years": list(self.all_years),
            "description_zh": self.description_zh,
            "source_zh": self.source_zh,
            "citations": [dict(c) for c in self.citations],
            "derived": dict(self.derived) if self.derived else None,
            "default_year": self.default_year,
            "kind": self.measure,
            "numerator": self.numerator,
            "denominator": self.denominator,
            "breaks": [dict(b) for b in self.breaks],
        }


_FIELDS = {
    "id",
    "title_zh",
    "title_en",
    "unit",
    "unit_zh",
    "year",
    "levels",
    "source",
    "higher_is_better",
    "description",
    "computed",
    "decimals",
    "years",
    "description_zh",
    "source_zh",
    "citations",
    "derived",
    "kind",
    "numerator",
    "denominator",
    "breaks",
}

#: What an indicator's values are: totals (count), ratios of two totals (rate: ``numerator``
#: and ``denominator`` name them), parts of a whole in percent (share), totals per area
#: (density), distances (distance) or a composite score (index).
MEASURES = ("count", "rate", "share", "density", "distance", "index")

#: What a citation names: a public document.
CITATION_FIELDS = ("title", "publisher", "date", "url")


@lru_cache(maxsize=1)
def _raw() -> dict:
    return json.loads((INDICATORS_DIR / "catalog.json").read_text(encoding="utf-8"))


def _derived_years(raw: dict, spec: dict) -> set[int]:
    """The years both inputs of a derived indicator have values for."""
    entries = {e["id"]: e for e in raw["indicators"]}
    inputs = [entries[spec["numerator"]], entries[spec["denominator"]]]
    years = [{int(y) for y in e.get("years", ()) or [e["year"]]} for e in inputs]
    return years[0] & years[1]


@lru_cache(maxsize=1)
def _catalog() -> dict[str, Indicator]:
    raw = _raw()
    catalog: dict[str, Indicator] = {}
    for entry in raw["indicators"]:
        levels = tuple(entry["levels"])
        unknown = set(levels) - set(LEVELS)
        if unknown:
            raise ValueError(f"catalog: {entry['id']} has unknown levels {sorted(unknown)}")
        if entry["id"] in catalog:
            raise ValueError(f"catalog: duplicate indicator id {entry['id']}")
        years = tuple(sorted(int(y) for y in entry.get("years", ())))
        if entry.get("derived"):
            years = tuple(sorted(set(years) | _derived_years(raw, entry["derived"])))
        year = years[-1] if entry.get("derived") and years else entry.get("year")
        if years and year is not None and year != years[-1]:
            raise ValueError(f"catalog: {entry['id']} year {year} is not its latest {years}")
        if "default_year" in entry and int(entry["default_year"]) not in years:
            raise ValueError(f"catalog: {entry['id']} default_year is not one of {years}")
        measure = entry.get("kind")
        if measure not in MEASURES:
            raise ValueError(f"catalog: {entry['id']} kind {measure!r} is not one of {MEASURES}")
        ratio = entry.get("numerator") and entry.get("denominator")
        if measure in ("rate", "density") and not ratio:
            raise ValueError(f"catalog: {entry['id']} is a {measure} without numerator/denominator")
        for citation in entry.get("citations", ()):
            # A document without a public copy says why instead of giving a URL; one read in
            # a copy only (no official URL) names the copy (``copy``: url, label, label_zh).
            linked = citation.get("unavailable") or (citation.get("copy") or {}).get("url")
            required = [f for f in CITATION_FIELDS if f != "url" or not linked]
            missing = [f for f in required if not citation.get(f)]
            if missing:
                raise ValueError(f"catalog: {entry['id']} citation lacks {missing}: {citation}")
        catalog[entry["id"]] = Indicator(
            id=entry["id"],
            title_zh=entry["title_zh"],
            title_en=entry["title_en"],
            unit=entry["unit"],
            unit_zh=entry.get("unit_zh", ""),
            year=year,
            levels=levels,
            source=entry["source"],
            higher_is_better=entry.get("higher_is_better"),
            description=entry.get("description", ""),
            computed=bool(entry.get("computed", False)),
            decimals=entry.get("decimals"),
            extra={k: v for k, v in entry.items() if k not in _FIELDS},
            years=years,
            description_zh=entry.get("description_zh", ""),
            source_zh=entry.get("source_zh", ""),
            citations=tuple(entry.get("citations", ())),
            derived=entry.get("derived"),
            measure=measure,
            numerator=entry.get("numerator"),
            denominator=entry.get("denominator"),
            breaks=tuple(entry.get("breaks", ())),
        )
    for ind in catalog.values():
        for ref in (ind.numerator, ind.denominator):
            if ref is not None and ref not in catalog:
                raise ValueError(f"catalog: {ind.id} refers to unknown indicator {ref}")
    return catalog


@lru_cache(maxsize=1)
def aliases() -> dict[str, tuple[str, int]]:
    """Old one-year ids → (indicator id, year), e.g. ``population_2020`` → (population, 2020)."""
    catalog = _catalog()
    table = {}
    for entry in _raw().get("aliases", ()):
        target, year = entry["indicator"], int(entry["year"])
        if target not in catalog or year not in catalog[target].all_years:
            raise ValueError(f"catalog: alias {entry['id']} points at no values ({target}, {year})")
        if entry["id"] in catalog:
            raise ValueError(f"catalog: alias {entry['id']} shadows an indicator id")
        table[entry["id"]] = (target, year)
    return table


def resolve_indicator(indicator_id: str) -> tuple[Indicator, int | None]:
    """(indicator, year the id pins or None): aliases resolve to their indicator and year."""
    if indicator_id in aliases():
        target, year = aliases()[indicator_id]
        return _catalog()[target], year
    return get_indicator(indicator_id), None


def check_year(indicator: Indicator, year: str | int | None) -> int | None:
    """The year to show: ``year`` if the indicator has values for it, else the latest.

    Timeless indicators (no years) return None and accept no year. Raises
    :class:`BadParameter` naming the indicator's years.
    """
    valid = indicator.all_years
    if year is None or year == "":
        return indicator.default_year
    try:
        value = int(year)
    except (TypeError, ValueError):
        value = None
    if value not in valid:
        raise BadParameter(
            "year",
            year,
            list(valid),
            reason=f"indicator {indicator.id} has values for these years only"
            if valid
            else f"indicator {indicator.id} does not vary by year",
        )
    return value


def indicators() -> list[Indicator]:
    """All indicators in catalog order."""
    return list(_catalog().values())


def get_indicator(indicator_id: str) -> Indicator:
    """The indicator with this id; :class:`UnknownItem` (naming valid ids) otherwise."""
    try:
        return _catalog()[indicator_id]
    except KeyError:
        if indicator_id in aliases():
            return _catalog()[aliases()[indicator_id][0]]
        raise UnknownItem("indicator", indicator_id, _catalog()) from None


def check_indicator_level(indicator: Indicator, level: str) -> None:
    """Raise :class:`BadParameter` if ``indicator`` has no values at ``level``."""
    if level not in indicator.levels:
        raise BadParameter(
            "level",
            level,
            [lv for lv in LEVELS if lv in indicator.levels],
            reason=f"indicator {indicator.id} has no values at that level",
        )


def check_compare(indicator_id: str, year: int | str | None, compare: int | str | None):
    """(year, compare year) for a change view; BadParameter unless two distinct years."""
    indicator, alias_year = resolve_indicator(indicator_id)
    asked = year if year not in (None, "") else alias_year
    if asked is None and compare not in (None, "") and indicator.all_years:
        asked = indicator.all_years[-1]  # a change without a year runs to the latest year
    chosen = check_year(indicator, asked)
    if compare in (None, ""):
        return chosen, None
    # A change runs forward in time: from an earlier year to the year shown.
    earlier = [y for y in indicator.all_years if y < chosen]
    base = check_earlier_year(
        compare, earlier, f"indicator {indicator.id}", f"indicator {indicator.id}"
    )
    check_no_break(indicator, chosen, base)
    return chosen, base


def comparable_years(indicator: Indicator, year: int) -> list[int]:
    """The earlier years whose values compare with ``year`` (same definition segment)."""
    return [y for y in indicator.all_years if y < year and indicator.break_between(y, year) is None]


def check_no_break(indicator: Indicator, year: int, compare: int) -> None:
    """BadParameter naming ``compare`` when a definition break lies between the two years:
    a change, a compare download or a trend never spans one. The message names the break
    in English and in Chinese; the valid values are the years that compare."""
    brk = indicator.break_between(year, compare)
    if brk is None:
        return
    valid = comparable_years(indicator, year) or "none"
    raise BadParameter(
        "compare",
        compare,
        valid,
        reason=(
            f"indicator {indicator.id} changes definition in {brk['year']}, so {compare} and "
            f"{year} do not compare: {brk['note']}"
        ),
        zh=(
            f"参数 compare 的值“{compare}”无效：指标 {indicator.id} 自{brk['year']}年起口径变化，"
            f"{compare}年与{year}年不可比较：{brk['note_zh']}。可选值："
            + ("无" if valid == "none" else "、".join(str(v) for v in valid))
        ),
    )


def check_earlier_year(compare: int | str, earlier: list[int], what: str, of: str) -> int:
    """``compare`` as one of ``earlier`` (the years before the one shown), for a change view
    of ``what`` (e.g. "indicator gdp"); BadParameter naming ``compare`` otherwise: "none"
    valid when there is no earlier year, else the earlier years."""
    if not earlier:
        raise BadParameter("compare", compare, "none", reason=f"{what} has no earlier year")
    try:
        base = int(compare)
    except (TypeError, ValueError):
        base = None
    if base not in earlier:
        raise BadParameter("compare", compare, earlier, reason=f"an earlier year of {of}")
    return base
