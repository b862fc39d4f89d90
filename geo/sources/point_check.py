"""The check of a point table: which columns hold longitude, latitude, category and name,
the datum the coordinates are in (declared, never guessed), each point converted to WGS 84,
placed in its county and prefecture and counted per unit. Publishing the checked table and
reading a published one are :mod:`geo.sources.point_tables` (which re-exports these names).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import numpy as np
import pandas as pd
import shapely

from geo import crs
from geo.errors import BadParameter
from geo.levels import check_level
from geo.sources.datasets import MAX_LISTED
from geo.sources.regions import regions
from geo.sources.uploads import UploadedTable, read_upload

KIND = "points"
DATUMS = ("wgs84", "gcj02", "bd09")
LON_NAMES = ("lon", "lng", "long", "longitude", "经度", "x")
LAT_NAMES = ("lat", "latitude", "纬度", "y")
CATEGORY_NAMES = ("category", "type", "class", "类别", "类型", "分类")
NAME_NAMES = ("name", "名称", "name_zh", "name_en", "地点", "单位")
#: A column saying each row's datum: one datum per table is read (``datum=``), so a table
#: whose rows name another one is refused rather than converted wrongly without a word.
DATUM_NAMES = ("datum", "crs", "srs", "坐标系", "坐标系统", "坐标类型")
#: Levels the counts may be made at.
COUNT_LEVELS = ("county", "prefecture")
#: Value columns of a point dataset (counts per unit of its level).
COUNT_COLUMN = "points"
PER_10K_COLUMN = "points_per_10k"
POPULATION_INDICATOR = "population"
#: Categories drawn in their own colour (then grey).
MAX_CATEGORIES = 12
PALETTE = (
    "#1f78b4", "#e31a1c", "#33a02c", "#ff7f00", "#6a3d9a", "#b15928",
    "#a6cee3", "#fb9a99", "#b2df8a", "#fdbf6f", "#cab2d6", "#ffff99",
)  # fmt: skip
OTHER_COLOR = "#777777"


def _key(column: object) -> str:
    return re.sub(r"[\s_\-()（）]+", "", str(column)).lower()


def _named(columns, names: tuple[str, ...]) -> str | None:
    for column in columns:
        if _key(column) in names:
            return column
    return None


#: Where longitudes and latitudes of places in China fall (any of the three datums).
LON_RANGE = (73.0, 136.0)
LAT_RANGE = (3.0, 54.0)
#: Header words that name a coordinate column within a longer header (``经度(GCJ-02)``).
LON_WORDS = ("经度", "longitude")
LAT_WORDS = ("纬度", "latitude")
#: Share of a column's non-empty cells that must be numbers in range.
IN_RANGE_SHARE = 0.8


def _by_header(columns, names: tuple[str, ...], words: tuple[str, ...]) -> list:
    exact = [c for c in columns if _key(c) in names]
    return exact or [c for c in columns if any(w in _key(c) for w in words)]


def _numbers(cells) -> list[float | None]:
    return [_coordinate(c) for c in cells if str(c).strip() not in ("", "nan", "None")]


def _in_range(numbers: list[float | None], low: float, high: float) -> bool:
    inside = [n for n in numbers if n is not None and low <= n <= high]
    return bool(numbers) and len(inside) >= IN_RANGE_SHARE * len(numbers)


def point_columns(table: pd.DataFrame) -> tuple[str, str] | None:
    """The longitude and latitude columns of a point table, or None.

    Named like a coordinate (``lon``/``lng``/``经度``…, ``lat``/``纬度``…, also inside a
    longer header such as ``经度(GCJ-02)``) and holding coordinates: most of their cells are
    numbers in China's ranges (longitude 73–136°E, latitude 3–54°N, in any datum). Columns
    are never taken from their numbers alone: a table of values by unit may well have two
    columns of decimals in those ranges (a rate, a share); name them with ``lon_column=``
    and ``lat_column=``.
    """
    columns = list(table.columns)
    lons = _by_header(columns, LON_NAMES, LON_WORDS)
    lats = _by_header(columns, LAT_NAMES, LAT_WORDS)
    lon = next((c for c in lons if _in_range(_numbers(table[c]), *LON_RANGE)), None)
    lat = next((c for c in lats if _in_range(_numbers(table[c]), *LAT_RANGE)), None)
    return (lon, lat) if lon is not None and lat is not None else None


def looks_like_points(table: pd.DataFrame) -> bool:
    """Whether a table has a longitude and a latitude column (:func:`point_columns`)."""
    return point_columns(table) is not None


class MissingDatum(BadParameter):
    """A point table without ``datum``: says what to choose and why, in both languages."""

    def __init__(self) -> None:
        from geo.i18n import TEXT

        words = TEXT["pub_choose_datum"]
        super().__init__("datum", "", list(DATUMS), zh=words["zh"])
        self.args = (f"{words['en']} Send datum=wgs84, gcj02 or bd09.",)


def check_datum(value: str | None) -> str:
    """``wgs84``, ``gcj02`` or ``bd09`` (also written ``WGS 84``, ``GCJ-02``, ``EPSG:4326``…);
    a 400 naming ``datum`` when missing (:class:`MissingDatum`) or unknown."""
    if value is None or not str(value).strip():
        raise MissingDatum()
    try:
        return crs.canonical_crs(value).lower()
    except ValueError:
        raise BadParameter("datum", value, list(DATUMS)) from None


def _refuse_other_datums(table: pd.DataFrame, datum: str) -> None:
    """400 naming ``datum`` when a per-row datum column names another datum than the one
    declared (or one that is not a datum) in some row; agreeing or empty cells are fine."""
    column = _named(table.columns, DATUM_NAMES)
    if column is None:
        return
    for row, cell in table[column].items():
        text = str(cell).strip()
        if not text:
            continue
        try:
            given = crs.canonical_crs(text).lower()
        except ValueError:
            given = None
        if given == datum:
            continue
        raise BadParameter(
            "datum",
            datum,
            [datum] if given is None else [datum, given],
            reason=f"column {column} says {text!r} in row {row}: a table has one datum "
            "(datum=); split it by datum and publish each part with its own datum=",
            zh=f"「{column}」列第 {row} 行的坐标系为「{text}」，与声明的 datum={datum} 不同："
            "一张表只能有一种坐标系，请按坐标系拆分表格，分别以各自的 datum= 发布。",
        )


def _coordinate(text: object) -> float | None:
    cleaned = unicodedata.normalize("NFKC", str(text)).strip().rstrip("°")
    if not re.fullmatch(r"[+-]?(\d+(\.\d*)?|\.\d+)", cleaned):
        return None
    value = float(cleaned)
    return value if np.isfinite(value) else None


@cache
def _region() -> Any:
    """The three provinces as one prepared geometry (WGS 84)."""
    shape = shapely.union_all(regions("province").geometry.to_numpy())
    shapely.prepare(shape)
    return shape


def _locate(lon: np.ndarray, lat: np.ndarray, level: str) -> list[str | None]:
    """The adcode of the unit of ``level`` each point lies in (None: in none)."""
    units = regions(level, include_special=False)
    points = shapely.points(lon, lat)
    found: list[str | None] = [None] * len(points)
    tree = shapely.STRtree(units.geometry.to_numpy())
    hits = tree.query(points, predicate="within")
    codes = units["adcode"].to_numpy()
    for point_index, unit_index in zip(*hits):
        if found[point_index] is None:
            found[point_index] = str(codes[unit_index])
    return found


@dataclass
class CheckedPoints:
    """A point table read: converted positions, rows left out (with why), counts by unit."""

    upload: UploadedTable
    level: str
    datum: str
    lon_column: str
    lat_column: str
    category_column: str | None
    name_column: str | None
    #: One per point kept: row, lon/lat (WGS 84), lon/lat as given, category, name, units.
    points: list[dict[str, Any]]
    unparsed: list[dict[str, Any]]
    outside: list[dict[str, Any]]
    values: dict[str, dict[str, float | None]] = field(default_factory=dict)
    population_year: int | None = None

    kind = KIND

    @property
    def table(self) -> pd.DataFrame:
        return self.upload.table

    @property
    def value_columns(self) -> list[str]:
        return list(self.values)

    def categories(self) -> list[str]:
        seen: dict[str, int] = {}
        for point in self.points:
            seen[point["category"]] = seen.get(point["category"], 0) + 1
        return sorted(seen, key=lambda c: (-seen[c], c))

    def report(self) -> dict[str, Any]:
        return {
            "kind": KIND,
            "file_format": self.upload.file_format,
            "encoding": self.upload.encoding,
            "rows": len(self.table),
            "columns": list(self.table.columns),
            "level": self.level,
            "datum": self.datum,
            "lon_column": self.lon_column,
            "lat_column": self.lat_column,
            "category_column": self.category_column,
            "name_column": self.name_column,
            "key_column": self.lon_column,
            "points": len(self.points),
            "categories": self.categories()[:MAX_LISTED],
            "unparsed": self.unparsed[:MAX_LISTED],
            "outside": self.outside[:MAX_LISTED],
            "counts": {
                "rows": len(self.table),
                "points": len(self.points),
                "unparsed": len(self.unparsed),
                "outside": len(self.outside),
            },
            "value_columns": self.value_columns,
            "population_year": self.population_year,
        }


def check_point_upload(
    data: bytes,
    filename: str = "",
    *,
    pasted: bool = False,
    datum: str | None = None,
    level: str | None = None,
    lon_column: str | None = None,
    lat_column: str | None = None,
    category_column: str | None = None,
) -> CheckedPoints:
    """Read a point table, convert it to WGS 84 and count its points per unit.

    Raises :class:`BadParameter` for a missing or unknown ``datum``, a named column the
    table lacks, or a table without longitude/latitude columns; rows whose coordinates do
    not parse or lie outside the three provinces are reported (row, column, text).
    """
    datum = check_datum(datum)
    level = level or "county"
    check_level(level)
    if level not in COUNT_LEVELS:
        raise BadParameter("level", level, list(COUNT_LEVELS), reason="points are counted by")
    upload = read_upload(data, filename, pasted=pasted)
    table = upload.table
    columns = [str(c) for c in table.columns]
    chosen = {}
    detected = point_columns(table) or (None, None)
    for name, given, names, found in (
        ("lon_column", lon_column, LON_NAMES, detected[0]),
        ("lat_column", lat_column, LAT_NAMES, detected[1]),
    ):
        if given:
            if given not in table.columns:
                raise BadParameter(name, given, columns)
            chosen[name] = given
        else:
            found = found if found is not None else _named(table.columns, names)
            if found is None:
                raise BadParameter(
                    name,
                    "",
                    columns,
                    reason=f"no column is named like {', '.join(names[:4])}: name it with {name}=",
                )
            chosen[name] = found
    if category_column:
        if category_column not in table.columns:
            raise BadParameter("category_column", category_column, columns)
    else:
        category_column = _named(table.columns, CATEGORY_NAMES)
    name_column = _named(table.columns, NAME_NAMES)
    lon_col, lat_col = chosen["lon_column"], chosen["lat_column"]
    _refuse_other_datums(table, datum)

    rows = list(table.index)
    lon_raw = [_coordinate(t) for t in table[lon_col]]
    lat_raw = [_coordinate(t) for t in table[lat_col]]
    unparsed = []
    good = []
    for pos, row in enumerate(rows):
        bad = [
            (column, table.at[row, column])
            for column, value in ((lon_col, lon_raw[pos]), (lat_col, lat_raw[pos]))
            if value is None
        ]
        if bad:
            for column, text in bad:
                unparsed.append({"row": int(row), "column": column, "text": str(text)})
        else:
            good.append(pos)
    lon_in = np.array([lon_raw[p] for p in good], dtype=float)
    lat_in = np.array([lat_raw[p] for p in good], dtype=float)
    lon, lat = crs.to_wgs84(lon_in, lat_in, datum) if good else (lon_in, lat_in)
    inside = shapely.contains_xy(_region(), lon, lat) if good else np.array([], dtype=bool)
    outside = [
        {
            "row": int(rows[pos]),
            "lon": str(table.at[rows[pos], lon_col]),
            "lat": str(table.at[rows[pos], lat_col]),
        }
        for pos, ok in zip(good, inside)
        if not ok
    ]
    kept = [pos for pos, ok in zip(good, inside) if ok]
    lon_kept = lon[inside]
    lat_kept = lat[inside]
    counties = _locate(lon_kept, lat_kept, "county")
    prefectures = _locate(lon_kept, lat_kept, "prefecture")
    points = []
    for i, pos in enumerate(kept):
        row = rows[pos]
        category = str(table.at[row, category_column]).strip() if category_column else ""
        points.append(
            {
                "row": int(row),
                "lon": round(float(lon_kept[i]), 7),
                "lat": round(float(lat_kept[i]), 7),
                "lon_given": lon_raw[pos],
                "lat_given": lat_raw[pos],
                "category": category,
                "name": str(table.at[row, name_column]).strip() if name_column else "",
                "county": counties[i],
                "prefecture": prefectures[i],
            }
        )
    checked = CheckedPoints(
        upload=upload,
        level=level,
        datum=datum,
        lon_column=lon_col,
        lat_column=lat_col,
        category_column=category_column,
        name_column=name_column,
        points=points,
        unparsed=unparsed,
        outside=outside,
    )
    _count(checked)
    return checked


def _count(checked: CheckedPoints) -> None:
    """Points per unit of the level (every unit: 0 where none), and per 10,000 people
    (the bundled population of the latest year; missing where it has no value)."""
    from geo.sources.indicators import bundled_indicator as get_indicator

    units = regions(checked.level, include_special=False)["adcode"].tolist()
    counts = dict.fromkeys(units, 0.0)
    for point in checked.points:
        unit = point[checked.level]
        if unit in counts:
            counts[unit] += 1
    checked.values = {COUNT_COLUMN: counts}
    population = get_indicator(POPULATION_INDICATOR)
    year = population.all_years[-1] if population.all_years else None
    people = population.values(checked.level, year)["value"]
    checked.population_year = year
    checked.values[PER_10K_COLUMN] = {
        unit: (round(n / float(people[unit]) * 10_000, 4) if unit in people.index else None)
        for unit, n in counts.items()
    }


def check_publishable(checked: CheckedPoints) -> None:
    if not checked.points:
        raise BadParameter(
            "file",
            f"0 of {len(checked.table)} rows",
            "rows with a longitude and latitude inside Beijing, Tianjin or Hebei",
            reason=f"{len(checked.unparsed)} coordinates do not parse, {len(checked.outside)} "
            f"points lie outside the three provinces (datum={checked.datum})",
        )
