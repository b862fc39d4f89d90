"""Throughput under gunicorn: requests/s for the cached county GeoJSON with N connections.

The load generator is a few forked processes, each running a thread per connection, so the
Python client is not limited by one GIL. It shares the machine's cores with the 2 gunicorn
workers, so the CPU seconds of both sides are reported: rps is a figure for "server and
client on the same 2 cores", a lower bound for the server alone.

Connections ask for keep-alive; gunicorn's default sync workers close after every response,
so each request then pays a TCP connect (reported as ``server_closed``); the deployed gthread
workers keep them open.

Baselines measured the same way in the same run: a static file (``/static/atlas.css``) and a
small uncached JSON endpoint (``/api/zones``).
"""

from __future__ import annotations

import http.client
import multiprocessing
import os
import resource
import threading
import time

from server import (
    HOST,
    Server,
    machine_cpu_seconds,
    percentile,
    read_response,
    standalone,
    warm_up,
)

PATH = "/download/regions.geojson?level=county"
BASELINES = ("/static/atlas.css", "/api/zones")
BUDGET_RPS = 500
HEADERS = {"Accept-Encoding": "gzip", "Connection": "keep-alive"}


def _connection_loop(port: int, path: str, start_at: float, deadline: float, out: dict) -> None:
    conn = http.client.HTTPConnection(HOST, port, timeout=30)
    times, errors, closed, body_bytes = [], 0, 0, 0
    while time.monotonic() < start_at:
        time.sleep(0.001)
    while time.monotonic() < deadline:
        try:
            result = read_response(conn, path, HEADERS)
        except (OSError, http.client.HTTPException):
            errors += 1
            conn.close()
            continue
        if time.monotonic() > deadline:
            break  # finished after the window: not counted
        if result.status != 200:
            errors += 1
            continue
        times.append(result.elapsed_ms)
        body_bytes += len(result.body)
        if result.headers.get("connection", "").lower() == "close":
            closed += 1
    conn.close()
    out.update(times=times, errors=errors, closed=closed, body_bytes=body_bytes)


