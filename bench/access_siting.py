"""Accessibility and siting: cold times, in-process and over HTTP.

(Not ``bench/access.py``: run as a script, that name would shadow PySAL ``access``.)

* access: 199 counties x 100 sites (the label points of the first 100 counties by adcode as
  the sites, capacity 1: a workload of the size DESIGN.md names; the bundled tiers hold at
  most 46 located sites), all measures (nearest, 2SFCA, enhanced 2SFCA, reachable supply,
  threshold shares) - the first call of the process after its data is loaded, and the
  import of PySAL ``access`` separately;
* siting: k = 5 over the 199 county seats, existing sites = the Fudan top-100 layer, MCLP
  (objective=coverage) and p-median; the import of spopt (about 3-5 s, once per process)
  separately;
* HTTP: the first request of a parameter set no worker has answered (response cache cold).

Budgets (DESIGN.md): access for 199 counties x 100 sites < 1 s cold; siting k = 5 over the
county seats < 5 s.
"""

from __future__ import annotations

import time

from server import Server, fetch, standalone

ACCESS_BUDGET_S = 1.0
SITING_BUDGET_S = 5.0


def _timed(call):
    started = time.perf_counter()
    value = call()
    return value, time.perf_counter() - started


def in_process() -> dict:
    import numpy as np

    from geo.analysis.supply import Supply, county_demand

    demand = county_demand()  # boundaries, census table, label points (loaded once)
    _, import_access = _timed(lambda: __import__("access"))
    from geo.analysis.access import accessibility

    sites = demand.iloc[:100]
    supply = Supply(
        token="bench",
        kind="dataset",
        titles={"en": "100 county seats", "zh": "100 个县城"},
        ids=list(sites.index),
        names_zh=list(sites["name_zh"]),
        names_en=list(sites["name_en"]),
        lon=sites["lon"].to_numpy(dtype=float),
        lat=sites["lat"].to_numpy(dtype=float),
        capacity=np.ones(len(sites)),
    )
    (result, _), access_s = _timed(lambda: accessibility(supply, "e2sfca", 60.0, 60.0))
    assert len(result["counties"]) == 199
    _, again_s = _timed(lambda: accessibility(supply, "2sfca", 45.0, 30.0))

    _, import_spopt = _timed(lambda: __import__("spopt.locate"))
    from geo.analysis.siting import candidates_from_param, siting
    from geo.analysis.supply import supply_from_params

    existing = supply_from_params("fudan-top100", None)
    seats = candidates_from_param("county-seats")
    mclp, mclp_s = _timed(lambda: siting(existing, seats, 5, 60.0, "coverage"))
    pmedian, pmedian_s = _timed(lambda: siting(existing, seats, 5, 60.0, "pmedian"))
    return {
        "import_access_s": round(import_access, 3),
        "access_199x100_s": round(access_s, 3),
        "access_again_s": round(again_s, 3),
        "import_spopt_s": round(import_spopt, 3),
        "siting_mclp_k5_s": round(mclp_s, 3),
        "siting_mclp_solver_s": mclp["method"]["solve_s"],
        "siting_pmedian_k5_s": round(pmedian_s, 3),
        "siting_pmedian_solver_s": pmedian["method"]["solve_s"],
        "mclp_newly_covered": mclp["newly_covered"],
    }


def over_http(server: Server) -> dict:
    stamp = int(time.time()) % 50
    paths = {
        "access": f"/api/analysis/access?catchment_km={60 + stamp}",
        "siting_mclp_k5": f"/api/analysis/siting?k=5&radius_km={60 + stamp}",
    }
    out = {}
    for name, path in paths.items():
        answer = fetch(server.port, path)
        if answer.status != 200:
            raise RuntimeError(f"{path}: HTTP {answer.status}")
        out[name] = {"path": path, "cold_ms": round(answer.elapsed_ms, 1)}
    return out


def run(server: Server | None = None) -> dict:
    print("== access: 199 counties x 100 sites; siting k = 5 over the 199 county seats")
    local = in_process()
    print(f"  import PySAL access:                    {local['import_access_s']:7.3f} s")
    print(f"  access 199 x 100, first call (cold):    {local['access_199x100_s']:7.3f} s")
    print(f"  access 199 x 100, other parameters:     {local['access_again_s']:7.3f} s")
    print(f"  import spopt (once per process):        {local['import_spopt_s']:7.3f} s")
    print(
        f"  siting MCLP k=5:                        {local['siting_mclp_k5_s']:7.3f} s "
        f"(CBC incl. model build {local['siting_mclp_solver_s']:.3f} s)"
    )
    print(
        f"  siting p-median k=5:                    {local['siting_pmedian_k5_s']:7.3f} s "
        f"(CBC incl. model build {local['siting_pmedian_solver_s']:.3f} s)"
    )
    http = over_http(server) if server else None
    if http:
        for name, row in http.items():
            print(f"  HTTP cold {name:16s} {row['cold_ms']:9.1f} ms  {row['path']}")
    summary = [
        {
            "benchmark": "access",
            "metric": "accessibility 199 counties x 100 sites, cold, in-process",
            "value": local["access_199x100_s"],
            "unit": "s",
            "budget": f"< {ACCESS_BUDGET_S:g} s",
            "status": "PASS" if local["access_199x100_s"] < ACCESS_BUDGET_S else "FAIL",
        },
        {
            "benchmark": "access",
            "metric": "siting MCLP k=5 over the county seats, cold (spopt imported)",
            "value": local["siting_mclp_k5_s"],
            "unit": "s",
            "budget": f"< {SITING_BUDGET_S:g} s",
            "status": "PASS" if local["siting_mclp_k5_s"] < SITING_BUDGET_S else "FAIL",
        },
        {
            "benchmark": "access",
            "metric": "siting p-median k=5 over the county seats, cold (spopt imported)",
            "value": local["siting_pmedian_k5_s"],
            "unit": "s",
            "budget": f"< {SITING_BUDGET_S:g} s",
            "status": "PASS" if local["siting_pmedian_k5_s"] < SITING_BUDGET_S else "FAIL",
        },
    ]
    return {"in_process": local, "http": http, "summary": summary}


if __name__ == "__main__":
    standalone(run)
