"""How unequally an indicator is spread over the units of a level: Gini, Theil (with its
between/within-group decomposition), coefficient of variation, extremes and the Lorenz curve.

The unweighted statistics come from PySAL's ``inequality`` package (Rey & Sastré-Gutiérrez,
https://github.com/pysal/inequality): :class:`inequality.gini.Gini`,
:class:`inequality.theil.Theil`, :class:`inequality.theil.TheilD` and
:func:`inequality.wolfson.lorenz_curve`. Every unit counts once.

``weight=population`` gives the population-weighted variants (each unit counts by its
residents, as for per-capita and per-1,000 indicators): the package has no weights, so they
are computed here from their textbook definitions (Theil 1967; Shorrocks 1980 for the
decomposition; Williamson 1965 for the weighted coefficient of variation), and the tests
check them against the unweighted package on data whose units are repeated by their weight.

Units without a value are left out and counted; overlay units (Xiong'an New Area at
prefecture level) are always left out (see :mod:`geo.analysis.analysis_values`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd
from inequality.gini import Gini
from inequality.theil import Theil, TheilD
from inequality.wolfson import lorenz_curve
from scipy.stats import variation

from geo.analysis.analysis_values import AnalysisValues, analysis_values, check_enough
from geo.analysis.measures import (
    allowed_weights,
    check_inequality_kind,
    check_weight_for,
    kind_of,
)
from geo.analysis.sentences import statements
from geo.errors import BadParameter
from geo.i18n import text
from geo.sources.indicators import bundled_indicator as get_indicator
from geo.sources.regions import regions

#: ``weight=``: every unit once, or each unit by its residents.
WEIGHTS = ("none", "population")
#: The bundled indicator that weights by population.
POPULATION_INDICATOR = "population"
#: Named groupings by level (``groups=``); ``none`` turns the decomposition off.
NAMED_GROUPINGS = {
    "province": ("none",),
    "prefecture": ("province", "none"),
    "county": ("province", "prefecture", "none"),
}
DEFAULT_GROUPING = {"province": "none", "prefecture": "province", "county": "province"}
#: Name of the group of units a custom grouping does not name.
OTHER_GROUP = "other"
MAX_GROUPS = 20
MAX_GROUP_NAME = 40
CUSTOM_FORMAT = (
    "province, prefecture (county level), none, or a custom grouping "
    "NAME:ADCODE,ADCODE;NAME:ADCODE,... (adcodes of units of the level or of the "
    "prefectures/provinces containing them; units not named form the group 'other')"
)


# --- Parameters ------------------------------------------------------------------------


@dataclass(frozen=True)
class Grouping:
    """A partition of the level's units for the Theil decomposition.

    Attributes
    ----------
    by : str
        ``province``, ``prefecture`` or ``custom``.
    param : str
        The ``groups=`` value that reproduces it.
    names : dict
        Group id → ``{"en": ..., "zh": ...}``, in the order groups are listed.
    member_of : dict
        Unit adcode → group id, for every regular unit of the level.
    """

    by: str
    param: str
    names: dict[str, dict[str, str]]
    member_of: dict[str, str]


def _named_grouping(by: str, level: str, adcodes: list[str]) -> Grouping:
    parents = regions(by, include_special=False).set_index("adcode")
    if by == "province":
        member_of = {a: a[:2] + "0000" for a in adcodes}
    else:
        member_of = {a: a[:4] + "00" for a in adcodes}
    ids = sorted(set(member_of.values()))
    names = {g: {"en": parents.loc[g, "name_en"], "zh": parents.loc[g, "name_zh"]} for g in ids}
    return Grouping(by=by, param=by, names=names, member_of=member_of)


def _custom_grouping(raw: str, level: str, adcodes: list[str]) -> Grouping:
    def bad(reason: str) -> BadParameter:
        return BadParameter("groups", raw, CUSTOM_FORMAT, reason=reason)

    parts = [p.strip() for p in raw.split(";") if p.strip()]
    if not parts:
        raise bad("no group named")
    if len(parts) > MAX_GROUPS:
        raise bad(f"at most {MAX_GROUPS} groups")
    known = set(adcodes)
    containers = {a[:4] + "00" for a in adcodes} | {a[:2] + "0000" for a in adcodes}
    listed: dict[str, str] = {}  # listed adcode → group name
    names: dict[str, dict[str, str]] = {}
    for part in parts:
        name, sep, codes = part.partition(":")
        name = name.strip()
        if not sep or not name:
            raise bad(f"{part!r} is not NAME:ADCODE,...")
        if len(name) > MAX_GROUP_NAME:
            raise bad(f"group name longer than {MAX_GROUP_NAME} characters")
        if name in names or name == OTHER_GROUP:
            raise bad(f"group name {name!r} used twice or reserved")
        members = [c.strip() for c in codes.split(",") if c.strip()]
        if not members:
            raise bad(f"group {name!r} names no adcode")
        for code in members:
            if code not in known and code not in containers:
                raise bad(f"{code!r} is not a unit of this {level} level nor contains one")
            if code in listed:
                raise bad(f"{code!r} is in groups {listed[code]!r} and {name!r}")
            listed[code] = name
        names[name] = {"en": name, "zh": name}
    member_of: dict[str, str] = {}
    for adcode in adcodes:
        found = {listed[c] for c in (adcode, adcode[:4] + "00", adcode[:2] + "0000") if c in listed}
        if len(found) > 1:
            raise bad(f"unit {adcode} falls in several groups: {', '.join(sorted(found))}")
        member_of[adcode] = found.pop() if found else OTHER_GROUP
    if OTHER_GROUP in member_of.values():
        names[OTHER_GROUP] = {
            "en": text("ineq_other_group", "en"),
            "zh": text("ineq_other_group", "zh"),
        }
    canonical = ";".join(
        f"{n}:{','.join(c for c, g in listed.items() if g == n)}" for n in names if n != OTHER_GROUP
    )
    return Grouping(by="custom", param=canonical, names=names, member_of=member_of)


def parse_groups(raw: str | None, level: str, adcodes: list[str]) -> Grouping | None:
    """The grouping ``groups=`` names at ``level`` (None: no decomposition).

    Parameters
    ----------
    raw : str or None
        ``province`` (prefecture and county level; the default there), ``prefecture``
        (county level), ``none``, or a custom grouping ``NAME:ADCODE,ADCODE;NAME:...``
        whose adcodes are units of the level or prefectures/provinces containing them.
    level : str
    adcodes : list of str
        The level's regular units.

    Raises
    ------
    BadParameter
        Naming the groupings valid at ``level`` and the custom format.
    """
    raw = (raw or "").strip() or DEFAULT_GROUPING[level]
    if raw == "none":
        return None
    if ":" in raw:
        return _custom_grouping(raw, level, adcodes)
    if raw not in NAMED_GROUPINGS[level]:
        raise BadParameter(
            "groups",
            raw,
            f"at {level} level: "
            + ", ".join(NAMED_GROUPINGS[level])
            + " or a custom grouping NAME:ADCODE,ADCODE;NAME:ADCODE,...",
        )
    return _named_grouping(raw, level, adcodes)


def check_weight(raw: str | None) -> str:
    weight = (raw or "").strip() or "none"
    if weight not in WEIGHTS:
        raise BadParameter("weight", weight, WEIGHTS)
    return weight


@dataclass(frozen=True)
class PopulationWeights:
    """Residents per unit from the bundled ``population`` indicator.

    ``year`` is the population year used: the requested year if population has values at
    the level for it, else the nearest such year (the later one on a tie).
    """

    year: int
    requested_year: int | None
    values: pd.Series


def population_weights(level: str, year: int | None) -> PopulationWeights:
    population = get_indicator(POPULATION_INDICATOR)
    years = [y for y in population.all_years if not population.values(level, y).empty]
    if not years:
        raise BadParameter("weight", "population", ["none"], reason=f"no population at {level}")
    if year is None:
        chosen = years[-1]
    else:
        chosen = min(years, key=lambda y: (abs(y - year), -y))
    values = pd.to_numeric(population.values(level, chosen)["value"], errors="coerce")
    return PopulationWeights(year=chosen, requested_year=year, values=values.dropna())


# --- Statistics ------------------------------------------------------------------------


def _weighted_gini_and_lorenz(y: np.ndarray, p: np.ndarray, order: np.ndarray):
    """Gini as 1 − twice the area under the population-weighted Lorenz curve (exact for
    units with one value each) and that curve's points, units in ``order``."""
    share_p = p / p.sum()
    share_y = p * y / (p * y).sum()
    x = np.concatenate([[0.0], np.cumsum(share_p[order])])
    curve = np.concatenate([[0.0], np.cumsum(share_y[order])])
    area = float(np.sum(np.diff(x) * (curve[1:] + curve[:-1]) / 2))
    return 1.0 - 2.0 * area, x, curve


