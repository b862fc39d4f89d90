"""Values and changes as people read them: grouped digits, the catalog's decimals, signed
changes in percent or units, "no data" in the page's language."""

from __future__ import annotations

import numpy as np

from geo.i18n import text
from geo.sources.indicator_sources import IndicatorSource


def format_value(value: float | None, indicator: IndicatorSource, lang: str = "en") -> str:
    """A value as shown to people: grouped digits, the catalog's decimals, or 'no data'."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return text("no_data", lang)
    decimals = indicator.decimals
    if decimals is None:
        decimals = 0 if float(value).is_integer() else 1
    return f"{value:,.{decimals}f}"


#: How a change view measures change: percent of the earlier value, or the difference.
CHANGE_MODES = ("percent", "absolute")


def format_change(
    value: float | None, mode: str, indicator: IndicatorSource, lang: str = "en"
) -> str:
    """A signed change: ``+11.6%`` or ``+2,280,727``; 'no data' when missing."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return text("no_data", lang)
    if mode == "percent":
        return f"{value:+,.1f}%"
    decimals = indicator.decimals if indicator.decimals is not None else 1
    return f"{value:+,.{decimals}f}"
