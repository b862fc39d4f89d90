"""A gthread worker that reads each request whole before a thread serves it.

gunicorn's gthread worker hands a connection to a pool thread as soon as it has a byte to
read; the thread then blocks until the request line, headers and body have arrived. A client
that trickles its headers or its body a byte at a time ("slowloris") holds that thread for
as long as it likes, and 20 such clients held every thread of a 2 × 8 setup: a normal
request got no answer within 25 s (issue 21, finding 3).

Here the worker's event loop (one thread, non-blocking sockets, the poller gthread already
runs) receives the request into a buffer first — as nginx does in front of an app server —
and only a complete request (headers, and a body of its ``Content-Length`` or a chunked
body up to its last chunk) goes to a thread, which then parses it from memory. A slow
connection costs a socket and a buffer, never a thread; it is closed with a 408 when its
headers take longer than :data:`HEADER_SECONDS` or its body arrives slower than
:data:`MIN_BODY_RATE` bytes a second (after a grace of :data:`HEADER_SECONDS`). Requests
larger than :data:`MAX_BUFFERED` bytes (far above the 5 MB upload limit) are passed on once
their headers are complete, as gthread would. In production nginx in front buffers
requests too (``deploy/nginx.conf``); this keeps the app server safe without it.

``bench/slow_clients.py`` measures it (``bench/reliability.py`` prints the figures).
"""

from __future__ import annotations

import os
import selectors
import time
from functools import partial

from gunicorn.workers.gthread import ThreadWorker

#: Seconds a client may take to send its request line and headers.
HEADER_SECONDS = float(os.environ.get("JJJ_ATLAS_HEADER_SECONDS") or 15)
#: Bytes per second a request body must arrive at, at least (after HEADER_SECONDS of grace).
MIN_BODY_RATE = 16 * 1024
#: Requests larger than this are handed on once their headers are in (the app refuses them).
MAX_BUFFERED = 8 * 1024 * 1024
#: Header blocks larger than this are handed on as they are (gunicorn refuses them).
MAX_HEADER_BYTES = 128 * 1024
RECV_BYTES = 256 * 1024


class _Pending:
    """A request being received: its bytes so far and when it must be complete."""

    __slots__ = ("conn", "continued", "data", "deadline", "started")

    def __init__(self, conn):
        self.conn = conn
        self.continued = False
        self.data = bytearray()
        self.started = time.monotonic()
        self.deadline = self.started + HEADER_SECONDS


def request_complete(data: bytes | bytearray) -> tuple[bool, int | None]:
    """Whether ``data`` holds a whole request, and the body length once the headers are in
    (``None`` before that, or when the body is chunked)."""
    end = data.find(b"\r\n\r\n")
    if end < 0:
        return len(data) > MAX_HEADER_BYTES, None
    head = bytes(data[:end]).lower()
    body = len(data) - end - 4
    length = 0
    chunked = False
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        name = name.strip()
        if name == b"content-length":
            try:
                length = int(value.strip())
            except ValueError:
                return True, None  # malformed: gunicorn answers 400
        elif name == b"transfer-encoding" and b"chunked" in value:
            chunked = True
    if chunked:
        # The last chunk (size 0, no trailers) ends the body.
        return data.endswith(b"\r\n0\r\n\r\n") or len(data) > MAX_BUFFERED, None
    if length > MAX_BUFFERED:
        return True, length
    return body >= length, length


def _expects_continue(data: bytes | bytearray) -> bool:
    head = bytes(data[: data.find(b"\r\n\r\n")]).lower()
    return b"\r\nexpect: 100-continue" in head and head.split(b"\r\n", 1)[0].endswith(b"/1.1")


class BufferedThreadWorker(ThreadWorker):
    """gthread, with each request received in the event loop before a thread takes it."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._receiving: dict[int, _Pending] = {}

    def enqueue_req(self, conn):
        parser = conn.parser
        if getattr(conn, "_received", False) or (
            parser is not None and parser.unreader.buf.getvalue()
        ):
            # A whole request is in memory (or read ahead by the previous one): serve it.
            conn._received = False
            return super().enqueue_req(conn)
        pending = _Pending(conn)
        conn.sock.setblocking(False)
        self._receiving[id(conn)] = pending
        self.poller.register(conn.sock, selectors.EVENT_READ, partial(self._receive, pending))

    def _receive(self, pending: _Pending, sock) -> None:
        try:
            chunk = sock.recv(RECV_BYTES)
        except (BlockingIOError, InterruptedError):
            return
        except OSError:
            chunk = b""
        if not chunk:  # the client went away
            self._drop(pending)
            return
        pending.data += chunk
        complete, length = request_complete(pending.data)
        if length and not complete:
            pending.deadline = pending.started + HEADER_SECONDS + length / MIN_BODY_RATE
            if not pending.continued and _expects_continue(pending.data):
                # The client waits for this before it sends the body (curl does, for
                # uploads); gunicorn sends its own later too, which HTTP allows (RFC 9110 15.2).
                pending.continued = True
                try:
                    sock.send(b"HTTP/1.1 100 Continue\r\n\r\n")
                except OSError:
                    pass
        if complete:
            self._stop_receiving(pending)
            conn = pending.conn
            conn.init()  # parser created here (no I/O without TLS), fed from memory
            conn.parser.unreader.unread(bytes(pending.data))
            conn.data_ready = True
            conn._received = True
            self.enqueue_req(conn)

    def _stop_receiving(self, pending: _Pending) -> None:
        self._receiving.pop(id(pending.conn), None)
        try:
            self.poller.unregister(pending.conn.sock)
        except (KeyError, ValueError, OSError):
            pass

    def _drop(self, pending: _Pending, timed_out: bool = False) -> None:
        self._stop_receiving(pending)
        self.nr_conns -= 1
        if timed_out:
            try:
                pending.conn.sock.send(
                    b"HTTP/1.1 408 Request Timeout\r\nConnection: close\r\n"
                    b"Content-Length: 0\r\n\r\n"
                )
            except OSError:
                pass
        pending.conn.close()

    def murder_pending(self):
        super().murder_pending()
        now = time.monotonic()
        for pending in [p for p in self._receiving.values() if p.deadline < now]:
            self._drop(pending, timed_out=True)
