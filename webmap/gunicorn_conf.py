"""gunicorn settings for JJJ Atlas (``gunicorn -c python:webmap.gunicorn_conf``).

Used by ``jjj-atlas serve`` / ``make run`` and by ``bench/load.py``. Command-line options
(``--bind``, ``--workers``, ``--threads``, ``--worker-class``) override these values, and
so do the environment variables below.

Why ``gthread``: almost every answer comes from the in-memory response cache
(``webmap.caching``), so a request costs well under a millisecond of Python; what hurts
under 50 concurrent keep-alive connections is the sync worker closing the connection
after each response and holding a whole process per slow client. gthread keeps
connections alive (``keepalive``) and serves them from a thread pool per process; the
GIL is released while sending bytes. Measured with ``bench/load.py`` (19-path mix,
50 connections, 60 s, 2 cores shared with other busy sessions, 2026-11-26;
bench/README.md): gthread 2 workers × 8 threads 4,486 / 5,807 / 3,048 req/s, p99
57 / 63 / 259 ms in three runs, 0 errors; sync 4 workers 3,781 / 5,030 / 3,612 req/s, p99
98 / 63 / 98 ms; the previous setup (2 sync workers, no response cache) 217 / 44 / 68
req/s, p99 336 / 2,381 / 1,516 ms. No worker
configuration won consistently on that noisy machine (bench/README.md has the shorter
comparisons), so gthread is kept for keep-alive and slow clients.
"""

from __future__ import annotations

import multiprocessing
import os

bind = os.environ.get("JJJ_ATLAS_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("JJJ_ATLAS_WORKERS", multiprocessing.cpu_count()))
#: gthread, receiving each request whole in the event loop before a thread serves it, so
#: slow clients cannot hold the threads (webmap/buffered_worker.py; issue 21).
worker_class = os.environ.get(
    "JJJ_ATLAS_WORKER_CLASS", "webmap.buffered_worker.BufferedThreadWorker"
)
threads = int(os.environ.get("JJJ_ATLAS_THREADS", 8))
#: Seconds an idle keep-alive connection stays open (clients behind nginx reuse them).
keepalive = 5
#: Load the app and warm the response cache once, before forking: workers share the pages
#: copy-on-write and start hot.
preload_app = True
wsgi_app = "webmap:create_app(warm=True)"
#: gunicorn's maximum request line (default 4094): URLs up to 8190 bytes reach the app,
#: which refuses those over 4094 with its own JSON/HTML 414 (webmap.url_limit).
limit_request_line = 8190
timeout = 60
graceful_timeout = 20
accesslog = os.environ.get("JJJ_ATLAS_ACCESS_LOG", "-")
#: Behind nginx: trust X-Forwarded-* from the local proxy only (see README, "Scaling out").
forwarded_allow_ips = os.environ.get("JJJ_ATLAS_FORWARDED_ALLOW_IPS", "127.0.0.1")

#: Pages and OGC documents hold absolute links, so the warm-up renders them for the host
#: clients will use: the first public host (``JJJ_ATLAS_PUBLIC_HOST``, the only hosts
#: answered when set), else the bind address.
_public = os.environ.get("JJJ_ATLAS_PUBLIC_HOST", "").split(",")[0].strip()
os.environ.setdefault("JJJ_ATLAS_WARM_HOST", _public or bind)
