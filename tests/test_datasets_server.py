"""Datasets under gunicorn, on SQLite and PostgreSQL: 20 concurrent publishes over HTTP, a
worker killed (SIGKILL) in the middle of an upload, and a restart that serves every dataset
byte-identical."""

from __future__ import annotations

import gzip
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid
from contextlib import contextmanager
from pathlib import Path

import pytest

from geo.sources.regions import regions
from tests.conftest import ROOT, free_port, wait_for

GUNICORN = Path(sys.executable).parent / "gunicorn"


@contextmanager
def gunicorn(database_url: str, port: int, workers: int = 2):
    env = {**os.environ, "JJJ_ATLAS_DATABASE_URL": database_url}
    process = subprocess.Popen(
        [str(GUNICORN), "--bind", f"127.0.0.1:{port}", "--workers", str(workers),
         "--preload", "--timeout", "60", "webmap:create_app()"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(base + "/api/datasets", timeout=60)
    except OSError as err:
        process.kill()
        stderr = process.stderr.read().decode()[-2000:]
        raise RuntimeError("gunicorn did not start: " + stderr) from err
    try:
        yield base, process
    finally:
        process.terminate()  # graceful: workers finish their requests
        try:
            process.wait(timeout=45)
        except subprocess.TimeoutExpired:  # a slow shutdown is not what is tested here
            process.kill()
            process.wait(timeout=10)


def workers_of(master: subprocess.Popen) -> list[int]:
    children = Path(f"/proc/{master.pid}/task/{master.pid}/children").read_text().split()
    return [int(pid) for pid in children]


def multipart(fields: dict[str, str], file: bytes, filename: str) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts = []
    for name, value in fields.items():
        head = f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
        parts.append(f"{head}{value}\r\n".encode())
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{filename}"\r\n'
        f"Content-Type: text/csv\r\n\r\n".encode()
        + file
        + b"\r\n"
    )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def request(url: str, data: bytes | None = None, method: str = "GET", headers=None):
    req = urllib.request.Request(url, data=data, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=60) as response:
            body = response.read()
            if response.headers.get("Content-Encoding") == "gzip":
                body = gzip.decompress(body)
            return response.status, body
    except urllib.error.HTTPError as err:
        return err.code, err.read()


def prefecture_csv(i: int) -> bytes:
    """A small table by prefecture adcode (what is tested here is atomicity, not size)."""
    units = regions("prefecture", include_special=False)
    rows = [f"{adcode},{n * 100 + i}" for n, adcode in enumerate(units["adcode"])]
    return ("adcode,value\n" + "\n".join(rows) + "\n").encode()


def publish(base: str, i: int) -> tuple[int, dict, bytes]:
    data = prefecture_csv(i)
    body, content_type = multipart({"title_en": f"Concurrent {i}"}, data, f"c{i}.csv")
    status, answer = request(base + "/api/datasets", body, "POST", {"Content-Type": content_type})
    return status, json.loads(answer), data


def test_concurrent_publishes_kill_mid_upload_and_restart(database_url, store_dir):
    if database_url.startswith("sqlite"):  # a database of its own, not the in-process tests'
        database_url = f"sqlite:///{store_dir}/server-{uuid.uuid4().hex[:6]}.sqlite3"
    port = free_port()
    with gunicorn(database_url, port) as (base, master):
        before = {d["id"] for d in json.loads(request(base + "/api/datasets")[1])["datasets"]}

        # 20 publishes at once, from 20 threads, through 2 workers
        results: dict[int, tuple[int, dict, bytes]] = {}
        threads = [
            threading.Thread(target=lambda i=i: results.__setitem__(i, publish(base, i)))
            for i in range(20)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        assert sorted(status for status, _, _ in results.values()) == [201] * 20
        ids = {answer["id"] for _, answer, _ in results.values()}
        listed = {d["id"] for d in json.loads(request(base + "/api/datasets")[1])["datasets"]}
        assert len(ids) == 20 and ids <= listed
        for _status, answer, data in results.values():
            assert request(f"{base}/datasets/{answer['id']}/v/1/original")[1] == data

        # a slow chunked upload, its worker killed in the middle
        body, content_type = multipart({"title_en": "half"}, prefecture_csv(99) * 40, "h.csv")
        sock = socket.create_connection(("127.0.0.1", port))
        sock.sendall(
            f"POST /api/datasets HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: {content_type}\r\n"
            "Transfer-Encoding: chunked\r\n\r\n".encode()
        )
        half = body[: len(body) // 2]
        sock.sendall(f"{len(half):x}\r\n".encode() + half + b"\r\n")
        time.sleep(1.0)  # a worker is now inside the request, waiting for the rest
        for pid in workers_of(master):
            os.kill(pid, signal.SIGKILL)
        sock.close()
        wait_for(base + "/api/datasets", timeout=60)  # gunicorn started new workers
        after = json.loads(request(base + "/api/datasets")[1])["datasets"]
        assert {d["id"] for d in after} == listed
        assert not any(d["title_en"] == "half" for d in after)

        # what must come back byte-identical after a restart
        urls = []
        for dataset_id in sorted(ids)[:2]:
            urls += [
                f"/datasets/{dataset_id}/v/1/original",
                f"/download/regions.geojson?dataset={dataset_id}&v=1",
                f"/download/regions.csv?dataset={dataset_id}",
                f"/download/regions.topojson?dataset={dataset_id}&v=1",
                f"/api/datasets/{dataset_id}?v=1",
            ]
        saved = {url: request(base + url) for url in urls}
        assert all(status == 200 for status, _ in saved.values())

    with gunicorn(database_url, port) as (base, _master):
        for url, (status, body) in saved.items():
            assert request(base + url) == (status, body), url
        everything = {d["id"] for d in json.loads(request(base + "/api/datasets")[1])["datasets"]}
        assert everything == listed and before <= everything


@pytest.fixture(autouse=True)
def _no_proxy(monkeypatch):
    for name in ("http_proxy", "HTTP_PROXY", "no_proxy", "NO_PROXY"):
        monkeypatch.delenv(name, raising=False)
