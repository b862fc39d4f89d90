"""Deterministic RFC 7946 GeoJSON writing.

The boundary files are committed and must rebuild byte-for-byte, and downloads must be
stable for ETags, so serialisation is explicit: fixed key order, coordinates rounded to a
fixed number of decimals, exterior rings counter-clockwise (RFC 7946 §3.1.6).
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping
from typing import Any

import shapely
from shapely.geometry import mapping

#: RFC 7946 §11.2: 6 decimals ≈ 0.1 m, more than enough for boundaries and facilities.
COORDINATE_DECIMALS = 6


def _round_coords(obj: Any, decimals: int) -> Any:
    if isinstance(obj, (list, tuple)):
        if obj and isinstance(obj[0], (int, float)):
            return [round(float(v), decimals) for v in obj]
        return [_round_coords(v, decimals) for v in obj]
    return obj


def clean_value(value: Any) -> Any:
    """JSON-safe property value: NaN/±inf/NA → null (JSON has no such numbers; an overflowed
    comparison is no value), numpy scalars → Python."""
    if value is None:
        return None
    if hasattr(value, "item") and not isinstance(value, (list, dict, str)):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    try:
        import pandas as pd

        if value is pd.NA or value is pd.NaT:
            return None
    except ImportError:  # pragma: no cover
        pass
    return value


def geometry_to_geojson(geometry, decimals: int = COORDINATE_DECIMALS) -> dict | None:
    """A shapely geometry (WGS 84) as an RFC 7946 geometry dict, CCW exteriors, rounded."""
    if geometry is None or geometry.is_empty:
        return None
    oriented = shapely.orient_polygons(geometry, exterior_cw=False)
    geo = mapping(oriented)
    return {"type": geo["type"], "coordinates": _round_coords(geo["coordinates"], decimals)}


def feature_collection(
    features: Iterable[tuple[Any, Mapping[str, Any]]],
    decimals: int = COORDINATE_DECIMALS,
    metadata: Mapping[str, Any] | None = None,
) -> dict:
    """Build a FeatureCollection from ``(geometry, properties)`` pairs (WGS 84)."""
    collection: dict[str, Any] = {"type": "FeatureCollection"}
    if metadata:
        collection.update(metadata)
    collection["features"] = [
        {
            "type": "Feature",
            "properties": {k: clean_value(v) for k, v in props.items()},
            "geometry": geometry_to_geojson(geom, decimals),
        }
        for geom, props in features
    ]
    return collection


def frame_to_feature_collection(frame, decimals: int = COORDINATE_DECIMALS, metadata=None) -> dict:
    """A GeoDataFrame in EPSG:4326 as a FeatureCollection dict (all non-geometry columns)."""
    if frame.crs is not None and frame.crs.to_epsg() != 4326:
        raise ValueError(f"GeoJSON must be WGS 84 (EPSG:4326); frame is {frame.crs}")
    columns = [c for c in frame.columns if c != frame.geometry.name]
    records = frame[columns].to_dict("records")
    return feature_collection(zip(frame.geometry.values, records), decimals, metadata)


#: Serialised geometries by identity (the boundary layers are loaded once per process, and
#: every download, whatever its indicators, carries the same geometry objects).
_geometry_texts: dict[tuple[int, int], tuple[Any, str]] = {}
_GEOMETRY_TEXTS_MAX = 20_000


def geometry_text(geometry, decimals: int = COORDINATE_DECIMALS) -> str:
    """``dumps(geometry_to_geojson(geometry, decimals))``, computed once per geometry object."""
    key = (id(geometry), decimals)
    found = _geometry_texts.get(key)
    if found is not None and found[0] is geometry:  # the entry holds the object: id not reused
        return found[1]
    text = dumps(geometry_to_geojson(geometry, decimals))
    if len(_geometry_texts) >= _GEOMETRY_TEXTS_MAX:
        _geometry_texts.clear()
    _geometry_texts[key] = (geometry, text)
    return text


def frame_to_geojson_text(frame, decimals: int = COORDINATE_DECIMALS, metadata=None) -> str:
    """``dumps(frame_to_feature_collection(frame, decimals, metadata))``, the same text, with
    each geometry serialised once per process (:func:`geometry_text`): only the properties
    are written per call."""
    if frame.crs is not None and frame.crs.to_epsg() != 4326:
        raise ValueError(f"GeoJSON must be WGS 84 (EPSG:4326); frame is {frame.crs}")
    collection: dict[str, Any] = {"type": "FeatureCollection"}
    if metadata:
        collection.update(metadata)
    collection["features"] = []
    head = dumps(collection)
    if not head.endswith('"features":[]}'):  # metadata names "features": the plain way
        return dumps(frame_to_feature_collection(frame, decimals, metadata))
    columns = [c for c in frame.columns if c != frame.geometry.name]
    records = frame[columns].to_dict("records")
    features = ",".join(
        '{"type":"Feature","properties":'
        + dumps({k: clean_value(v) for k, v in props.items()})
        + ',"geometry":'
        + geometry_text(geom, decimals)
        + "}"
        for geom, props in zip(frame.geometry.values, records)
    )
    return head[:-3] + "[" + features + "]}"


def dumps(collection: Mapping[str, Any]) -> str:
    """Compact, UTF-8-friendly, deterministic JSON text."""
    return json.dumps(collection, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
