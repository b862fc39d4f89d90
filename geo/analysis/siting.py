"""Where k new sites would reach the most people: location–allocation with PySAL ``spopt``.

- ``objective=coverage``: the maximal covering location problem (``spopt.locate.MCLP``)
  over the candidates, with the residents of counties already within ``radius_km`` of an
  existing site weighted 0; the existing sites are kept, so the k chosen sites maximise
  residents *newly* covered.
- ``objective=pmedian``: ``spopt.locate.PMedian`` over the existing sites (all forced into
  the solution) and the candidates, p = existing + k: the population-weighted distance
  from each county to its nearest site is minimised.

Demand and distances as in :mod:`geo.analysis.access` (county residents at the county's
label point, straight lines on the WGS 84 ellipsoid). Candidates: the county seats (label
points, ``candidates=county-seats``) or a published point table (``dataset:ID``). Work is
bounded: k ≤ 20, candidates ≤ 500, and CBC has :data:`TIME_LIMIT_S`; past it the answer is
a :class:`SolverTimeout` (503).
"""

from __future__ import annotations

import re
import time
import warnings
from collections.abc import Mapping
from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np

from geo.analysis.access import distance_matrix_km
from geo.analysis.supply import (
    POPULATION_YEAR,
    Supply,
    check_choice,
    check_number,
    county_demand,
    facility_title,
    supply_from_params,
)
from geo.errors import BadParameter

OBJECTIVES = ("coverage", "pmedian")
DEFAULT_OBJECTIVE = "coverage"
K_RANGE = (1, 20)
DEFAULT_K = 5
RADIUS_RANGE = (5.0, 200.0)
DEFAULT_RADIUS_KM = 60.0
COUNTY_SEATS = "county-seats"
MAX_CANDIDATES = 500
#: CBC's time limit per solve (seconds).
TIME_LIMIT_S = 20.0
PARAMETERS = ("facilities", "k", "radius_km", "candidates", "objective", "lang")


class SolverTimeout(RuntimeError):
    """The solver did not prove an optimum within :data:`TIME_LIMIT_S` (→ HTTP 503)."""

    def __init__(self, seconds: float, status: str):
        self.seconds = seconds
        self.status = status
        self.zh = (
            f"求解器在 {seconds:g} 秒时限内未得到最优解（{status}）。请减少 k 或候选点数量后重试。"
        )
        super().__init__(
            f"the solver did not reach a proven optimum within its time limit of {seconds:g} s "
            f"({status}); ask for fewer sites (k) or fewer candidates"
        )


@dataclass
class Candidates:
    token: str
    ids: list[str]
    names_zh: list[str]
    names_en: list[str]
    lon: np.ndarray
    lat: np.ndarray

    def __len__(self) -> int:
        return len(self.ids)


def candidates_from_param(value: str | None, config=None) -> Candidates:
    """``candidates=``: ``county-seats`` (default) or ``dataset:ID[@v]`` (a point table);
    400 naming ``candidates`` otherwise or beyond :data:`MAX_CANDIDATES`."""
    token = (value or COUNTY_SEATS).strip()
    if token == COUNTY_SEATS:
        demand = county_demand()
        return Candidates(
            token,
            list(demand.index),
            list(demand["name_zh"]),
            list(demand["name_en"]),
            demand["lon"].to_numpy(dtype=float),
            demand["lat"].to_numpy(dtype=float),
        )
    if not re.fullmatch(r"dataset:[a-z2-7]{1,32}(@[1-9]\d{0,8})?", token):
        raise BadParameter(
            "candidates",
            token,
            [COUNTY_SEATS, "dataset:ID", "dataset:ID@N"],
            zh=f"参数「candidates」的值「{token[:40]}」无效。可用值：{COUNTY_SEATS}、dataset:ID。",
        )
    try:
        supply = supply_from_params(token, None, config)
    except BadParameter as err:
        raise BadParameter(
            "candidates",
            token,
            "dataset:ID of a published point table (kind=points)",
            reason=str(err),
            zh=f"参数「candidates」的值「{token}」不是已发布的点数据表（kind=points）。",
        ) from None
    if not 1 <= len(supply) <= MAX_CANDIDATES:
        raise BadParameter(
            "candidates",
            token,
            f"a point table of 1 to {MAX_CANDIDATES} points",
            reason=f"it has {len(supply)} points",
            zh=f"参数「candidates」：候选点须为 1 至 {MAX_CANDIDATES} 个，"
            f"该数据表有 {len(supply)} 个。",
        )
    return Candidates(token, supply.ids, supply.names_zh, supply.names_en, supply.lon, supply.lat)


