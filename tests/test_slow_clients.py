"""20 slow clients (trickling headers or a body) do not keep a normal
request from being answered; the deployed worker (webmap.buffered_worker) still serves
keep-alive, uploads and chunked bodies, and drops a client too slow to send its headers."""

from __future__ import annotations

import http.client
import io
import socket
import time
import uuid

import pytest

from bench.server import HOST, Server
from bench.slow_clients import measure


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    directory = tmp_path_factory.mktemp("slow")
    patch = pytest.MonkeyPatch()
    patch.setenv("JJJ_ATLAS_DATABASE_URL", f"sqlite:///{directory}/slow.sqlite3")
    patch.setenv("JJJ_ATLAS_HEADER_SECONDS", "3")
    patch.setenv("JJJ_ATLAS_ACCESS_LOG", "/dev/null")
    try:
        with Server(workers=2, extra_args=("--threads", "8")) as running:
            yield running
    finally:
        patch.undo()


def test_a_normal_request_is_answered_while_20_clients_trickle(server):
    result = measure(server.port, slow=20, settle=2.0, probes=5, timeout=10)
    assert result["slow_connections"] == 20
    assert result["answered"] == result["probes"], result
    assert result["max_s"] < 2, result


def test_keep_alive_uploads_and_chunked_bodies_still_work(server):
    conn = http.client.HTTPConnection(HOST, server.port, timeout=20)
    for _ in range(3):  # one connection, three requests
        conn.request("GET", "/api/zones")
        response = conn.getresponse()
        assert response.status == 200 and response.read()
    boundary = uuid.uuid4().hex
    rows = "".join(f"石家庄市,{i}\n" for i in range(1))
    table = ("城市,床位\n" + rows + "保定市,2\n" + "#" * 0).encode()
    padding = io.BytesIO()
    padding.write(f"--{boundary}\r\n".encode())
    padding.write(b'Content-Disposition: form-data; name="title_en"\r\n\r\nslow\r\n')
    padding.write(f"--{boundary}\r\n".encode())
    padding.write(b'Content-Disposition: form-data; name="description"\r\n\r\n')
    padding.write(b"d" * 900_000 + b"\r\n")
    padding.write(f"--{boundary}\r\n".encode())
    padding.write(b'Content-Disposition: form-data; name="file"; filename="b.csv"\r\n')
    padding.write(b"Content-Type: text/csv\r\n\r\n" + table + b"\r\n")
    padding.write(f"--{boundary}--\r\n".encode())
    body = padding.getvalue()
    conn.request(
        "POST",
        "/api/datasets?dry_run=1",
        body=body,
        headers={"Content-Type": f"multipart/form-data; boundary={boundary}"},
    )
    response = conn.getresponse()
    assert response.status == 200, response.read()[:300]
    response.read()
    chunks = [table[:10], table[10:]]
    conn.request(
        "POST",
        "/api/datasets?dry_run=1",
        body=iter(chunks),
        headers={"Content-Type": "text/csv"},
        encode_chunked=True,
    )
    response = conn.getresponse()
    assert response.status == 200, response.read()[:300]
    response.read()
    conn.close()


def test_a_client_too_slow_with_its_headers_gets_408_and_is_closed(server):
    with socket.create_connection((HOST, server.port), timeout=15) as sock:
        sock.sendall(b"GET /api/zones HTTP/1.1\r\nHost: x\r\n")
        started = time.monotonic()
        reply = b""
        while time.monotonic() - started < 10:
            try:
                sock.sendall(b"X-A: b\r\n")
            except OSError:
                break
            time.sleep(0.5)
            sock.settimeout(0.01)
            try:
                chunk = sock.recv(4096)
            except TimeoutError:
                continue
            except OSError:
                break
            if not chunk:
                break
            reply += chunk
        assert time.monotonic() - started < 8, "never closed"
        assert reply.startswith(b"HTTP/1.1 408"), reply[:100]


def test_expect_100_continue_is_answered_before_the_body(server):
    body = "城市,床位\n石家庄市,1\n保定市,2\n".encode()
    with socket.create_connection((HOST, server.port), timeout=10) as sock:
        sock.sendall(
            b"POST /api/datasets?dry_run=1 HTTP/1.1\r\nHost: x\r\nContent-Type: text/csv\r\n"
            b"Expect: 100-continue\r\nConnection: close\r\n"
            + f"Content-Length: {len(body)}\r\n\r\n".encode()
        )
        sock.settimeout(0.9)  # curl waits 1 s for it before sending the body anyway
        assert sock.recv(100).startswith(b"HTTP/1.1 100 Continue")
        sock.settimeout(10)
        sock.sendall(body)
        reply = b""
        while chunk := sock.recv(65536):
            reply += chunk
    assert b"HTTP/1.1 200" in reply and b'"report"' in reply
