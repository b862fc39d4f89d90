"""Mixed load under wrk: 50 connections, 60 s, over what a report page and GIS users ask for.

Usage (from the repository root; ``make bench`` runs it after ``bench/run_all.py``)::

    python bench/load.py [--duration 60] [--connections 50] [--baseline REF|none]
                         [--configs gthread:2x8,sync:2] [--nginx-duration 15]

1. The app under gunicorn with ``webmap/gunicorn_conf.py`` (and any other worker
   configurations named by ``--configs``), on a free loopback port, hit by ``wrk`` with a
   Lua script cycling through a realistic mix (home, 4 choropleths, 2 corridors, 4 embeds,
   API, OGC items, downloads; gzip accepted). Prints requests/s, p50/p90/p99/max latency
   and errors (socket errors + non-2xx/3xx answers).
2. The baseline, in the same run: the code of git ``REF`` (default ``main``) extracted to a
   temporary directory and served the way it was served before this change (2 sync
   workers, ``--preload 'webmap:create_app()'``), under the same mix.
3. The cached county GeoJSON download from the app vs nginx (Debian ``nginx-light``,
   started from a temporary config on a free port) serving the same gzipped bytes:
   requests/s of each and the ratio (goal ≥ 0.25×).

4. The cold mix (issue 18), beside the cached one: every request a URL nobody asked
   before — choropleth pages and embeds over indicator × level × year × scheme × k ×
   palette × lang, and downloads over level × indicator pairs × format — 20 connections,
   30 s, against the default server, and against ``--cold-baseline`` (default ``main``)
   served the same way in the same run. Goals: p99 < 250 ms, ≥ 60 req/s, 0 errors.

Goal (DESIGN.md): p99 < 100 ms with 0 errors for the mix. Results go to
``bench/results/load.json``; ``bench/README.md`` holds the latest table. Tools: ``wrk`` and
``nginx`` (``scripts/ensure-bench-tools`` installs them); without nginx the comparison is
skipped and the output says so.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

from server import HOST, RESULTS_DIR, ROOT, fetch, free_port, gunicorn_executable, loadavg

WRK = shutil.which("wrk")
NGINX = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
#: main before the response cache, OGC API and gunicorn config (the issue's "today").
BASELINE = "c3b8408"
COUNTY_DOWNLOAD = "/download/regions.geojson?level=county"

#: The mix: each path is requested equally often, in this order, by every wrk connection.
MIX = (
    "/",
    "/maps/choropleth?indicator=population&level=prefecture&lang=en",
    "/maps/choropleth?indicator=area_km2&level=county&lang=en",
    "/maps/choropleth?indicator=gdp&level=prefecture&lang=en",
    "/maps/choropleth?indicator=top_hospitals&level=county&lang=en",
    "/maps/corridor/jing-bao-shi?lang=en",
    "/maps/corridor/tong-wu-lang?lang=en",
    "/embed/choropleth?indicator=population&level=prefecture",
    "/embed/choropleth?indicator=area_km2&level=county",
    "/embed/corridor/jing-bao-shi",
    "/embed/corridor/xiongan",
    "/api/indicators",
    "/api/zones",
    "/ogc/collections/county/items",
    "/ogc/collections/facilities/items",
    "/download/regions.topojson?level=county",
    "/download/regions.geojson?level=prefecture",
    COUNTY_DOWNLOAD,
    "/download/facilities.geojson",
)

#: Indicator ids the baseline tree still used (renamed since; the new ids redirect there).
BASELINE_RENAMES = {
    "indicator=population&": "indicator=population_2020&",
    "indicator=gdp&": "indicator=gdp_2021&",
}

LUA = r"""
paths = {%(paths)s}
counter = 0
request = function()
  counter = counter + 1
  local path = paths[(counter %% #paths) + 1]
  return wrk.format("GET", path, {["Accept-Encoding"] = "gzip"})
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "RESULT {\"requests\": %%d, \"duration_us\": %%d, \"bytes\": %%d, " ..
    "\"connect\": %%d, \"read\": %%d, \"write\": %%d, \"status\": %%d, \"timeout\": %%d, " ..
    "\"p50_ms\": %%.3f, \"p90_ms\": %%.3f, \"p99_ms\": %%.3f, \"max_ms\": %%.3f, " ..
    "\"mean_ms\": %%.3f}\n",
    summary.requests, summary.duration, summary.bytes,
    e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50) / 1000, latency:percentile(90) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000, latency.mean / 1000))
