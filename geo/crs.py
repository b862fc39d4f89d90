"""Chinese map datums: GCJ-02 ("Mars coordinates") and BD-09 to and from WGS 84.

pyproj/PROJ do not model GCJ-02: it is an obfuscation, not a geodetic datum. The forward
transform (WGS 84 → GCJ-02) is the published closed form used by AMap, Tencent and
Google China; the inverse has no closed form, so it is solved by fixed-point iteration
until the residual is below ~1e-10 degrees (≈ 0.01 mm), far inside the 0.5 m budget.

All functions take and return longitude/latitude in decimal degrees and are vectorised
over NumPy arrays. The obfuscation is applied everywhere (no "outside China" cut-off):
the project only handles coordinates inside Beijing–Tianjin–Hebei.
"""

from __future__ import annotations

import numpy as np
import shapely

# Krasovsky 1940 ellipsoid, as in the GCJ-02 reference algorithm.
_A = 6378245.0
_EE = 0.00669342162296594323
_BD_PI = np.pi * 3000.0 / 180.0
_ITERATIONS = 30
_TOLERANCE_DEG = 1e-11

#: Accepted spellings of the coordinate systems a data file may declare.
CRS_ALIASES = {
    "EPSG:4326": "WGS84",
    "WGS84": "WGS84",
    "WGS 84": "WGS84",
    "GCJ-02": "GCJ02",
    "GCJ02": "GCJ02",
    "BD-09": "BD09",
    "BD09": "BD09",
}


def _offset(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    x = lon - 105.0
    y = lat - 35.0
    sqrt_abs_x = np.sqrt(np.abs(x))
    dlat = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * sqrt_abs_x
    dlat += (20.0 * np.sin(6.0 * x * np.pi) + 20.0 * np.sin(2.0 * x * np.pi)) * 2.0 / 3.0
    dlat += (20.0 * np.sin(y * np.pi) + 40.0 * np.sin(y / 3.0 * np.pi)) * 2.0 / 3.0
    dlat += (160.0 * np.sin(y / 12.0 * np.pi) + 320.0 * np.sin(y * np.pi / 30.0)) * 2.0 / 3.0
    dlon = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * sqrt_abs_x
    dlon += (20.0 * np.sin(6.0 * x * np.pi) + 20.0 * np.sin(2.0 * x * np.pi)) * 2.0 / 3.0
    dlon += (20.0 * np.sin(x * np.pi) + 40.0 * np.sin(x / 3.0 * np.pi)) * 2.0 / 3.0
    dlon += (150.0 * np.sin(x / 12.0 * np.pi) + 300.0 * np.sin(x / 30.0 * np.pi)) * 2.0 / 3.0
    rad_lat = lat / 180.0 * np.pi
    magic = 1.0 - _EE * np.sin(rad_lat) ** 2
    sqrt_magic = np.sqrt(magic)
    dlat = (dlat * 180.0) / ((_A * (1.0 - _EE)) / (magic * sqrt_magic) * np.pi)
    dlon = (dlon * 180.0) / (_A / sqrt_magic * np.cos(rad_lat) * np.pi)
    return dlon, dlat


def wgs84_to_gcj02(lon, lat):
    """WGS 84 → GCJ-02 (closed form). Degrees in, degrees out."""
    lon = np.asarray(lon, dtype=float)
    lat = np.asarray(lat, dtype=float)
    dlon, dlat = _offset(lon, lat)
    return lon + dlon, lat + dlat


def _invert(forward, lon, lat):
    """Solve forward(w) == (lon, lat) for w by fixed-point iteration."""
    target_lon = np.asarray(lon, dtype=float)
    target_lat = np.asarray(lat, dtype=float)
    w_lon, w_lat = target_lon.copy(), target_lat.copy()
    for _ in range(_ITERATIONS):
        f_lon, f_lat = forward(w_lon, w_lat)
        err_lon, err_lat = f_lon - target_lon, f_lat - target_lat
        w_lon = w_lon - err_lon
        w_lat = w_lat - err_lat
        if np.all(np.abs(err_lon) < _TOLERANCE_DEG) and np.all(np.abs(err_lat) < _TOLERANCE_DEG):
            break
    return w_lon, w_lat


def gcj02_to_wgs84(lon, lat):
    """GCJ-02 → WGS 84 (iterative inverse, residual < 1e-10°). Degrees in, degrees out."""
    return _invert(wgs84_to_gcj02, lon, lat)


def gcj02_to_bd09(lon, lat):
    """GCJ-02 → BD-09 (Baidu), closed form. Degrees in, degrees out."""
    x = np.asarray(lon, dtype=float)
    y = np.asarray(lat, dtype=float)
    z = np.sqrt(x * x + y * y) + 0.00002 * np.sin(y * _BD_PI)
    theta = np.arctan2(y, x) + 0.000003 * np.cos(x * _BD_PI)
    return z * np.cos(theta) + 0.0065, z * np.sin(theta) + 0.006


def bd09_to_gcj02(lon, lat):
    """BD-09 → GCJ-02 (iterative inverse). Degrees in, degrees out."""
    return _invert(gcj02_to_bd09, lon, lat)


def wgs84_to_bd09(lon, lat):
    """WGS 84 → BD-09. Degrees in, degrees out."""
    return gcj02_to_bd09(*wgs84_to_gcj02(lon, lat))


def bd09_to_wgs84(lon, lat):
    """BD-09 → WGS 84. Degrees in, degrees out."""
    return gcj02_to_wgs84(*bd09_to_gcj02(lon, lat))


_TO_WGS84 = {
    "WGS84": lambda lon, lat: (np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)),
    "GCJ02": gcj02_to_wgs84,
    "BD09": bd09_to_wgs84,
}


def canonical_crs(name: str) -> str:
    """Return ``WGS84``, ``GCJ02`` or ``BD09`` for a declared CRS name, or raise ValueError."""
    try:
        return CRS_ALIASES[str(name).strip().upper().replace("_", "-")]
    except KeyError:
        valid = ", ".join(sorted(CRS_ALIASES))
        raise ValueError(f"unknown coordinate system {name!r}; valid: {valid}") from None


def to_wgs84(lon, lat, crs: str):
    """Convert lon/lat arrays declared in ``crs`` (EPSG:4326, GCJ-02 or BD-09) to WGS 84."""
    return _TO_WGS84[canonical_crs(crs)](lon, lat)


def _transform_geometry(geometry, func):
    def coords(xy: np.ndarray) -> np.ndarray:
        lon, lat = func(xy[:, 0], xy[:, 1])
        return np.column_stack([lon, lat])

    return shapely.transform(geometry, coords)


def geometry_gcj02_to_wgs84(geometry):
    """Convert every vertex of shapely geometries (scalar or array) from GCJ-02 to WGS 84.

    Identical input vertices give identical output vertices, so a polygon coverage whose
    neighbours share vertices stays edge-matched after conversion.
    """
    return _transform_geometry(geometry, gcj02_to_wgs84)


def geometry_wgs84_to_gcj02(geometry):
    """Convert every vertex of shapely geometries from WGS 84 to GCJ-02 (for AMap basemaps)."""
    return _transform_geometry(geometry, wgs84_to_gcj02)
