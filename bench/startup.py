"""Start-up: from ``jjj-atlas serve`` (what ``make run`` runs after installing) to the first
answered page, and the warm-up inside it, with 0 and with N published datasets (issue 18).

``make run`` = ``make install`` (venv + pip; timed apart, it depends on the network and the
pip cache) + ``jjj-atlas serve``: gunicorn with ``webmap/gunicorn_conf.py`` loads the app
once, warms the response cache with the common set (``webmap.warm_urls``: the gallery's
maps, embeds and data, API, OGC) and forks the workers, which then start hot.

Measured here, each in a fresh process on a temporary SQLite store:

- ``serve → first page``: spawn ``jjj-atlas serve`` on a free port, poll ``/`` until 200;
- ``import + create_app`` and ``warm-up`` (``webmap._warm``) timed in-process, apart;
- both again after publishing ``--datasets`` datasets (each a 199-row county table) to the
  store: the warm-up must not grow with them (it warms the bounded bundled set; a
  dataset's pages are rendered on first request).

    .venv/bin/python bench/startup.py [--datasets 30] [--repeats 2]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from server import HOST, ROOT, ensure_project_importable, fetch, free_port

JJJ_ATLAS = Path(sys.executable).parent / "jjj-atlas"

IN_PROCESS = """
import json, time
t0 = time.perf_counter()
import webmap
app = webmap.create_app()
t1 = time.perf_counter()
webmap._warm(app)
t2 = time.perf_counter()
n = len(webmap.warm_urls())
print(json.dumps({"create_app_s": t1 - t0, "warm_s": t2 - t1, "warm_urls": n}))
"""


def publish(database_url: str, count: int) -> None:
    """Publish ``count`` small county datasets through the app's own API (in-process)."""
    ensure_project_importable()
    from io import BytesIO

    from geo.sources.regions import regions
    from webmap import create_app

    units = regions("county", include_special=False)
    client = create_app({"DATABASE_URL": database_url}).test_client()
    for n in range(count):
        lines = ["区划代码,区县,数值"]
        lines += [
            f"{u.adcode},{u.name_zh},{(i * 37 + n) % 500 + 1}"
            for i, u in enumerate(units.itertuples())
        ]
        data = ("\n".join(lines) + "\n").encode()
        answer = client.post(
            "/api/datasets",
            data={"title_en": f"Startup bench {n}", "file": (BytesIO(data), f"t{n}.csv")},
            content_type="multipart/form-data",
        )
        if answer.status_code != 201:
            raise RuntimeError(f"publish answered {answer.status_code}: {answer.get_data()[:300]}")


def serve_to_first_page(env: dict, tree: Path) -> float:
    port = free_port()
    started = time.perf_counter()
    process = subprocess.Popen(
        [str(JJJ_ATLAS), "serve", "--host", HOST, "--port", str(port)],
        cwd=tree,
        env={**env, "JJJ_ATLAS_ACCESS_LOG": "/dev/null"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        while True:
            try:
                if fetch(port, "/", timeout=5).status == 200:
                    return time.perf_counter() - started
            except OSError:
                pass
            if process.poll() is not None or time.perf_counter() - started > 300:
                raise RuntimeError("jjj-atlas serve did not answer")
            time.sleep(0.05)
    finally:
        process.terminate()
        process.wait(timeout=30)


def in_process(env: dict, tree: Path) -> dict:
    out = subprocess.run(
        [sys.executable, "-c", IN_PROCESS], cwd=tree, env=env, capture_output=True, text=True
    )
    if out.returncode != 0:
        raise RuntimeError(out.stderr[-2000:])
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--datasets", type=int, default=30)
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--baseline", default="merge-base", help="git ref measured too, or none")
    args = parser.parse_args()
    from load import extract

    results = {}
    with tempfile.TemporaryDirectory(prefix="jjj-startup-") as tmp:
        trees = [("this version", ROOT)]
        if args.baseline != "none":
            trees.append((f"baseline {args.baseline}", extract(args.baseline, Path(tmp))))
        database_url = f"sqlite:///{tmp}/store.sqlite3"
        for count in (0, args.datasets):
            if count:
                publish(database_url, count)
            for label, tree in trees:
                env = {**os.environ, "JJJ_ATLAS_DATABASE_URL": database_url}
                env["PYTHONPATH"] = str(tree)
                runs = [
                    {**in_process(env, tree), "serve_first_page_s": serve_to_first_page(env, tree)}
                    for _ in range(args.repeats)
                ]
                median = {k: statistics.median(r[k] for r in runs) for k in runs[0]}
                results[(label, count)] = median
    load = os.getloadavg()
    print(f"load average {load[0]:.1f} at the end; median of {args.repeats} runs each")
    print("| tree | datasets | serve → first page s | import + create_app s | warm-up s |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for (label, count), r in results.items():
        print(
            f"| {label} | {count} | {r['serve_first_page_s']:.2f} | {r['create_app_s']:.2f} "
            f"| {r['warm_s']:.2f} ({r['warm_urls']:.0f} URLs) |"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
