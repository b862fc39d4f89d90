"""Facility points drawn over a map's areas: what ``points=`` asks for, as point layers.

``points=`` takes comma-separated tokens: a facility category (``hospital``, ``park``,
``base``) or a tier (``fudan-top100``, ``grade-3a``, ``national-high-tech-zone``, … — the
tiers found in ``data/facilities``). ``grade-3a`` is every hospital graded 三级甲等 whatever
the list that put it in the data (as :func:`geo.sources.facilities.grade3a_hospitals`).
``dataset:ID[@v]`` names a published point table (see :func:`dataset_point_layer`).

Each token becomes one :class:`PointLayer`, a legend entry and a layer the page can turn
on and off. A facility's ``location_precision`` decides how it is drawn, as on the
corridor maps: ``site`` points are filled markers, ``district`` points (only the district
is sourced) are hollow rings labelled approximate.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from functools import lru_cache

import pandas as pd

from geo.errors import BadParameter
from geo.i18n import text
from geo.sources import facilities as fac
from geo.version import bundled_version

#: Fill colours of the categories (the same as the corridor maps, static/atlas.js).
CATEGORY_COLORS = {"hospital": "#e31a1c", "park": "#1f78b4", "base": "#33a02c"}
#: Tiers get their own colours so two hospital layers can be told apart.
TIER_COLORS = {
    fac.TOP_HOSPITAL_TIER: "#67000d",
    fac.GRADE3A_TIER: "#fb6a4a",
    "hebei-provincial-leading": "#cb181d",
    "national-high-tech-zone": "#08519c",
    "cooperation-park": "#6baed6",
    "national-base": "#238b45",
    "partner": "#fc9272",
    "partner-origin": "#fcbba1",
}
#: The prefix of a published point table, ``dataset:ID`` or ``dataset:ID@v``.
DATASET_PREFIX = "dataset:"
#: Popups cut long source citations to this many characters (the CSV has them whole).
SOURCE_CHARS = 160
#: Published point tables one map may draw (``dataset:`` tokens, a version counting as one):
#: every layer's points go into the map's script, and ``dataset:X@1,…,@12`` of 19,999
#: points each made a 53 MB script in 8 s.
MAX_DATASET_LAYERS = 4
#: Points one map may draw in all (one full point table of 20,000 rows and the bundled
#: facilities fit; a page of more is unusable anyway — the table's own page clusters them).
MAX_MAP_POINTS = 25_000


@dataclass(frozen=True)
class PointFeature:
    id: str
    name_zh: str
    name_en: str
    category: str
    tier: str
    grade: str
    lon: float
    lat: float
    county_adcode: str
    #: ``site`` (the facility's own point) or ``district`` (approximate: drawn hollow).
    location_precision: str
    source: str
    #: The source in Chinese (the project's words translated; cited titles kept).
    source_zh: str = ""

    @property
    def approximate(self) -> bool:
        return self.location_precision != "site"


@dataclass
class PointLayer:
    #: The ``points=`` token this layer answers.
    token: str
    #: ``category``, ``tier`` or ``dataset``.
    kind: str
    color: str
    features: list[PointFeature] = field(default_factory=list)

    def title(self, lang: str) -> str:
        return text(self.token, lang)

    @property
    def site_count(self) -> int:
        return sum(1 for f in self.features if not f.approximate)

    @property
    def approximate_count(self) -> int:
        return sum(1 for f in self.features if f.approximate)

    def options(self, lang: str) -> dict:
        """What ``static/atlas.js`` draws: the layer, its legend text, compact features."""
        return {
            "token": self.token,
            "title": self.title(lang),
            "color": self.color,
            "features": [
                {
                    **{
                        k: v
                        for k, v in asdict(f).items()
                        if k != "location_precision" and (k != "source_zh" or lang == "zh")
                    },
                    "approximate": f.approximate,
                }
                for f in self.features
            ],
        }


@lru_cache(maxsize=2)
def _facility_frame(version: str) -> pd.DataFrame:
    frame = fac.facilities(located_only=True)
    return pd.DataFrame(frame.drop(columns="geometry"))


def _tiers(frame: pd.DataFrame) -> list[str]:
    tiers = set(frame["tier"]) | {fac.GRADE3A_TIER}
    return sorted(t for t in tiers if t)


def valid_tokens() -> list[str]:
    """Every token ``points=`` accepts (besides ``dataset:ID``): categories, then tiers."""
    frame = _facility_frame(bundled_version())
    return list(fac.CATEGORIES) + _tiers(frame)


def _features(rows: pd.DataFrame) -> list[PointFeature]:
    def cut(value: str) -> str:
        value = str(value or "")
        return value if len(value) <= SOURCE_CHARS else value[: SOURCE_CHARS - 1] + "…"

    return [
        PointFeature(
            id=r.id,
            name_zh=r.name_zh,
            name_en=r.name_en,
            category=r.category,
            tier=r.tier,
            grade=r.grade,
            lon=float(r.lon),
            lat=float(r.lat),
            county_adcode=r.county_adcode,
            location_precision=r.location_precision or "district",
            source=cut(r.source),
            source_zh=cut(getattr(r, "source_zh", "")),
        )
        for r in rows.sort_values("id").itertuples(index=False)
    ]


#: The colour of a published point table's layer over a map (its categories are in the
#: popups; its own page and embed colour them one by one).
DATASET_COLOR = "#6a3d9a"


@dataclass
class DatasetPointLayer(PointLayer):
    """A published point table drawn over a map: titled by the dataset, in either language."""

    titles: dict[str, str] = field(default_factory=dict)

    def title(self, lang: str) -> str:
        other = "en" if lang == "zh" else "zh"
        return self.titles.get(lang) or self.titles.get(other) or self.token


def dataset_point_layer(reference: str, config=None) -> PointLayer:
    """The point layer of a published point table, ``dataset:ID`` or ``dataset:ID@v`` (the
    latest version without ``@v``), read from the dataset store ``config`` names
    (:func:`geo.sources.point_tables.point_layer_rows`: WGS 84, every point a site).

    400 naming ``points`` for a malformed reference or a dataset that is not a point table;
    404/410 for an unknown or deleted dataset, as ``dataset=`` answers.
    """
    from geo.sources.indicator_sources import database_url
    from geo.sources.point_tables import point_layer_rows

    body = reference[len(DATASET_PREFIX) :]
    dataset_id, _, version = body.partition("@")
    if not re.fullmatch(r"[a-z2-7]{1,32}", dataset_id) or (
        version and not re.fullmatch(r"[1-9]\d{0,8}", version)
    ):
        raise BadParameter(
            "points", reference, ["dataset:ID", "dataset:ID@N"], reason="a point dataset's id"
        )
    try:
        record, rows = point_layer_rows(database_url(config), dataset_id, version or None)
    except BadParameter as err:
        raise BadParameter(
            "points", reference, "dataset:ID of a point dataset", reason=str(err)
        ) from None
    features = [PointFeature(**row) for row in rows]
    meta = record.metadata
    return DatasetPointLayer(
        reference,
        "dataset",
        DATASET_COLOR,
        features,
        titles={"zh": meta.get("title_zh", ""), "en": meta.get("title_en", "")},
    )


def parse_points(value: str | None, config=None) -> list[PointLayer]:
    """``points=`` as point layers, in the order asked (repeats dropped).

    An empty value is no layers; an unknown token raises :class:`BadParameter` naming every
    valid token.
    """
    if not value:
        return []
    frame = _facility_frame(bundled_version())
    tiers = _tiers(frame)
    tokens = []
    for token in (t.strip() for t in value.split(",")):
        if token and token not in tokens:
            tokens.append(token)
    published = [t for t in tokens if t.startswith(DATASET_PREFIX)]
    if len(published) > MAX_DATASET_LAYERS:
        raise BadParameter(
            "points",
            f"{len(published)} published point tables",
            f"at most {MAX_DATASET_LAYERS} dataset:ID layers on one map",
            zh=f"参数「points」请求了 {len(published)} 个已发布的点数据图层；"
            f"一张地图最多 {MAX_DATASET_LAYERS} 个。",
        )
    layers = []
    for token in tokens:
        if token.startswith(DATASET_PREFIX):
            layers.append(dataset_point_layer(token, config))
        elif token in fac.CATEGORIES:
            rows = frame[frame["category"] == token]
            layers.append(PointLayer(token, "category", CATEGORY_COLORS[token], _features(rows)))
        elif token == fac.GRADE3A_TIER:
            rows = frame[(frame["category"] == "hospital") & (frame["grade"] == fac.GRADE_3A)]
            layers.append(PointLayer(token, "tier", TIER_COLORS[token], _features(rows)))
        elif token in tiers:
            rows = frame[frame["tier"] == token]
            layers.append(
                PointLayer(token, "tier", TIER_COLORS.get(token, "#6a3d9a"), _features(rows))
            )
        else:
            raise BadParameter("points", token, valid_tokens() + ["dataset:ID"])
        total = sum(len(layer.features) for layer in layers)
        if total > MAX_MAP_POINTS:
            raise BadParameter(
                "points",
                ",".join(tokens),
                f"layers of at most {MAX_MAP_POINTS:,} points in all",
                reason=f"{total:,} points",
                zh=f"参数「points」的图层共有 {total:,} 个点，超过一张地图 {MAX_MAP_POINTS:,} "
                "个点的上限。",
            )
    return layers


def points_param(layers: list[PointLayer]) -> str:
    """The canonical ``points=`` value of ``layers`` (empty: no points)."""
    return ",".join(layer.token for layer in layers)


#: Popup field names, in the page's language (static/atlas.js reads them by key).
POPUP_KEYS = (
    "hospital",
    "park",
    "base",
    "grade",
    "approximate",
    "approximate_short",
    "site_located",
    "三级甲等",
    "source",
    "fudan-top100",
    "hebei-provincial-leading",
    "grade-3a",
    "national-high-tech-zone",
    "cooperation-park",
    "national-base",
)


def points_options(layers: list[PointLayer], lang: str) -> dict:
    """Options for ``JJJAtlas.points``: the layers and the popup words in ``lang``."""
    return {
        "layers": [layer.options(lang) for layer in layers],
        "lang": lang,
        "labels": {k: text(k, lang) for k in POPUP_KEYS},
    }
