"""Which units' changes between two census years compare the same area.

A county's 2010→2020 change is only shown where its 2020 polygon is the area its 2010 value
counts *and* the 2020 county value counts all its residents. ``data/boundaries/
county_changes_2010_2020.csv`` (built by ``scripts/build_census2010_county.py``) lists, for
every 2020 county, the 2010 units it is matched to (same, renamed via ``aliases.csv``, or
whole units merged) and, where the change is not comparable, why (a reorganised boundary, or
development zones tabulated apart from the counties in the 2020 census). Such units get no
change value and a note in both languages instead.
"""

from __future__ import annotations

from functools import cache

import pandas as pd

from geo.paths import BOUNDARIES_DIR

CHANGES_PATH = BOUNDARIES_DIR / "county_changes_2010_2020.csv"

#: Indicators whose county values are census counts (or follow from them).
CENSUS_INDICATORS = frozenset({"population", "population_density"})


@cache
def county_changes() -> pd.DataFrame:
    """The 2010↔2020 county match table, indexed by 2020 adcode."""
    frame = pd.read_csv(CHANGES_PATH, dtype=str, keep_default_na=False, encoding="utf-8")
    return frame.set_index("adcode")


def change_notes(indicator_id: str, level: str, year: int, compare: int) -> pd.DataFrame:
    """Units whose change from ``compare`` to ``year`` is not comparable: columns ``note``
    (English) and ``note_zh``, indexed by adcode. Empty when every change compares."""
    if (
        indicator_id not in CENSUS_INDICATORS
        or level != "county"
        or {int(year), int(compare)} != {2010, 2020}
    ):
        return pd.DataFrame(columns=["note", "note_zh"], index=pd.Index([], name="adcode"))
    table = county_changes()
    rows = table[table["comparable"] != "yes"]
    return pd.DataFrame(
        {
            "note": "not comparable: " + rows["note"],
            "note_zh": "不可比：" + rows["note_zh"],
        },
        index=pd.Index(rows.index, name="adcode"),
    )
