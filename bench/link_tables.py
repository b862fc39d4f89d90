"""Uploaded links tables: publishing a 2,000-row county flow table (from, to, weight) through
``POST /api/datasets`` (Flask test client, a temporary SQLite store), then its links map page,
GeoJSON download and API, cold and cached. Prints ms per step.

The table is synthetic benchmark input (deterministic pairs of the atlas's county names,
weights 1..2,000); it is never published as data. Budget (DESIGN.md): a 2,000-row publish
<= 1 s.
"""

from __future__ import annotations

import io
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

BUDGET_PUBLISH_S = 1.0
ROWS = 2000
ROUNDS = 3


def flow_table(rows: int = ROWS) -> bytes:
    from geo.sources.regions import regions

    names = list(regions("county", include_special=False)["name_zh"])
    lines, seen = ["from,to,weight"], set()
    for offset in range(1, len(names)):
        for i, a in enumerate(names):
            b = names[(i + offset) % len(names)]
            if len(lines) > rows:
                break
            if a != b and (a, b) not in seen:
                seen.add((a, b))
                lines.append(f"{a},{b},{len(lines)}")
    return ("\n".join(lines) + "\n").encode("utf-8")


def main() -> None:
    from webmap import create_app

    data = flow_table()
    with tempfile.TemporaryDirectory() as folder:
        app = create_app({"TESTING": False, "DATABASE_URL": f"sqlite:///{folder}/bench.db"})
        client = app.test_client()
        client.get("/maps/links?basemap=none")  # boundaries and links loaded once
        timings = []
        for _ in range(ROUNDS):
            start = time.perf_counter()
            response = client.post(
                "/api/datasets",
                data={"file": (io.BytesIO(data), "flows.csv"), "title": "bench flows"},
                content_type="multipart/form-data",
            )
            timings.append(time.perf_counter() - start)
            assert response.status_code == 201, response.get_json()
        body = response.get_json()
        print(f"rows: {ROWS}, links published: {body['report']['links']}, level: "
              f"{body['report']['level']}, bytes: {len(data):,}")  # fmt: skip
        median = statistics.median(timings)
        verdict = "ok" if median <= BUDGET_PUBLISH_S else "OVER"
        print(f"publish (check + store), median of {ROUNDS}: {median * 1000:.0f} ms "
              f"(budget {BUDGET_PUBLISH_S * 1000:.0f} ms: {verdict})")  # fmt: skip
        dataset = body["id"]
        for label, url in (
            ("links map page", f"/maps/links?dataset={dataset}&basemap=none"),
            ("links GeoJSON", f"/download/links.geojson?dataset={dataset}"),
            ("links API", f"/api/links?dataset={dataset}"),
        ):
            start = time.perf_counter()
            first = client.get(url)
            cold = time.perf_counter() - start
            start = time.perf_counter()
            client.get(url)
            cached = time.perf_counter() - start
            print(f"{label}: cold {cold * 1000:.0f} ms, again {cached * 1000:.1f} ms, "
                  f"{len(first.data):,} bytes")  # fmt: skip


if __name__ == "__main__":
    main()
