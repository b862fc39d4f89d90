"""The zones and corridors as defined in data/zones/zones.json: ids, names, members, the
corridor line's order and sources. Nothing here reads indicators or geometry, so the links
layer can check a ``zone=`` filter without importing :mod:`geo.sources.zones` (which joins
zones to indicators, and indicators count links)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import lru_cache

from geo.errors import UnknownItem
from geo.levels import LEVELS
from geo.paths import ZONES_DIR


@dataclass(frozen=True)
class Zone:
    id: str
    kind: str
    name_zh: str
    name_en: str
    members: tuple[tuple[str, str], ...]  # (adcode, level)
    line: tuple[str, ...]
    description_zh: str
    description_en: str
    source: str
    source_zh: str = ""
    #: Public documents: dicts with title, publisher, date, url (or why there is none).
    citations: tuple = field(default=(), compare=False, hash=False)

    def name(self, lang: str = "en") -> str:
        return self.name_zh if lang == "zh" else self.name_en

    def description(self, lang: str = "en") -> str:
        return self.description_zh if lang == "zh" else self.description_en

    def source_text(self, lang: str = "en") -> str:
        return (self.source_zh or self.source) if lang == "zh" else self.source

    def as_dict(self) -> dict:
        return {
            "id": self.id,
            "kind": self.kind,
            "name_zh": self.name_zh,
            "name_en": self.name_en,
            "members": [{"adcode": a, "level": lv} for a, lv in self.members],
            "line": list(self.line),
            "description_zh": self.description_zh,
            "description_en": self.description_en,
            "source": self.source,
            "source_zh": self.source_zh,
            "citations": [dict(c) for c in self.citations],
        }


@lru_cache(maxsize=1)
def _zones() -> dict[str, Zone]:
    raw = json.loads((ZONES_DIR / "zones.json").read_text(encoding="utf-8"))
    zones = {}
    for entry in raw["zones"]:
        members = tuple((m["adcode"], m["level"]) for m in entry["members"])
        for _, level in members:
            if level not in LEVELS:
                raise ValueError(f"zone {entry['id']}: unknown member level {level}")
        zones[entry["id"]] = Zone(
            id=entry["id"],
            kind=entry["kind"],
            name_zh=entry["name_zh"],
            name_en=entry["name_en"],
            members=members,
            line=tuple(entry["line"]),
            description_zh=entry["description_zh"],
            description_en=entry["description_en"],
            source=entry["source"],
            source_zh=entry.get("source_zh", ""),
            citations=tuple(entry.get("citations", ())),
        )
    return zones


def zones() -> list[Zone]:
    """All zones and corridors, in file order."""
    return list(_zones().values())


def get_zone(zone_id: str) -> Zone:
    """The zone with this id; :class:`UnknownItem` naming the valid ids otherwise."""
    try:
        return _zones()[zone_id]
    except KeyError:
        raise UnknownItem("zone", zone_id, _zones()) from None
