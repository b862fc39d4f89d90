"""Slow clients against the deployed server: does a normal request get answered while 20
connections trickle their headers or their body (a "slowloris")? Loopback only, bounded.

``measure(port)`` opens the slow connections (half sending headers a byte at a time, half a
POST body), waits until the server has accepted them all, then times ordinary GETs on fresh
connections; every slow connection is closed at the end. Used by ``bench/reliability.py``
and ``tests/test_slow_clients.py``.
"""

from __future__ import annotations

import socket
import threading
import time

HOST = "127.0.0.1"
#: One byte every this many seconds, on every slow connection.
TRICKLE_INTERVAL = 0.5


def _trickle(port: int, mode: str, stop: threading.Event, opened: list) -> None:
    try:
        sock = socket.create_connection((HOST, port), timeout=30)
    except OSError:
        return
    opened.append(sock)
    if mode == "headers":
        data = b"GET /api/zones HTTP/1.1\r\nHost: slow\r\nX-Slow: " + b"a" * 4000
    else:
        head = (
            b"POST /api/datasets HTTP/1.1\r\nHost: slow\r\nContent-Type: text/csv\r\n"
            b"Content-Length: 100000\r\n\r\n"
        )
        try:
            sock.sendall(head)
        except OSError:
            return
        data = b"a" * 100_000
    for byte in data:
        if stop.is_set():
            return
        try:
            sock.send(bytes([byte]))
        except OSError:
            return
        stop.wait(TRICKLE_INTERVAL)


def _get(port: int, path: str, timeout: float) -> tuple[int, float]:
    """Status and seconds of one GET on a fresh connection (status 0: no answer in time)."""
    started = time.perf_counter()
    try:
        with socket.create_connection((HOST, port), timeout=timeout) as sock:
            sock.sendall(
                f"GET {path} HTTP/1.1\r\nHost: {HOST}:{port}\r\nConnection: close\r\n\r\n".encode()
            )
            reply = b""
            while b"\r\n" not in reply:
                chunk = sock.recv(4096)
                if not chunk:
                    break
                reply += chunk
        status = int(reply.split(b" ", 2)[1]) if reply.startswith(b"HTTP/") else 0
    except OSError:
        status = 0
    return status, time.perf_counter() - started


def measure(
    port: int,
    slow: int = 20,
    path: str = "/api/zones",
    settle: float = 3.0,
    probes: int = 5,
    timeout: float = 25.0,
) -> dict:
    """Open ``slow`` trickling connections, then time ``probes`` normal GETs of ``path``."""
    stop = threading.Event()
    opened: list[socket.socket] = []
    threads = [
        threading.Thread(
            target=_trickle, args=(port, "headers" if i % 2 == 0 else "body", stop, opened)
        )
        for i in range(slow)
    ]
    for thread in threads:
        thread.start()
    time.sleep(settle)  # every slow connection open and trickling
    results = []
    try:
        for _ in range(probes):
            results.append(_get(port, path, timeout))
            time.sleep(0.2)
    finally:
        stop.set()
        for sock in opened:
            try:
                sock.close()
            except OSError:
                pass
        for thread in threads:
            thread.join(timeout=5)
    seconds = sorted(s for _, s in results)
    return {
        "slow_connections": len(opened),
        "statuses": [status for status, _ in results],
        "answered": sum(1 for status, _ in results if status == 200),
        "probes": probes,
        "median_s": seconds[len(seconds) // 2],
        "max_s": seconds[-1],
    }
