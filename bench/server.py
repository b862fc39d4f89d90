"""The app under gunicorn for the benchmarks, plus the small HTTP and /proc helpers they share.

The server is started the way ``jjj-atlas serve`` runs it (``gunicorn --config
python:webmap.gunicorn_conf``: gthread workers, keep-alive, the app preloaded with its
response cache warmed, the gunicorn next to ``sys.executable``) on a free loopback port, so
the benchmarks measure what is deployed; it is stopped by its own pid. Only the standard
library is used: ``requests`` is not a project dependency.
"""

from __future__ import annotations

import gzip
import http.client
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS_DIR = ROOT / "bench" / "results"
#: The deployed settings (``jjj-atlas serve`` and ``make run`` use the same file).
CONFIG = "python:webmap.gunicorn_conf"


def configured_workers() -> int:
    """The worker count ``webmap/gunicorn_conf.py`` chooses (one per core unless set)."""
    return int(os.environ.get("JJJ_ATLAS_WORKERS") or os.cpu_count() or 1)


HOST = "127.0.0.1"
#: Answered by the app (not just gunicorn) once a worker has booted.
READY_PATH = "/api/zones"
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def ensure_project_importable() -> None:
    """Let ``import geo`` / ``import webmap`` work when run as ``python bench/run_all.py``."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def gunicorn_executable() -> Path:
    path = Path(sys.executable).parent / "gunicorn"
    if not path.exists():
        raise RuntimeError(f"{path} not found: install the project (pip install -e .) first")
    return path


@dataclass
class Fetched:
    """One HTTP response: ``body`` as transferred (still gzipped if the server gzipped it)."""

    status: int
    headers: dict[str, str]  # lower-case names
    header_bytes: int  # status line + header block as sent, approximately
    body: bytes
    elapsed_ms: float

    @property
    def encoding(self) -> str:
        return self.headers.get("content-encoding", "identity")

    def decoded(self) -> bytes:
        return gzip.decompress(self.body) if self.encoding == "gzip" else self.body


def read_response(conn: http.client.HTTPConnection, path: str, headers: dict) -> Fetched:
    """GET ``path`` on ``conn`` and read the whole body (timed from request to last byte)."""
    started = time.perf_counter()
    conn.request("GET", path, headers=headers)
    response = conn.getresponse()
    body = response.read()
    elapsed = (time.perf_counter() - started) * 1000
    header_block = str(response.msg)
    return Fetched(
        status=response.status,
        headers={k.lower(): v for k, v in response.getheaders()},
        header_bytes=len(f"HTTP/1.1 {response.status} {response.reason}\r\n")
        + len(header_block.replace("\n", "\r\n").encode("latin-1", "replace")),
        body=body,
        elapsed_ms=elapsed,
    )


def fetch(port: int, path: str, gzip_ok: bool = True, timeout: float = 60) -> Fetched:
    """GET ``path`` on a fresh connection, asking for gzip unless ``gzip_ok`` is false."""
    conn = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        return read_response(conn, path, {"Accept-Encoding": "gzip" if gzip_ok else "identity"})
    finally:
        conn.close()


def gzip_size(data: bytes) -> int:
    """Size after gzip level 6, the level the app (and typical reverse proxies) use."""
    return len(gzip.compress(data, compresslevel=6, mtime=0))


def proc_cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of one process, from /proc (0 if it has gone)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return 0.0
    fields = stat.rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS  # utime, stime


def child_pids(pid: int) -> list[int]:
    children = Path(f"/proc/{pid}/task/{pid}/children")
    try:
        return [int(p) for p in children.read_text().split()]
    except OSError:
        pass
    found = []  # kernels without CONFIG_PROC_CHILDREN: scan for the parent pid
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def machine_cpu_seconds() -> float:
    """Busy CPU seconds of the whole machine so far (all processes, all cores), /proc/stat."""
    fields = Path("/proc/stat").read_text().splitlines()[0].split()[1:]
    user, nice, system, _idle, _iowait, irq, softirq, steal = (int(f) for f in fields[:8])
    return (user + nice + system + irq + softirq + steal) / CLOCK_TICKS


def loadavg() -> list[float]:
    return [float(x) for x in Path("/proc/loadavg").read_text().split()[:3]]


class Server:
    """gunicorn serving the app on a free loopback port; use as a context manager."""

    def __init__(self, workers: int | None = None, extra_args: tuple[str, ...] = ()):
        self.workers = workers or configured_workers()
        self.port = free_port()
        self.process: subprocess.Popen | None = None
        self._log = tempfile.TemporaryFile()
        self.argv = [
            str(gunicorn_executable()),
            "--config",
            CONFIG,
            "--bind",
            f"{HOST}:{self.port}",
            "--workers",
            str(self.workers),
            *extra_args,
        ]

    @property
    def base_url(self) -> str:
        return f"http://{HOST}:{self.port}"

    def log_tail(self, limit: int = 3000) -> str:
        self._log.seek(0)
        return self._log.read().decode("utf-8", "replace")[-limit:]

    def start(self, timeout: float = 180) -> Server:  # the warm-up runs before the fork
        # As `jjj-atlas serve`: the warm-up renders pages for the address clients use.
        env = {**os.environ, "JJJ_ATLAS_WARM_HOST": f"{HOST}:{self.port}"}
        self.process = subprocess.Popen(
            self.argv, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=self._log, env=env
        )
        deadline = time.monotonic() + timeout
        while True:
            if self.process.poll() is not None:
                raise RuntimeError("gunicorn exited during start:\n" + self.log_tail())
            try:
                ready = fetch(self.port, READY_PATH, timeout=5).status == 200
            except OSError:
                ready = False
            if ready and len(self.worker_pids()) >= self.workers:
                return self
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"gunicorn not ready after {timeout:.0f} s:\n" + self.log_tail())
            time.sleep(0.1)

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()  # SIGTERM to the master: graceful shutdown of its workers
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=5)

    def worker_pids(self) -> list[int]:
        return child_pids(self.process.pid) if self.process else []

    def cpu_seconds(self) -> float:
        """CPU seconds used so far by the master and its workers."""
        pids = [self.process.pid, *self.worker_pids()]
        return sum(proc_cpu_seconds(p) for p in pids)

    def __enter__(self) -> Server:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


def warm_up(port: int, path: str, requests: int = 24, concurrency: int = 4) -> list[float]:
    """Concurrent GETs so every worker (each has its own in-memory cache) has served ``path``.

    Returns the response times in ms, in completion order.
    """
    times: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()

    def client(count: int) -> None:
        for _ in range(count):
            try:
                result = fetch(port, path)
            except OSError as err:
                errors.append(f"{path}: {err}")
                return
            if result.status != 200:
                errors.append(f"{path}: HTTP {result.status}")
                return
            with lock:
                times.append(result.elapsed_ms)

    threads = [
        threading.Thread(target=client, args=(requests // concurrency,)) for _ in range(concurrency)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise RuntimeError("warm-up failed: " + "; ".join(errors[:3]))
    return times


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0–100), linear interpolation between closest ranks."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    rank = (len(ordered) - 1) * q / 100
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def summarise_ms(values: list[float]) -> dict[str, float]:
    return {
        "n": len(values),
        "min": round(min(values), 3),
        "p50": round(percentile(values, 50), 3),
        "p90": round(percentile(values, 90), 3),
        "p99": round(percentile(values, 99), 3),
        "max": round(max(values), 3),
        "mean": round(sum(values) / len(values), 3),
    }


def kib(n: float) -> str:
    return f"{n:,.0f} B ({n / 1024:,.1f} KiB)"


def standalone(run) -> None:
    """``python bench/<module>.py``: run one benchmark against its own server."""
    ensure_project_importable()
    with Server() as server:
        run(server)
