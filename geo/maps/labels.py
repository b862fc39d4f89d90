"""Where a map writes the names of its units: one label point inside each polygon.

A label point is the pole of inaccessibility (:func:`shapely.ops.polylabel`, the point
farthest from the outline) of the unit's largest part, so it is always inside the unit and
away from its borders; a centroid can fall outside a crescent-shaped unit. Where a special
unit is laid over a regular one (Xiong'an New Area over Baoding), the regular unit's label
is placed in the part the special unit does not cover, so the two names never stack.

Points are computed once per level and data version (module cache) and shipped with the
layer: the web pages pass them to ``static/atlas.js`` with the layer's options, and the
static exports read the same records. ``rank`` orders the labels by priority (1 = shown
first: special units, then larger units), for collision-aware placement at county level
and for choosing a subset in static exports.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from functools import lru_cache

from shapely.geometry import MultiPolygon, Point, Polygon
from shapely.geometry.base import BaseGeometry
from shapely.ops import polylabel, unary_union

from geo.levels import check_level
from geo.sources.regions import regions
from geo.version import bundled_version

#: polylabel precision in degrees (~100 m): far below what a label's size can show.
TOLERANCE = 0.001

#: Label modes of ``labels=``: unit names, formatted values, both, or no labels.
LABEL_MODES = ("names", "values", "both", "none")
DEFAULT_LABEL_MODE = "names"


@dataclass(frozen=True)
class LabelPoint:
    adcode: str
    name_zh: str
    name_en: str
    lon: float
    lat: float
    #: 1 = most important (drawn first when labels collide).
    rank: int
    special: bool
    area_km2: float
    #: Short forms for crowded maps (county level): "Weichang", "围场县", "Dongcheng".
    short_zh: str = ""
    short_en: str = ""

    def name(self, lang: str, short: bool = False) -> str:
        if short:
            return (
                (self.short_zh or self.name_zh) if lang == "zh" else (self.short_en or self.name_en)
            )
        return self.name_zh if lang == "zh" else self.name_en


#: Ethnic groups named in the autonomous counties of the region (the short form drops them).
_ETHNIC_ZH = re.compile(r"(?:满族|回族|蒙古族)+自治县$")
_SUFFIX_EN = re.compile(
    r"\s+(?:(?:Manchu|Hui|Mongol|and|\s)+Autonomous County|Mining District|District|County"
    r"|City|New Area)$"
)


def short_names(name_zh: str, name_en: str) -> tuple[str, str]:
    """Short label forms: 围场满族蒙古族自治县 → 围场县; "Dongcheng District" → "Dongcheng"."""
    short_zh = _ETHNIC_ZH.sub("县", name_zh)
    short_en = _SUFFIX_EN.sub("", name_en) or name_en
    return short_zh, short_en


def check_label_mode(value: str | None) -> str:
    """``labels=`` as given, or the default; BadParameter naming the valid modes."""
    from geo.errors import BadParameter

    mode = value or DEFAULT_LABEL_MODE
    if mode not in LABEL_MODES:
        raise BadParameter("labels", mode, LABEL_MODES)
    return mode


def _largest_polygon(geometry: BaseGeometry) -> Polygon | None:
    if isinstance(geometry, Polygon):
        return geometry if not geometry.is_empty else None
    parts = [g for g in getattr(geometry, "geoms", []) if isinstance(g, Polygon | MultiPolygon)]
    polygons = []
    for part in parts:
        polygons.extend(part.geoms if isinstance(part, MultiPolygon) else [part])
    polygons = [p for p in polygons if not p.is_empty]
    return max(polygons, key=lambda p: p.area) if polygons else None


def label_point(geometry: BaseGeometry, avoid: BaseGeometry | None = None) -> Point:
    """A point inside ``geometry`` for its label (inside the part ``avoid`` leaves free,
    when that part is not empty)."""
    if avoid is not None and not avoid.is_empty:
        free = geometry.buffer(0).difference(avoid)
        # Keep the free part only when it is a real share of the unit (not a sliver).
        if not free.is_empty and free.area > 0.2 * geometry.area:
            geometry = free
    polygon = _largest_polygon(geometry)
    if polygon is None:
        return geometry.representative_point()
    point = polylabel(polygon, tolerance=TOLERANCE)
    if not polygon.contains(point):  # polylabel's grid can end on a border: never outside
        point = polygon.representative_point()
    return point


@lru_cache(maxsize=8)
def _label_points(level: str, version: str) -> tuple[LabelPoint, ...]:
    frame = regions(level, include_special=True)
    specials = frame[frame["special"]]
    avoid = unary_union(list(specials.geometry)) if len(specials) else None
    records = []
    for row in frame.itertuples(index=False):
        point = label_point(row.geometry, None if row.special else avoid)
        records.append((row, point))
    # Rank: special units first (they are what a reader looks for), then by area.
    records.sort(key=lambda r: (not r[0].special, -float(r[0].area_km2), r[0].adcode))
    return tuple(
        LabelPoint(
            adcode=row.adcode,
            name_zh=row.name_zh,
            name_en=row.name_en,
            lon=round(point.x, 5),
            lat=round(point.y, 5),
            rank=rank,
            special=bool(row.special),
            area_km2=float(row.area_km2),
            short_zh=short_names(row.name_zh, row.name_en)[0],
            short_en=short_names(row.name_zh, row.name_en)[1],
        )
        for rank, (row, point) in enumerate(records, start=1)
    )


def label_points(level: str) -> tuple[LabelPoint, ...]:
    """Label points of every unit of ``level`` (special units included), by rank."""
    return _label_points(check_level(level), bundled_version())


def label_records(level: str) -> list[dict]:
    """:func:`label_points` as plain dicts (for JSON and the static renderers)."""
    return [asdict(p) for p in label_points(level)]


def web_label_options(level: str, lang: str) -> list[list]:
    """The compact form ``static/atlas.js`` reads: ``[adcode, lon, lat, name]`` in rank
    order (the first is placed first), coordinates to 0.001° (~100 m, finer than a label
    can show), short names at county level, where 199 units share the map."""
    short = level == "county"
    return [
        [p.adcode, round(p.lon, 3), round(p.lat, 3), p.name(lang, short)]
        for p in label_points(level)
    ]
