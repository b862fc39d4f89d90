"""The catalogue at scale (issue 29): 10,000 published tables on SQLite and on PostgreSQL,
the lists' first answers after a restart, start-up time and worker memory, and the plans
of the store's list queries.

For each database:

1. **fill**: three tables are published through the app's own API (a county table, a
   prefecture table, a point table: the shapes publishing produces), then cloned straight
   into the store (one transaction per 1,000 rows) to ``--tables`` datasets with varied
   Chinese and English titles, descriptions, sources, licences and update times. The fill
   runs with the *baseline* tree when one is given (its schema), so both trees serve the
   same rows; the tree under test migrates them on its first start (timed: ``migrate``).
2. **baseline** (``--baseline DIR``: a checkout of the commit before, e.g. made with
   ``git archive e6409be | tar -x -C DIR``): gunicorn from that tree, the deployed settings;
   start-up, then each list's first answer (time, bytes), then the workers' memory.
3. **this tree**: the same, plus searches, filters and deep pages; then start-up and memory
   with an empty store (flat in the number of tables?), and the query plans.

    .venv/bin/python bench/catalogue.py [--tables 10000] [--baseline /tmp/base]
        [--backends sqlite,postgresql]

PostgreSQL: a throwaway cluster (``scripts/pg-cluster``) unless ``--database-url`` names one.
Budgets (DESIGN.md): each list's first answer < 300 ms, ``/ogc/collections`` < 1 s.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

from server import HOST, ROOT, child_pids, fetch, free_port, gunicorn_executable, gzip_size

BUDGET_LIST_S = 0.3
BUDGET_COLLECTIONS_S = 1.0
LISTS = ("/datasets", "/api/datasets", "/ogc/collections?f=json")
EXTRA = (
    "/datasets?q=医院&lang=zh",
    "/datasets?q=hospital+beds&sort=title",
    "/api/datasets?q=统计年鉴&level=county&limit=50",
    "/api/datasets?kind=points&licence=CC0-1.0",
    "/api/datasets?offset=9000",
    "/ogc/collections?f=json&offset=9000",
)

FILL = r"""
import io, json, random, sys, time, secrets, hashlib
from webmap import create_app
from geo.store import store_for
from geo.store import schema
from sqlalchemy import insert, select

url, count = sys.argv[1], int(sys.argv[2])
app = create_app({"TESTING": True, "DATABASE_URL": url, "PUBLISH_PER_HOUR": 0})
client = app.test_client()
from geo.sources.regions import regions

def post(data, **fields):
    form = {"file": (io.BytesIO(data), "t.csv"), **fields}
    r = client.post("/api/datasets", data=form, content_type="multipart/form-data")
    assert r.status_code == 201, r.data[:500]
    return r.get_json()["id"]

def rows(level, step):
    units = enumerate(regions(level).itertuples())
    return "".join(f"{u.adcode},{u.name_zh},{i * step + 100}\n" for i, u in units)
county = "区划代码,区县,床位数\n" + rows("county", 7)
prefecture = "区划代码,城市,执业医师\n" + rows("prefecture", 70)
points = "name,lon,lat\n" + "".join(
    f"p{i},{116 + i / 100:.3f},{39.5 + i / 200:.3f}\n" for i in range(60))
templates = [
    post(county.encode(), title="县级床位", licence="CC-BY-4.0"),
    post(prefecture.encode(), title="Doctors", licence="CC0-1.0"),
    post(points.encode(), title="Sites", kind="points", datum="WGS84", licence="CC0-1.0"),
]
store = store_for(url)
d, v = schema.datasets, schema.dataset_versions
with store.engine.connect() as conn:
    def one(table, column, value):
        return dict(conn.execute(select(table).where(column == value)).mappings().one())
    base_rows = [one(d, d.c.id, t) for t in templates]
    versions = [one(v, v.c.dataset_id, t) for t in templates]
cities = [("北京", "Beijing"), ("天津", "Tianjin"), ("石家庄", "Shijiazhuang"),
          ("唐山", "Tangshan"), ("保定", "Baoding"), ("廊坊", "Langfang"),
          ("张家口", "Zhangjiakou"), ("承德", "Chengde")]
