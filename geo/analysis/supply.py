"""Supply and demand of the accessibility and siting analyses.

- **Supply**: any facility layer — a bundled category or tier (the tokens ``points=``
  accepts: ``fudan-top100``, ``grade-3a``, ``hebei-provincial-leading``, …) or a published
  point table (``dataset:ID[@v]``), with an optional numeric capacity column of the table
  (beds, doctors; without it every site counts 1). Only sites located at site precision
  are used: a district-only point has no position to measure from, and is listed as left
  out.
- **Demand**: the residents of each county (bundled ``population``, 2020 census) at one
  point per county, its label point (:mod:`geo.maps.labels`).

Everything is WGS 84 longitude/latitude (EPSG:4326).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
import pandas as pd

from geo.errors import BadParameter
from geo.i18n import text
from geo.maps.labels import label_points
from geo.maps.points import DATASET_PREFIX, parse_points, valid_tokens
from geo.sources import facilities as fac
from geo.sources.indicators import indicator_values
from geo.sources.regions import regions
from geo.version import bundled_version

#: The census year of the demand.
POPULATION_YEAR = 2020
DEFAULT_FACILITIES = fac.TOP_HOSPITAL_TIER


@dataclass
class Supply:
    """The sites of one facility layer, in WGS 84, with their capacity."""

    #: The ``facilities=`` value that named the layer (canonical).
    token: str
    #: ``category``, ``tier`` or ``dataset``.
    kind: str
    titles: dict[str, str]
    ids: list[str]
    names_zh: list[str]
    names_en: list[str]
    lon: np.ndarray
    lat: np.ndarray
    capacity: np.ndarray
    capacity_column: str | None = None
    #: Sites of the layer not used (district-only location), with the reason.
    left_out: list[dict] = field(default_factory=list)
    #: What the layer is known to miss, in both languages (None: nothing known).
    coverage_note: dict[str, str] | None = None
    #: The layer's colour on maps.
    color: str = "#67000d"
    #: A point table's columns (what ``capacity=`` may name); empty for bundled layers.
    columns: list[str] = field(default_factory=list)

    def title(self, lang: str) -> str:
        other = "en" if lang == "zh" else "zh"
        return self.titles.get(lang) or self.titles.get(other) or self.token

    def __len__(self) -> int:
        return len(self.ids)

    def as_dict(self) -> dict:
        return {
            "facilities": self.token,
            "kind": self.kind,
            "title": dict(self.titles),
            "sites_used": len(self),
            "capacity_column": self.capacity_column,
            "total_capacity": float(self.capacity.sum()),
            "left_out": self.left_out,
            "coverage_note": self.coverage_note,
        }

    def site_records(self) -> list[dict]:
        return [
            {
                "id": self.ids[i],
                "name_zh": self.names_zh[i],
                "name_en": self.names_en[i],
                "lon": round(float(self.lon[i]), 6),
                "lat": round(float(self.lat[i]), 6),
                "capacity": float(self.capacity[i]),
            }
            for i in range(len(self))
        ]


def _coverage_note(token: str, layer) -> dict[str, str] | None:
    """What a bundled layer is known to miss (catalog and manifest coverage notes)."""
    if token == fac.GRADE3A_TIER:
        cov = fac.tier_coverage(token)
        listed = ", ".join(cov["complete_for"])
        return {
            "en": f"Incomplete outside Beijing: a complete public list of grade-3A hospitals "
            f"was read only for {listed} (Beijing); Tianjin's and Hebei's grade-3A hospitals "
            "are not in this layer, so distances there are upper bounds and shares beyond a "
            "threshold overstate the gap. Publish a point table of them and use "
            "facilities=dataset:ID instead.",
            "zh": "北京以外不完整：仅读到北京的完整三级甲等医院公开名单；"
            "天津、河北的三甲医院不在此图层中，"
            "因此这些地区的距离为上限，超出阈值的比例偏高。可发布这些医院的点数据表，并以 "
            "facilities=dataset:ID 代替。",
        }
    if token == fac.TOP_HOSPITAL_TIER:
        cov = fac.tier_coverage(token)
        if cov["located"] < cov["listed"]:
            missing = cov["listed"] - cov["located"]
            return {
                "en": f"{cov['located']} of the {cov['listed']} ranked hospitals in the region "
                f"have a sourced site; {missing} without one is left out, so a distance may be "
                "an upper bound where it lies nearer.",
                "zh": f"区域内 {cov['listed']} 家上榜医院中 {cov['located']} 家有可靠坐标；"
                f"{missing} 家无坐标未参与计算，若其更近，距离为上限。",
            }
        return None
    if token == "hebei-provincial-leading":
        return {
            "en": f"Not a complete list: only the {len(layer.features)} Hebei hospitals with a "
            "citable page saying what they are (data/facilities/SOURCES.md); others (e.g. "
            "河北省人民医院) are left out, so distances are upper bounds. Publish a point table "
            "and use facilities=dataset:ID for a complete layer.",
            "zh": f"并非完整名单：仅收录有可引用页面说明其地位的 {len(layer.features)} 家河北医院"
            "（见 data/facilities/SOURCES.md）；其他医院（如河北省人民医院）未收录，"
            "因此距离为上限。"
            "可发布点数据表并以 facilities=dataset:ID 代替。",
        }
    if token == "hospital":
        return {
            "en": "Incomplete outside Beijing: the layer joins the ranked hospitals, two Hebei "
            "leading hospitals and the grade-3A hospitals, whose complete public list was read "
            "for Beijing only. Publish a point table and use facilities=dataset:ID instead.",
            "zh": "北京以外不完整：该图层包括上榜医院、两家河北龙头医院和三级甲等医院，"
            "而三甲医院的完整公开名单仅读到北京。可发布点数据表并以 facilities=dataset:ID 代替。",
        }
    if layer.approximate_count:
        return {
            "en": f"{layer.approximate_count} of the layer's {len(layer.features)} points are "
            "district-only locations and are left out; the layer is incomplete for measuring.",
            "zh": f"该图层 {len(layer.features)} 个点中有 {layer.approximate_count} "
            "个仅知所在区县，未参与计算；该图层用于测距并不完整。",
        }
    return None


def _number(cell: object) -> float | None:
    value = str(cell if cell is not None else "").strip().replace(",", "").replace("，", "")
    if not value:
        return None
    try:
        number = float(value)
    except ValueError:
        return None
    return number if math.isfinite(number) else None


def _dataset_columns(token: str, config) -> list[str]:
    """The columns of the point table ``dataset:ID[@v]`` names, as uploaded."""
    from geo.sources.indicator_sources import database_url
    from geo.sources.point_tables import point_version

    dataset_id, _, version = token[len(DATASET_PREFIX) :].partition("@")
    record = point_version(database_url(config), dataset_id, version or None)
    return [str(c) for c in record.table["columns"]]


def _dataset_capacity(token: str, column: str, config) -> dict[str, float]:
    """Capacity by point id (``<dataset>-<row>``) from ``column`` of a point table; 400
    naming ``capacity`` for an unknown column or a cell that is not a number ≥ 0."""
    from geo.sources.indicator_sources import database_url
    from geo.sources.point_tables import point_version

    dataset_id, _, version = token[len(DATASET_PREFIX) :].partition("@")
    record = point_version(database_url(config), dataset_id, version or None)
    columns = [str(c) for c in record.table["columns"]]
    if column not in columns:
        raise BadParameter(
            "capacity",
            column,
            columns,
            reason=f"not a column of dataset {dataset_id}",
            zh=f"参数「capacity」的值「{column}」不是数据集 {dataset_id} 的列。可用列："
            + "、".join(columns),
        )
    position = columns.index(column)
    rows = dict(zip(record.table["row_numbers"], record.table["rows"]))
    capacity = {}
    bad = []
    for point in record.table.get("points", []):
        cells = rows.get(point["row"], [])
        cell = cells[position] if position < len(cells) else ""
        number = _number(cell)
        if number is None or number < 0:
            bad.append(f"row {point['row']}: {str(cell)[:40]!r}")
        else:
            capacity[f"{record.dataset_id}-{point['row']}"] = number
    if bad:
        shown = "; ".join(bad[:5]) + ("; …" if len(bad) > 5 else "")
        raise BadParameter(
            "capacity",
            column,
            "a column whose every cell is a number ≥ 0 (beds, doctors), or empty: every "
            "site counts 1",
            reason=f"{len(bad)} cell(s) are not numbers ≥ 0: {shown}",
            zh=f"参数「capacity」的列「{column}」有 {len(bad)} 个单元格不是大于等于 0 的数字"
            f"（{shown}）。请选择数值列（床位数、医生数），或留空（每个设施计为 1）。",
        )
    return capacity


def supply_from_params(facilities: str | None, capacity: str | None, config=None) -> Supply:
    """The supply ``facilities=`` and ``capacity=`` name (see the module docstring).

    400 (:class:`BadParameter`) naming ``facilities`` for an unknown tier, several layers or
    a dataset that is not a point table, and ``capacity`` for a column that does not exist
    or is not numeric, or any capacity on a bundled layer (which has none).
    """
    token = (facilities or DEFAULT_FACILITIES).strip()
    valid = valid_tokens() + ["dataset:ID", "dataset:ID@N"]
    if "," in token or not token:
        raise BadParameter(
            "facilities",
            token,
            valid,
            reason="one facility layer",
            zh=f"参数「facilities」只能是一个设施图层，收到「{token}」。可用值："
            + "、".join(valid),
        )
    try:
        (layer,) = parse_points(token, config)
    except BadParameter as err:
        zh = f"参数「facilities」的值「{token}」无效。可用值：" + "、".join(valid)
        if token.startswith(DATASET_PREFIX):
            zh = f"参数「facilities」的值「{token}」不是已发布的点数据表（kind=points）。"
        raise BadParameter(
            "facilities",
            token,
            err.valid if token.startswith(DATASET_PREFIX) else valid,
            reason=str(err),
            zh=zh,
        ) from None
    sites = [f for f in layer.features if not f.approximate]
    left_out = [
        {"id": f.id, "name_zh": f.name_zh, "name_en": f.name_en, "reason": "district-only location"}
        for f in layer.features
        if f.approximate
    ]
    column = (capacity or "").strip() or None
    columns = _dataset_columns(token, config) if layer.kind == "dataset" else []
    if column is None:
        weights = np.ones(len(sites))
    elif layer.kind != "dataset":
        raise BadParameter(
            "capacity",
            column,
            "empty (every site counts 1), or a numeric column of a published point table "
            "(facilities=dataset:ID)",
            reason=f"the bundled layer {token} has no capacity column",
            zh=f"参数「capacity」无效：内置图层 {token} 没有容量列，请留空（每个设施计为 1），"
            "或选择已发布点数据表（facilities=dataset:ID）中的数值列。",
        )
    else:
        by_id = _dataset_capacity(token, column, config)
        weights = np.array([by_id[f.id] for f in sites], dtype=float)
    titles = {"zh": layer.title("zh"), "en": layer.title("en")}
    return Supply(
        token=token,
        kind=layer.kind,
        titles=titles,
        ids=[f.id for f in sites],
        names_zh=[f.name_zh for f in sites],
        names_en=[f.name_en or f.name_zh for f in sites],
        lon=np.array([f.lon for f in sites], dtype=float),
        lat=np.array([f.lat for f in sites], dtype=float),
        capacity=weights,
        capacity_column=column,
        left_out=left_out,
        coverage_note=None if layer.kind == "dataset" else _coverage_note(token, layer),
        color=layer.color,
        columns=columns,
    )


@lru_cache(maxsize=2)
def _demand(version: str) -> pd.DataFrame:
    units = regions("county").set_index("adcode")
    population = indicator_values("population", "county", POPULATION_YEAR)["value"]
    prefectures = regions("prefecture").set_index("adcode")
    provinces = regions("province").set_index("adcode")
    points = {p.adcode: p for p in label_points("county")}
    rows = []
    for adcode in sorted(units.index):
        parent = units.loc[adcode, "parent_adcode"]
        province = adcode[:2] + "0000"
        # Beijing's and Tianjin's districts hang under the province-level city itself.
        prefecture = parent if parent in prefectures.index else adcode[:4] + "00"
        rows.append(
            {
                "adcode": adcode,
                "name_zh": units.loc[adcode, "name_zh"],
                "name_en": units.loc[adcode, "name_en"],
                "prefecture": prefecture,
                "prefecture_zh": prefectures.loc[prefecture, "name_zh"],
                "prefecture_en": prefectures.loc[prefecture, "name_en"],
                "province": province,
                "province_zh": provinces.loc[province, "name_zh"],
                "province_en": provinces.loc[province, "name_en"],
                "lon": points[adcode].lon,
                "lat": points[adcode].lat,
                "population": float(population.get(adcode, np.nan)),
            }
        )
    frame = pd.DataFrame(rows).set_index("adcode")
    return frame


def county_demand() -> pd.DataFrame:
    """Residents (2020 census) of each county at its label point (EPSG:4326), indexed by
    adcode, with the prefecture and province it lies in (names in zh and en)."""
    return _demand(bundled_version()).copy()


def check_number(
    name: str, value: str | None, default: float, low: float, high: float, integer: bool = False
) -> float:
    """A numeric parameter within [low, high]; 400 naming it and the range (zh and en)."""
    if value is None or str(value).strip() == "":
        return default
    raw = str(value).strip()
    pattern = r"\d{1,4}" if integer else r"\d{1,4}(\.\d{1,3})?"
    number = float(raw) if re.fullmatch(pattern, raw) else None
    if number is None or not low <= number <= high:
        kind = "an integer" if integer else "a number"
        raise BadParameter(
            name,
            raw,
            f"{kind} from {low:g} to {high:g}",
            zh=f"参数「{name}」的值「{raw[:40]}」无效：应为 {low:g} 到 {high:g} 之间的"
            + ("整数。" if integer else "数。"),
        )
    return int(number) if integer else number


def check_choice(
    name: str, value: str | None, default: str, choices: tuple[str, ...], end: str = ""
) -> str:
    """One of ``choices`` (``default`` when absent); 400 naming it and the choices (zh, en;
    ``end`` closes the zh sentence)."""
    chosen = (value or default).strip()
    if chosen not in choices:
        raise BadParameter(
            name,
            chosen,
            choices,
            zh=f"参数「{name}」的值「{chosen[:40]}」无效。可用值：" + "、".join(choices) + end,
        )
    return chosen


def facility_title(supply: Supply, lang: str) -> str:
    """The layer's name for sentences ("复旦百强医院（2021年度）")."""
    return supply.title(lang) if supply.kind == "dataset" else text(supply.token, lang)
