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
connection costs a socket and a buffer, never a thread. What a client may do while it sends
(issue 29, findings 1 and 2):

- headers must be complete within :data:`HEADER_SECONDS` (else 408);
- a body must bring at least :data:`MIN_BODY_RATE` bytes a second in every window of
  :data:`HEADER_SECONDS` (or the rest of the body, if less), so a body that sends nothing
  is closed after one window (408). The rule is a rate per window, not one deadline for the
  whole body: a deadline of ``15 s + length ÷ 16 KB`` let a client that declared 8 MB and
  sent nothing hold its connection for 8 minutes;
- a declared ``Content-Length`` (or a chunked body) larger than :data:`MAX_BUFFERED`, the
  largest body any route accepts (the upload limit), is answered 413 here, in the event
  loop, without waiting for the body: handing it to a thread let 20 such trickling
  connections hold every thread;
- one client address has at most :data:`MAX_PENDING_PER_CLIENT` connections still sending
  their request; one more closes its oldest such connection (429), so a client cannot fill
  the worker's connection slots (gunicorn's ``worker_connections``) with idle requests.

In production nginx in front buffers requests too (``deploy/nginx.conf``); this keeps the
app server safe without it.

``bench/slow_clients.py`` measures it (``bench/reliability.py`` prints the figures).
"""

from __future__ import annotations

import json
import os
import selectors
import time
from collections import OrderedDict
from functools import partial

from gunicorn.workers.gthread import ThreadWorker

from geo.sources.uploads import MAX_BYTES
from webmap.datasets import FORM_OVERHEAD

#: Seconds a client may take to send its request line and headers; also the window in
#: which a body must bring its bytes (a body idle this long is closed).
HEADER_SECONDS = float(os.environ.get("JJJ_ATLAS_HEADER_SECONDS") or 15)
#: Bytes per second a request body must arrive at, at least, in every window.
MIN_BODY_RATE = 16 * 1024
#: The largest body any route accepts (a dataset upload with its form); a larger declared
#: length or chunked body is answered 413 by the event loop.
MAX_BUFFERED = MAX_BYTES + FORM_OVERHEAD
#: Connections one client address may have still sending their request.
MAX_PENDING_PER_CLIENT = int(os.environ.get("JJJ_ATLAS_PENDING_PER_CLIENT") or 64)
#: Header blocks larger than this are handed on as they are (gunicorn refuses them).
MAX_HEADER_BYTES = 128 * 1024
RECV_BYTES = 256 * 1024


class _Pending:
    """A request being received: its bytes so far, and the window its next bytes are due in.

    Until the headers are in, ``deadline`` is when they must be; after that, each window of
    :data:`HEADER_SECONDS` must bring ``window_need`` bytes (counted in ``window_got``).
    """

    __slots__ = (
        "body_started", "client", "conn", "continued", "data", "deadline", "started",
        "window_got", "window_need",
    )  # fmt: skip

    def __init__(self, conn):
        self.conn = conn
        self.client = _client_address(conn)
        self.continued = False
        self.data = bytearray()
        self.started = time.monotonic()
        self.deadline = self.started + HEADER_SECONDS
        self.body_started = False
        self.window_got = 0
        self.window_need = 0


def _client_address(conn) -> str:
    client = conn.client
    return str(client[0]) if isinstance(client, (tuple, list)) and client else str(client)


def _body_window_need(length: int, received: int) -> int:
    """Bytes the next window must bring: a window's worth at the minimum rate, or the rest."""
    return max(min(int(MIN_BODY_RATE * HEADER_SECONDS), length - received), 1)


def _refusal(status: str, message: str, message_zh: str, valid: str, extra: str = "") -> bytes:
    """A complete HTTP/1.1 answer (JSON, connection closed) sent from the event loop."""
    code = int(status.split()[0])
    body = json.dumps(
        {"error": message, "error_zh": message_zh, "status": code, "parameter": "Content-Length",
         "valid": valid},
        ensure_ascii=False,
    ).encode("utf-8")  # fmt: skip
    return (
        f"HTTP/1.1 {status}\r\nConnection: close\r\nContent-Type: application/json\r\n"
        f"{extra}Content-Length: {len(body)}\r\n\r\n"
    ).encode("ascii") + body


