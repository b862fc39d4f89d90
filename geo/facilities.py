"""Facility points (top hospitals, parks, talent bases), converted to WGS 84 on load.

``data/facilities/manifest.json`` lists the CSV files and the coordinate system each was
recorded in (``EPSG:4326``, ``GCJ-02`` or ``BD-09``); coordinates from AMap/Tencent or
Baidu are converted here, so everything downstream is WGS 84.
"""

from __future__ import annotations

import json
from functools import lru_cache

import geopandas as gpd
import numpy as np
import pandas as pd

from .crs import to_wgs84
from .errors import BadParameter
from .paths import FACILITIES_DIR

COLUMNS = (
    "id",
    "name_zh",
    "name_en",
    "category",
    "tier",
    "lon",
    "lat",
    "county_adcode",
    "source",
    "coord_source",
    "year",
    "location_precision",
    "note",
)
CATEGORIES = ("hospital", "park", "base")
#: Tier of the national top-100 hospitals, the ones counted by ``top_hospitals``.
TOP_HOSPITAL_TIER = "fudan-top100"


def read_facility_file(path, crs: str) -> pd.DataFrame:
    """Read one facility CSV and convert its lon/lat from ``crs`` to WGS 84.

    Rows without coordinates are kept (lon/lat NaN) so they can be listed as unlocated.
    """
    frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    missing = [c for c in COLUMNS if c not in frame.columns]
    if missing:
        raise ValueError(f"{path}: missing columns {missing}")
    frame = frame[list(COLUMNS)].copy()
    lon = pd.to_numeric(frame["lon"].replace("", np.nan))
    lat = pd.to_numeric(frame["lat"].replace("", np.nan))
    located = lon.notna() & lat.notna()
    wgs_lon, wgs_lat = to_wgs84(lon[located].to_numpy(), lat[located].to_numpy(), crs)
    frame["lon"] = np.nan
    frame["lat"] = np.nan
    frame.loc[located, "lon"] = np.round(wgs_lon, 6)
    frame.loc[located, "lat"] = np.round(wgs_lat, 6)
    frame["source_crs"] = crs
    frame["year"] = pd.to_numeric(frame["year"].replace("", np.nan)).astype("Int64")
    return frame


@lru_cache(maxsize=1)
def _all_facilities() -> gpd.GeoDataFrame:
    manifest = json.loads((FACILITIES_DIR / "manifest.json").read_text(encoding="utf-8"))
    frames = [
        read_facility_file(FACILITIES_DIR / entry["file"], entry["crs"])
        for entry in manifest["files"]
    ]
    frame = pd.concat(frames, ignore_index=True)
    duplicated = frame["id"][frame["id"].duplicated()].tolist()
    if duplicated:
        raise ValueError(f"duplicate facility ids: {duplicated}")
    bad = sorted(set(frame["category"]) - set(CATEGORIES))
    if bad:
        raise ValueError(f"unknown facility categories {bad}; valid: {CATEGORIES}")
    geometry = gpd.points_from_xy(frame["lon"], frame["lat"])
    geometry[frame["lon"].isna().to_numpy()] = None
    return gpd.GeoDataFrame(frame, geometry=geometry, crs=4326)


def facilities(category: str | None = None, located_only: bool = True) -> gpd.GeoDataFrame:
    """Facility points in EPSG:4326.

    Parameters
    ----------
    category : {"hospital", "park", "base"}, optional
        Only this category (all when None).
    located_only : bool
        Drop facilities whose coordinates could not be sourced (geometry None).
    """
    frame = _all_facilities()
    if category is not None:
        if category not in CATEGORIES:
            raise BadParameter("category", category, CATEGORIES)
        frame = frame[frame["category"] == category]
    if located_only:
        frame = frame[frame.geometry.notna()]
    return frame.copy()


def top_hospitals(located_only: bool = True) -> gpd.GeoDataFrame:
    """Hospitals of the national top-100 tier (what ``top_hospitals`` counts)."""
    frame = facilities("hospital", located_only=located_only)
    return frame[frame["tier"] == TOP_HOSPITAL_TIER]
