"""The place index a map's search box reads: every unit by its names.

One entry per unit of every level (province, prefecture, county, and Xiong'an New Area):
the full Chinese and English names, the short label forms (围场县, "Weichang"), the stem
without its type suffix (通州 for 通州区; most English names are the pinyin, so "tongzhou"
finds it too), former names from ``data/boundaries/aliases.csv`` (藁城市 → 藁城区) and the
parent unit, which tells apart same-named districts (桥西区 in 石家庄市 and in 张家口市).
Built once per process from the boundary layers; the browser matches it (static/place_search.js).
"""

from __future__ import annotations

import csv
import re
from functools import lru_cache

from geo.levels import LEVELS
from geo.maps.labels import short_names
from geo.paths import BOUNDARIES_DIR
from geo.sources.regions import regions

ALIASES_PATH = BOUNDARIES_DIR / "aliases.csv"
#: Type suffixes dropped for the stem, longest first.
_ZH_SUFFIX = re.compile(r"(?:(?:满族|回族|蒙古族)*自治县|矿区|新区|市|区|县|省)$")


def stem_zh(name_zh: str) -> str:
    """The name without its type suffix (通州区 → 通州; 北京市 → 北京); the name itself
    when nothing would be left (a one-character stem such as 雄县 stays whole)."""
    stem = _ZH_SUFFIX.sub("", name_zh)
    return stem if len(stem) >= 2 else name_zh


def _aliases() -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    with open(ALIASES_PATH, encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            found.setdefault(row["adcode"], []).append(row["alias"])
    return found


@lru_cache(maxsize=1)
def place_index() -> tuple[dict, ...]:
    """Every unit as ``{adcode, level, name_zh, name_en, short_zh, short_en, stem_zh,
    aliases, special, parent_zh, parent_en}``, provinces first, then by adcode."""
    aliases = _aliases()
    names: dict[str, tuple[str, str]] = {}
    places = []
    for level in LEVELS:
        frame = regions(level).sort_values("adcode")
        for row in frame.itertuples():
            names.setdefault(row.adcode, (row.name_zh, row.name_en))
            short_zh, short_en = short_names(row.name_zh, row.name_en)
            parent = names.get(str(row.parent_adcode)) if row.parent_adcode else None
            places.append(
                {
                    "adcode": row.adcode,
                    "level": level,
                    "name_zh": row.name_zh,
                    "name_en": row.name_en,
                    "short_zh": short_zh,
                    "short_en": short_en,
                    "stem_zh": stem_zh(row.name_zh),
                    "aliases": aliases.get(row.adcode, []),
                    "special": bool(row.special),
                    "parent_zh": parent[0] if parent else "",
                    "parent_en": parent[1] if parent else "",
                }
            )
    return tuple(places)
