"""Per-value flags: values kept exactly as the source prints them, but doubtful.

``data/indicators/flags/value_flags.csv`` (written by ``scripts/build_city_yearbook.py``) lists,
per indicator, level, unit and year, a flag (``suspect``) and a note in English and Chinese
saying why. The value itself is never changed; maps show the note in the tooltip and the
data table, the API next to the value, and downloads as ``<id>_flag``, ``<id>_flag_note``
and ``<id>_flag_note_zh`` (see README, "Flagged values").
"""

from __future__ import annotations

from functools import cache

import pandas as pd

from geo.paths import INDICATORS_DIR

FLAGS_PATH = INDICATORS_DIR / "flags" / "value_flags.csv"
#: The columns a flagged value carries (value frames, downloads: ``<id>_<column>``).
FLAG_COLUMNS = ("flag", "flag_note", "flag_note_zh")


@cache
def _flags() -> pd.DataFrame:
    if not FLAGS_PATH.exists():
        return pd.DataFrame(columns=["flag", "indicator", "level", "adcode", "year", "note",
                                     "note_zh"])
    frame = pd.read_csv(FLAGS_PATH, dtype=str, keep_default_na=False, encoding="utf-8")
    duplicated = frame[frame.duplicated(["indicator", "level", "adcode", "year"])]
    if not duplicated.empty:
        raise ValueError(f"{FLAGS_PATH}: duplicate flags {duplicated.values.tolist()}")
    return frame


def value_flags(indicator_id: str, level: str, year: int | None) -> pd.DataFrame:
    """Flags of one indicator at one level and year: indexed by adcode, columns
    ``flag``, ``flag_note`` (English) and ``flag_note_zh``. Empty when none is flagged."""
    table = _flags()
    rows = table[
        (table["indicator"] == indicator_id)
        & (table["level"] == level)
        & (table["year"] == ("" if year is None else str(int(year))))
    ]
    return pd.DataFrame(
        {
            "flag": rows["flag"].to_numpy(),
            "flag_note": rows["note"].to_numpy(),
            "flag_note_zh": rows["note_zh"].to_numpy(),
        },
        index=pd.Index(rows["adcode"].to_numpy(), name="adcode"),
    )


def all_flags() -> pd.DataFrame:
    """Every flag (columns ``flag, indicator, level, adcode, year, note, note_zh``)."""
    return _flags().copy()
