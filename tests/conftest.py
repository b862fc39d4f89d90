"""Shared fixtures: the Flask test client, a live gunicorn server and headless Chromium."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import pytest

from webmap import create_app

# The suite publishes hundreds of tables from one address: no hourly publishing limit here
# (tests/test_publish_limits.py sets a low one); gunicorn servers started by tests inherit it.
os.environ.setdefault("JJJ_ATLAS_PUBLISH_PER_HOUR", "0")

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "tests" / "artifacts"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


@pytest.fixture(scope="session")
def store_dir(tmp_path_factory) -> Path:
    """Where the session's SQLite dataset stores live (never the repository's instance/)."""
    return tmp_path_factory.mktemp("stores")


@pytest.fixture(scope="session")
def postgres_url():
    """A throwaway PostgreSQL cluster from Debian's package (scripts/pg-cluster: initdb in a
    temporary directory, a unix socket there, no TCP), removed at the end of the session.

    Skips (with the reason, listed by ``-ra``) when no cluster can be started here.
    """
    directory = Path(tempfile.mkdtemp(prefix="atlas-pg-"))
    script = ["sh", str(ROOT / "scripts" / "pg-cluster")]
    started = subprocess.run(
        [*script, "start", str(directory)], capture_output=True, text=True, timeout=120
    )
    if started.returncode != 0:
        subprocess.run([*script, "stop", str(directory)], capture_output=True, timeout=60)
        pytest.skip(
            "PostgreSQL unavailable (scripts/pg-cluster start failed: "
            + (started.stderr.strip().splitlines() or ["no output"])[-1]
            + "); install Debian's postgresql package to run these tests"
        )
    url = started.stdout.strip()
    yield url
    from geo.store.store import _stores

    for key in [k for k in _stores if k.startswith("postgresql")]:
        _stores.pop(key).dispose()
    subprocess.run([*script, "stop", str(directory)], capture_output=True, timeout=60)


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def database_url(request, store_dir) -> str:
    """Each dataset-store test runs against SQLite and against PostgreSQL."""
    if request.param == "postgresql":
        return request.getfixturevalue("postgres_url")
    return f"sqlite:///{store_dir}/store.sqlite3"


@pytest.fixture(scope="session")
def app(store_dir):
    return create_app({"TESTING": True, "DATABASE_URL": f"sqlite:///{store_dir}/app.sqlite3"})


@pytest.fixture()
def client(app):
    return app.test_client()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(url: str, timeout: float = 90.0) -> None:
    """Until ``url`` answers 200: gunicorn's start (imports, migrations, warm-up) took
    27–90 s on a machine shared with other busy sessions, so 30 s was too short there."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


@pytest.fixture(scope="session")
def live_server(store_dir):
    """The app under gunicorn on a free loopback port, as `make run` serves it."""
    gunicorn = Path(sys.executable).parent / "gunicorn"
    port = free_port()
    env = {**os.environ, "JJJ_ATLAS_DATABASE_URL": f"sqlite:///{store_dir}/live.sqlite3"}
    process = subprocess.Popen(
        [
            str(gunicorn),
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
            "--preload",
            "webmap:create_app()",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(base + "/api/zones")
    except OSError as err:
        process.kill()
        stderr = process.stderr.read().decode()[-2000:]
        raise RuntimeError("gunicorn did not start: " + stderr) from err
    yield base
    process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:  # a loaded machine: do not fail the run on teardown
        process.kill()
        process.wait(timeout=10)


@pytest.fixture(scope="session")
def browser():
    """Headless Debian Chromium driven by Playwright (no browser download)."""
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"{CHROMIUM} missing: run scripts/ensure-chromium (make test does)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.fixture()
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda err: errors.append(str(err)))
    page.js_errors = errors
    yield page
    context.close()


@pytest.fixture(scope="session")
def artifacts() -> Path:
    shutil.rmtree(ARTIFACTS, ignore_errors=True)
    ARTIFACTS.mkdir(parents=True)
    return ARTIFACTS
