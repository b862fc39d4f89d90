"""HTTP range requests (RFC 9110 §14) for cached downloads and exports.

GDAL's ``/vsicurl/`` (what QGIS uses to open a URL) reads a GeoPackage or a zipped
Shapefile by byte ranges and refuses a server that answers a ``Range`` with the whole
body. Every download and export answered from the response cache therefore:

- says ``Accept-Ranges: bytes``;
- answers one satisfiable range with ``206 Partial Content`` and ``Content-Range``;
- answers several ranges with ``200`` and the whole body (RFC 9110 lets a server ignore
  ``Range``; GDAL and browsers ask for one range at a time);
- answers a range that starts past the end with ``416`` and ``Content-Range: bytes */N``;
- honours ``If-Range`` with the entry's strong ETag: a different or weak tag, or a date
  (these responses carry no ``Last-Modified``), gets ``200`` and the whole body;
- ignores a ``Range`` it cannot parse or in another unit (``200``, as RFC 9110 asks); a
  position is ASCII digits only, at most :data:`MAX_DIGITS` of them (``str.isdigit`` also
  takes ``²`` or ``١``, which ``int`` then refuses or reads, and a 5,000-digit number
  exceeds Python's integer-string limit: both were a 500).

Ranges apply to the identity body: a request with ``Range`` is answered without gzip
whatever its ``Accept-Encoding`` (offsets into a gzip stream are of no use to a reader
seeking in a file), and ``Content-Range``'s total is the uncompressed length. The ETag is
the entry's, the same on every range and on the whole response.

Why not Werkzeug's ``Response.make_conditional(accept_ranges=True)``: it answers a
multi-range or syntactically invalid ``Range`` with 416 (RFC 9110: ignore it, or serve
multipart), raises an exception that our error pages would turn into HTML, and knows
nothing of the identity-versus-gzip choice made here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class ByteRange:
    """Bytes ``start`` up to, not including, ``stop`` of a body of ``size`` bytes."""

    start: int
    stop: int
    size: int

    @property
    def content_range(self) -> str:
        return f"bytes {self.start}-{self.stop - 1}/{self.size}"


#: Digits in a range position: 18 reach past any body this service holds (an exabyte).
MAX_DIGITS = 18
_POSITION = re.compile(rf"[0-9]{{1,{MAX_DIGITS}}}")


def _position(text: str) -> bool:
    return _POSITION.fullmatch(text) is not None


#: What :func:`requested_range` returns for a range that cannot be served (→ 416).
UNSATISFIABLE = "unsatisfiable"


def _parse_spec(spec: str, size: int) -> ByteRange | str | None:
    """One ``first-last`` / ``first-`` / ``-suffix`` spec; None when it does not parse."""
    first, dash, last = spec.strip().partition("-")
    first, last = first.strip(), last.strip()
    if not dash or not (_position(first) or (not first and _position(last))):
        return None
    if last and not _position(last):
        return None
    if not first:  # suffix: the last N bytes
        suffix = int(last)
        if suffix == 0 or size == 0:
            return UNSATISFIABLE
        return ByteRange(max(size - suffix, 0), size, size)
    start = int(first)
    if last and int(last) < start:
        return None  # invalid spec: the whole Range header is ignored
    if start >= size:
        return UNSATISFIABLE
    stop = min(int(last) + 1, size) if last else size
    return ByteRange(start, stop, size)


def requested_range(
    range_header: str | None, if_range: str | None, etag: str, size: int
) -> ByteRange | str | None:
    """The single range to serve, :data:`UNSATISFIABLE`, or None for the whole body."""
    if not range_header:
        return None
    if if_range is not None and if_range.strip() != etag:
        return None  # changed (or a weak tag, or a date we cannot compare): whole body
    unit, eq, specs = range_header.partition("=")
    if not eq or unit.strip().lower() != "bytes":
        return None
    parts = [p for p in specs.split(",") if p.strip()]
    if len(parts) != 1:
        return None  # several ranges (or none): whole body with 200
    return _parse_spec(parts[0], size)


def range_response(entry, headers: dict[str, str]):
    """The 206 or 416 answer to this request's ``Range`` for a cached entry, or None when
    the whole body is to be served (no ``Range``, several ranges, ``If-Range`` changed)."""
    from flask import Response, request

    wanted = requested_range(
        request.headers.get("Range"), request.headers.get("If-Range"), entry.etag, len(entry.body)
    )
    if wanted is None:
        return None
    if wanted == UNSATISFIABLE:
        response = Response(status=416, headers=headers, mimetype=entry.mimetype)
        response.headers["Content-Range"] = f"bytes */{len(entry.body)}"
        return response
    response = Response(
        entry.body[wanted.start : wanted.stop], status=206, headers=headers, mimetype=entry.mimetype
    )
    response.headers["Content-Range"] = wanted.content_range
    return response
