"""Reliability figures for issue 21, before/after in the same run where there is a before.

Prints:

1. Start-up (gunicorn launch → first answer, the warm-up included) and the first
   ``/ogc/api`` and ``/ogc/collections`` after it, with 0 and with 100 published datasets
   at the limits (64 columns: a key and 50 value columns, the rest text, 100-character
   names) — the deployed settings (``webmap/gunicorn_conf.py``) on a temporary SQLite store.
2. The upload check: the time to refuse the two tables of issue 21 (10,000 numeric
   columns; 10,000 columns of 北京市 × 13 rows) and the worst accepted case, a maximal table
   of unit names (every column a key candidate), through ``check_rows`` and the full
   ``check_upload``.
3. A normal GET's latency while 20 connections trickle headers or a body
   (``bench/slow_clients.py``): the deployed worker (``webmap.buffered_worker``) against plain
   gthread (the previous setting), same run.

Synthetic benchmark input only (generated tables, never published as data elsewhere).
Run: ``python bench/reliability.py`` (about 3–5 minutes on a busy 2-core machine);
``--datasets N`` changes the 100.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from server import Server, ensure_project_importable, fetch  # noqa: E402

ensure_project_importable()

from slow_clients import measure  # noqa: E402


def _timed(call):
    started = time.perf_counter()
    result = call()
    return result, time.perf_counter() - started


def wide_table() -> bytes:
    """A table at the limits: a key column of prefecture names, 50 value columns and text
    columns up to 64 columns, every name 100 characters long."""
    from geo.sources.limits import MAX_COLUMN_NAME, MAX_COLUMNS, MAX_VALUE_COLUMNS
    from geo.sources.regions import regions

    names = list(regions("prefecture", include_special=False)["name_zh"])

    def name(prefix: str, i: int) -> str:
        return (f"{prefix}{i:03d}" + "长" * MAX_COLUMN_NAME)[:MAX_COLUMN_NAME]

    header = ["城市"] + [name("值", i) for i in range(MAX_VALUE_COLUMNS)]
    header += [name("注", i) for i in range(MAX_COLUMNS - len(header))]
    lines = [",".join(header)]
    for r, unit in enumerate(names):
        values = [str(r * 100 + c) for c in range(MAX_VALUE_COLUMNS)]
        notes = ["备注" for _ in range(MAX_COLUMNS - 1 - MAX_VALUE_COLUMNS)]
        lines.append(",".join([unit, *values, *notes]))
    return ("\n".join(lines) + "\n").encode()


def publish_many(database_url: str, count: int) -> float:
    from geo.sources import datasets as ds

    data = wide_table()
    checked = ds.check_upload(data, "wide.csv", level="prefecture", key_column="城市")
    assert len(checked.value_columns) == 50, len(checked.value_columns)
    started = time.perf_counter()
    for i in range(count):
        ds.publish(database_url, checked, data, "wide.csv", {"title_en": f"wide {i}"})
    return time.perf_counter() - started


def startup_and_ogc(count: int) -> dict:
    directory = tempfile.mkdtemp(prefix="atlas-reliability-")
    url = f"sqlite:///{directory}/store.sqlite3"
    published = publish_many(url, count) if count else 0.0
    os.environ["JJJ_ATLAS_DATABASE_URL"] = url
    os.environ["JJJ_ATLAS_ACCESS_LOG"] = "/dev/null"
    server = Server()
    _, started = _timed(server.start)
    try:
        api, api_s = _timed(lambda: fetch(server.port, "/ogc/api", timeout=600))
        listing, list_s = _timed(lambda: fetch(server.port, "/ogc/collections", timeout=600))
        again, again_s = _timed(lambda: fetch(server.port, "/ogc/api", timeout=600))
    finally:
        server.stop()
    assert api.status == listing.status == again.status == 200
    return {
        "datasets": count,
        "publish_s": published,
        "startup_s": started,
        "ogc_api_s": api_s,
        "ogc_api_bytes": len(api.decoded()),
        "ogc_collections_s": list_s,
        "ogc_api_again_s": again_s,
    }


def upload_checks() -> list[tuple[str, float, str]]:
    from geo.errors import BadParameter, TooLarge
    from geo.sources import datasets as ds
    from geo.sources.limits import MAX_CELLS, MAX_COLUMNS
    from geo.sources.regions import regions

    names = list(regions("county", include_special=False)["name_zh"])
    rows = MAX_CELLS // MAX_COLUMNS
    maximal = "\n".join(
        [",".join(f"列{c}" for c in range(MAX_COLUMNS))]
        + [",".join(names[(r + c) % len(names)] for c in range(MAX_COLUMNS)) for r in range(rows)]
    ).encode()
    numeric = "\n".join(
        ["城市," + ",".join(f"v{i}" for i in range(10_000))]
        + [f"{n}," + ",".join(str(i) for i in range(10_000)) for n in ("石家庄市", "保定市")]
    ).encode()
    beijing = "\n".join([",".join(["北京市"] * 10_000)] * 13).encode()
    cases = [
        ("10,000 numeric columns (refused)", numeric),
        ("10,000 columns of 北京市 × 13 rows (refused)", beijing),
        (f"maximal table of names, {MAX_COLUMNS} × {rows} (accepted)", maximal),
    ]
    results = []
    for label, data in cases:
        best = float("inf")
        outcome = "accepted"
        for _ in range(2):
            started = time.perf_counter()
            try:
                ds.check_upload(data, "t.csv")
            except (TooLarge, BadParameter) as err:
                outcome = f"{type(err).__name__}: {str(err)[:70]}"
            best = min(best, time.perf_counter() - started)
        results.append((f"{label}, {len(data) / 1e6:.2f} MB", best, outcome))
    return results


def slow_client_latency() -> list[tuple[str, dict]]:
    directory = tempfile.mkdtemp(prefix="atlas-slow-")
    os.environ["JJJ_ATLAS_DATABASE_URL"] = f"sqlite:///{directory}/store.sqlite3"
    os.environ["JJJ_ATLAS_ACCESS_LOG"] = "/dev/null"
    found = []
    for label, worker in [
        ("deployed (webmap.buffered_worker)", ()),
        ("plain gthread (before)", ("--worker-class", "gthread")),
    ]:
        with Server(extra_args=worker) as server:
            found.append((label, measure(server.port, slow=20, probes=5, timeout=25)))
    return found


NGINX_WRAPPER = """
worker_processes 1;
pid {dir}/nginx.pid;
error_log {dir}/error.log warn;
events {{ worker_connections 1024; }}
http {{
  access_log off;
  client_body_temp_path {dir}/body;
  proxy_temp_path {dir}/proxy;
  fastcgi_temp_path {dir}/fastcgi;
  uwsgi_temp_path {dir}/uwsgi;
  scgi_temp_path {dir}/scgi;
{site}
}}
"""


def nginx_in_front(app_port: int, directory: Path):
    """nginx with ``deploy/nginx.conf`` (ports substituted) in front of ``app_port``."""
    import shutil
    import subprocess

    from server import ROOT, free_port

    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    if not Path(nginx).exists():
        return None, None
    port = free_port()
    site = (ROOT / "deploy" / "nginx.conf").read_text()
    site = site.replace("server 127.0.0.1:8000;", f"server 127.0.0.1:{app_port};")
    site = site.replace("listen 80;", f"listen 127.0.0.1:{port};")
    directory.mkdir(parents=True, exist_ok=True)
    directory.chmod(0o755)
    conf = directory / "nginx.conf"
    conf.write_text(NGINX_WRAPPER.format(dir=directory, site=site))
    process = subprocess.Popen(
        [nginx, "-c", str(conf), "-p", str(directory), "-g", "daemon off;"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 10
    while True:
        try:
            if fetch(port, "/api/zones", timeout=5).status == 200:
                return process, port
        except OSError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            process.terminate()
            raise RuntimeError(f"nginx did not start: {process.stderr.read()[-500:]!r}")
        time.sleep(0.1)


def slow_clients_behind_nginx() -> dict | None:
    directory = Path(tempfile.mkdtemp(prefix="atlas-nginx-"))
    os.environ["JJJ_ATLAS_DATABASE_URL"] = f"sqlite:///{directory}/store.sqlite3"
    with Server(extra_args=("--worker-class", "gthread")) as server:
        process, port = nginx_in_front(server.port, directory / "nginx")
        if process is None:
            return None
        try:
            return measure(port, slow=20, probes=5, timeout=25)
        finally:
            process.terminate()
            process.wait(timeout=10)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", type=int, default=100)
    args = parser.parse_args()
    print("== 1. start-up and OGC documents, by published datasets at the limits ==")
    for count in (0, args.datasets):
        r = startup_and_ogc(count)
        print(
            f"{r['datasets']:>4} datasets: start-up {r['startup_s']:.1f} s; first /ogc/api "
            f"{r['ogc_api_s']:.2f} s ({r['ogc_api_bytes'] / 1e6:.2f} MB), /ogc/collections "
            f"{r['ogc_collections_s']:.2f} s, /ogc/api again {r['ogc_api_again_s'] * 1000:.0f} ms"
            + (f"; publishing them took {r['publish_s']:.1f} s" if r["datasets"] else "")
        )
    print("== 2. upload check (best of 2) ==")
    for label, seconds, outcome in upload_checks():
        print(f"{label}: {seconds * 1000:,.0f} ms — {outcome}")
    print("== 3. a normal GET /api/zones while 20 connections trickle headers or a body ==")
    for label, r in slow_client_latency():
        print(
            f"{label}: {r['answered']}/{r['probes']} answered within 25 s, median "
            f"{r['median_s'] * 1000:,.0f} ms, max {r['max_s'] * 1000:,.0f} ms "
            f"({r['slow_connections']} slow connections open)"
        )
    behind = slow_clients_behind_nginx()
    if behind is None:
        print("nginx in front: skipped (nginx not installed)")
    else:
        print(
            f"plain gthread behind nginx (deploy/nginx.conf): {behind['answered']}/"
            f"{behind['probes']} answered, median {behind['median_s'] * 1000:,.0f} ms, max "
            f"{behind['max_s'] * 1000:,.0f} ms"
        )


if __name__ == "__main__":
    main()