@contextmanager
def _quiet():
    """spopt builds its variables the way PuLP 3.3 deprecates (one warning per variable:
    40,000 for a p-median over the county seats); silence them around model building."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        yield


def _solver(time_limit: float):
    import pulp

    return pulp.PULP_CBC_CMD(msg=False, timeLimit=time_limit, threads=1)


def _check_solved(model, time_limit: float) -> None:
    import pulp

    problem = model.problem
    if problem.status != pulp.LpStatusOptimal or problem.sol_status != pulp.LpSolutionOptimal:
        status = pulp.LpSolution.get(problem.sol_status, str(problem.sol_status))
        raise SolverTimeout(time_limit, status)


def solve_coverage(
    weights: np.ndarray, km: np.ndarray, radius_km: float, k: int, time_limit: float
) -> list[int]:
    """Indices of the ``k`` columns of ``km`` (demand × candidates, km) that maximise the
    covered ``weights`` (spopt MCLP)."""
    from spopt.locate import MCLP

    with _quiet():
        model = MCLP.from_cost_matrix(km, weights, radius_km, p_facilities=k, name="mclp")
        model.problem.solve(_solver(time_limit))
    _check_solved(model, time_limit)
    return [j for j, var in enumerate(model.fac_vars) if var.value() and var.value() > 0.5]


def solve_pmedian(
    weights: np.ndarray, km: np.ndarray, existing: int, k: int, time_limit: float
) -> list[int]:
    """Indices of the sites (columns of ``km``: the ``existing`` first, then candidates)
    open in the p-median with every existing column kept and ``k`` more (spopt PMedian)."""
    from spopt.locate import PMedian

    predefined = np.zeros(km.shape[1], dtype=int)
    predefined[:existing] = 1
    with _quiet():
        model = PMedian.from_cost_matrix(
            km,
            weights,
            p_facilities=existing + k,
            predefined_facilities_arr=predefined if existing else None,
            name="pmedian",
        )
        model.problem.solve(_solver(time_limit))
    _check_solved(model, time_limit)
    return [j for j, var in enumerate(model.fac_vars) if var.value() and var.value() > 0.5]


def siting(
    supply: Supply,
    candidates: Candidates,
    k: int = DEFAULT_K,
    radius_km: float = DEFAULT_RADIUS_KM,
    objective: str = DEFAULT_OBJECTIVE,
    time_limit: float = TIME_LIMIT_S,
) -> dict:
    """The siting answer: chosen sites, counties newly covered, residents covered before
    and after, population-weighted mean distance before and after."""
    demand = county_demand()
    population = demand["population"].to_numpy(dtype=float)
    total = float(population.sum())
    if k > len(candidates):
        raise BadParameter(
            "k",
            k,
            f"an integer from 1 to the number of candidates ({len(candidates)})",
            zh=f"参数「k」的值「{k}」大于候选点数量（{len(candidates)}）。",
        )
    cand_km = distance_matrix_km(demand["lon"], demand["lat"], candidates.lon, candidates.lat)
    if len(supply):
        exist_km = distance_matrix_km(demand["lon"], demand["lat"], supply.lon, supply.lat)
        nearest_before = exist_km.min(axis=1)
    else:
        nearest_before = np.full(len(demand), np.inf)
    covered_before = nearest_before <= radius_km
    started = time.perf_counter()
    if objective == "coverage":
        # Residents already covered weigh 0; their rows change nothing and are left out.
        open_rows = ~covered_before
        weights = population[open_rows]
        chosen = (
            solve_coverage(weights, cand_km[open_rows], radius_km, k, time_limit)
            if open_rows.any()
            else []
        )
    else:
        # Every existing site is open, so a county's distance to them is its nearest one:
        # one column standing for all of them gives the same optimum with fewer variables.
        existing = 1 if len(supply) else 0
        km = np.hstack([nearest_before[:, None], cand_km]) if existing else cand_km
        opened = solve_pmedian(population, km, existing, k, time_limit)
        chosen = [j - existing for j in opened if j >= existing]
    solve_s = time.perf_counter() - started
    after_km = (
        np.minimum(nearest_before, cand_km[:, chosen].min(axis=1)) if chosen else (nearest_before)
    )
    covered_after = after_km <= radius_km
    nearest_chosen = (
        np.asarray(chosen)[cand_km[:, chosen].argmin(axis=1)]
        if chosen
        else np.full(len(demand), -1)
    )
    newly = covered_after & ~covered_before
    new_residents = float(population[newly].sum())

    def mean_km(km: np.ndarray) -> float | None:
        return (
            None if not np.isfinite(km).all() else round(float((km * population).sum() / total), 2)
        )

    counties = []
    for i, adcode in enumerate(demand.index):
        status = (
            "newly_covered" if newly[i] else ("covered" if covered_before[i] else "not_covered")
        )
        counties.append(
            {
                "adcode": adcode,
                "name_zh": demand["name_zh"].iloc[i],
                "name_en": demand["name_en"].iloc[i],
                "population": int(population[i]),
                "nearest_km_before": None
                if not np.isfinite(nearest_before[i])
                else round(float(nearest_before[i]), 1),
                "nearest_km_after": None
                if not np.isfinite(after_km[i])
                else round(float(after_km[i]), 1),
                "status": status,
            }
        )
    sites = [
        {
            "id": candidates.ids[j],
            "name_zh": candidates.names_zh[j],
            "name_en": candidates.names_en[j],
            "lon": round(float(candidates.lon[j]), 6),
            "lat": round(float(candidates.lat[j]), 6),
            # Each newly covered county counts for its nearest chosen site, so the sites'
            # figures add up to the total.
            "newly_covered_residents": int(population[newly & (nearest_chosen == j)].sum()),
        }
        for j in chosen
    ]
    share = 100.0 * new_residents / total
    return {
        "analysis": "siting",
        "method": {
            "objective": objective,
            "model": "spopt MCLP (maximal covering location problem)"
            if objective == "coverage"
            else "spopt PMedian (p-median)",
            "k": k,
            "radius_km": radius_km,
            "existing_sites_kept": True,
            "weights": "county residents not yet within the radius of an existing site"
            if objective == "coverage"
            else "county residents",
            "distance": "straight line on the WGS 84 ellipsoid (pyproj Geod)",
            "demand": f"county residents, census {POPULATION_YEAR}, at each county's label point",
            "solver": "CBC via PuLP",
            "time_limit_s": time_limit,
            "solve_s": round(solve_s, 3),
        },
        "facilities": supply.as_dict(),
        "existing_sites": supply.site_records(),
        "candidates": {"token": candidates.token, "count": len(candidates)},
        "coverage_note": supply.coverage_note,
        "chosen_sites": sites,
        "population": int(total),
        "covered_before": int(population[covered_before].sum()),
        "covered_after": int(population[covered_after].sum()),
        "newly_covered": int(new_residents),
        "newly_covered_pct": round(share, 1),
        "mean_km_before": mean_km(nearest_before),
        "mean_km_after": mean_km(after_km),
        "counties": counties,
        "statement": siting_statement(supply, k, radius_km, new_residents, share, len(sites)),
    }


def siting_statement(
    supply: Supply, k: int, radius_km: float, residents: float, share: float, chosen: int
) -> dict[str, str]:
    """ "k sites would cover X more residents (Y %)", in both languages."""
    km = f"{radius_km:g}"
    return {
        "en": f"{chosen} new sites would bring {residents:,.0f} more residents ({share:.1f} % of "
        f"the region's {POPULATION_YEAR} residents) within {km} km (straight line) of a "
        f"{facility_title(supply, 'en')} or a new site.",
        "zh": f"新增 {chosen} 个设施可使另外 {residents / 1e4:,.1f} 万名常住人口（占区域 "
        f"{POPULATION_YEAR} 年常住人口的 {share:.1f}%）进入{facility_title(supply, 'zh')}"
        f"或新设施 {km} 千米（直线距离）范围内。",
    }


def check_objective(value: str | None) -> str:
    return check_choice("objective", value, DEFAULT_OBJECTIVE, OBJECTIVES, end="。")


def siting_params(args: Mapping[str, str]) -> dict:
    return {
        "facilities": (args.get("facilities") or "").strip() or None,
        "k": check_number("k", args.get("k"), DEFAULT_K, *K_RANGE, integer=True),
        "radius_km": check_number(
            "radius_km", args.get("radius_km"), DEFAULT_RADIUS_KM, *RADIUS_RANGE
        ),
        "candidates": (args.get("candidates") or "").strip() or COUNTY_SEATS,
        "objective": check_objective(args.get("objective")),
    }


def siting_from_params(args: Mapping[str, str], config=None):
    """``(params, supply, result)`` for the request arguments ``args``."""
    params = siting_params(args)
    supply = supply_from_params(params["facilities"], None, config)
    params["facilities"] = supply.token
    candidates = candidates_from_param(params["candidates"], config)
    result = siting(
        supply, candidates, params["k"], params["radius_km"], params["objective"], TIME_LIMIT_S
    )
    return params, supply, result


def siting_query(params: dict) -> dict[str, str]:
    query = {"facilities": params["facilities"]}
    if params["k"] != DEFAULT_K:
        query["k"] = str(params["k"])
    if params["radius_km"] != DEFAULT_RADIUS_KM:
        query["radius_km"] = f"{params['radius_km']:g}"
    if params["candidates"] != COUNTY_SEATS:
        query["candidates"] = params["candidates"]
    if params["objective"] != DEFAULT_OBJECTIVE:
        query["objective"] = params["objective"]
    return query