end
"""


COLD_LUA = r"""
paths = {%(paths)s}
local threads, next_id = {}, 0
setup = function(thread)
  thread:set("id", next_id)
  next_id = next_id + 1
  table.insert(threads, thread)
end
init = function(args)
  counter = 0
  step = tonumber(%(threads)d)
end
request = function()
  -- thread i takes paths i, i + T, i + 2T, ...: no two requests share a URL
  local index = id + counter * step
  counter = counter + 1
  if index >= #paths then wrapped = true end
  local path = paths[(index %% #paths) + 1]
  return wrk.format("GET", path, {["Accept-Encoding"] = "gzip"})
end
""" + LUA[LUA.index("done = function") :]


#: Distinct URLs handed to wrk (30 s at 1,000 req/s); the output says if they ran out.
COLD_URLS = 30_000


def cold_urls(seed: int = 18) -> tuple[list[str], list[str]]:
    """Distinct cold URLs (shuffled) and one warm-up URL per (indicator, level, year).

    Pages and embeds: every indicator at every level it has, each of its years, × 3
    schemes × 7 class counts × 18 palettes × 2 languages. Downloads: every pair of
    indicators a level has × GeoJSON/CSV/TopoJSON. Built from this tree's catalog.
    """
    import itertools
    import random
    from urllib.parse import urlencode

    from server import ensure_project_importable

    ensure_project_importable()
    from geo.analysis.classify import K_RANGE, PALETTES, SCHEMES
    from geo.sources.catalog import indicators

    maps, warm_up = [], []
    for ind in indicators():
        for level in ind.levels:
            years = [str(y) for y in ind.all_years] if len(ind.all_years) > 1 else [""]
            for year in years:
                base = {"indicator": ind.id, "level": level, "year": year}
                warm_up.append(_url("/maps/choropleth", base))
                for scheme, k, palette, lang in itertools.product(
                    SCHEMES, K_RANGE, PALETTES, ("zh", "en")
                ):
                    params = {**base, "scheme": scheme, "k": k, "palette": palette, "lang": lang}
                    maps.append(params)
    rng = random.Random(seed)
    rng.shuffle(maps)
    urls = []
    half = len(maps) // 2
    urls += [_url("/maps/choropleth", p) for p in maps[:half]]
    urls += [_url("/embed/choropleth", p) for p in maps[half:]]
    rng.shuffle(urls)
    downloads = []
    levels = sorted({lv for ind in indicators() for lv in ind.levels})
    for level in levels:
        ids = [ind.id for ind in indicators() if level in ind.levels]
        for a, b in itertools.combinations(ids, 2):
            for fmt in ("geojson", "csv", "topojson"):
                query = urlencode({"level": level, "indicators": f"{a},{b}"})
                downloads.append(f"/download/regions.{fmt}?{query}")
    rng.shuffle(downloads)
    # 4 pages or embeds : 1 download, as long as downloads last
    mixed = []
    for i, url in enumerate(urls):
        mixed.append(url)
        if i % 4 == 3 and downloads:
            mixed.append(downloads.pop())
    return mixed[:COLD_URLS], warm_up


def _url(path: str, params: dict) -> str:
    from urllib.parse import urlencode

    return f"{path}?" + urlencode({k: v for k, v in params.items() if v != ""})


def _without(urls: list[str], missing: list[str], warm_up: list[str]) -> list[str]:
    """``urls`` less the maps of the (indicator, level, year) whose warm-up failed, and the
    downloads naming an indicator none of whose warm-ups answered."""
    from urllib.parse import parse_qs

    if not missing:
        return urls
    gone = {m.split("?", 1)[1] for m in missing}
    ids = {parse_qs(m.split("?", 1)[1])["indicator"][0] for m in warm_up}
    drawn = {parse_qs(m.split("?", 1)[1])["indicator"][0] for m in warm_up if m not in missing}
    unknown = ids - drawn

    def kept(url: str) -> bool:
        query = url.split("?", 1)[1]
        if url.startswith("/download/"):
            return not set(parse_qs(query)["indicators"][0].split(",")) & unknown
        return not any(query == g or query.startswith(g + "&") for g in gone)

    return [u for u in urls if kept(u)]


def cold_lua_script(paths: list[str], directory: Path, threads: int) -> Path:
    path = directory / "cold.lua"
    path.write_text(
        COLD_LUA % {"paths": ", ".join(json.dumps(p) for p in paths), "threads": threads}
    )
    return path


def run_cold(server: Gunicorn, tmp: Path, connections: int, duration: float) -> dict:
    """The cold mix against ``server``: warm the data layers (one URL per indicator, level
    and year, in every worker), then wrk over URLs none of which was asked before."""
    urls, warm_up = cold_urls()
    # A baseline may not have every indicator or year this tree's catalog lists (ids
    # renamed, years added): the maps it cannot draw are left out of its mix, not errors.
    missing = [u for u in warm_up if fetch(server.port, u).status != 200]
    if len(missing) > len(warm_up) // 2:
        raise RuntimeError(f"{server.label}: {len(missing)} of {len(warm_up)} warm-ups failed")
    urls = _without(urls, missing, warm_up)
    warm_up = [u for u in warm_up if u not in missing]
    for _ in range(3):  # fresh connections spread over the workers
        for url in warm_up:
            status = fetch(server.port, url).status
            if status != 200:
                raise RuntimeError(f"{server.label}: warm-up {url} answered {status}")
    script = cold_lua_script(urls, tmp, threads=2)
    result = run_wrk(server.url, script, connections, duration)
    result["distinct_urls"] = len(urls)
    result["maps_left_out"] = len(missing)
    result["wrapped"] = result["requests"] > len(urls)
    return result


def lua_script(paths: tuple[str, ...], directory: Path) -> Path:
    path = directory / "mix.lua"
    path.write_text(LUA % {"paths": ", ".join(json.dumps(p) for p in paths)})
    return path


def run_wrk(url: str, script: Path, connections: int, duration: float, threads: int = 2) -> dict:
    argv = [
        WRK,
        f"-t{threads}",
        f"-c{connections}",
        f"-d{int(duration)}s",
        "--timeout",
        "10s",
        "-s",
        str(script),
        url,
    ]
    out = subprocess.run(argv, capture_output=True, text=True, timeout=duration + 60).stdout
    match = re.search(r"^RESULT (\{.*\})$", out, re.M)
    if not match:
        raise RuntimeError(f"wrk printed no result:\n{out}")
    result = json.loads(match.group(1))
    result["errors"] = sum(result[k] for k in ("connect", "read", "write", "status", "timeout"))
    result["rps"] = round(result["requests"] / (result["duration_us"] / 1e6), 1)
    return result


class Gunicorn:
    """gunicorn from an argv, on a free port, cwd ``root``; stopped by its own pid."""

    def __init__(self, label: str, args: list[str], root: Path, env: dict | None = None):
        self.label = label
        self.port = free_port()
        self.root = root
        self.argv = [str(gunicorn_executable()), "--bind", f"{HOST}:{self.port}", *args]
        self.env = {**os.environ, **(env or {}), "JJJ_ATLAS_WARM_HOST": f"{HOST}:{self.port}"}
        self.env["PYTHONPATH"] = str(root)
        self.process: subprocess.Popen | None = None
        self.log = tempfile.TemporaryFile()

    def __enter__(self) -> Gunicorn:
        self.process = subprocess.Popen(
            [*self.argv[:1], "--chdir", str(self.root), *self.argv[1:]],
            cwd=self.root,
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=self.log,
        )
        deadline = time.monotonic() + 120
        while True:
            if self.process.poll() is not None:
                self.log.seek(0)
                raise RuntimeError(f"{self.label}: gunicorn exited:\n{self.log.read()[-3000:]}")
            try:
                if fetch(self.port, "/api/zones", timeout=5).status == 200:
                    return self
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"{self.label}: not ready after 120 s")
            time.sleep(0.2)

    def __exit__(self, *exc) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}"


def warm(server: Gunicorn, paths: tuple[str, ...], rounds: int = 8) -> None:
    """Request every path a few times so each worker has rendered it (fresh connections
    land on different workers); fail early on any non-200."""
    for _ in range(rounds):
        for path in paths:
            status = fetch(server.port, path).status
            if status != 200:
                raise RuntimeError(f"{server.label}: {path} answered {status}")


def resolve_ref(ref: str) -> str:
    """``merge-base`` → the commit this branch left main at (main moves on while a branch
    is measured: comparing with the branch's own starting point keeps others' merges out)."""
    if ref != "merge-base":
        return ref
    return subprocess.run(
        ["git", "merge-base", "main", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.strip()[:7]


def extract(ref: str, directory: Path) -> Path:
    """The tree of git ``ref`` (code and data) unpacked into ``directory``."""
    ref = resolve_ref(ref)
    archive = subprocess.run(
        ["git", "archive", "--format=tar", ref], cwd=ROOT, capture_output=True, check=True
    ).stdout
    target = directory / f"baseline-{ref.replace('/', '_')}"
    target.mkdir()
    with tarfile.open(fileobj=__import__("io").BytesIO(archive)) as tar:
        tar.extractall(target, filter="data")
    return target


NGINX_CONF = """
worker_processes %(workers)d;
pid %(dir)s/nginx.pid;
error_log %(dir)s/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path %(dir)s/body;
  proxy_temp_path %(dir)s/proxy;
  fastcgi_temp_path %(dir)s/fastcgi;
  uwsgi_temp_path %(dir)s/uwsgi;
  scgi_temp_path %(dir)s/scgi;
  keepalive_requests 100000;
  sendfile on;
  server {
    listen 127.0.0.1:%(port)d;
    location = /county.geojson {
      alias %(dir)s/county.geojson.gz;
      types { }
      default_type application/geo+json;
      add_header Content-Encoding gzip;
      etag on;
    }
  }
}
"""


def nginx_comparison(app: Gunicorn, connections: int, duration: float, tmp: Path) -> dict:
    """Requests/s for the cached county GeoJSON: the app vs nginx with the same gzip bytes."""
    if NGINX is None:
        return {"skipped": "nginx not installed (scripts/ensure-bench-tools installs it)"}
    body = fetch(app.port, COUNTY_DOWNLOAD)
    if body.encoding != "gzip":
        raise RuntimeError("the app did not gzip the county download")
    nginx_dir = tmp / "nginx"
    nginx_dir.mkdir()
    (nginx_dir / "county.geojson.gz").write_bytes(body.body)
    # nginx workers run as an unprivileged user when started as root: let them read it.
    for path in (tmp, nginx_dir, nginx_dir / "county.geojson.gz"):
        path.chmod(0o755)
    port = free_port()
    conf = nginx_dir / "nginx.conf"
    conf.write_text(NGINX_CONF % {"dir": nginx_dir, "port": port, "workers": os.cpu_count() or 1})
    process = subprocess.Popen(
        [NGINX, "-c", str(conf), "-p", str(nginx_dir), "-g", "daemon off;"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                served = fetch(port, "/county.geojson")
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"nginx did not start: {process.stderr.read()!r}") from None
                time.sleep(0.1)
        if served.status != 200 or served.body != body.body:
            raise RuntimeError(f"nginx answered {served.status}: {served.body[:200]!r}")
        single = lua_script((COUNTY_DOWNLOAD,), tmp / "app")
        app_result = run_wrk(app.url, single, connections, duration)
        nginx_script = lua_script(("/county.geojson",), tmp / "nginx-lua")
        nginx_result = run_wrk(f"http://{HOST}:{port}", nginx_script, connections, duration)
    finally:
        process.terminate()
        process.wait(timeout=10)
    return {
        "gzip_bytes": len(body.body),
        "app": app_result,
        "nginx": nginx_result,
        "ratio": round(app_result["rps"] / nginx_result["rps"], 3),
    }


def parse_configs(raw: str) -> list[tuple[str, list[str]]]:
    """``gthread:2x8,sync:2`` → labelled gunicorn argument lists (with the repo's config)."""
    found = []
    for item in filter(None, (s.strip() for s in raw.split(","))):
        kind, _, shape = item.partition(":")
        args = ["--config", "python:webmap.gunicorn_conf", "--worker-class", kind]
        workers, _, threads = shape.partition("x")
        if workers:
            args += ["--workers", workers]
        if threads:
            args += ["--threads", threads]
        args += ["--access-logfile", "/dev/null"]
        found.append((item, args))
    return found


def _row(label: str, result: dict) -> str:
    return (
        f"  {label:<34} {result['rps']:>9,.1f} {result['p50_ms']:>8.1f} "
        f"{result['p90_ms']:>8.1f} {result['p99_ms']:>8.1f} {result['max_ms']:>8.1f} "
        f"{result['errors']:>6}"
    )


def cold_mix(args, tmp: Path) -> dict:
    """The cold mix on the default server, then on ``--cold-baseline`` served the same way
    (its own ``webmap/gunicorn_conf.py``), in the same run."""
    runs = {}
    print(
        f"\n== cold mix: every request a new URL (pages, embeds, downloads), "
        f"{args.cold_connections} connections, {args.cold_duration:g} s each"
    )
    trees = [("this version", ROOT)]
    if args.cold_baseline != "none":
        trees.append((f"baseline {args.cold_baseline}", extract(args.cold_baseline, tmp)))
    for label, tree in trees:
        server_args = ["--config", "python:webmap.gunicorn_conf", "--access-logfile", "/dev/null"]
        sub = tmp / f"cold-{len(runs)}"
        sub.mkdir()
        with Gunicorn(label, server_args, tree) as server:
            if args.cold_cached:  # the cached mix on the same server, before the cold one
                warm(server, MIX)
                cached = run_wrk(server.url, lua_script(MIX, sub), args.connections, 30)
                runs[f"{label}, cached mix"] = cached
                print(_row(f"{label}, cached mix 30 s", cached), flush=True)
            result = run_cold(server, sub, args.cold_connections, args.cold_duration)
        runs[label] = result
        note = "  (URLs ran out: some repeated)" if result["wrapped"] else ""
        print(_row(f"{label}, cold mix", result) + note, flush=True)
    first = runs["this version"]
    runs["goal_met"] = first["p99_ms"] < 250 and first["rps"] >= 60 and first["errors"] == 0
    print(f"  goal p99 < 250 ms, >= 60 req/s, 0 errors: {'met' if runs['goal_met'] else 'NOT met'}")
    return runs


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--duration", type=float, default=60.0, help="seconds per mix run")
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument(
        "--configs",
        default="gthread:2x8",
        help="worker configurations to measure, e.g. gthread:2x8,gthread:4x4,sync:4",
    )
    parser.add_argument(
        "--baseline",
        default=BASELINE,
        help=f"git ref to compare with, or none (default {BASELINE}: main before this work)",
    )
    parser.add_argument("--nginx-duration", type=float, default=15.0)
    parser.add_argument("--cold-duration", type=float, default=30.0, help="0: no cold mix")
    parser.add_argument("--cold-connections", type=int, default=20)
    parser.add_argument(
        "--cold-baseline",
        default="merge-base",
        help="git ref for the cold mix's baseline (default: where this branch left main), or none",
    )
    parser.add_argument("--no-cached", action="store_true", help="only the cold mix")
    parser.add_argument(
        "--cold-cached",
        action="store_true",
        help="also run the cached mix (30 s) on each cold-mix server: before/after, same run",
    )
    parser.add_argument("--output", type=Path, default=RESULTS_DIR / "load.json")
    args = parser.parse_args(argv)
    if WRK is None:
        print("wrk not installed: run scripts/ensure-bench-tools", file=sys.stderr)
        return 2

    report: dict = {
        "started": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "platform": platform.platform(),
        "cpu": _cpu_model(),
        "cores": os.cpu_count(),
        "loadavg_start": loadavg(),
        "connections": args.connections,
        "duration_s": args.duration,
        "mix": list(MIX),
        "runs": {},
    }
    print(f"== mix of {len(MIX)} paths, {args.connections} connections, {args.duration:g} s each")
    header = f"  {'server':<34} {'req/s':>9} {'p50 ms':>8} {'p90 ms':>8} {'p99 ms':>8} "
    print(header + f"{'max ms':>8} {'errors':>6}")
    with tempfile.TemporaryDirectory(prefix="jjj-load-") as tmp_name:
        tmp = Path(tmp_name)
        for sub in ("app", "nginx-lua"):
            (tmp / sub).mkdir()
        mix = lua_script(MIX, tmp)
        first_app = None
        for label, gunicorn_args in parse_configs(args.configs):
            if args.no_cached:
                break
            with Gunicorn(label, gunicorn_args, ROOT) as server:
                warm(server, MIX)
                result = run_wrk(server.url, mix, args.connections, args.duration)
                report["runs"][label] = result
                print(_row(label, result), flush=True)
                if first_app is None:
                    first_app = label
                    report["nginx"] = nginx_comparison(
                        server, args.connections, args.nginx_duration, tmp
                    )
        if args.cold_duration > 0:
            report["cold"] = cold_mix(args, tmp)
        if args.baseline != "none" and not args.no_cached:
            tree = extract(args.baseline, tmp)
            rev = subprocess.run(
                ["git", "rev-parse", "--short", args.baseline],
                cwd=ROOT,
                capture_output=True,
                text=True,
            ).stdout.strip()
            label = f"baseline {args.baseline} ({rev}) sync:2"
            baseline_args = ["--workers", "2", "--preload", "webmap:create_app()"]
            baseline_args += ["--access-logfile", "/dev/null"]
            with Gunicorn(label, baseline_args, tree) as server:
                baseline_mix = tuple(
                    _renamed(p, BASELINE_RENAMES) for p in MIX if not p.startswith("/ogc")
                )
                warm(server, baseline_mix)
                script = lua_script(baseline_mix, tmp / "app")
                result = run_wrk(server.url, script, args.connections, args.duration)
                result["note"] = "OGC paths left out (not in the baseline)"
                report["runs"][label] = result
                print(_row(label, result) + "  (no OGC paths)", flush=True)
    nginx = report.get("nginx", {})
    if "skipped" in nginx:
        print(f"\n== cached county GeoJSON vs nginx: skipped ({nginx['skipped']})")
    elif nginx:
        print(
            f"\n== cached county GeoJSON ({nginx['gzip_bytes']:,} B gzipped), "
            f"{args.connections} connections, {args.nginx_duration:g} s each"
        )
        print(_row(f"app ({first_app})", nginx["app"]))
        print(_row("nginx (same gzipped file)", nginx["nginx"]))
        print(f"  ratio app/nginx: {nginx['ratio']:.3f}x (goal >= 0.25x)")
    report["loadavg_end"] = loadavg()
    first = report["runs"].get(first_app or "", {})
    report["goal_met"] = bool(first) and first["p99_ms"] < 100 and first["errors"] == 0
    if first_app is not None:
        print(
            f"\ngoal p99 < 100 ms and 0 errors ({first_app}): "
            f"{'met' if report['goal_met'] else 'NOT met'}"
        )
    print(f"load average {report['loadavg_start']} -> {report['loadavg_end']}")
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(report, indent=2) + "\n")
    print(f"results written to {args.output}")
    return 0


def _renamed(path: str, renames: dict[str, str]) -> str:
    for new, old in renames.items():
        path = path.replace(new, old)
    return path


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor()


if __name__ == "__main__":
    sys.exit(main())