def _client_process(port, path, connections, start_at, deadline, queue) -> None:
    outs = [{} for _ in range(connections)]
    threads = [
        threading.Thread(target=_connection_loop, args=(port, path, start_at, deadline, out))
        for out in outs
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    usage = resource.getrusage(resource.RUSAGE_SELF)
    queue.put(
        {
            "times": [t for out in outs for t in out.get("times", [])],
            "errors": sum(out.get("errors", 0) for out in outs),
            "closed": sum(out.get("closed", 0) for out in outs),
            "body_bytes": sum(out.get("body_bytes", 0) for out in outs),
            "cpu_s": usage.ru_utime + usage.ru_stime,
        }
    )


def load(server: Server, path: str, connections: int, duration: float, processes: int) -> dict:
    """``connections`` concurrent request loops for ``duration`` seconds against ``path``."""
    processes = max(1, min(processes, connections))
    per_process = [
        connections // processes + (i < connections % processes) for i in range(processes)
    ]
    ctx = multiprocessing.get_context("fork")
    queue = ctx.Queue()
    start_at = time.monotonic() + 0.5  # time for the children to fork and open connections
    deadline = start_at + duration
    children = [
        ctx.Process(target=_client_process, args=(server.port, path, n, start_at, deadline, queue))
        for n in per_process
    ]
    for child in children:
        child.start()
    while time.monotonic() < start_at:
        time.sleep(0.005)
    server_cpu_before, machine_cpu_before = server.cpu_seconds(), machine_cpu_seconds()
    time.sleep(max(0.0, deadline - time.monotonic()))
    server_cpu = server.cpu_seconds() - server_cpu_before
    machine_cpu = machine_cpu_seconds() - machine_cpu_before
    parts = [queue.get(timeout=duration + 60) for _ in children]
    for child in children:
        child.join(timeout=30)
    times = [t for part in parts for t in part["times"]]
    completed = len(times)
    return {
        "path": path,
        "connections": connections,
        "client_processes": processes,
        "duration_s": duration,
        "requests": completed,
        "rps": round(completed / duration, 1),
        "errors": sum(p["errors"] for p in parts),
        "server_closed": sum(p["closed"] for p in parts),
        "mbytes_per_s": round(sum(p["body_bytes"] for p in parts) / duration / 1e6, 2),
        "latency_ms": {
            "p50": round(percentile(times, 50), 2),
            "p90": round(percentile(times, 90), 2),
            "p99": round(percentile(times, 99), 2),
        },
        "server_cpu_s": round(server_cpu, 2),
        "client_cpu_s": round(sum(p["cpu_s"] for p in parts), 2),
        # Everything busy on the machine in the window; minus server and client = other load.
        "machine_cpu_s": round(machine_cpu, 2),
        "cores": os.cpu_count(),
    }


def other_cpu_s(r: dict) -> float:
    """CPU seconds used in the window by processes other than the server and the clients."""
    return max(0.0, r["machine_cpu_s"] - r["server_cpu_s"] - r["client_cpu_s"])


def _print(r: dict) -> None:
    capacity = r["duration_s"] * (r["cores"] or 1)
    print(
        f"  {r['path']:<40} {r['rps']:>7,.1f} req/s {r['mbytes_per_s']:>7.2f} MB/s  "
        f"p50 {r['latency_ms']['p50']:5.1f} p99 {r['latency_ms']['p99']:5.1f} ms  "
        f"cpu: server {r['server_cpu_s'] / capacity:4.0%} "
        f"client {r['client_cpu_s'] / capacity:4.0%}"
        f" other {other_cpu_s(r) / capacity:4.0%} of {r['cores']} cores  errors {r['errors']}"
    )


def run(
    server: Server,
    connections: int = 8,
    duration: float = 10.0,
    processes: int = 4,
    baseline_duration: float | None = None,
) -> dict:
    baseline_duration = baseline_duration or max(2.0, duration / 2)
    print(
        f"== throughput: {connections} connections from {min(processes, connections)} client "
        f"processes, {duration:g} s (baselines {baseline_duration:g} s), "
        f"{len(server.worker_pids())} gunicorn workers, {os.cpu_count()} cores"
    )
    for path in (PATH, *BASELINES):
        warm_up(server.port, path)
    main = load(server, PATH, connections, duration, processes)
    _print(main)
    baselines = {
        path: load(server, path, connections, baseline_duration, processes) for path in BASELINES
    }
    for result in baselines.values():
        _print(result)
    status = "PASS" if main["rps"] >= BUDGET_RPS else "FAIL"
    for result in (main, *baselines.values()):
        share = other_cpu_s(result) / (result["duration_s"] * (result["cores"] or 1))
        if share > 0.1:
            print(
                f"  warning: other processes used {share:.0%} of the cores during "
                f"{result['path']}: figures are lower than on an idle machine"
            )
    trivial = baselines[BASELINES[0]]
    print(
        f"  budget >= {BUDGET_RPS} req/s: {status}; cached download is "
        f"{main['rps'] / trivial['rps']:.2f}x the rps of {BASELINES[0]}; server closed "
        f"{main['server_closed']}/{main['requests']} connections (no keep-alive)"
    )
    summary = [
        {
            "benchmark": "throughput",
            "metric": "cached county GeoJSON req/s",
            "value": main["rps"],
            "unit": "req/s",
            "budget": f">= {BUDGET_RPS} req/s",
            "baseline": trivial["rps"],
            "baseline_label": f"{BASELINES[0]} req/s",
            "ratio": round(main["rps"] / trivial["rps"], 3) if trivial["rps"] else None,
            "status": status,
        }
    ]
    for path, result in baselines.items():
        summary.append(
            {
                "benchmark": "throughput",
                "metric": f"{path} req/s",
                "value": result["rps"],
                "unit": "req/s",
                "budget": "",
                "baseline": trivial["rps"],
                "baseline_label": f"{BASELINES[0]} req/s",
                "ratio": round(result["rps"] / trivial["rps"], 3) if trivial["rps"] else None,
                "status": "info",
            }
        )
    return {"main": main, "baselines": baselines, "budget_rps": BUDGET_RPS, "summary": summary}


if __name__ == "__main__":
    standalone(run)
