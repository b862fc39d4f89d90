"""Whether the gap narrows: inequality of one indicator year by year on one fixed set of
units, split at definition breaks, with σ- and β-convergence.

- **Fixed units.** Only units with a value in *every* requested year (and, when weighted, a
  population in every year) enter; the others are listed in ``dropped`` with the years they
  lack. So the figures of two years differ because values changed, not because units did.
- **Breaks.** Years on either side of a definition break (``Indicator.break_between``; the
  yearbook's 2017 change) are in different *segments*; σ and β are computed within a segment
  and never across one.
- **Per year**: Gini, Theil T, coefficient of variation and the between/within split, by
  :func:`geo.analysis.inequality.inequality` on the fixed units (same rules: counts refused,
  ``weight=population`` only for rates per resident, fewer than 5 units no figures).
- **σ-convergence**: the coefficient of variation in a segment's first and last year.
- **β-convergence** (Barro & Sala-i-Martin 1992): ordinary least squares of the annual
  log growth ``ln(y_T / y_0) / (T − 0)`` on ``ln y_0`` over the units with positive values
  in both years; slope, its 95 % interval (Student t, n − 2 degrees of freedom) and n.
  A negative slope whose interval excludes 0: units starting lower grew faster. Only with at
  least 2 comparable years and :data:`MIN_BETA_UNITS` units. Unweighted whatever ``weight``.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
from scipy import stats as scipy_stats

from geo.analysis.analysis_values import AnalysisValues, analysis_values
from geo.analysis.inequality import (
    check_weight,
    inequality,
    parse_groups,
    population_weights,
)
from geo.analysis.measures import check_inequality_kind, check_weight_for
from geo.analysis.sentences import (
    indicator_phrase,
    level_units,
    number,
    units_phrase,
    weighting_phrase,
)
from geo.errors import BadParameter
from geo.i18n import text

MIN_BETA_UNITS = 10


def parse_years(raw: str | None, available: tuple[int, ...]) -> list[int]:
    """``years=``: ``2010,2020``, a range ``2010-2020`` (the source's years inside it), or
    empty for every year. At least 2 years; each one the source has."""
    valid = ", ".join(str(y) for y in available) or "none"
    fmt = f"years the indicator has ({valid}) as Y,Y,... or Y-Y; at least 2"
    zh_valid = "、".join(str(y) for y in available) or "无"
    raw = (raw or "").strip()

    def bad(reason: str, zh_reason: str) -> BadParameter:
        return BadParameter(
            "years",
            raw,
            fmt,
            reason=reason,
            zh=f"参数「years」的值「{raw}」无效：{zh_reason}。可用年份：{zh_valid}，"
            "写作 年,年 或 年-年，至少2个年份。",
        )

    if len(available) < 2:
        raise bad(
            f"the indicator has values for {len(available)} year(s): no trend",
            f"该指标只有{len(available)}个年份的数据，无法分析趋势",
        )
    if not raw:
        return list(available)
    try:
        if "-" in raw.strip("-"):
            low, high = (int(x) for x in raw.split("-", 1))
            years = [y for y in available if low <= y <= high]
        else:
            years = sorted({int(x) for x in raw.split(",") if x.strip()})
    except ValueError:
        raise bad("not a list or range of years", "不是年份列表或范围") from None
    unknown = [y for y in years if y not in available]
    if unknown:
        shown = ", ".join(map(str, unknown))
        raise bad(f"no values for {shown}", f"没有{shown}年的数据")
    if len(years) < 2:
        raise bad("fewer than 2 years", "少于2个年份")
    return years


def segments(source, years: list[int]) -> list[dict]:
    """``years`` in runs that compare: ``{"years": [...], "break": break before or None}``."""
    runs: list[dict] = []
    for year in years:
        brk = None
        if runs and hasattr(source, "break_between"):
            brk = source.break_between(runs[-1]["years"][-1], year)
        if not runs or brk is not None:
            runs.append({"years": [year], "break": dict(brk) if brk else None})
        else:
            runs[-1]["years"].append(year)
    return runs


def beta_convergence(first: np.ndarray, last: np.ndarray, span: int) -> dict | None:
    """OLS of annual log growth on the log of the initial level (units with both > 0)."""
    keep = (first > 0) & (last > 0)
    n = int(keep.sum())
    if n < MIN_BETA_UNITS or span <= 0:
        return None
    x = np.log(first[keep])
    g = np.log(last[keep] / first[keep]) / span
    fit = scipy_stats.linregress(x, g)
    t = scipy_stats.t.ppf(0.975, n - 2)
    return {
        "slope": float(fit.slope),
        "intercept": float(fit.intercept),
        "se": float(fit.stderr),
        "low": float(fit.slope - t * fit.stderr),
        "high": float(fit.slope + t * fit.stderr),
        "n": n,
        "r2": float(fit.rvalue**2),
        "dependent": "annual log growth ln(y_T/y_0)/(T − t_0)",
        "regressor": "ln y_0",
    }


def trend(
    source, level: str, years: list[int], weight: str = "none", groups=None, config=None
) -> dict:
    """Inequality of ``source`` at ``level`` in each of ``years`` on one fixed set of units.

    Returns
    -------
    dict
        JSON-ready: ``units`` (the fixed set), ``dropped`` (with the years each lacks),
        ``segments`` (each with its years, the break before it, the per-year ``series``,
        ``sigma`` and ``beta``), ``statements`` in en and zh.
    """
    weight = check_weight(weight)
    check_weight_for(source, weight)
    check_inequality_kind(source)
    per_year: dict[int, AnalysisValues] = {}
    params = source.query_params()
    for year in years:
        per_year[year] = analysis_values({**params, "level": level, "year": str(year)}, config)
    first = per_year[years[0]]
    units = first.units
    lacking: dict[str, list[int]] = {}
    for year, data in per_year.items():
        have = set(data.values.index)
        if weight == "population":
            pop = population_weights(level, year).values
            have &= set(pop[pop > 0].index)
        for adcode in units.index:
            if adcode not in have:
                lacking.setdefault(adcode, []).append(year)
    fixed = [a for a in units.index if a not in lacking]
    parse_groups(groups, level, list(units.index))  # a 400 before any work
    results: dict[int, dict] = {}
    for year, data in per_year.items():
        subset = AnalysisValues(source, level, year, units, data.values.loc[fixed], data.left_out)
        if not fixed:
            raise BadParameter(
                "years",
                ",".join(map(str, years)),
                "years in which the same units have values",
                reason="no unit has a value in every year",
                zh="参数「years」无效：没有单位在所有年份都有数据。",
            )
        results[year] = inequality(subset, weight, groups)
    runs = []
    for run in segments(source, years):
        series = []
        for year in run["years"]:
            r = results[year]
            series.append(
                {
                    "year": year,
                    "n": r["n"],
                    "gini": r["gini"],
                    "theil": r["theil"],
                    "cv": r["cv"],
                    "theil_between": r["theil_between"],
                    "theil_within": r["theil_within"],
                    "between_share": r["between_share"],
                    "mean": float(per_year[year].values.loc[fixed].mean()),
                    "population_year": r["weighting"].get("population_year"),
                }
            )
        sigma = beta = None
        y0, y1 = run["years"][0], run["years"][-1]
        if len(run["years"]) >= 2 and series[0]["cv"] is not None:
            sigma = {
                "first_year": y0,
                "last_year": y1,
                "first": series[0]["cv"],
                "last": series[-1]["cv"],
                "change": series[-1]["cv"] - series[0]["cv"],
            }
            beta = beta_convergence(
                per_year[y0].values.loc[fixed].to_numpy(float),
                per_year[y1].values.loc[fixed].to_numpy(float),
                y1 - y0,
            )
        runs.append({**run, "series": series, "sigma": sigma, "beta": beta})
    last = results[years[-1]]
    result = {
        "source": last["source"],
        "level": level,
        "years": years,
        "weight": weight,
        "weighting": last["weighting"],
        "groups": last["groups_param"],
        "n": len(fixed),
        "units": [first.unit_dict(a) for a in fixed],
        "dropped": [{**first.unit_dict(a), "years_missing": ys} for a, ys in lacking.items()],
        "left_out": first.left_out,
        "segments": runs,
        "breaks": [r["break"] for r in runs if r["break"]],
        "split_left_out": last["split_left_out"],
        "min_beta_units": MIN_BETA_UNITS,
        "method": {
            "per_year": "as /api/analysis/inequality on the fixed units",
            "sigma": "coefficient of variation, first and last year of each segment",
            "beta": "OLS of annual log growth on ln(initial level), 95 % t interval; "
            "units with positive values in both years; unweighted",
        },
    }
    result["statements"] = {lang: statements(result, lang) for lang in ("en", "zh")}
    return result


def _span(run: dict, lang: str) -> str:
    years = run["years"]
    dash = "—" if lang == "zh" else "–"
    return str(years[0]) if len(years) == 1 else f"{years[0]}{dash}{years[-1]}"


def statements(result: dict, lang: str) -> list[str]:
    """σ- and β-convergence sentences per segment (each naming indicator, units, years and
    weighting), and the notes on breaks and single-year segments."""
    indicator = indicator_phrase(result["source"], lang)
    units = units_phrase(result["level"], result["n"], lang)
    if result["weight"] == "population":
        # each year is weighted by the population of its own (or the nearest) census year
        weighting = text("weighting_population_each_year", lang)
    else:
        weighting = weighting_phrase(result["weighting"], lang)
    out = []
    for run in result["segments"]:
        if run["break"]:
            note = run["break"].get("note_zh" if lang == "zh" else "note", "").rstrip()
            if note and not note.endswith((".", "。", "!", "?", "；", ";")):
                note += "。" if lang == "zh" else "."
            out.append(text("trend_break", lang).format(year=run["break"]["year"], note=note))
        if len(run["years"]) < 2:
            out.append(text("trend_one_year", lang).format(years=_span(run, lang)))
            continue
        sigma = run["sigma"]
        if sigma is not None:
            change = sigma["change"]
            flat = round(sigma["first"], 3) == round(sigma["last"], 3)
            verb = "same" if flat else ("fell" if change < 0 else "rose")
            verdict = "flat" if flat else ("converge" if change < 0 else "diverge")
            out.append(
                text("sigma_sentence", lang).format(
                    indicator=indicator,
                    units=units,
                    weighting=weighting,
                    verb=text(f"sigma_{verb}", lang),
                    first=number(sigma["first"]),
                    last=number(sigma["last"]),
                    y0=sigma["first_year"],
                    y1=sigma["last_year"],
                    verdict=text(f"sigma_{verdict}", lang),
                )
            )
        beta = run["beta"]
        if beta is None:
            out.append(text("beta_not_tested", lang).format(years=_span(run, lang), n=result["n"]))
            continue
        if beta["high"] < 0:
            verdict = "beta_converge"
        elif beta["low"] > 0:
            verdict = "beta_diverge"
        else:
            verdict = "beta_none"
        out.append(
            text("beta_sentence", lang).format(
                indicator=indicator,
                y0=run["years"][0],
                y1=run["years"][-1],
                n=beta["n"],
                level_units=level_units(result["level"], lang),
                slope=f"{beta['slope']:.4f}",
                low=f"{beta['low']:.4f}",
                high=f"{beta['high']:.4f}",
                verdict=text(verdict, lang),
            )
        )
    return out


def trend_from_params(params: Mapping[str, str], config: Mapping | None = None):
    """Validate ``indicator``/``dataset``, ``level``, ``years``, ``weight``, ``groups`` and
    compute :func:`trend`; returns ``(AnalysisValues of the last year, result)``."""
    if params.get("year") or params.get("compare"):
        name = "year" if params.get("year") else "compare"
        raise BadParameter(
            name,
            params[name],
            "nothing: the trend takes years=Y,Y,... or Y-Y",
            zh=f"参数「{name}」在趋势分析中无效：请用 years=年,年 或 年-年。",
        )
    weight = check_weight(params.get("weight"))
    base = analysis_values({k: v for k, v in params.items() if k not in ("years",)}, config)
    years = parse_years(params.get("years"), tuple(base.source.all_years))
    result = trend(base.source, base.level, years, weight, params.get("groups"), config)
    return base, result


__all__ = [
    "MIN_BETA_UNITS",
    "beta_convergence",
    "parse_years",
    "segments",
    "statements",
    "trend",
    "trend_from_params",
]
