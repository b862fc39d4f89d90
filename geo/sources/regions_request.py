"""What a regions download asks for — a level, indicators, a year and a compare year —
checked against the catalog, and the file name that says what the download holds. Used by
every download format (:mod:`geo.formats`) and by dataset sources alike."""

from __future__ import annotations

from collections.abc import Sequence

from geo.errors import BadParameter
from geo.levels import check_level
from geo.sources.catalog import check_indicator_level, check_year, resolve_indicator
from geo.sources.indicators import check_compare


def check_regions_request(
    level: str, indicator_ids: Sequence[str], year=None, compare=None
) -> tuple[str, ...]:
    """Validate a level + indicator list (+ year, compare year); return the ids
    de-duplicated, in request order.

    ``year`` must be a year of every requested indicator that varies by year; ``compare``
    (a change download) needs ``year`` or each indicator's latest year and another year.
    """
    check_level(level)
    ids = tuple(dict.fromkeys(indicator_ids))
    for indicator_id in ids:
        indicator, _ = resolve_indicator(indicator_id)
        check_indicator_level(indicator, level)
        if indicator.all_years and year not in (None, ""):
            check_year(indicator, year)
        if compare not in (None, ""):
            check_compare(indicator_id, year, compare)
    if compare not in (None, "") and not ids:
        raise BadParameter("compare", compare, "a compare year needs indicators=")
    return ids


def download_name(
    kind: str, level: str, indicator_ids: Sequence[str], fmt: str, year=None, compare=None
) -> str:
    """A descriptive file name, e.g. ``jjj_prefecture_population_2010-2020.geojson``."""
    parts = ["jjj", kind if kind != "regions" else level, *indicator_ids]
    if kind != "regions":
        parts.insert(2, level)
    if year not in (None, ""):
        parts.append(f"{compare}-{year}" if compare not in (None, "") else str(year))
    return "_".join(parts) + f".{fmt}"