topics = [("三甲医院床位数", "top hospital beds"), ("执业医师", "licensed doctors"),
          ("科技园区", "science parks"), ("高新技术企业", "high-tech firms"),
          ("专利授权量", "patents granted"), ("常住人口", "resident population"),
          ("研发投入", "R&D spending"), ("养老机构", "elderly care homes")]
licences = ["CC-BY-4.0", "CC0-1.0", "ODbL-1.0", "public-domain", "other"]
rng = random.Random(29)
start = time.time() - count * 60
made = 0
batch_d, batch_v = [], []
for n in range(count - len(templates)):
    t = n % 3
    row, ver = dict(base_rows[t]), dict(versions[t])
    (city_zh, city_en), (topic_zh, topic_en) = rng.choice(cities), rng.choice(topics)
    year = 2015 + n % 9
    new_id = f"b{n:07d}"
    when = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(start + n * 60)) + f".{n % 1000000:06d}Z"
    meta = json.loads(ver["metadata_json"])
    meta.update(title_zh=f"{city_zh}{topic_zh}（{year}）", title_en=f"{city_en} {topic_en} {year}",
                description=f"{topic_en} by unit, {year}; 按单位统计的{topic_zh}",
                source=f"{city_zh}统计年鉴 {year + 1}, table {n % 40 + 1}",
                licence=licences[n % len(licences)])
    row.update(id=new_id, title_zh=meta["title_zh"], title_en=meta["title_en"],
               token_sha256=hashlib.sha256(secrets.token_bytes(8)).hexdigest(),
               created_at=when, updated_at=when)
    for name in ("kind", "level", "licence", "sort_title_en", "sort_title_zh", "search_text",
                 "summary_json", "stored_bytes"):
        row.pop(name, None)  # filled by the tree's own migration / backfill
    ver.update(dataset_id=new_id, created_at=when,
               metadata_json=json.dumps(meta, ensure_ascii=False, sort_keys=True))
    batch_d.append(row)
    batch_v.append(ver)
    if len(batch_d) == 1000 or n == count - len(templates) - 1:
        with store.engine.connect().execution_options(atlas_write=True) as conn, conn.begin():
            conn.execute(insert(d), batch_d)
            conn.execute(insert(v), batch_v)
        made += len(batch_d)
        batch_d, batch_v = [], []
try:
    from geo.store import catalogue
except ImportError:
    catalogue = None
if catalogue is not None:
    with store.engine.connect().execution_options(atlas_write=True) as conn, conn.begin():
        catalogue.backfill(conn)
print(json.dumps({"published": len(templates), "cloned": made}))
"""

PLANS = r"""
import sys
from geo.store import store_for, catalogue
from geo.store.catalogue import CatalogueQuery
store = store_for(sys.argv[1])
for label, query in [
    ("newest first, page 1", CatalogueQuery()),
    ("by title (zh)", CatalogueQuery(sort="title", lang="zh")),
    ("level=county, kind=values", CatalogueQuery(level="county", kind="values")),
    ("q=医院床位 (trigram index)", CatalogueQuery(q="医院床位")),
    ("q=医院 (2 characters: no trigram)", CatalogueQuery(q="医院")),
    ("q=hospital", CatalogueQuery(q="hospital")),
]:
    page, count = catalogue.query_plans(store, query)
    print(f"-- {label}\n   page:  " + page.replace("\n", "\n          ")
          + "\n   count: " + count.replace("\n", "\n          "))
