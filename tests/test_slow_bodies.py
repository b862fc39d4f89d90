"""Request bodies against the real gunicorn worker (webmap.buffered_worker): a body declared
over the upload limit is refused at once (413) in the event loop; a body must keep arriving
in every window (408 otherwise, an idle one too); one client address cannot fill the
worker's connection slots with requests it never finishes (429 to its oldest)."""

from __future__ import annotations

import socket
import threading
import time

import pytest

from bench.server import HOST, Server
from webmap.buffered_worker import MAX_BUFFERED, MIN_BODY_RATE

WINDOW = 2  # JJJ_ATLAS_HEADER_SECONDS of the server below
PER_CLIENT = 20
SLOTS = 100


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    directory = tmp_path_factory.mktemp("bodies")
    patch = pytest.MonkeyPatch()
    patch.setenv("JJJ_ATLAS_DATABASE_URL", f"sqlite:///{directory}/bodies.sqlite3")
    patch.setenv("JJJ_ATLAS_HEADER_SECONDS", str(WINDOW))
    patch.setenv("JJJ_ATLAS_PENDING_PER_CLIENT", str(PER_CLIENT))
    patch.setenv("JJJ_ATLAS_ACCESS_LOG", "/dev/null")
    args = ("--threads", "4", "--worker-connections", str(SLOTS))
    try:
        with Server(workers=1, extra_args=args) as running:
            yield running
    finally:
        patch.undo()


def _connect(port: int, source: str = HOST) -> socket.socket:
    sock = socket.socket()
    sock.bind((source, 0))
    sock.settimeout(10)
    sock.connect((HOST, port))
    return sock


def _head(path: str, length: int) -> bytes:
    return (
        f"POST {path} HTTP/1.1\r\nHost: x\r\nContent-Type: text/csv\r\n"
        f"Content-Length: {length}\r\n\r\n"
    ).encode()


def _reply_within(sock: socket.socket, seconds: float) -> tuple[bytes, float]:
    """What the server sent before closing (or within ``seconds``), and when it closed."""
    started = time.monotonic()
    sock.settimeout(0.2)
    reply = b""
    while time.monotonic() - started < seconds:
        try:
            chunk = sock.recv(65536)
        except TimeoutError:
            continue
        except OSError:
            break
        if not chunk:
            break
        reply += chunk
    return reply, time.monotonic() - started


