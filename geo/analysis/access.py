"""Who is far from top medical care: per-county accessibility of a facility layer.

Measures per county (demand and supply: :mod:`geo.analysis.supply`):

- ``nearest_km``: straight-line distance on the WGS 84 ellipsoid (pyproj ``Geod``) from the
  county's point to the nearest site; no road network is bundled.
- ``sfca_per_10k``: two-step floating catchment (2SFCA, Luo & Wang 2003) with PySAL
  ``access``: each site's capacity over the residents within ``catchment_km`` of it, summed
  over the sites within ``catchment_km`` of the county; × 10,000.
- ``e2sfca_per_10k``: the enhanced 2SFCA, both steps weighted by a Gaussian decay
  ``exp(-d² / 2σ²)``, σ = ``catchment_km / 2`` (PySAL ``access.weights.gaussian``).
- ``reachable_capacity`` and ``reachable_per_10k``: capacity within the catchment, and that
  per 10,000 residents of the county (no competition between counties).
- ``beyond``: whether the nearest site is farther than ``threshold_km``; shares of residents
  beyond it by prefecture, province and the region.

The answer carries its method, inputs and what was left out, and the sentence is built from
those fields (DESIGN.md, wave 4).
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping

import numpy as np
import pandas as pd

from geo.analysis.supply import (
    POPULATION_YEAR,
    Supply,
    check_choice,
    check_number,
    county_demand,
    facility_title,
    supply_from_params,
)
from geo.i18n import TEXT
from geo.measure import geodesic_distance_km

#: ``method=``: the measure the map colours (the answer carries all of them).
METHODS = ("nearest", "e2sfca", "2sfca", "reachable")
DEFAULT_METHOD = "nearest"
#: The column of each measure in :func:`county_frame`.
MEASURE_COLUMNS = {
    "e2sfca": "e2sfca_per_10k",
    "2sfca": "sfca_per_10k",
    "nearest": "nearest_km",
    "reachable": "reachable_per_10k",
}
CATCHMENT_RANGE = (15.0, 120.0)
DEFAULT_CATCHMENT_KM = 60.0
THRESHOLD_RANGE = (1.0, 300.0)
DEFAULT_THRESHOLD_KM = 60.0
PARAMETERS = ("facilities", "capacity", "method", "catchment_km", "threshold_km", "lang")


def distance_matrix_km(demand_lon, demand_lat, supply_lon, supply_lat) -> np.ndarray:
    """Geodesic distances (km, WGS 84 ellipsoid) from each demand point (rows) to each site
    (columns); inputs are WGS 84 longitude/latitude degrees."""
    return geodesic_distance_km(
        np.asarray(demand_lon, dtype=float)[:, None],
        np.asarray(demand_lat, dtype=float)[:, None],
        np.asarray(supply_lon, dtype=float)[None, :],
        np.asarray(supply_lat, dtype=float)[None, :],
    )


def gaussian_sigma(catchment_km: float) -> float:
    return catchment_km / 2.0


def floating_catchment(
    population: np.ndarray,
    capacity: np.ndarray,
    km: np.ndarray,
    catchment_km: float,
    enhanced: bool,
) -> np.ndarray:
    """2SFCA (``enhanced=False``) or Gaussian enhanced 2SFCA per resident, with PySAL
    ``access``; one value per demand row of ``km`` (0 where no site is within reach)."""
    n_demand, n_supply = km.shape
    if n_supply == 0:
        return np.zeros(n_demand)
    demand_df = pd.DataFrame({"demand_id": np.arange(n_demand), "population": population})
    supply_df = pd.DataFrame({"supply_id": np.arange(n_supply), "capacity": capacity})
    rows, cols = np.nonzero(km <= catchment_km)
    cost_df = pd.DataFrame({"origin": rows, "dest": cols, "cost": km[rows, cols]})
    if cost_df.empty:
        return np.zeros(n_demand)
    with warnings.catch_warnings():
        # PySAL access calls set_index(inplace=True), deprecated in pandas 3.1 (its issue).
        warnings.simplefilter("ignore", category=FutureWarning)
        warnings.simplefilter("ignore", category=DeprecationWarning)
        return _fca(demand_df, supply_df, cost_df, catchment_km, enhanced, n_demand)


def _fca(demand_df, supply_df, cost_df, catchment_km, enhanced, n_demand) -> np.ndarray:
    from access import Access, weights

    model = Access(
        demand_df=demand_df,
        demand_index="demand_id",
        demand_value="population",
        supply_df=supply_df,
        supply_index="supply_id",
        supply_value="capacity",
        cost_df=cost_df,
        cost_origin="origin",
        cost_dest="dest",
        cost_name="cost",
    )
    if enhanced:
        result = model.enhanced_two_stage_fca(
            name="e2sfca",
            max_cost=catchment_km,
            weight_fn=weights.gaussian(gaussian_sigma(catchment_km)),
        )
    else:
        result = model.two_stage_fca(name="2sfca", max_cost=catchment_km)
    series = result.iloc[:, 0].reindex(np.arange(n_demand))
    return series.fillna(0.0).to_numpy(dtype=float)


def county_frame(supply: Supply, catchment_km: float, threshold_km: float) -> pd.DataFrame:
    """Every measure per county (indexed by adcode; see the module docstring)."""
    demand = county_demand()
    population = demand["population"].to_numpy(dtype=float)
    km = distance_matrix_km(demand["lon"], demand["lat"], supply.lon, supply.lat)
    frame = demand.copy()
    if len(supply):
        nearest = km.argmin(axis=1)
        frame["nearest_km"] = np.round(km[np.arange(len(km)), nearest], 1)
        frame["nearest_id"] = [supply.ids[i] for i in nearest]
        frame["nearest_zh"] = [supply.names_zh[i] for i in nearest]
        frame["nearest_en"] = [supply.names_en[i] for i in nearest]
    else:
        frame["nearest_km"] = np.nan
        frame["nearest_id"] = frame["nearest_zh"] = frame["nearest_en"] = ""
    within = km <= catchment_km
    frame["reachable_sites"] = within.sum(axis=1)
    frame["reachable_capacity"] = (within * supply.capacity[None, :]).sum(axis=1)
    frame["reachable_per_10k"] = np.round(frame["reachable_capacity"] / population * 1e4, 4)
    frame["sfca_per_10k"] = np.round(
        floating_catchment(population, supply.capacity, km, catchment_km, False) * 1e4, 6
    )
    frame["e2sfca_per_10k"] = np.round(
        floating_catchment(population, supply.capacity, km, catchment_km, True) * 1e4, 6
    )
    # No site at all: every resident is beyond any threshold.
    frame["beyond"] = (frame["nearest_km"] > threshold_km) | frame["nearest_km"].isna()
    return frame


def _shares(frame: pd.DataFrame, key: str) -> list[dict]:
    """Residents beyond the threshold by ``key`` (``prefecture`` or ``province``)."""
    out = []
    for code, part in frame.groupby(key, sort=True):
        total = float(part["population"].sum())
        beyond = float(part.loc[part["beyond"], "population"].sum())
        out.append(
            {
                "adcode": code,
                "name_zh": part[f"{key}_zh"].iloc[0],
                "name_en": part[f"{key}_en"].iloc[0],
                "counties": int(len(part)),
                "population": int(total),
                "population_beyond": int(beyond),
                "share_beyond_pct": round(100.0 * beyond / total, 1) if total else None,
            }
        )
    return out


def _pct(value: float, lang: str) -> str:
    return f"{value:.1f} %" if lang == "en" else f"{value:.1f}%"


def statement(provinces: list[dict], supply: Supply, threshold_km: float) -> dict[str, str]:
    """One sentence per language from the province shares: "2020 年，北京市 0.0%、天津市
    …的常住人口距最近的复旦百强医院（2021年度）超过 60 千米。" """
    km = f"{threshold_km:g}"
    if not len(supply):
        return {
            "en": f"The layer {supply.title('en')} has no site with a location: no distance "
            "can be measured.",
            "zh": f"图层“{supply.title('zh')}”没有带坐标的设施，无法测距。",
        }
    zh_parts = [f"{p['name_zh']} {_pct(p['share_beyond_pct'], 'zh')}" for p in provinces]
    en_parts = [f"{_pct(p['share_beyond_pct'], 'en')} of {p['name_en']}'s" for p in provinces]
    en_list = (
        ", ".join(en_parts[:-1]) + " and " + en_parts[-1] if len(en_parts) > 1 else en_parts[0]
    )
    return {
        "zh": f"{POPULATION_YEAR} 年，"
        + "、".join(zh_parts)
        + f"的常住人口距最近的{facility_title(supply, 'zh')}超过 {km} 千米（椭球面直线距离）。",
        "en": f"In {POPULATION_YEAR}, {en_list} residents lived more than {km} km (straight "
        f"line) from the nearest {facility_title(supply, 'en')}.",
    }