"""


def run_python(tree: Path, script: str, *args: str, timeout: float = 1800) -> str:
    env = {**os.environ, "PYTHONPATH": str(tree), "JJJ_ATLAS_PUBLISH_PER_HOUR": "0"}
    done = subprocess.run(
        [sys.executable, "-c", script, *args],
        cwd=tree,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if done.returncode:
        raise RuntimeError(done.stderr[-3000:])
    return done.stdout


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


class TreeServer:
    """gunicorn serving ``tree`` (its own ``webmap.gunicorn_conf``) on ``database_url``."""

    def __init__(self, tree: Path, database_url: str):
        self.tree, self.url, self.port = tree, database_url, free_port()
        self.process: subprocess.Popen | None = None
        self.log = tempfile.TemporaryFile()

    def start(self) -> float:
        env = {
            **os.environ,
            "PYTHONPATH": str(self.tree),
            "JJJ_ATLAS_DATABASE_URL": self.url,
            "JJJ_ATLAS_WARM_HOST": f"{HOST}:{self.port}",
        }
        argv = [
            str(gunicorn_executable()),
            "--config",
            "python:webmap.gunicorn_conf",
            "--bind",
            f"{HOST}:{self.port}",
        ]
        began = time.perf_counter()
        self.process = subprocess.Popen(
            argv, cwd=self.tree, env=env, stdout=subprocess.DEVNULL, stderr=self.log
        )
        while True:
            if self.process.poll() is not None:
                self.log.seek(0)
                raise RuntimeError(self.log.read().decode()[-3000:])
            try:
                if fetch(self.port, "/api/zones", timeout=5).status == 200:
                    return time.perf_counter() - began
            except OSError:
                pass
            if time.perf_counter() - began > 600:
                raise RuntimeError("not ready after 600 s")
            time.sleep(0.05)

    def get(self, path: str, timeout: float) -> tuple[float, int, int, int]:
        """(seconds, status, bytes, gzip bytes) of one request."""
        began = time.perf_counter()
        answer = fetch(self.port, quote(path, safe="/?&=+:,%"), timeout=timeout)
        seconds = time.perf_counter() - began
        body = answer.decoded()
        return seconds, answer.status, len(body), gzip_size(body)

    def worker_rss_mb(self) -> list[float]:
        return [round(rss_mb(p), 1) for p in child_pids(self.process.pid)]

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)


def measure(tree: Path, url: str, paths, label: str, timeout: float = 300) -> dict:
    server = TreeServer(tree, url)
    try:
        startup = server.start()
        answers = {}
        for path in paths:
            try:
                seconds, status, size, gz = server.get(path, timeout)
            except OSError as err:  # e.g. no answer within the timeout: say so, go on
                seconds, status, size, gz = timeout, 0, 0, 0
                print(f"  {path}: no answer ({err.__class__.__name__}) within {timeout:.0f} s")
            answers[path] = {"s": round(seconds, 3), "status": status, "bytes": size, "gzip": gz}
        result = {
            "startup_s": round(startup, 2),
            "answers": answers,
            "rss_mb": server.worker_rss_mb(),
        }
    finally:
        server.stop()
    print(f"\n[{label}] start-up {result['startup_s']} s, workers' RSS {result['rss_mb']} MB")
    for path, a in result["answers"].items():
        budget = BUDGET_COLLECTIONS_S if path.startswith("/ogc/collections") else BUDGET_LIST_S
        mark = "ok " if a["s"] < budget else "OVER"
        print(
            f"  {mark} {a['s'] * 1000:8.0f} ms  {a['status']}  {a['bytes']:>9,} B"
            f" ({a['gzip']:,} gz)  {path}"
        )
    return result


def database(backend: str, directory: Path, name: str, pg_url: str | None) -> str:
    if backend == "sqlite":
        return f"sqlite:///{directory}/{name}.sqlite3"
    from sqlalchemy import create_engine
    from sqlalchemy.engine import make_url

    engine = create_engine(pg_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.exec_driver_sql(f"DROP DATABASE IF EXISTS {name}")
        conn.exec_driver_sql(f"CREATE DATABASE {name}")
    engine.dispose()
    return make_url(pg_url).set(database=name).render_as_string(hide_password=False)


def fill(tree: Path, url: str, tables: int) -> None:
    began = time.perf_counter()
    output = run_python(tree, FILL, url, str(tables)).strip()
    print(f"\nfill {tables:,}: {output} in {time.perf_counter() - began:.1f} s (tree {tree})")


def bench_backend(backend: str, args, directory: Path, pg_url: str | None) -> dict:
    print(f"\n===== {backend} =====")
    results: dict = {"backend": backend, "tables": args.tables}
    biggest = None
    if args.baseline:
        # the same rows served by the baseline tree, then by this one (which migrates them)
        compared = args.baseline_tables or args.tables
        url = database(backend, directory, "catalogue_compared", pg_url)
        fill(args.baseline, url, compared)
        results["baseline"] = measure(
            args.baseline, url, LISTS, f"{backend} baseline, {compared:,} tables"
        )
        server = TreeServer(ROOT, url)
        try:
            results["migrate_first_start_s"] = round(server.start(), 2)
        finally:
            server.stop()
        print(
            f"\nfirst start of this tree (migration 3 on {compared:,} datasets): "
            f"{results['migrate_first_start_s']} s"
        )
        results["compared"] = measure(
            ROOT, url, LISTS, f"{backend} this tree, {compared:,} tables, after a restart"
        )
        print(f"\n[{backend}] baseline → this tree, {compared:,} tables, first answers:")
        for path in LISTS:
            b = results["baseline"]["answers"][path]
            a = results["compared"]["answers"][path]
            print(
                f"  {path:28} {b['s'] * 1000:8.0f} ms → {a['s'] * 1000:6.0f} ms "
                f"(×{b['s'] / max(a['s'], 1e-6):.0f});  {b['bytes']:>10,} B → {a['bytes']:,} B"
            )
        biggest = url if compared >= args.tables else None
    if biggest is None:
        biggest = database(backend, directory, "catalogue_full", pg_url)
        fill(ROOT, biggest, args.tables)
    results["after"] = measure(
        ROOT, biggest, LISTS + EXTRA, f"{backend} this tree, {args.tables:,} tables, restarted"
    )
    empty = database(backend, directory, "catalogue_empty", pg_url)
    results["empty"] = measure(ROOT, empty, LISTS, f"{backend} this tree, empty store")
    print(f"\n[{backend}] query plans of the store's list queries ({args.tables:,} tables):")
    print(run_python(ROOT, PLANS, biggest))
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tables", type=int, default=10_000)
    parser.add_argument("--baseline", type=Path, help="a checkout of the commit to compare with")
    parser.add_argument(
        "--baseline-tables",
        type=int,
        help="tables for the comparison with the baseline (default --tables; the baseline "
        "reads every dataset per list, so 10,000 can take minutes per answer)",
    )
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--database-url", help="a PostgreSQL server (else a throwaway cluster)")
    parser.add_argument("--json", type=Path, help="write the figures here")
    args = parser.parse_args()
    directory = Path(tempfile.mkdtemp(prefix="atlas-catalogue-"))
    # its own directory, as tests/conftest.py makes it: the script hands it to the postgres
    # user when run as root (a directory inside ``directory`` would be unreachable)
    cluster = Path(tempfile.mkdtemp(prefix="atlas-pg-"))
    pg_url = args.database_url
    figures = []
    try:
        for backend in args.backends.split(","):
            if backend == "postgresql" and pg_url is None:
                started = subprocess.run(
                    ["sh", str(ROOT / "scripts" / "pg-cluster"), "start", str(cluster)],
                    capture_output=True,
                    text=True,
                    timeout=180,
                )
                if started.returncode:
                    print("PostgreSQL unavailable:", started.stderr.strip()[-300:])
                    continue
                pg_url = started.stdout.strip()
            figures.append(bench_backend(backend, args, directory, pg_url))
    finally:
        if (cluster / "data").exists():
            subprocess.run(
                ["sh", str(ROOT / "scripts" / "pg-cluster"), "stop", str(cluster)],
                capture_output=True,
                timeout=120,
            )
        shutil.rmtree(directory, ignore_errors=True)
        shutil.rmtree(cluster, ignore_errors=True)
    if args.json:
        args.json.write_text(json.dumps(figures, indent=1, ensure_ascii=False))


if __name__ == "__main__":
    main()