def _get_seconds(port: int, path: str = "/api/indicators", source: str = HOST) -> float:
    started = time.monotonic()
    with _connect(port, source) as sock:
        sock.sendall(f"GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode())
        reply, _ = _reply_within(sock, 10)
    assert reply.startswith(b"HTTP/1.1 200"), reply[:200]
    return time.monotonic() - started


def test_a_body_over_the_limit_is_refused_before_it_arrives(server):
    stop = threading.Event()
    replies: list[tuple[bytes, float]] = []

    def trickle(path: str, length: int):
        with _connect(server.port) as sock:
            sock.sendall(_head(path, length))
            started = time.monotonic()
            sock.settimeout(0.05)
            reply = b""
            while not stop.is_set() and time.monotonic() - started < 5:
                try:
                    sock.send(b"a")
                    chunk = sock.recv(4096)
                except TimeoutError:
                    continue
                except OSError:
                    break
                if not chunk:
                    break
                reply += chunk
            replies.append((reply, time.monotonic() - started))

    paths = [("/api/indicators", 9_000_000), ("/api/datasets", MAX_BUFFERED + 1)] * 10
    threads = [threading.Thread(target=trickle, args=p) for p in paths]
    for thread in threads:
        thread.start()
    time.sleep(0.5)
    try:
        assert _get_seconds(server.port) < 2
    finally:
        stop.set()
        for thread in threads:
            thread.join(10)
    assert len(replies) == 20
    for reply, seconds in replies:
        assert reply.startswith(b"HTTP/1.1 413"), reply[:200]
        assert b'"parameter": "Content-Length"' in reply and "上限".encode() in reply
        assert seconds < 2


def test_a_chunked_body_over_the_limit_is_refused(server):
    with _connect(server.port) as sock:
        sock.sendall(
            b"POST /api/datasets?dry_run=1 HTTP/1.1\r\nHost: x\r\n"
            b"Transfer-Encoding: chunked\r\n\r\n"
        )
        chunk = b"a" * (1024 * 1024)
        try:
            for _ in range(7):
                sock.sendall(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n")
        except OSError:
            pass
        reply, _ = _reply_within(sock, 5)
    assert reply.startswith(b"HTTP/1.1 413"), reply[:200]


def test_a_body_that_never_comes_is_closed_after_a_window(server):
    socks = [_connect(server.port) for _ in range(5)]
    try:
        for sock in socks:
            sock.sendall(_head("/api/datasets?dry_run=1", 5_000_000))
        for sock in socks:
            reply, seconds = _reply_within(sock, WINDOW + 4)
            assert reply.startswith(b"HTTP/1.1 408"), reply[:200]
            assert seconds < WINDOW + 3
    finally:
        for sock in socks:
            sock.close()


def test_a_trickling_body_is_closed_at_the_end_of_its_window(server):
    with _connect(server.port) as sock:
        sock.sendall(_head("/api/datasets?dry_run=1", 1_000_000))
        started = time.monotonic()
        sock.settimeout(0.2)
        reply = b""
        while time.monotonic() - started < WINDOW + 5:
            try:
                sock.send(b"a" * 100)  # far below MIN_BODY_RATE
                chunk = sock.recv(4096)
            except TimeoutError:
                continue
            except OSError:
                break
            if not chunk:
                break
            reply += chunk
        assert reply.startswith(b"HTTP/1.1 408"), reply[:200]
        assert time.monotonic() - started < WINDOW + 3


def test_a_steady_upload_over_several_windows_is_served(server):
    rows = "".join(f"石家庄市,{i}\n" for i in range(3))
    body = ("城市,床位\n" + rows).encode()
    body += b"#" + b"x" * (int(MIN_BODY_RATE * WINDOW * 2.5) - len(body) - 2) + b"\n"
    with _connect(server.port) as sock:
        sock.sendall(
            _head("/api/datasets?dry_run=1", len(body)).replace(
                b"\r\n\r\n", b"\r\nConnection: close\r\n\r\n"
            )
        )
        step = int(MIN_BODY_RATE * 1.5 / 10)  # 1.5 × the minimum rate, ten sends a second
        for start in range(0, len(body), step):
            sock.sendall(body[start : start + step])
            time.sleep(0.1)
        reply, _ = _reply_within(sock, 10)
    assert not reply.startswith(b"HTTP/1.1 408"), reply[:200]
    assert reply.split(b" ", 2)[1] in (b"200", b"400"), reply[:300]


def test_one_address_cannot_take_every_connection_slot(server):
    hogs = []
    try:
        for _ in range(SLOTS + 50):  # more than the worker's slots, all from 127.0.0.2
            sock = _connect(server.port, "127.0.0.2")
            sock.sendall(_head("/api/datasets?dry_run=1", 5_000_000))
            hogs.append(sock)
        others = [_connect(server.port, "127.0.0.3") for _ in range(3)]
        for sock in others:
            sock.sendall(_head("/api/datasets?dry_run=1", 5_000_000))
        time.sleep(0.5)
        assert _get_seconds(server.port, source="127.0.0.4") < 1.5
        for sock in others:  # another address keeps its connections (within the window)
            sock.setblocking(False)
            with pytest.raises(BlockingIOError):
                sock.recv(100)
        refused = 0
        for sock in hogs:
            reply, _ = _reply_within(sock, 0.05)
            refused += reply.startswith(b"HTTP/1.1 429")
        assert refused >= len(hogs) - PER_CLIENT
    finally:
        for sock in hogs + locals().get("others", []):
            sock.close()