TOO_LARGE = _refusal(
    "413 Content Too Large",
    f"request body larger than the {MAX_BUFFERED:,}-byte limit",
    f"请求体超过 {MAX_BUFFERED:,} 字节的上限",
    f"at most {MAX_BUFFERED:,} bytes",
)
TOO_SLOW = _refusal(
    "408 Request Timeout",
    f"request not received in time: headers within {HEADER_SECONDS:g} s, then at least "
    f"{MIN_BODY_RATE:,} body bytes a second in every {HEADER_SECONDS:g} s",
    f"请求接收超时：请求头须在 {HEADER_SECONDS:g} 秒内发完，此后每 {HEADER_SECONDS:g} 秒"
    f"内请求体每秒至少 {MIN_BODY_RATE:,} 字节",
    f"headers within {HEADER_SECONDS:g} s, body at {MIN_BODY_RATE:,} bytes/s or faster",
)
TOO_MANY = _refusal(
    "429 Too Many Requests",
    f"more than {MAX_PENDING_PER_CLIENT} connections from this address are still sending "
    "their request; the oldest was closed",
    f"来自该地址、尚未发完请求的连接超过 {MAX_PENDING_PER_CLIENT} 个，最早的一个已关闭",
    f"at most {MAX_PENDING_PER_CLIENT} requests being sent at once per address",
    "Retry-After: 5\r\n",
)


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
        if body > MAX_BUFFERED:
            return True, MAX_BUFFERED + 1  # too large: refused by the caller
        return data.endswith(b"\r\n0\r\n\r\n"), None
    if length > MAX_BUFFERED:
        return True, length
    return body >= length, length


def _body_received(data: bytes | bytearray) -> int:
    end = data.find(b"\r\n\r\n")
    return len(data) - end - 4 if end >= 0 else 0


def _expects_continue(data: bytes | bytearray) -> bool:
    head = bytes(data[: data.find(b"\r\n\r\n")]).lower()
    return b"\r\nexpect: 100-continue" in head and head.split(b"\r\n", 1)[0].endswith(b"/1.1")


class BufferedThreadWorker(ThreadWorker):
    """gthread, with each request received in the event loop before a thread takes it."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._receiving: dict[int, _Pending] = {}
        #: Per client address, its connections still sending, oldest first.
        self._by_client: dict[str, OrderedDict[int, _Pending]] = {}

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
        mine = self._by_client.setdefault(pending.client, OrderedDict())
        mine[id(conn)] = pending
        if len(mine) > MAX_PENDING_PER_CLIENT:
            _, oldest = next(iter(mine.items()))
            self._drop(oldest, TOO_MANY)
            if id(conn) not in self._receiving:
                return
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
        if length is not None and length > MAX_BUFFERED:
            self._drop(pending, TOO_LARGE)
            return
        if not complete and pending.data.find(b"\r\n\r\n") >= 0:
            self._count_body(pending, length, len(chunk))
        if length and not complete:
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

    def _count_body(self, pending: _Pending, length: int | None, arrived: int) -> None:
        """Start the body's first window once the headers are in; count bytes after that."""
        received = _body_received(pending.data)
        if not pending.body_started:
            pending.body_started = True
            pending.window_got = received
        else:
            pending.window_got += arrived
        need = _body_window_need(length or MAX_BUFFERED, received)
        if not pending.window_need:
            pending.window_need = need
            pending.deadline = time.monotonic() + HEADER_SECONDS

    def _next_window(self, pending: _Pending, now: float) -> bool:
        """At the end of a body window: open the next one if this one brought its bytes."""
        if not pending.body_started or pending.window_got < pending.window_need:
            return False
        _, length = request_complete(pending.data)
        received = _body_received(pending.data)
        pending.window_got = 0
        pending.window_need = _body_window_need(length or MAX_BUFFERED, received)
        pending.deadline = now + HEADER_SECONDS
        return True

    def _stop_receiving(self, pending: _Pending) -> None:
        self._receiving.pop(id(pending.conn), None)
        mine = self._by_client.get(pending.client)
        if mine is not None:
            mine.pop(id(pending.conn), None)
            if not mine:
                del self._by_client[pending.client]
        try:
            self.poller.unregister(pending.conn.sock)
        except (KeyError, ValueError, OSError):
            pass

    def _drop(self, pending: _Pending, answer: bytes = b"") -> None:
        self._stop_receiving(pending)
        self.nr_conns -= 1
        if answer:
            try:  # non-blocking: a client that does not read gets what fits
                pending.conn.sock.send(answer)
            except OSError:
                pass
        pending.conn.close()

    def murder_pending(self):
        super().murder_pending()
        now = time.monotonic()
        for pending in [p for p in self._receiving.values() if p.deadline < now]:
            if not self._next_window(pending, now):
                self._drop(pending, TOO_SLOW)
