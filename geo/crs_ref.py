"""Coordinate reference systems offered by reference (OGC API – Features Part 2) and by
the GIS downloads: WGS 84 (CRS84 and EPSG:4326), CGCS2000 (EPSG:4490), Web Mercator
(EPSG:3857) and the CGCS2000 3-degree Gauss–Krüger zones covering Beijing–Tianjin–Hebei
(EPSG:4547 CM 114°E, 4548 CM 117°E, 4549 CM 120°E).

Everything is stored in WGS 84 longitude/latitude (CRS84). Reprojection uses pyproj; the
output axis order is the CRS's own, as Part 2 requires (``/req/crs/crs-uri``; read from
``pyproj.CRS.axis_info``): EPSG:4326 and 4490 are latitude, longitude; the GK zones are
northing (X), easting (Y); CRS84 and EPSG:3857 are x east, y north. WGS 84 → CGCS2000 is
PROJ's ballpark (null) transformation: the two frames agree to a few centimetres.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from functools import cache

import numpy as np
import shapely
from pyproj import CRS, Transformer
from shapely.geometry import mapping

from geo.errors import BadParameter

CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
EPSG_URI = "http://www.opengis.net/def/crs/EPSG/0/{}"
#: The EPSG codes offered besides CRS84, in the order they are listed.
EPSG_CODES = (4326, 4490, 3857, 4547, 4548, 4549)
#: Every CRS URI offered (CRS84 first: the storage and default CRS).
SUPPORTED = (CRS84, *(EPSG_URI.format(code) for code in EPSG_CODES))
#: Decimals kept in output coordinates: degrees (≈ 0.01 m) and metres (1 mm).
DEGREE_DECIMALS = 7
METRE_DECIMALS = 3

_URI = re.compile(r"^https?://www\.opengis\.net/def/crs/EPSG/0/(\d+)$")
_SHORT = re.compile(r"^\[?EPSG:(\d+)\]?$", re.IGNORECASE)
_CRS84_NAMES = {
    CRS84,
    "https://www.opengis.net/def/crs/OGC/1.3/CRS84",
    "OGC:CRS84",
    "[OGC:CRS84]",
}


@dataclass(frozen=True)
class RefCRS:
    """One offered CRS: its URI, EPSG code (None for CRS84) and pyproj object."""

    uri: str
    epsg: int | None

    @property
    def crs(self) -> CRS:
        return _pyproj_crs(self.epsg)

    @property
    def is_crs84(self) -> bool:
        return self.epsg is None

    @property
    def short(self) -> str:
        return "OGC:CRS84" if self.epsg is None else f"EPSG:{self.epsg}"

    @property
    def north_first(self) -> bool:
        """Whether the first axis points north (latitude or northing first)."""
        return self.crs.axis_info[0].direction.lower() in ("north", "south")

    @property
    def geographic(self) -> bool:
        return self.crs.is_geographic

    @property
    def decimals(self) -> int:
        return DEGREE_DECIMALS if self.geographic else METRE_DECIMALS


@cache
def _pyproj_crs(epsg: int | None) -> CRS:
    return CRS.from_user_input("OGC:CRS84" if epsg is None else f"EPSG:{epsg}")


def parse(raw: str | None, name: str = "crs", allow_short: bool = True) -> RefCRS:
    """The offered CRS ``raw`` names (a URI from :data:`SUPPORTED`, or ``EPSG:NNNN`` /
    ``OGC:CRS84`` when ``allow_short``); :class:`BadParameter` naming ``name`` and the
    valid values otherwise (an empty value too)."""
    value = (raw or "").strip()
    valid = list(SUPPORTED) + (["EPSG:NNNN or OGC:CRS84 for the same"] if allow_short else [])
    if value in _CRS84_NAMES and (allow_short or value == CRS84):
        return RefCRS(CRS84, None)
    match = _URI.match(value) or (_SHORT.match(value) if allow_short else None)
    if match:
        code = int(match.group(1))
        if code in EPSG_CODES:
            return RefCRS(EPSG_URI.format(code), code)
    raise BadParameter(name, raw if raw is not None else "", valid)


def by_epsg(code: int | None) -> RefCRS:
    return RefCRS(CRS84, None) if code is None else RefCRS(EPSG_URI.format(code), code)


_local = threading.local()


def _transformer(source: int | None, target: int | None) -> Transformer:
    """Axis order of each CRS's own definition (``always_xy`` off); one per thread, as
    pyproj transformers are not to be shared between threads."""
    cache = getattr(_local, "transformers", None)
    if cache is None:
        cache = _local.transformers = {}
    key = (source, target)
    if key not in cache:
        cache[key] = Transformer.from_crs(_pyproj_crs(source), _pyproj_crs(target), always_xy=False)
    return cache[key]


def from_crs84(geometries, target: RefCRS):
    """Shapely geometries (array or scalar) in CRS84 → the same in ``target``'s axis order
    (x is the CRS's first axis: latitude for EPSG:4326, northing for the GK zones)."""
    if target.is_crs84:
        return geometries
    transformer = _transformer(None, target.epsg)

    def coords(xy: np.ndarray) -> np.ndarray:
        a, b = transformer.transform(xy[:, 0], xy[:, 1])
        return np.column_stack([a, b])

    return shapely.transform(geometries, coords)


def to_crs84(geometries, source: RefCRS):
    """Shapely geometries in ``source``'s axis order → CRS84 (longitude, latitude)."""
    if source.is_crs84:
        return geometries
    transformer = _transformer(source.epsg, None)

    def coords(xy: np.ndarray) -> np.ndarray:
        lon, lat = transformer.transform(xy[:, 0], xy[:, 1])
        return np.column_stack([lon, lat])

    return shapely.transform(geometries, coords)


def bbox_to_crs84(bbox: tuple[float, float, float, float], source: RefCRS) -> tuple:
    """A bbox (lower corner, upper corner in ``source``'s axis order) → CRS84 degrees
    (minLon, minLat, maxLon, maxLat), densified edges so a projected box is covered."""
    if source.is_crs84:
        return bbox
    transformer = _transformer(source.epsg, None)
    return tuple(float(v) for v in transformer.transform_bounds(*bbox, densify_pts=21))


def _round(obj, decimals: int):
    if isinstance(obj, (list, tuple)):
        if obj and isinstance(obj[0], (int, float)):
            return [round(float(v), decimals) for v in obj]
        return [_round(v, decimals) for v in obj]
    return obj


def geometry_json(geometry, target: RefCRS) -> dict | None:
    """A CRS84 shapely geometry as a GeoJSON-style geometry dict in ``target`` (exterior
    rings counter-clockwise in longitude/latitude before reprojection; coordinates in the
    target's axis order, rounded to 1e-7° or 1 mm)."""
    if geometry is None or geometry.is_empty:
        return None
    oriented = shapely.orient_polygons(geometry, exterior_cw=False)
    moved = from_crs84(oriented, target)
    geo = mapping(moved)
    return {"type": geo["type"], "coordinates": _round(geo["coordinates"], target.decimals)}


#: EPSG codes the GIS downloads (.gpkg, .shp.zip) may be written in.
DOWNLOAD_EPSG = (4326, 4490, 3857, 4547, 4548, 4549)


def download_epsg(raw: str | None) -> int:
    """``crs=EPSG:NNNN`` of a GeoPackage/Shapefile download (default 4326); the URI form is
    accepted too. :class:`BadParameter` naming ``crs`` and the valid values otherwise."""
    if raw is None:
        return 4326
    value = raw.strip()
    match = _SHORT.match(value) or _URI.match(value)
    if match and int(match.group(1)) in DOWNLOAD_EPSG:
        return int(match.group(1))
    raise BadParameter("crs", raw, [f"EPSG:{code}" for code in DOWNLOAD_EPSG])


def refuse_crs(fmt: str) -> None:
    """The 400 for ``crs=`` on a GeoJSON/TopoJSON/CSV download: RFC 7946 fixes CRS84."""
    raise BadParameter(
        "crs",
        fmt,
        [f"EPSG:{code} on .gpkg and .shp.zip downloads" for code in DOWNLOAD_EPSG],
        reason=(
            f"{fmt} downloads are always WGS 84 longitude/latitude (OGC CRS84): RFC 7946 "
            "§4 requires it for GeoJSON; ask for the .gpkg or .shp.zip download with crs="
        ),
    )