def _weighted_theil(y: np.ndarray, p: np.ndarray) -> float:
    """Population-weighted Theil T: Σ s_i ln(s_i / π_i), s = value shares, π = population
    shares (0 · ln 0 = 0)."""
    s = p * y / (p * y).sum()
    pi = p / p.sum()
    keep = s > 0
    return float(np.sum(s[keep] * np.log(s[keep] / pi[keep])))


def _weighted_cv(y: np.ndarray, p: np.ndarray) -> float:
    """Williamson's population-weighted coefficient of variation."""
    mean = np.average(y, weights=p)
    return float(np.sqrt(np.average((y - mean) ** 2, weights=p)) / mean)


def _check_values(data: AnalysisValues, y: np.ndarray) -> None:
    param = "column" if data.source.kind == "dataset" else "indicator"
    value = data.source.query_params().get(param, "")
    if (y < 0).any():
        raise BadParameter(
            param,
            value,
            "an indicator whose values are all ≥ 0",
            reason="Gini and Theil are defined for values ≥ 0; this one has negative values",
        )
    if y.sum() <= 0:
        raise BadParameter(
            param, value, "an indicator with a positive total", reason="every value is 0"
        )


def _stats(
    y: np.ndarray,
    p: np.ndarray | None,
    partition: np.ndarray | None,
    group_order: list[str] = (),
) -> dict:
    """Gini, Theil (and its decomposition by ``partition``), CV and the Lorenz curve."""
    order = np.lexsort((np.arange(len(y)), y))  # by value, ties in adcode order
    if p is None:
        gini = float(Gini(y).g)
        theil = float(np.asarray(Theil(y).T).ravel()[0])
        cv = float(variation(y))
        x, curve = lorenz_curve(y)
    else:
        gini, x, curve = _weighted_gini_and_lorenz(y, p, order)
        theil = _weighted_theil(y, p)
        cv = _weighted_cv(y, p)
    out = {"gini": gini, "theil": theil, "cv": cv, "order": order, "x": x, "curve": curve}
    if partition is None:
        return out
    present = set(partition.tolist())
    groups = [g for g in group_order if g in present] or sorted(present)
    per_group = []
    if p is None:
        decomposition = TheilD(y, partition)
        between = float(np.asarray(decomposition.bg).ravel()[0])
        within = float(np.asarray(decomposition.wg).ravel()[0])
    else:
        between = 0.0
        within = 0.0
    total_y = (y if p is None else p * y).sum()
    total_p = len(y) if p is None else p.sum()
    for g in groups:
        mask = partition == g
        yg = y[mask]
        pg = None if p is None else p[mask]
        share_y = float((yg if p is None else pg * yg).sum() / total_y)
        share_p = float((mask.sum() if p is None else pg.sum()) / total_p)
        if p is None:
            tg = float(np.asarray(Theil(yg).T).ravel()[0]) if mask.sum() > 1 else 0.0
        else:
            tg = _weighted_theil(yg, pg) if (pg * yg).sum() > 0 else 0.0
            if share_y > 0:
                between += share_y * np.log(share_y / share_p)
            within += share_y * tg
        mean = float(yg.mean() if p is None else np.average(yg, weights=pg))
        per_group.append(
            {
                "id": str(g),
                "n": int(mask.sum()),
                "mean": mean,
                "value_share": share_y,
                "weight_share": share_p,
                "theil": tg,
                "within_contribution": share_y * tg,
            }
        )
    out.update(between=float(between), within=float(within), groups=per_group)
    return out