def accessibility(
    supply: Supply,
    method: str = DEFAULT_METHOD,
    catchment_km: float = DEFAULT_CATCHMENT_KM,
    threshold_km: float = DEFAULT_THRESHOLD_KM,
) -> tuple[dict, pd.DataFrame]:
    """The accessibility answer (a JSON-able dict) and the county frame it was made from."""
    frame = county_frame(supply, catchment_km, threshold_km)
    provinces = _shares(frame, "province")
    total = float(frame["population"].sum())
    beyond = float(frame.loc[frame["beyond"], "population"].sum())
    unreached = 0
    if len(supply):
        km = distance_matrix_km(frame["lon"], frame["lat"], supply.lon, supply.lat)
        unreached = int((~(km <= catchment_km).any(axis=0)).sum())
    counties = []
    for adcode, row in frame.iterrows():
        counties.append(
            {
                "adcode": adcode,
                "name_zh": row["name_zh"],
                "name_en": row["name_en"],
                "prefecture": row["prefecture"],
                "province": row["province"],
                "lon": row["lon"],
                "lat": row["lat"],
                "population": int(row["population"]),
                "nearest_km": None if pd.isna(row["nearest_km"]) else float(row["nearest_km"]),
                "nearest_id": row["nearest_id"],
                "nearest_zh": row["nearest_zh"],
                "nearest_en": row["nearest_en"],
                "reachable_sites": int(row["reachable_sites"]),
                "reachable_capacity": float(row["reachable_capacity"]),
                "reachable_per_10k": float(row["reachable_per_10k"]),
                "sfca_per_10k": float(row["sfca_per_10k"]),
                "e2sfca_per_10k": float(row["e2sfca_per_10k"]),
                "beyond_threshold": bool(row["beyond"]),
            }
        )
    result = {
        "analysis": "accessibility",
        "method": {
            "measure": method,
            "measure_column": MEASURE_COLUMNS[method],
            "catchment_km": catchment_km,
            "threshold_km": threshold_km,
            "decay": {"function": "gaussian", "sigma_km": gaussian_sigma(catchment_km)},
            "distance": "straight line on the WGS 84 ellipsoid (pyproj Geod); no road network "
            "is bundled",
            "demand": f"county residents, census {POPULATION_YEAR} (bundled population), at "
            "each county's label point; a population-weighted point would need a population "
            "grid the atlas does not bundle",
            "library": "PySAL access (two_stage_fca, enhanced_two_stage_fca)",
            "units": {
                "nearest_km": "km",
                "sfca_per_10k": "capacity per 10,000 residents",
                "e2sfca_per_10k": "capacity per 10,000 residents",
                "reachable_per_10k": "capacity per 10,000 residents of the county",
            },
            "note": {"en": TEXT["acc_method_note"]["en"], "zh": TEXT["acc_method_note"]["zh"]},
        },
        "facilities": supply.as_dict(),
        "sites": supply.site_records(),
        "sites_out_of_reach": unreached,
        "coverage_note": supply.coverage_note,
        "population_year": POPULATION_YEAR,
        "region": {
            "population": int(total),
            "population_beyond": int(beyond),
            "share_beyond_pct": round(100.0 * beyond / total, 1),
        },
        "provinces": provinces,
        "prefectures": _shares(frame, "prefecture"),
        "counties": counties,
        "statement": statement(provinces, supply, threshold_km),
    }
    return result, frame


