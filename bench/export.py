"""Static map exports: cold and cached PNG, in-process and over HTTP.

* cold: the first request of a parameter set the process has not drawn (spec + matplotlib
  drawing + PNG encoding + gzip), for several distinct maps; the very first export of a
  process (font load, projecting the layers) is reported separately;
* cached: the same URL again (answered from the export cache with its ETag), sequentially.

Budgets (DESIGN.md): cold PNG <= 1.5 s, cached <= 20 ms. Baseline in the same run: the cold
time of the same map (ratio = cached / cold).
"""

from __future__ import annotations

import statistics
import time

from server import Server, fetch, standalone, summarise_ms

COLD_BUDGET_MS = 1500.0
CACHED_BUDGET_MS = 20.0
MAPS = (
    "/export/choropleth.png?indicator=area_km2&level=county",
    "/export/choropleth.png?indicator=gdp&level=prefecture&lang=zh",
    "/export/choropleth.png?indicator=population_density_2020&level=prefecture&k=7",
    "/export/corridor/jing-bao-shi.png?band_km=30",
    "/export/choropleth.png?indicator=top_hospitals&level=county&width=2400&dpi=300",
)


def in_process(repeats: int) -> dict:
    from webmap import create_app

    client = create_app({"TESTING": True}).test_client()

    def timed(path: str) -> float:
        started = time.perf_counter()
        response = client.get(path)
        response.get_data()
        elapsed = (time.perf_counter() - started) * 1000
        if response.status_code != 200 or response.mimetype != "image/png":
            raise RuntimeError(f"{path}: HTTP {response.status_code}")
        return elapsed

    first = timed("/export/choropleth.png?indicator=area_km2&level=province")
    cold = {path: round(timed(path), 1) for path in MAPS}
    cached = [timed(MAPS[0]) for _ in range(repeats)]
    return {"first_in_process_ms": round(first, 1), "cold_ms": cold, "cached": summarise_ms(cached)}


def over_http(server: Server, repeats: int) -> dict:
    # Every worker has its own cache: a fresh parameter set is cold on both.
    path = MAPS[1] + "&width=1000"
    cold = fetch(server.port, path).elapsed_ms
    times = [fetch(server.port, path).elapsed_ms for _ in range(repeats)]
    return {"path": path, "cold_ms": round(cold, 1), "repeat": summarise_ms(times)}


def run(server: Server | None = None, repeats: int = 200) -> dict:
    print(f"== export: {len(MAPS)} PNG maps cold, then one cached x{repeats}")
    local = in_process(repeats)
    cold_max = max(local["cold_ms"].values())
    cached = local["cached"]
    for path, ms in local["cold_ms"].items():
        print(f"  cold {ms:8.1f} ms  {path}")
    print(
        "  first export of the process (fonts, projected layers): "
        f"{local['first_in_process_ms']:.1f} ms"
    )
    print(
        f"  cached (in-process): p50 {cached['p50']:.3f}  p90 {cached['p90']:.3f}  "
        f"p99 {cached['p99']:.3f} ms; {cached['p50'] / local['cold_ms'][MAPS[0]]:.5f}x of cold"
    )
    http = over_http(server, 100) if server else None
    if http:
        r = http["repeat"]
        print(
            f"  HTTP (gunicorn): first {http['cold_ms']:.1f} ms, then p50 {r['p50']:.2f}  "
            f"p90 {r['p90']:.2f} ms (one worker may still be cold on its first hit)"
        )
    cold_status = "PASS" if cold_max <= COLD_BUDGET_MS else "FAIL"
    cached_status = "PASS" if cached["p50"] <= CACHED_BUDGET_MS else "FAIL"
    summary = [
        {
            "benchmark": "export",
            "metric": "cold PNG export, slowest of 5 maps, in-process",
            "value": round(cold_max / 1000, 3),
            "unit": "s",
            "budget": f"<= {COLD_BUDGET_MS / 1000:g} s",
            "baseline": round(statistics.median(local["cold_ms"].values()) / 1000, 3),
            "baseline_label": "median cold map",
            "ratio": round(cold_max / statistics.median(local["cold_ms"].values()), 3),
            "status": cold_status,
        },
        {
            "benchmark": "export",
            "metric": "cached PNG export p50, in-process",
            "value": cached["p50"],
            "unit": "ms",
            "budget": f"<= {CACHED_BUDGET_MS:g} ms",
            "baseline": local["cold_ms"][MAPS[0]],
            "baseline_label": "same map cold",
            "ratio": round(cached["p50"] / local["cold_ms"][MAPS[0]], 5),
            "status": cached_status,
        },
    ]
    if http:
        summary.append(
            {
                "benchmark": "export",
                "metric": "cached PNG export p50, HTTP",
                "value": http["repeat"]["p50"],
                "unit": "ms",
                "budget": f"<= {CACHED_BUDGET_MS:g} ms",
                "baseline": http["cold_ms"],
                "baseline_label": "first request",
                "ratio": round(http["repeat"]["p50"] / http["cold_ms"], 5),
                "status": "PASS" if http["repeat"]["p50"] <= CACHED_BUDGET_MS else "FAIL",
            }
        )
    return {"in_process": local, "http": http, "summary": summary}


if __name__ == "__main__":
    standalone(run)
