"""Field types of the tabular downloads: counts are integers, not Real.

A bundled indicator that counts things (``kind: count`` with ``decimals: 0`` in the catalog:
population, doctors, beds, hospitals, links) is written as an Integer field in GeoPackage
and Shapefile and printed without ".0" in CSV; so are its earlier-year value and its
change when a compare year is asked for. A column is made integer only when every value
it holds is whole, so nothing is ever rounded.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

#: Values from here on are written as 64-bit integers (a DBF Integer field has 9 digits).
INT32_LIMIT = 10**9


def integer_indicator(indicator_id) -> bool:
    """Whether a bundled indicator (id or alias) holds counts (whole numbers)."""
    if not isinstance(indicator_id, str):
        return False  # a published dataset's column: its values decide (see below)
    from geo.errors import UnknownItem
    from geo.sources.catalog import resolve_indicator

    try:
        indicator, _ = resolve_indicator(indicator_id)
    except UnknownItem:  # a published dataset's column id: not a bundled count
        return False
    return indicator.measure == "count" and indicator.decimals == 0


def _whole(values: pd.Series) -> bool:
    present = pd.to_numeric(values, errors="coerce").dropna()
    return bool(len(present)) and bool(np.all(np.mod(present.to_numpy(dtype=float), 1) == 0))


def as_integer(values: pd.Series) -> pd.Series:
    """``values`` (whole floats, NaN for missing) as a nullable integer column."""
    numbers = pd.to_numeric(values, errors="coerce")
    big = numbers.abs().max(skipna=True)
    dtype = "Int64" if pd.notna(big) and big >= INT32_LIMIT else "Int32"
    return numbers.round().astype(dtype)


def integer_columns(frame: pd.DataFrame, indicator_ids: Sequence) -> pd.DataFrame:
    """``frame`` with the value columns of counting indicators as integer columns.

    The columns of indicator ``i`` are ``i``, ``i_<year>`` (the compare year's value) and
    ``i_change``; ``i_change_pct`` and ``i_source`` are left alone.
    """
    frame = frame.copy()
    for indicator_id in indicator_ids:
        if not integer_indicator(indicator_id):
            continue
        for column in frame.columns:
            suffix = (
                column[len(indicator_id) + 1 :] if column.startswith(f"{indicator_id}_") else ""
            )
            is_value = column == indicator_id or suffix == "change" or suffix.isdigit()
            if is_value and _whole(frame[column]):
                frame[column] = as_integer(frame[column])
    return frame
