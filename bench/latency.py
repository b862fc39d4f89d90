"""Server time of a cached download: the county GeoJSON, once serialised and gzipped.

Two measurements of the same route, ``/download/regions.geojson?level=county`` with
``Accept-Encoding: gzip``:

* over HTTP against gunicorn: sequential requests on one ``http.client`` connection (HTTP/1.1
  keep-alive requested; if the server closes after each response, http.client reconnects and
  the connect time is included — the count of server-closed connections is reported);
* in-process with the Flask test client: pure server (WSGI) time, no sockets.

Baselines measured in the same run: the first, uncached request to the server (serialise +
gzip on that worker) and serialising the layer from scratch in-process
(``geo.formats.exports.regions_export('county', (), 'geojson')``).
"""

from __future__ import annotations

import http.client
import statistics
import time

from server import HOST, Server, fetch, read_response, standalone, summarise_ms, warm_up

PATH = "/download/regions.geojson?level=county"
BUDGET_P50_MS = 5.0
HEADERS = {"Accept-Encoding": "gzip", "Connection": "keep-alive"}


def http_latency(port: int, requests: int) -> dict:
    conn = http.client.HTTPConnection(HOST, port, timeout=30)
    times, server_closed, body_bytes = [], 0, 0
    try:
        for _ in range(requests):
            result = read_response(conn, PATH, HEADERS)
            if result.status != 200 or result.encoding != "gzip":
                raise RuntimeError(f"{PATH}: HTTP {result.status}, {result.encoding}")
            times.append(result.elapsed_ms)
            body_bytes = len(result.body)
            if result.headers.get("connection", "").lower() == "close":
                server_closed += 1
    finally:
        conn.close()
    return {
        "stats": summarise_ms(times),
        "server_closed_connections": server_closed,
        "body_bytes": body_bytes,
    }


def in_process_latency(requests: int) -> dict:
    from webmap import create_app

    client = create_app({"TESTING": True}).test_client()

    def one() -> float:
        started = time.perf_counter()
        response = client.get(PATH, headers=HEADERS)
        response.get_data()
        elapsed = (time.perf_counter() - started) * 1000
        if response.status_code != 200 or response.headers.get("Content-Encoding") != "gzip":
            raise RuntimeError(f"test client {PATH}: HTTP {response.status_code}")
        return elapsed

    first = one()  # this process's cache is empty: serialise + gzip
    times = [one() for _ in range(requests)]
    return {"first_request_ms": round(first, 3), "stats": summarise_ms(times)}


def serialise_from_scratch(repeats: int = 3) -> dict:
    import gzip

    from geo.formats.exports import regions_export

    def timed(fn) -> float:
        started = time.perf_counter()
        fn()
        return (time.perf_counter() - started) * 1000

    first = timed(lambda: regions_export("county", (), "geojson"))  # may read the layer file
    serialise = [timed(lambda: regions_export("county", (), "geojson")) for _ in range(repeats)]
    body = regions_export("county", (), "geojson")
    compress = [timed(lambda: gzip.compress(body, compresslevel=6, mtime=0)) for _ in range(3)]
    return {
        "first_call_ms": round(first, 2),
        "serialise_median_ms": round(statistics.median(serialise), 2),
        "gzip_median_ms": round(statistics.median(compress), 2),
        "runs": [round(t, 2) for t in serialise],
    }


def run(server: Server, requests: int = 500) -> dict:
    print(f"== latency: {PATH} (gzip), {requests} sequential requests")
    first = fetch(server.port, PATH)
    if first.status != 200:
        raise RuntimeError(f"{PATH}: HTTP {first.status}")
    warm = warm_up(server.port, PATH)  # reach every worker: each has its own cache
    over_http = http_latency(server.port, requests)
    in_process = in_process_latency(requests)
    scratch = serialise_from_scratch()

    h, p = over_http["stats"], in_process["stats"]
    http_status = "PASS" if h["p50"] <= BUDGET_P50_MS else "FAIL"
    server_status = "PASS" if p["p50"] <= BUDGET_P50_MS else "FAIL"
    print(
        f"  first (uncached) request over HTTP: {first.elapsed_ms:.1f} ms; warm-up "
        f"{len(warm)} requests, slowest {max(warm):.1f} ms"
    )
    print(
        f"  HTTP (gunicorn):   p50 {h['p50']:.2f}  p90 {h['p90']:.2f}  p99 {h['p99']:.2f}  "
        f"max {h['max']:.2f} ms  [{over_http['body_bytes']:,} B gzip body; server closed the "
        f"connection after {over_http['server_closed_connections']}/{requests} responses]"
    )
    print(
        f"  in-process (Flask test client): p50 {p['p50']:.3f}  p90 {p['p90']:.3f}  "
        f"p99 {p['p99']:.3f} ms  (first, uncached: {in_process['first_request_ms']:.1f} ms)"
    )
    print(
        f"  from scratch: regions_export('county') median "
        f"{scratch['serialise_median_ms']:.1f} ms (+ gzip {scratch['gzip_median_ms']:.1f} ms; "
        f"first call {scratch['first_call_ms']:.1f} ms)"
    )
    print(
        f"  budget p50 <= {BUDGET_P50_MS} ms: server time {server_status}, HTTP {http_status}; "
        f"cached p50 is {p['p50'] / scratch['serialise_median_ms']:.4f}x of serialising "
        f"({scratch['serialise_median_ms'] / p['p50']:.0f}x faster), HTTP p50 is "
        f"{h['p50'] / first.elapsed_ms:.3f}x of the first request"
    )
    summary = [
        {
            "benchmark": "latency",
            "metric": "cached county GeoJSON p50, in-process",
            "value": p["p50"],
            "unit": "ms",
            "budget": f"<= {BUDGET_P50_MS:g} ms",
            "baseline": scratch["serialise_median_ms"],
            "baseline_label": "regions_export from scratch",
            "ratio": round(p["p50"] / scratch["serialise_median_ms"], 5),
            "status": server_status,
        },
        {
            "benchmark": "latency",
            "metric": "cached county GeoJSON p50, HTTP",
            "value": h["p50"],
            "unit": "ms",
            "budget": f"<= {BUDGET_P50_MS:g} ms",
            "baseline": round(first.elapsed_ms, 2),
            "baseline_label": "first (uncached) request",
            "ratio": round(h["p50"] / first.elapsed_ms, 5),
            "status": http_status,
        },
        {
            "benchmark": "latency",
            "metric": "cached county GeoJSON p99, HTTP",
            "value": h["p99"],
            "unit": "ms",
            "budget": "",
            "baseline": round(first.elapsed_ms, 2),
            "baseline_label": "first (uncached) request",
            "ratio": round(h["p99"] / first.elapsed_ms, 5),
            "status": "info",
        },
    ]
    return {
        "path": PATH,
        "requests": requests,
        "first_request_ms": round(first.elapsed_ms, 2),
        "warm_up_ms": [round(t, 2) for t in warm],
        "http": over_http,
        "in_process": in_process,
        "from_scratch": scratch,
        "budget_p50_ms": BUDGET_P50_MS,
        "summary": summary,
    }


if __name__ == "__main__":
    standalone(run)
