"""OGC API – Features: the requests, without the web framework — which query parameters
each path takes, the validated ``/items`` query (limit, offset, bbox, datetime, CRSs, filters),
the features it selects and the ``/collections`` window. The documents built from them are
:mod:`geo.formats.ogc`, which also re-exports these names.
"""

from __future__ import annotations

import calendar
import datetime as dt
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo import crs_ref
from geo.errors import BadParameter
from geo.formats import ogc_filter
from geo.formats.ogc_collections import (
    CRS84,
    Collection,
    bundled_collections,
    features,
    queryables,
)

DEFAULT_LIMIT = 100
MAX_LIMIT = 10_000
#: Query parameters of /items with a meaning of their own; any other one is a filter.
RESERVED = ("f", "limit", "offset", "bbox", "bbox-crs", "datetime", "crs")
#: The query parameters each other path accepts (anything else is a 400 naming it).
PATH_PARAMETERS = {
    "landing": ("f", "lang"),
    "conformance": ("f", "lang"),
    "api": ("f", "lang"),
    "collections": ("f", "lang", "limit", "offset"),
    "collection": ("f", "lang"),
    "item": ("f", "lang", "crs"),
    "queryables": ("f", "lang"),
}
#: OGC API – Features Part 3 (filtering) and the Part 1 extensions of /items that
#: shape the answer: see :mod:`geo.formats.ogc_filter`.
PART3_PARAMETERS: tuple[str, ...] = ogc_filter.PARAMETERS
LANGS = ("en", "zh")


@dataclass(frozen=True)
class ItemsQuery:
    """A validated ``/items`` query (bbox in CRS84 degrees, dates inclusive)."""

    limit: int = DEFAULT_LIMIT
    offset: int = 0
    bbox: tuple[float, float, float, float] | None = None
    datetime: str | None = None
    period: tuple[dt.date | None, dt.date | None] | None = None
    filters: tuple[tuple[str, str], ...] = ()
    #: The CRS of the answer (Part 2 ``crs``), and the bbox as given with its ``bbox-crs``.
    crs: crs_ref.RefCRS = crs_ref.RefCRS(CRS84, None)
    bbox_given: tuple[float, ...] | None = None
    bbox_crs: crs_ref.RefCRS | None = None
    #: The query pairs exactly as sent (order and spelling kept): what links repeat.
    sent: tuple[tuple[str, str], ...] = ()
    #: Part 3 ``filter`` and ``properties``/``sortby``/``skipGeometry``.
    part3: ogc_filter.Part3Query = ogc_filter.Part3Query()

    def link_params(self, offset: int, fmt: str) -> list[tuple[str, str]]:
        """The query of a link to the page at ``offset``: every parameter as it was sent
        (``bbox`` digits, CRS URIs, filters — nothing re-rendered), then ``limit``,
        ``offset`` and ``f``. Re-rendering a bbox to 6 significant digits moved its edge
        (116.40961 → 116.41) and lost features between pages."""
        pairs = [(k, v) for k, v in self.sent if k not in ("limit", "offset", "f")]
        return [*pairs, ("limit", str(self.limit)), ("offset", str(offset)), ("f", fmt)]


def check_parameters(args: Mapping[str, str], allowed) -> None:
    """A 400 naming the first query parameter not in ``allowed`` (and the valid ones)."""
    for name in args:
        if name not in allowed:
            raise BadParameter(
                name, args[name], list(allowed), reason=f"unknown query parameter {name!r}"
            )


def parse_crs(args: Mapping[str, str], name: str = "crs") -> crs_ref.RefCRS:
    """Part 2 ``crs`` / ``bbox-crs``: a URI from :data:`geo.crs_ref.SUPPORTED` (default CRS84
    when absent; an empty value is a 400 like any value not offered)."""
    if name not in args:
        return crs_ref.RefCRS(CRS84, None)
    return crs_ref.parse(args[name], name, allow_short=False)


def lang_of(args: Mapping[str, str], accept_language: str | None = None) -> str:
    """``lang=zh|en`` (400 otherwise), else the ``Accept-Language`` choice, else en."""
    raw = args.get("lang")
    if raw is not None:
        if raw not in LANGS:
            raise BadParameter("lang", raw, LANGS)
        return raw
    return accept_language if accept_language in LANGS else "en"


def _integer(name: str, raw: str, minimum: int, maximum: int, valid: str) -> int:
    try:
        value = int(raw)
    except ValueError:
        raise BadParameter(name, raw, valid) from None
    if not minimum <= value <= maximum:
        raise BadParameter(name, raw, valid)
    return value


