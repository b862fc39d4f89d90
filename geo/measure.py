"""Measurements on the WGS 84 ellipsoid (never in degrees)."""

from __future__ import annotations

import numpy as np
from pyproj import Geod

WGS84_GEOD = Geod(ellps="WGS84")

#: An equal-area projection for the region (Albers, standard parallels 37°/41°N).
ALBERS_JJJ = "+proj=aea +lat_1=37 +lat_2=41 +lat_0=39 +lon_0=116.5 +datum=WGS84 +units=m"


def area_centroids(geometries):
    """Area centroids of polygons (GeoSeries/GeoDataFrame, EPSG:4326), computed in the
    region's Albers equal-area projection and returned in EPSG:4326."""
    return geometries.to_crs(ALBERS_JJJ).centroid.to_crs(4326)


def geodesic_area_km2(geometries) -> np.ndarray:
    """Area in km² of each polygon (lon/lat degrees, WGS 84), on the WGS 84 ellipsoid."""
    return np.array(
        [abs(WGS84_GEOD.geometry_area_perimeter(g)[0]) / 1e6 for g in geometries], dtype=float
    )


def geodesic_distance_km(lon1, lat1, lon2, lat2) -> np.ndarray:
    """Geodesic distance in km between WGS 84 points (arrays broadcast)."""
    lon1, lat1, lon2, lat2 = np.broadcast_arrays(
        *(np.asarray(v, dtype=float) for v in (lon1, lat1, lon2, lat2))
    )
    _, _, metres = WGS84_GEOD.inv(lon1, lat1, lon2, lat2)
    return np.asarray(metres) / 1000.0
