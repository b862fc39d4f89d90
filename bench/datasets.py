"""User datasets: publishing a 2,000-row county table end to end, and a dataset's choropleth
page against a bundled indicator's, requests/s in the same run.

Runs its own gunicorn (the deployed settings, ``webmap/gunicorn_conf.py``) on a temporary
SQLite store, or on the database named by ``--database-url`` /
``JJJ_ATLAS_BENCH_DATABASE_URL`` (e.g. the URL printed by ``scripts/pg-cluster start DIR``).

The table is synthetic benchmark input shaped like a national yearbook table by county: the
199 county-level units of the atlas by adcode and name, plus 1,801 rows with county codes of
other provinces (unmatched, listed in the report). It is never published as data.

Budgets (DESIGN.md / issue 9): publish <= 1 s end to end; dataset page req/s within 20 % of
the bundled page's.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
import uuid

from server import HOST, Server, ensure_project_importable, warm_up
from throughput import load

BUDGET_PUBLISH_S = 1.0
BUDGET_RATIO = 0.8
ROUNDS = 4
ROWS = 2000
BUNDLED_PAGE = "/maps/choropleth?indicator=area_km2&level=county&basemap=none"


def county_table(rows: int = ROWS) -> bytes:
    from geo.sources.regions import regions

    units = regions("county", include_special=False)
    lines = ["区划代码,区县,床位数,每千人床位"]
    for n, unit in enumerate(units.itertuples()):
        lines.append(f'{unit.adcode},{unit.name_zh},"{(n * 37) % 5000 + 120:,}",{n % 9 + 2.5}')
    other = 0
    while len(lines) <= rows:
        # Codes of other provinces (Shanxi 14xxxx, Inner Mongolia 15xxxx...): not in the atlas.
        code = 140000 + (other // 30) * 100 + other % 30 + 1
        lines.append(f"{code},外省县{other:04d},{other % 700 + 50},{other % 7 + 1.5}")
        other += 1
    return ("\n".join(lines) + "\n").encode("utf-8")


def county_names_table() -> bytes:
    """The 199 county-level units by Chinese name with their prefecture (no codes): the
    slower, row-by-row path of the join (names, suffixes, parents)."""
    from geo.sources.regions import regions

    units = regions("county", include_special=False)
    prefectures = regions("prefecture").set_index("adcode")["name_zh"]
    lines = ["区县,所属城市,床位数"]
    for n, unit in enumerate(units.itertuples()):
        lines.append(f'{unit.name_zh},{prefectures.get(unit.parent_adcode, "")},"{n * 13:,}"')
    return ("\n".join(lines) + "\n").encode("utf-8")


def _multipart(fields: dict[str, str], data: bytes) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
        for k, v in fields.items()
    ]
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="beds.csv"\r\n'
        "Content-Type: text/csv\r\n\r\n".encode()
        + data
        + b"\r\n"
    )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def publish_once(port: int, data: bytes, title: str) -> tuple[float, dict]:
    import http.client
    import json

    body, content_type = _multipart({"title_en": title, "unit:床位数": "beds"}, data)
    conn = http.client.HTTPConnection(HOST, port, timeout=60)
    started = time.perf_counter()
    conn.request("POST", "/api/datasets", body, {"Content-Type": content_type})
    response = conn.getresponse()
    answer = response.read()
    elapsed = time.perf_counter() - started
    conn.close()
    if response.status != 201:
        raise RuntimeError(f"publish answered {response.status}: {answer[:500]!r}")
    return elapsed, json.loads(answer)


def state_lookup_us(database_url: str, dataset_id: str, n: int = 2000) -> dict:
    """Time ``Store.state`` (the per-request version lookup) in this process: µs per call
    in 20 batches (median and best batch), on the same database the server uses."""
    from geo.store import Store

    store = Store(database_url)
    try:
        assert store.state(dataset_id) is not None
        batches = []
        for _ in range(20):
            started = time.perf_counter()
            for _ in range(n // 20):
                store.state(dataset_id)
            batches.append((time.perf_counter() - started) / (n // 20) * 1e6)
    finally:
        store.dispose()
    return {"n": n, "median": statistics.median(batches), "min": min(batches)}


def run(server: Server | None = None, database_url: str | None = None, duration: float = 8.0):
    """Start a server on a fresh store, publish, then load both pages. ``server`` is unused
    (this benchmark needs its own store)."""
    database_url = database_url or os.environ.get("JJJ_ATLAS_BENCH_DATABASE_URL")
    scratch = tempfile.TemporaryDirectory(prefix="atlas-bench-")
    database_url = database_url or f"sqlite:///{scratch.name}/bench.sqlite3"
    backend = database_url.split(":", 1)[0]
    print(f"== datasets: publish a {ROWS:,}-row county table, dataset vs bundled page ({backend})")
    data = county_table()
    previous = os.environ.get("JJJ_ATLAS_DATABASE_URL")
    os.environ["JJJ_ATLAS_DATABASE_URL"] = database_url
    try:
        own = Server().start()
    finally:
        if previous is None:
            os.environ.pop("JJJ_ATLAS_DATABASE_URL")
        else:
            os.environ["JJJ_ATLAS_DATABASE_URL"] = previous
    try:
        publish_once(own.port, data, "warm-up")  # first request of a worker: imports, caches
        times = []
        for i in range(5):
            elapsed, answer = publish_once(own.port, data, f"bench {i}")
            times.append(elapsed)
        counts = answer["report"]["join"]["counts"]
        median = statistics.median(times)
        names = county_names_table()
        by_name = [publish_once(own.port, names, f"names {i}")[0] for i in range(3)]
        print(
            f"  publish 199 counties by name + prefecture (no codes): median "
            f"{statistics.median(by_name) * 1000:.0f} ms over {len(by_name)}"
        )
        print(
            f"  publish {ROWS:,} rows ({len(data):,} bytes, {counts['matched']} matched, "
            f"{counts['unmatched']} unmatched): median {median * 1000:.0f} ms, "
            f"max {max(times) * 1000:.0f} ms over {len(times)}; budget <= {BUDGET_PUBLISH_S:g} s"
        )
        lookup_us = state_lookup_us(database_url, answer["id"])
        print(
            f"  dataset state lookup (made on every request naming a dataset), in-process: "
            f"{lookup_us['median']:.1f} µs median, {lookup_us['min']:.1f} µs min "
            f"over {lookup_us['n']:,}"
        )
        dataset_page = (
            f"/maps/choropleth?dataset={answer['id']}&column=%E5%BA%8A%E4%BD%8D%E6%95%B0"
            "&level=county&basemap=none"
        )
        rates = {}
        for _label, path in (("bundled", BUNDLED_PAGE), ("dataset", dataset_page)):
            warm_up(own.port, path, requests=8, concurrency=2)
        # Alternate short windows so drifting load on a shared machine hits both alike.
        rounds = {"bundled": [], "dataset": []}
        for _round in range(ROUNDS):
            for label, path in (("bundled", BUNDLED_PAGE), ("dataset", dataset_page)):
                rounds[label].append(
                    load(own, path, connections=4, duration=duration / ROUNDS, processes=2)
                )
        for label, path in (("bundled", BUNDLED_PAGE), ("dataset", dataset_page)):
            parts = rounds[label]
            requests = sum(p["requests"] for p in parts)
            rates[label] = {
                "path": path,
                "rps": round(requests / duration, 1),
                "requests": requests,
                "errors": sum(p["errors"] for p in parts),
                "p50_ms_by_round": [p["latency_ms"]["p50"] for p in parts],
                "rps_by_round": [p["rps"] for p in parts],
            }
            print(
                f"  {label} page: {rates[label]['rps']} req/s over {ROUNDS} alternating rounds "
                f"{rates[label]['rps_by_round']}, p50 ms {rates[label]['p50_ms_by_round']}, "
                f"errors {rates[label]['errors']} ({path})"
            )
    finally:
        own.stop()
        scratch.cleanup()
    ratio = rates["dataset"]["rps"] / rates["bundled"]["rps"] if rates["bundled"]["rps"] else 0
    publish_status = "PASS" if median <= BUDGET_PUBLISH_S else "FAIL"
    ratio_status = "PASS" if ratio >= BUDGET_RATIO else "FAIL"
    print(f"  dataset/bundled page req/s = {ratio:.2f} (budget >= {BUDGET_RATIO}): {ratio_status}")
    summary = [
        {
            "benchmark": "datasets",
            "metric": f"publish {ROWS:,}-row county CSV, median end to end ({backend})",
            "value": round(median, 3),
            "unit": "s",
            "budget": f"<= {BUDGET_PUBLISH_S:g} s",
            "baseline": BUDGET_PUBLISH_S,
            "baseline_label": "the budget",
            "ratio": round(median / BUDGET_PUBLISH_S, 3),
            "status": publish_status,
        },
        {
            "benchmark": "datasets",
            "metric": "dataset choropleth page req/s vs bundled (county)",
            "value": rates["dataset"]["rps"],
            "unit": "req/s",
            "budget": f">= {BUDGET_RATIO:.0%} of bundled",
            "baseline": rates["bundled"]["rps"],
            "baseline_label": "bundled indicator page, same run",
            "ratio": round(ratio, 3),
            "status": ratio_status,
        },
    ]
    return {
        "backend": backend,
        "rows": ROWS,
        "bytes": len(data),
        "publish_s": [round(t, 3) for t in times],
        "publish_median_s": round(median, 3),
        "publish_by_name_s": [round(t, 3) for t in by_name],
        "report_counts": counts,
        "pages": rates,
        "page_ratio": round(ratio, 3),
        "state_lookup_us": {k: round(v, 1) for k, v in lookup_us.items()},
        "summary": summary,
    }


if __name__ == "__main__":
    ensure_project_importable()
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", help="default: a temporary SQLite file")
    parser.add_argument("--duration", type=float, default=8.0, help="seconds per page")
    args = parser.parse_args()
    run(None, args.database_url, args.duration)
