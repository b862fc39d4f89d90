"""Download sizes: every download route, uncompressed and gzipped, as the server sends them.

Each route is requested twice on fresh connections: with ``Accept-Encoding: identity`` (raw
size; its time is labelled "first" — it is uncached only if no earlier benchmark in the
run already had that worker serve the route) and with
``Accept-Encoding: gzip`` (transfer size). The gzipped body must decode to the raw body.
"""

from __future__ import annotations

from server import Server, fetch, gzip_size, standalone

CORRIDOR_ZONE = "jing-bao-shi"


def routes() -> list[str]:
    from geo.levels import LEVELS

    paths = []
    for fmt in ("geojson", "topojson", "csv"):
        paths += [f"/download/regions.{fmt}?level={level}" for level in LEVELS]
    paths += [
        "/download/facilities.geojson",
        "/download/facilities.csv",
        "/download/zones.geojson",
        "/download/corridors.geojson",
        f"/download/corridor.geojson?zone={CORRIDOR_ZONE}",
        "/download/links.geojson",
        "/download/links.csv",
    ]
    return paths


def measure(port: int, path: str) -> dict:
    raw = fetch(port, path, gzip_ok=False)
    packed = fetch(port, path, gzip_ok=True)
    problems = []
    if raw.status != 200 or packed.status != 200:
        problems.append(f"HTTP {raw.status}/{packed.status}")
    if packed.encoding != "gzip":
        problems.append("not gzipped although the client accepts gzip")
    elif packed.decoded() != raw.body:
        problems.append("gzip body does not decode to the identity body")
    for header in ("etag", "cache-control", "content-disposition"):
        if header not in packed.headers:
            problems.append(f"no {header}")
    return {
        "path": path,
        "status": packed.status,
        "content_type": packed.headers.get("content-type", ""),
        "raw_bytes": len(raw.body),
        "gzip_bytes": len(packed.body) if packed.encoding == "gzip" else gzip_size(raw.body),
        "served_encoding": packed.encoding,
        "first_request_ms": round(raw.elapsed_ms, 2),
        "problems": problems,
    }


def run(server: Server) -> dict:
    print("== download sizes (raw = Accept-Encoding: identity; gzip = as served with gzip)")
    results = []
    for path in routes():
        r = measure(server.port, path)
        results.append(r)
        ratio = r["gzip_bytes"] / r["raw_bytes"] if r["raw_bytes"] else 0
        flag = ("  !! " + "; ".join(r["problems"])) if r["problems"] else ""
        line = (
            f"  {path:<54} {r['raw_bytes']:>10,} B raw {r['gzip_bytes']:>9,} B gzip "
            f"({ratio:5.1%})  {r['content_type']:<24} first {r['first_request_ms']:7.1f} ms{flag}"
        )
        print(line.rstrip())
    summary = [
        {
            "benchmark": "downloads",
            "metric": r["path"].removeprefix("/download/") + " gzip",
            "value": r["gzip_bytes"],
            "unit": "B",
            "budget": "",
            "baseline": r["raw_bytes"],
            "baseline_label": "same, uncompressed",
            "ratio": round(r["gzip_bytes"] / r["raw_bytes"], 4) if r["raw_bytes"] else None,
            "status": "CHECK" if r["problems"] else "info",
        }
        for r in results
    ]
    return {"routes": results, "summary": summary}


if __name__ == "__main__":
    standalone(run)