#: Fewer units with a value give no Gini/Theil/CV: a "too few units" note instead.
MIN_UNITS = 5
#: A between/within split needs this many groups, each with this many units.
MIN_GROUPS = 2
MIN_GROUP_UNITS = 2


def _split_refusal(grouping: Grouping, adcodes: list[str]) -> dict | None:
    """Why the decomposition is left out (None: it can be done)."""
    sizes: dict[str, int] = {}
    for adcode in adcodes:
        sizes[grouping.member_of[adcode]] = sizes.get(grouping.member_of[adcode], 0) + 1
    if len(sizes) < MIN_GROUPS:
        (only,) = sizes
        return {
            "reason": "one_group",
            "groups": [only],
            "en": text("split_one_group", "en").format(name=grouping.names[only]["en"]),
            "zh": text("split_one_group", "zh").format(name=grouping.names[only]["zh"]),
        }
    small = [g for g in grouping.names if sizes.get(g) == 1]
    if small:
        out = {"reason": "single_unit_groups", "groups": small}
        for lang, sep in (("en", ", "), ("zh", "、")):
            out[lang] = text("split_small_group", lang).format(
                names=sep.join(grouping.names[g][lang] for g in small),
                verb="has" if len(small) == 1 else "each have",
            )
        return out
    return None


