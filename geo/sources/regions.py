"""Administrative units as GeoDataFrames (EPSG:4326), read from the committed layers."""

from __future__ import annotations

from functools import cache

import geopandas as gpd

from geo.levels import check_level
from geo.measure import geodesic_area_km2
from geo.sources.boundaries import layer_path


@cache
def _read_layer(level: str) -> gpd.GeoDataFrame:
    frame = gpd.read_file(layer_path(level), engine="pyogrio")
    frame = frame.set_crs(4326, allow_override=True)
    frame["adcode"] = frame["adcode"].astype(str)
    frame["special"] = frame["special"].astype(bool)
    frame["area_km2"] = geodesic_area_km2(frame.geometry.values).round(1)
    return frame


def regions(level: str, include_special: bool = True) -> gpd.GeoDataFrame:
    """The units of one level of the Beijing–Tianjin–Hebei region.

    Parameters
    ----------
    level : {"province", "prefecture", "county"}
    include_special : bool
        Whether to include special units laid over the level (Xiong'an New Area at
        prefecture level, ``special == True``). They overlap regular units.

    Returns
    -------
    GeoDataFrame
        CRS EPSG:4326 (WGS 84). Columns ``adcode``, ``name_zh``, ``name_en``, ``level``,
        ``parent_adcode``, ``special``, ``area_km2`` (geodesic, WGS 84 ellipsoid), geometry.
        A copy: callers may modify it.

    Raises
    ------
    ValueError
        For an unknown level (the message names the valid ones).
    """
    frame = _read_layer(check_level(level))
    if not include_special:
        frame = frame[~frame["special"]]
    return frame.copy()


@cache
def regular_adcodes(level: str) -> tuple[str, ...]:
    """Adcodes of the regular (not special) units of ``level``, in layer order (once per
    level: what a map classifies, without copying the layer for each request)."""
    frame = _read_layer(check_level(level))
    return tuple(frame.loc[~frame["special"], "adcode"])
