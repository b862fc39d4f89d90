"""Datum check of a facility point against an independent GCJ-02 reference.

Wikidata (and Wikipedia) coordinates are meant to be WGS 84, but some were copied from
Chinese web maps and are GCJ-02, 300–600 m off around Beijing. A point is tested against
an independent GCJ-02 reference for the same facility (``ref_gcj02_lon/lat``):

* the reference is converted to WGS 84 (:func:`geo.crs.gcj02_to_wgs84`);
* if the published point lies nearer the *raw* GCJ-02 reference than the converted one, it
  was copied from a GCJ-02 map: it is converted GCJ-02 → WGS 84 (``gcj-copy-converted``);
* otherwise it is taken as WGS 84 (``agrees-wgs84``);
* without a reference the point is used as published (``unchecked``).

The published value stays in ``coord_original_lon/lat`` so the outcome can be recomputed
from the data file alone (``scripts/check-facility-datum``, ``tests/test_facility_points.py``).
All coordinates are longitude/latitude in decimal degrees.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from geo.crs import gcj02_to_wgs84
from geo.measure import geodesic_distance_km

OUTCOMES = ("agrees-wgs84", "gcj-copy-converted", "unchecked")
#: How far a checked point may lie from the converted reference (two independent sources
#: for the same hospital campus; the GCJ-02 offset itself is 300–600 m here).
MAX_REFERENCE_DISTANCE_M = 300.0


@dataclass(frozen=True)
class DatumCheck:
    outcome: str
    lon: float  # WGS 84 after the check
    lat: float
    to_raw_reference_m: float  # published point → raw GCJ-02 reference (NaN: no reference)
    to_converted_reference_m: float  # published point → reference converted to WGS 84
    final_to_reference_m: float  # checked WGS 84 point → converted reference


def check_point(lon: float, lat: float, ref_lon: float, ref_lat: float) -> DatumCheck:
    """Check one published point (``lon``/``lat``, claimed WGS 84) against a GCJ-02 reference.

    ``ref_lon``/``ref_lat`` NaN means no reference: the outcome is ``unchecked``.
    """
    if np.isnan(ref_lon) or np.isnan(ref_lat):
        return DatumCheck("unchecked", lon, lat, np.nan, np.nan, np.nan)
    conv_lon, conv_lat = (float(v) for v in gcj02_to_wgs84(ref_lon, ref_lat))
    to_raw = float(geodesic_distance_km(lon, lat, ref_lon, ref_lat)) * 1000.0
    to_conv = float(geodesic_distance_km(lon, lat, conv_lon, conv_lat)) * 1000.0
    if to_raw < to_conv:
        new_lon, new_lat = (round(float(v), 6) for v in gcj02_to_wgs84(lon, lat))
        outcome = "gcj-copy-converted"
    else:
        new_lon, new_lat = lon, lat
        outcome = "agrees-wgs84"
    final = float(geodesic_distance_km(new_lon, new_lat, conv_lon, conv_lat)) * 1000.0
    return DatumCheck(outcome, new_lon, new_lat, to_raw, to_conv, final)


def _number(value) -> float:
    if value is None or (isinstance(value, str) and value.strip() == ""):
        return np.nan
    return float(value)


def recheck(frame: pd.DataFrame) -> pd.DataFrame:
    """Recompute the datum check of every row that has a published coordinate.

    Parameters
    ----------
    frame : DataFrame
        Facility rows as stored (strings or numbers), with ``coord_original_lon/lat``
        (the published point) and ``ref_gcj02_lon/lat`` (empty: no reference).

    Returns
    -------
    DataFrame
        Indexed like ``frame`` (rows without a published point dropped): ``id``,
        ``recorded`` (the stored ``datum_check``), ``outcome`` (recomputed), ``lon``/``lat``
        (WGS 84 the check yields), ``stored_lon``/``stored_lat`` and the three distances in m.
    """
    records = {}
    for index, row in frame.iterrows():
        lon, lat = _number(row.get("coord_original_lon")), _number(row.get("coord_original_lat"))
        if np.isnan(lon) or np.isnan(lat):
            continue
        check = check_point(
            lon, lat, _number(row.get("ref_gcj02_lon")), _number(row.get("ref_gcj02_lat"))
        )
        records[index] = {
            "id": row["id"],
            "recorded": row.get("datum_check", ""),
            "outcome": check.outcome,
            "lon": check.lon,
            "lat": check.lat,
            "stored_lon": _number(row.get("lon")),
            "stored_lat": _number(row.get("lat")),
            "to_raw_reference_m": round(check.to_raw_reference_m, 1),
            "to_converted_reference_m": round(check.to_converted_reference_m, 1),
            "final_to_reference_m": round(check.final_to_reference_m, 1),
        }
    return pd.DataFrame.from_dict(records, orient="index")