def _ties(y: np.ndarray, position: int) -> int:
    return int(np.sum(y == y[position]))


def inequality(data: AnalysisValues, weight: str = "none", groups: str | None = None) -> dict:
    """The inequality of ``data``'s values across the units that have one.

    Parameters
    ----------
    data : AnalysisValues
        From :func:`geo.analysis.analysis_values.analysis_values`.
    weight : {"none", "population"}
        ``population`` weights each unit by its residents (bundled ``population`` for the
        same year, or the nearest year with values at the level); units without a
        population are then left out too (``no_weight``). Only for rates and densities
        per resident (:mod:`geo.analysis.measures`).
    groups : str, optional
        The ``groups=`` parameter (see :func:`parse_groups`).

    Returns
    -------
    dict
        JSON-ready: ``n``, ``n_missing``, ``gini``, ``theil``, ``theil_between``,
        ``theil_within``, ``between_share``, ``cv``, ``max``, ``min``, ``lorenz`` and what was
        left out and why. With fewer than :data:`MIN_UNITS` units the figures are None and
        ``too_few`` says why; a split that cannot be made is None with ``split_left_out``.

    Raises
    ------
    BadParameter
        A count indicator (pointing to its rate), or ``weight=population`` on anything but
        a rate or density per resident.
    """
    weight = check_weight(weight)
    check_weight_for(data.source, weight)
    check_inequality_kind(data.source)
    grouping = parse_groups(groups, data.level, list(data.units.index))
    values = data.values
    weights = None
    no_weight: list[str] = []
    if weight == "population":
        weights = population_weights(data.level, data.year)
        has = weights.values[weights.values > 0]
        no_weight = [a for a in values.index if a not in has.index]
        values = values[values.index.isin(has.index)]
    check_enough(
        AnalysisValues(data.source, data.level, data.year, data.units, values), 1, "inequality"
    )
    y = values.to_numpy(dtype=float)
    _check_values(data, y)
    p = None if weights is None else weights.values.reindex(values.index).to_numpy(dtype=float)
    adcodes = list(values.index)
    too_few = len(adcodes) < MIN_UNITS
    split_left_out = None
    if grouping is not None and not too_few:
        split_left_out = _split_refusal(grouping, adcodes)
    use_grouping = None if (split_left_out or too_few) else grouping
    partition = None if use_grouping is None else np.array([grouping.member_of[a] for a in adcodes])
    stats = _stats(y, p, partition, list(grouping.names) if use_grouping else [])

    unit = data.source.unit_label("en")
    unit_zh = data.source.unit_label("zh")

    def extreme(position: int) -> dict:
        adcode = adcodes[position]
        return {
            **data.unit_dict(adcode),
            "value": float(y[position]),
            "unit": unit,
            "unit_zh": unit_zh,
            "n_tied": _ties(y, position),
        }

    order = stats["order"]
    # The Lorenz curve's x is the cumulative share of units (unweighted) or of residents.
    x_key = "population_share" if weight == "population" else "unit_share"
    lorenz = [{x_key: 0.0, "value_share": 0.0, "adcode": None}]
    for k, position in enumerate(order, start=1):
        lorenz.append(
            {
                x_key: float(stats["x"][k]),
                "value_share": float(stats["curve"][k]),
                "adcode": adcodes[position],
            }
        )
    source = {
        **data.source_dict("en"),
        "title_zh": data.source.title("zh"),
        "unit_zh": unit_zh,
        "measure": kind_of(data.source),
    }
    result = {
        "source": source,
        "level": data.level,
        "year": data.year,
        "n": len(adcodes),
        "n_missing": len(data.missing),
        "missing": [data.unit_dict(a) for a in data.missing],
        "left_out": data.left_out,
        "weight": weight,
        "weights_allowed": list(allowed_weights(data.source)),
        "weighting": _weighting(weight, weights, no_weight, data),
        "min_units": MIN_UNITS,
        "too_few": {"n": len(adcodes), "minimum": MIN_UNITS} if too_few else None,
        "gini": None if too_few else stats["gini"],
        "theil": None if too_few else stats["theil"],
        "theil_between": stats.get("between"),
        "theil_within": stats.get("within"),
        "between_share": None,
        "groups": None,
        "split_left_out": split_left_out,
        "cv": None if too_few else stats["cv"],
        "cv_definition": "population standard deviation / mean"
        if weight == "none"
        else "Williamson: population-weighted standard deviation / population-weighted mean",
        "max": extreme(int(order[-1])),
        "min": extreme(int(order[0])),
        "lorenz_x": "units" if weight == "none" else "population",
        "lorenz": lorenz,
        "method": {
            "library": "PySAL inequality (Gini, Theil, TheilD, lorenz_curve)"
            if weight == "none"
            else "population-weighted Gini (Lorenz area), Theil T and its decomposition, "
            "Williamson CV (the inequality package has no weights)",
            "theil": "Theil T (GE(1)), natural logarithm",
            "kinds": "counts are refused (inequality of totals measures unit size); "
            "weight=population only for rates and densities per resident",
        },
    }
    if use_grouping is not None:
        theil = stats["theil"]
        result["between_share"] = stats["between"] / theil if theil > 0 else None
        names = grouping.names
        result["groups"] = {
            "by": grouping.by,
            "param": grouping.param,
            "groups": [
                {
                    **g,
                    "name_en": names[g["id"]]["en"],
                    "name_zh": names[g["id"]]["zh"],
                    "members": [a for a in adcodes if grouping.member_of[a] == g["id"]],
                }
                for g in stats["groups"]
            ],
        }
    result["groups_param"] = grouping.param if grouping is not None else "none"
    result["statements"] = {lang: statements(result, lang) for lang in ("en", "zh")}
    result["statement"] = {
        lang: ("" if lang == "zh" else " ").join(result["statements"][lang])
        for lang in ("en", "zh")
    }
    return result