def check_method(value: str | None) -> str:
    return check_choice("method", value, DEFAULT_METHOD, METHODS)


def access_params(args: Mapping[str, str]) -> dict:
    """The canonical parameters of one accessibility view (checked; 400 naming the bad one)."""
    return {
        "facilities": (args.get("facilities") or "").strip() or None,
        "capacity": (args.get("capacity") or "").strip() or None,
        "method": check_method(args.get("method")),
        "catchment_km": check_number(
            "catchment_km", args.get("catchment_km"), DEFAULT_CATCHMENT_KM, *CATCHMENT_RANGE
        ),
        "threshold_km": check_number(
            "threshold_km", args.get("threshold_km"), DEFAULT_THRESHOLD_KM, *THRESHOLD_RANGE
        ),
    }


def access_from_params(args: Mapping[str, str], config=None):
    """``(params, supply, result, frame)`` for the request arguments ``args``."""
    params = access_params(args)
    supply = supply_from_params(params["facilities"], params["capacity"], config)
    params["facilities"] = supply.token
    result, frame = accessibility(
        supply, params["method"], params["catchment_km"], params["threshold_km"]
    )
    return params, supply, result, frame


def query_of(params: dict) -> dict[str, str]:
    """URL parameters of a view (defaults left out)."""
    query = {"facilities": params["facilities"]}
    if params.get("capacity"):
        query["capacity"] = params["capacity"]
    if params["method"] != DEFAULT_METHOD:
        query["method"] = params["method"]
    if params["catchment_km"] != DEFAULT_CATCHMENT_KM:
        query["catchment_km"] = f"{params['catchment_km']:g}"
    if params["threshold_km"] != DEFAULT_THRESHOLD_KM:
        query["threshold_km"] = f"{params['threshold_km']:g}"
    return query
