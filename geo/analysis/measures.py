"""Which statistics an indicator's values allow, read from its ``kind`` (catalog field, Python
attribute ``Indicator.measure``).

The rules (one place, used by the inequality, trend and cluster code):

- **count** (totals: residents, hospitals, GDP): no Gini/Theil/CV. Across units of very
  different size the inequality of a total mostly measures unit size, so the request is a
  400 that names the rates of that count in the catalog (``doctors`` → ``doctors_per_1000``)
  when there are any.
- **rate** and **density**: unweighted always; ``weight=population`` only when the
  ``denominator`` is the bundled ``population`` (each unit then counts by the residents the
  rate is per). A density per km² weighted by residents mixes two bases: 400.
- **share**, **distance**, **index**: unweighted only (``weight=population`` is a 400).
- **unknown** (a published dataset column: a user table says nothing of what its numbers
  are): unweighted only, and every sentence says the kind is not declared.

Every refusal is a :class:`geo.errors.BadParameter` with the whole message in Chinese too.
"""

from __future__ import annotations

from geo.errors import BadParameter
from geo.sources.catalog import indicators

#: The value of ``kind`` for a source that does not declare one (dataset columns).
UNKNOWN = "unknown"
#: The bundled indicator that ``weight=population`` weights by.
POPULATION = "population"


def kind_of(source) -> str:
    """``count|rate|share|density|distance|index`` for a bundled indicator, ``unknown`` for a
    dataset column (or any source without a declared kind)."""
    if getattr(source, "kind", "indicator") != "indicator":
        return UNKNOWN
    return getattr(source, "measure", None) or UNKNOWN


def _param(source) -> tuple[str, str]:
    name = "column" if getattr(source, "kind", "") == "dataset" else "indicator"
    return name, source.query_params().get(name, "")


def rates_of(indicator_id: str) -> list[str]:
    """Catalog indicators (rates and densities) whose numerator is ``indicator_id``."""
    return [
        ind.id
        for ind in indicators()
        if ind.numerator == indicator_id and ind.measure in ("rate", "density")
    ]


def check_inequality_kind(source) -> None:
    """400 for an indicator whose values are totals (``kind`` count)."""
    if kind_of(source) != "count":
        return
    name, value = _param(source)
    rates = rates_of(value)
    if rates:
        valid = rates
        en_hint = "use its rate: " + ", ".join(rates)
        zh_hint = "请改用相应的比率指标：" + "、".join(rates)
    else:
        valid = "an indicator whose kind is rate, density, share, distance or index"
        en_hint = "the catalog has no rate of it; use a rate or density indicator"
        zh_hint = "目录中没有它的比率指标，请选择比率或密度类指标"
    raise BadParameter(
        name,
        value,
        valid,
        reason="a count (a total per unit): the inequality of totals across units of very "
        f"different size mostly measures their size; {en_hint}",
        zh=f"参数「{name}」的值「{value}」是总量指标，不同规模单位之间总量的基尼、泰尔系数主要"
        f"反映单位大小，不计算。{zh_hint}。",
    )


def population_weight_allowed(source) -> bool:
    """True for rates and densities per resident (denominator ``population``)."""
    return kind_of(source) in ("rate", "density") and (
        getattr(source, "denominator", None) == POPULATION
    )


def allowed_weights(source) -> tuple[str, ...]:
    """The ``weight=`` values ``source`` allows."""
    return ("none", "population") if population_weight_allowed(source) else ("none",)


def check_weight_for(source, weight: str) -> None:
    """400 for ``weight=population`` on anything but a rate or density per resident."""
    if weight != "population" or population_weight_allowed(source):
        return
    kind = kind_of(source)
    name, value = _param(source)
    if kind in ("rate", "density"):
        why = f"a {kind} per {getattr(source, 'denominator', '?')}, not per resident"
        why_zh = f"该指标的分母是「{getattr(source, 'denominator', '?')}」而不是人口"
    elif kind == UNKNOWN:
        why = "a dataset column does not declare what its values are (count, rate, …)"
        why_zh = "用户数据列没有说明数值类型（总量、比率等）"
    elif kind == "count":
        why = (
            f"{value} is a count (a total): weighting totals by residents mostly measures "
            "unit size; only rates and densities per resident are weighted"
        )
        why_zh = f"「{value}」是总量指标，按人口加权主要反映单位大小，只有按人口计算的比率可加权"
    else:
        why = f"{value} is a {kind}; only rates and densities per resident are weighted"
        why_zh = f"「{value}」属于{KIND_ZH.get(kind, kind)}类指标，只有按人口计算的比率可加权"
    raise BadParameter(
        "weight",
        "population",
        ["none"],
        reason=why,
        zh=f"参数「weight」的值「population」对「{value}」无效：{why_zh}。可用值：none。",
    )


#: ``kind`` in Chinese, for sentences and messages.
KIND_ZH = {
    "count": "总量",
    "rate": "比率",
    "share": "比重",
    "density": "密度",
    "distance": "距离",
    "index": "指数",
    UNKNOWN: "未声明类型",
}


__all__ = [
    "KIND_ZH",
    "UNKNOWN",
    "allowed_weights",
    "check_inequality_kind",
    "check_weight_for",
    "kind_of",
    "population_weight_allowed",
    "rates_of",
]