def _weighting(weight: str, weights: PopulationWeights | None, no_weight, data) -> dict:
    if weights is None:
        return {"by": "none", "note": "unweighted: every unit counts once"}
    return {
        "by": "population",
        "population_year": weights.year,
        "requested_year": weights.requested_year,
        "population_source": "/api/indicators/population?year=" + str(weights.year),
        "note": f"each unit weighted by its residents (bundled population, {weights.year}"
        + (
            ""
            if weights.requested_year == weights.year
            else f"; nearest year with {data.level} values to {weights.requested_year}"
            if weights.requested_year is not None
            else "; the indicator has no year: latest population"
        )
        + ")",
        "no_weight": [data.unit_dict(a) for a in no_weight],
    }


def check_compare(params: Mapping[str, str]) -> None:
    """``compare=`` is a 400 here: one year at a time; the trend compares years."""
    if params.get("compare"):
        raise BadParameter(
            "compare",
            params["compare"],
            "nothing: inequality is for one year; for several years use "
            "/api/analysis/inequality/trend?years=",
            zh=f"参数「compare」的值「{params['compare']}」无效：不平衡分析一次只针对一个年份，"
            "多年比较请使用 /analysis/trend?years=。",
        )


def inequality_from_params(params: Mapping[str, str], config: Mapping | None = None):
    """Validate a request (``indicator``/``dataset``, ``level``, ``year``, ``weight``,
    ``groups``) and compute :func:`inequality`; returns ``(AnalysisValues, result)``."""
    weight = check_weight(params.get("weight"))
    check_compare(params)
    data = analysis_values(params, config)
    return data, inequality(data, weight, params.get("groups"))


__all__ = [
    "NAMED_GROUPINGS",
    "WEIGHTS",
    "Grouping",
    "inequality",
    "inequality_from_params",
    "parse_groups",
    "population_weights",
    "statements",
]
