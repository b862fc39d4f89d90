"""The indicator catalog: what each indicator means, its unit, year, levels and source.

Read from ``data/indicators/catalog.json``. Table indicators have a value file
``data/indicators/<id>.csv``; computed ones (``"computed": true``) are derived by
:mod:`geo.indicators` from boundaries, tables and facilities.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import lru_cache
from typing import ClassVar

from .errors import BadParameter, UnknownItem
from .levels import LEVELS
from .paths import INDICATORS_DIR


@dataclass(frozen=True)
class Indicator:
    """A bundled indicator; satisfies :class:`geo.sources.IndicatorSource`."""

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

    def title(self, lang: str = "en") -> str:
        return self.title_zh if lang == "zh" else self.title_en

    def unit_label(self, lang: str = "en") -> str:
        return (self.unit_zh or self.unit) if lang == "zh" else self.unit

    def values(self, level: str):
        """Sourced values at ``level`` (see :func:`geo.indicators.indicator_values`)."""
        from .indicators import indicator_values

        return indicator_values(self.id, level)

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
}


@lru_cache(maxsize=1)
def _catalog() -> dict[str, Indicator]:
    raw = json.loads((INDICATORS_DIR / "catalog.json").read_text(encoding="utf-8"))
    catalog: dict[str, Indicator] = {}
    for entry in raw["indicators"]:
        levels = tuple(entry["levels"])
        unknown = set(levels) - set(LEVELS)
        if unknown:
            raise ValueError(f"catalog: {entry['id']} has unknown levels {sorted(unknown)}")
        if entry["id"] in catalog:
            raise ValueError(f"catalog: duplicate indicator id {entry['id']}")
        catalog[entry["id"]] = Indicator(
            id=entry["id"],
            title_zh=entry["title_zh"],
            title_en=entry["title_en"],
            unit=entry["unit"],
            unit_zh=entry.get("unit_zh", ""),
            year=entry.get("year"),
            levels=levels,
            source=entry["source"],
            higher_is_better=entry.get("higher_is_better"),
            description=entry.get("description", ""),
            computed=bool(entry.get("computed", False)),
            decimals=entry.get("decimals"),
            extra={k: v for k, v in entry.items() if k not in _FIELDS},
        )
    return catalog


def indicators() -> list[Indicator]:
    """All indicators in catalog order."""
    return list(_catalog().values())


def get_indicator(indicator_id: str) -> Indicator:
    """The indicator with this id; :class:`UnknownItem` (naming valid ids) otherwise."""
    try:
        return _catalog()[indicator_id]
    except KeyError:
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
