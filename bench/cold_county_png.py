"""Cold county PNG exports, this tree against a baseline commit in the same run.

"Cold" as in ``bench/export.py``: a parameter set the process has not drawn, in a process
that has drawn one export before (fonts, layers and label points loaded). Each tree runs in
its own process (Flask test client, no server), the trees alternating; CPU and wall time of
each export are printed with the median per tree. Budget (DESIGN.md): cold county PNG
≤ 400 ms.

    .venv/bin/python bench/cold_county_png.py [--baseline REF|merge-base|none] [--rounds N]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BUDGET_MS = 400.0
CHILD = r"""
import json, sys, time
from webmap import create_app
client = create_app({"TESTING": True}).test_client()
client.get("/export/choropleth.png?indicator=area_km2&level=province")
client.get("/export/choropleth.png?indicator=area_km2&level=county")
out = []
for i, indicator in enumerate(["population", "top_hospitals", "population_density_2020",
                               "area_km2"]):
    for lang in ("en", "zh"):
        url = f"/export/choropleth.png?indicator={indicator}&level=county&lang={lang}&k={4 + i}"
        cpu, wall = time.process_time(), time.perf_counter()
        status = client.get(url).status_code
        out.append({"url": url, "status": status,
                    "cpu_ms": (time.process_time() - cpu) * 1000,
                    "wall_ms": (time.perf_counter() - wall) * 1000})
print(json.dumps(out))
"""


def run(tree: Path) -> list[dict]:
    done = subprocess.run(
        [sys.executable, "-c", CHILD],
        cwd=tree,
        env={**os.environ, "PYTHONPATH": str(tree), "MPLBACKEND": "Agg"},
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", default="merge-base")
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    trees = {"this tree": ROOT}
    if args.baseline != "none":
        ref = args.baseline
        if ref == "merge-base":
            found = subprocess.run(
                ["git", "merge-base", "HEAD", "main"], cwd=ROOT, capture_output=True, text=True
            )
            ref = found.stdout.strip()
        directory = Path(tempfile.mkdtemp(prefix="cold-png-"))
        archive = subprocess.run(["git", "archive", ref], cwd=ROOT, capture_output=True, check=True)
        subprocess.run(["tar", "-x", "-C", str(directory)], input=archive.stdout, check=True)
        trees = {f"baseline {ref[:10]}": directory, **trees}
    times: dict[str, list[dict]] = {name: [] for name in trees}
    for _ in range(args.rounds):
        for name, tree in trees.items():
            times[name] += run(tree)
    for name, rows in times.items():
        assert all(r["status"] == 200 for r in rows), rows
        cpu = statistics.median(r["cpu_ms"] for r in rows)
        wall = statistics.median(r["wall_ms"] for r in rows)
        print(f"{name}: cold county PNG median CPU {cpu:.0f} ms, wall {wall:.0f} ms "
              f"({len(rows)} exports; budget {BUDGET_MS:.0f} ms)")  # fmt: skip


if __name__ == "__main__":
    main()
