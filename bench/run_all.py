"""Run every JJJ Atlas benchmark and print a summary against the budgets in DESIGN.md.

Usage (from the repository root; ``make bench`` does this)::

    python bench/run_all.py [--only latency,throughput] [--duration 10] [--strict]

The boundary build runs in-process first; then one gunicorn with the deployed settings
(``--config python:webmap.gunicorn_conf``, as ``jjj-atlas serve``: gthread workers, one per
core, keep-alive, preloaded and warmed) is started on a free loopback port for the HTTP
benchmarks and stopped at the end. Every ratio is against a baseline measured in the same run.
Results are also written as JSON to ``bench/results/latest.json``.

Exit status: 0 when every benchmark ran (budgets may still FAIL: see the summary), 1 when a
benchmark raised, or with ``--strict`` when a budget failed.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import sys
import time
import traceback
from pathlib import Path

import build_time
import datasets as datasets_bench
import downloads
import export
import latency
import page_weight
import throughput
from server import RESULTS_DIR, Server, ensure_project_importable, loadavg

# Order matters: latency first, so its "first request" really is the worker's first.
SERVER_BENCHMARKS = ("latency", "page_weight", "downloads", "throughput", "export")
ALL = ("build_time", *SERVER_BENCHMARKS, "datasets")


def _parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--only", default=",".join(ALL), help=f"comma-separated, from {ALL}")
    parser.add_argument("--requests", type=int, default=500, help="latency: sequential requests")
    parser.add_argument("--connections", type=int, default=8, help="throughput: connections")
    parser.add_argument("--processes", type=int, default=4, help="throughput: client processes")
    parser.add_argument("--duration", type=float, default=10.0, help="throughput: seconds")
    parser.add_argument("--output", type=Path, default=RESULTS_DIR / "latest.json")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a budget fails")
    args = parser.parse_args(argv)
    args.only = [name.strip() for name in args.only.split(",") if name.strip()]
    unknown = set(args.only) - set(ALL)
    if unknown:
        parser.error(f"unknown benchmark(s) {sorted(unknown)}; choose from {ALL}")
    return args


def _format_value(value, unit: str) -> str:
    if value is None:
        return "-"
    if unit == "B":
        return f"{value:,.0f} B"
    if unit == "ms":
        return f"{value:,.3f} ms"
    if unit == "s":
        return f"{value:,.2f} s"
    if unit == "req/s":
        return f"{value:,.1f} req/s"
    return f"{value} {unit}"


def print_summary(rows: list[dict]) -> None:
    table = [("benchmark", "metric", "value", "budget", "baseline", "ratio", "status")]
    for row in rows:
        table.append(
            (
                row["benchmark"],
                row["metric"],
                _format_value(row["value"], row["unit"]),
                row["budget"] or "-",
                f"{_format_value(row['baseline'], row['unit'])} ({row['baseline_label']})",
                "-" if row["ratio"] is None else f"{row['ratio']:.4g}x",
                row["status"],
            )
        )
    widths = [max(len(str(line[i])) for line in table) for i in range(len(table[0]))]
    print("\n== summary (ratio = value / baseline, both measured in this run)")
    for n, line in enumerate(table):
        cells = [
            str(cell).rjust(w) if i in (2, 5) and n else str(cell).ljust(w)
            for i, (cell, w) in enumerate(zip(line, widths, strict=True))
        ]
        print("  " + "  ".join(cells).rstrip())
        if n == 0:
            print("  " + "  ".join("-" * w for w in widths))


def main(argv: list[str] | None = None) -> int:
    args = _parse(argv)
    ensure_project_importable()
    started = time.perf_counter()
    report: dict = {
        "started": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "cores": os.cpu_count(),
        "loadavg_start": loadavg(),
        "results": {},
    }
    crashed = []

    def attempt(name: str, fn) -> None:
        try:
            report["results"][name] = fn()
        except Exception:  # one broken benchmark must not hide the others
            crashed.append(name)
            report["results"][name] = {"error": traceback.format_exc()}
            print(f"!! {name} failed:\n{traceback.format_exc()}", file=sys.stderr)

    if "build_time" in args.only:
        attempt("build_time", build_time.run)

    wanted = [name for name in SERVER_BENCHMARKS if name in args.only]
    if wanted:
        server = Server()
        print(f"== starting gunicorn: {' '.join(server.argv)}")
        t0 = time.perf_counter()
        try:
            server.start()
        except (OSError, RuntimeError):
            for name in wanted:
                crashed.append(name)
                report["results"][name] = {"error": traceback.format_exc()}
            print(f"!! server did not start:\n{traceback.format_exc()}", file=sys.stderr)
        else:
            try:
                print(
                    f"   ready in {time.perf_counter() - t0:.1f} s at {server.base_url}, "
                    f"workers {server.worker_pids()}"
                )
                report["server"] = {"argv": server.argv, "workers": server.workers}
                runs = {
                    "latency": lambda: latency.run(server, requests=args.requests),
                    "page_weight": lambda: page_weight.run(server),
                    "downloads": lambda: downloads.run(server),
                    "export": lambda: export.run(server),
                    "throughput": lambda: throughput.run(
                        server,
                        connections=args.connections,
                        duration=args.duration,
                        processes=args.processes,
                    ),
                }
                for name in wanted:
                    attempt(name, runs[name])
            finally:
                server.stop()
            if crashed:
                print("gunicorn log (tail):\n" + server.log_tail(), file=sys.stderr)

    if "datasets" in args.only:  # starts its own server on a temporary dataset store
        attempt("datasets", datasets_bench.run)

    rows = [row for result in report["results"].values() for row in result.get("summary", [])]
    failed = [f"{row['benchmark']}: {row['metric']}" for row in rows if row["status"] == "FAIL"]
    report.update(
        summary=rows,
        failed_budgets=failed,
        crashed=crashed,
        loadavg_end=loadavg(),
        elapsed_s=round(time.perf_counter() - started, 1),
    )
    print_summary(rows)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    print(
        f"\n{len(rows)} figures in {report['elapsed_s']:.0f} s; budgets failed: "
        f"{', '.join(failed) or 'none'}; crashed: {', '.join(crashed) or 'none'}; "
        f"load average {report['loadavg_start']} -> {report['loadavg_end']}"
    )
    print(f"results written to {args.output}")
    if crashed:
        return 1
    return 1 if (failed and args.strict) else 0


if __name__ == "__main__":
    sys.exit(main())