#: The documented bbox rule (also in the OpenAPI description): 4 or 6 finite numbers, lower
#: corner then upper corner in the bbox-crs's axis order. In CRS84, a lower longitude
#: above the upper one crosses the antimeridian; a lower latitude above the upper one
#: matches nothing; values outside ±180/±90 are clamped. Nothing else is refused.
BBOX_RULE = (
    "4 numbers (lower corner, upper corner in the bbox-crs axis order; CRS84: minLon,minLat,"
    "maxLon,maxLat) or 6 with heights; CRS84 values beyond ±180/±90 are clamped, "
    "minLon > maxLon crosses the antimeridian, minLat > maxLat matches nothing"
)


def _bbox_numbers(raw: str) -> tuple[float, ...]:
    try:
        numbers = [float(v) for v in raw.split(",")]
    except ValueError:
        raise BadParameter("bbox", raw, BBOX_RULE) from None
    if len(numbers) == 6:  # drop the heights: features here are 2D
        numbers = [numbers[0], numbers[1], numbers[3], numbers[4]]
    if len(numbers) != 4 or not all(math.isfinite(v) for v in numbers):
        raise BadParameter("bbox", raw, BBOX_RULE)
    return tuple(numbers)


def _bbox_shape(bbox: tuple[float, ...]):
    """The CRS84 area a bbox covers (see :data:`BBOX_RULE`), or None for nothing."""
    minx, miny, maxx, maxy = bbox
    minx, maxx = (min(max(v, -180.0), 180.0) for v in (minx, maxx))
    miny, maxy = (min(max(v, -90.0), 90.0) for v in (miny, maxy))
    if miny > maxy:
        return None
    if minx > maxx:
        return shapely.union(
            shapely.box(minx, miny, 180, maxy), shapely.box(-180, miny, maxx, maxy)
        )
    return shapely.box(minx, miny, maxx, maxy)


_DATE = re.compile(r"(\d{4})(?:-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])(?:[Tt ].*)?)?")
_INSTANT = r"\d{4}(-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])([Tt ].*)?)?"
#: What ``datetime`` accepts (also the OpenAPI pattern): an instant, or an interval with
#: one open end at most. Days past a month's end count as its last day, year 0000 as 1.
DATETIME_PATTERN = rf"^({_INSTANT}|{_INSTANT}/({_INSTANT}|\.\.)?|(\.\.)?/{_INSTANT})$"


def _instant(raw: str, end: bool) -> dt.date | None:
    if raw in ("", ".."):
        return None
    match = _DATE.fullmatch(raw)  # "." stops at a newline, as in the schema's pattern
    if not match:
        raise ValueError(raw)
    year, month, day = match.groups()
    number = max(int(year), 1)
    if month is None:  # a bare year: the whole year
        return dt.date(number, 12, 31) if end else dt.date(number, 1, 1)
    last = calendar.monthrange(number, int(month))[1]
    return dt.date(number, int(month), min(int(day), last))


def _period(raw: str) -> tuple[dt.date | None, dt.date | None]:
    valid = (
        "an RFC 3339 date-time or date, a year, or an interval start/end with '..' "
        "for an open end (e.g. 2021, 2020-01-01/.., ../2021-12-31T00:00:00Z)"
    )
    try:
        if "/" in raw:
            start_raw, end_raw = raw.split("/", 1)
            start, end = _instant(start_raw, False), _instant(end_raw, True)
            if start is None and end is None:
                raise ValueError(raw)
        else:
            start, end = _instant(raw, False), _instant(raw, True)
            if start is None:
                raise ValueError(raw)
    except ValueError:
        raise BadParameter("datetime", raw, valid) from None
    # start after end: an empty interval (matches nothing), as the schema allows it
    return start, end


def parse_items_query(collection: Collection, args: Mapping[str, str]) -> ItemsQuery:
    """Validate the query parameters of ``/collections/{id}/items``.

    Raises :class:`BadParameter` naming the parameter and what is valid: a non-integer or
    negative ``limit``/``offset``, a malformed ``bbox``, a ``crs``/``bbox-crs`` not offered
    (empty included), ``datetime`` on a collection without years, an unknown parameter.
    A ``limit`` above the maximum means the maximum (Part 1, /req/core/fc-limit-response-1).
    """
    limit = DEFAULT_LIMIT
    if args.get("limit") is not None:  # given empty: a 400, like any non-integer
        limit = min(
            _integer(
                "limit",
                args["limit"],
                1,
                10**30,
                f"an integer ≥ 1 (at most {MAX_LIMIT} are returned)",
            ),
            MAX_LIMIT,
        )
    offset = 0
    if args.get("offset") is not None:
        offset = _integer("offset", args["offset"], 0, 10**30, "an integer ≥ 0")
    out_crs = parse_crs(args, "crs")
    bbox_crs = parse_crs(args, "bbox-crs") if "bbox-crs" in args else None
    raw_bbox = args.get("bbox")
    if hasattr(args, "getlist") and len(args.getlist("bbox")) > 1:
        raw_bbox = ",".join(args.getlist("bbox"))  # the exploded form (bbox=1&bbox=2&…)
    given = _bbox_numbers(raw_bbox) if raw_bbox is not None else None
    bbox = None
    if given is not None:
        source = bbox_crs or crs_ref.RefCRS(CRS84, None)
        try:
            bbox = crs_ref.bbox_to_crs84(given, source) if not source.is_crs84 else given
        except Exception:  # outside the projection's domain: an area that matches nothing
            bbox = (0.0, 1.0, 0.0, -1.0)
        if not all(math.isfinite(v) for v in bbox):
            bbox = (0.0, 1.0, 0.0, -1.0)
    raw_datetime = args.get("datetime")
    period = None
    if raw_datetime is not None:
        if collection.year_column is None:
            with_years = [c.id for c in bundled_collections() if c.year_column]
            raise BadParameter(
                "datetime",
                raw_datetime,
                f"only on collections with years: {', '.join(with_years)}",
                reason=f"collection {collection.id} has no temporal property",
            )
        period = _period(raw_datetime)
    allowed = queryables(collection)
    part3 = ogc_filter.Part3Query()
    if any(args.get(name) is not None for name in PART3_PARAMETERS):
        part3 = ogc_filter.parse_part3(features(collection), args)
    filters = []
    for name in args:
        if name in RESERVED or name == "lang" or name in PART3_PARAMETERS:
            continue
        if name not in allowed:
            raise BadParameter(
                name,
                args[name],
                [*RESERVED, "lang", *PART3_PARAMETERS, *allowed],
                reason=f"not a query parameter or queryable property of {collection.id}",
            )
        filters.append((name, args[name]))
    sent = tuple(args.items(multi=True)) if hasattr(args, "getlist") else tuple(args.items())
    return ItemsQuery(
        part3=part3,
        sent=sent,
        limit=limit,
        offset=offset,
        bbox=bbox,
        datetime=raw_datetime,
        period=period,
        filters=tuple(sorted(filters)),
        crs=out_crs,
        bbox_given=given,
        bbox_crs=bbox_crs,
    )


def select(collection: Collection, query: ItemsQuery) -> tuple[gpd.GeoDataFrame, int]:
    """The page of features the query asks for, and how many features matched in all."""
    frame = features(collection)
    keep = np.ones(len(frame), dtype=bool)
    for name, value in query.filters:
        if name == "name":
            keep &= (frame["name_zh"] == value).to_numpy() | (
                frame["name_en"].str.casefold() == value.casefold()
            ).to_numpy()
        else:
            keep &= (frame[name].astype(str) == value).to_numpy()
    if query.bbox is not None:
        box = _bbox_shape(query.bbox)
        hits = np.zeros(len(frame), dtype=bool)
        if box is not None:
            geoms = frame.geometry.values
            present = ~frame.geometry.isna().to_numpy()
            hits[present] = shapely.intersects(np.asarray(geoms[present]), box)
        keep &= hits
    if query.period is not None and collection.year_column:
        years = pd.to_numeric(frame[collection.year_column], errors="coerce")
        start, end = query.period
        # A feature's year covers 1 Jan – 31 Dec; it matches if that overlaps the period.
        ok = years.notna()
        if start is not None:
            ok &= years >= start.year
        if end is not None:
            ok &= years <= end.year
        if start is not None and end is not None and start > end:
            ok &= False
        keep &= ok.to_numpy()
    if query.part3.filter is not None:
        keep &= ogc_filter.filter_mask(frame, query.part3.filter)
    matched = ogc_filter.sort_frame(frame[keep], query.part3.sortby)
    return matched.iloc[query.offset : query.offset + query.limit], len(matched)


# ---------------------------------------------------------------------------- documents


#: Collections per page of /collections (``limit``): the bundled ones and the newest
#: published datasets fit on the first page; ``next`` links page through the rest.
COLLECTIONS_LIMIT = 100
COLLECTIONS_MAX_LIMIT = 1000


def parse_collections_window(args: Mapping[str, str]) -> tuple[int, int]:
    """(limit, offset) of ``/collections``: a 400 naming the parameter otherwise."""
    window = []
    for name, default, low, high in (
        ("limit", COLLECTIONS_LIMIT, 1, COLLECTIONS_MAX_LIMIT),
        ("offset", 0, 0, 10**8),
    ):
        raw = args.get(name)
        if raw in (None, ""):
            window.append(default)
            continue
        if not (raw.isascii() and raw.isdigit()) or len(raw) > 9 or not low <= int(raw) <= high:
            raise BadParameter(name, raw, f"a whole number from {low} to {high}")
        window.append(int(raw))
    return window[0], window[1]
