"""Pieces every quotable analysis sentence carries: the indicator, the level and number of
units, the year and the weighting, so a sentence copied alone still says what it is about.

Sentences are built from the result dicts (never from a second computation).
"""

from __future__ import annotations

from geo.i18n import text


def number(value: float | None, digits: int = 3) -> str:
    """A statistic as printed in sentences (``–`` for none)."""
    return "–" if value is None else f"{value:.{digits}f}"


def units_phrase(level: str, n: int, lang: str) -> str:
    """ "13 prefecture-level units" / "13个地级单位"."""
    return text(f"units_{level}", lang).format(n=n)


def level_units(level: str, lang: str) -> str:
    return text(f"level_units_{level}", lang)


def year_phrase(year: int | None, lang: str) -> str:
    """ " in 2020" / "2020年" ("" without a year)."""
    return "" if year is None else text("in_year", lang).format(year=year)


def weighting_phrase(weighting: dict, lang: str) -> str:
    """ "unweighted" or "weighted by residents, population 2020"."""
    if weighting.get("by") == "population":
        return text("weighting_population", lang).format(year=weighting["population_year"])
    return text("weighting_none", lang)


def indicator_phrase(source: dict, lang: str) -> str:
    """The indicator's title in ``lang`` (``source`` as in a result's ``source``)."""
    return source.get("title_zh" if lang == "zh" else "title") or source.get("title", "")


def p_text(p: float, permutations: int, lang: str = "en") -> str:
    """ "p = 0.012", or "p ≤ 0.0001" when p is at the floor 1/(permutations+1)."""
    floor = 1.0 / (permutations + 1)
    if p <= floor * (1 + 1e-9):
        return text("p_floor", lang).format(p=short_p(floor))
    return f"p = {short_p(p)}"


def short_p(p: float) -> str:
    """3 significant digits, no exponent for the usual range."""
    if p >= 0.001:
        return f"{p:.3f}"
    return f"{p:.2g}" if p < 1e-5 else f"{p:.5f}".rstrip("0")


NUMBER_WORDS = {"en": {2: "two", 3: "three"}, "zh": {2: "两", 3: "三"}}


def _whom(groups: dict, lang: str) -> str:
    n_groups = len(groups["groups"])
    words = NUMBER_WORDS[lang]
    if groups["by"] == "province":
        key = "ineq_between_provinces" if n_groups in words else "ineq_between_n_provinces"
        return text(key, lang).format(n=words.get(n_groups, n_groups))
    if groups["by"] == "prefecture":
        return text("ineq_between_prefectures", lang).format(n=n_groups)
    key = "name_zh" if lang == "zh" else "name_en"
    sep = "、" if lang == "zh" else ", "
    names = sep.join(g[key] for g in groups["groups"])
    return text("ineq_between_groups", lang).format(n=n_groups, names=names)


def statements(result: dict, lang: str) -> list[str]:
    """Sentences a planner can quote alone: each names the indicator, the level and number of
    units, the year and the weighting. The figures (or a "too few units" note), then the
    between/within split (or why it is left out)."""
    source = result["source"]
    indicator = indicator_phrase(source, lang)
    units = units_phrase(result["level"], result["n"], lang)
    year = year_phrase(result["year"], lang)
    weighting = weighting_phrase(result["weighting"], lang)
    if result["too_few"]:
        return [
            text("ineq_too_few", lang).format(
                indicator=indicator,
                weighting=weighting,
                n=result["n"],
                level_units=level_units(result["level"], lang),
                year=year,
                minimum=result["min_units"],
            )
        ]
    out = [
        text("ineq_sentence", lang).format(
            units=units,
            year=year,
            indicator=indicator,
            unit=source["unit_zh"] if lang == "zh" else source["unit"],
            weighting=weighting,
            gini=number(result["gini"]),
            theil=number(result["theil"]),
            cv=number(result["cv"]),
            kind=text("kind_undeclared", lang) if source.get("measure") == "unknown" else "",
        )
    ]
    groups, share = result.get("groups"), result.get("between_share")
    if groups is not None and share is not None:
        between = round(100 * share)
        out.append(
            text("ineq_split_sentence", lang).format(
                indicator=indicator,
                units=units,
                year=year,
                weighting=weighting,
                between=between,
                within=100 - between,
                whom=_whom(groups, lang),
            )
        )
    elif result.get("split_left_out"):
        out.append(text("ineq_no_split", lang).format(reason=result["split_left_out"][lang]))
    return out


__all__ = [
    "short_p",
    "statements",
    "indicator_phrase",
    "level_units",
    "number",
    "p_text",
    "units_phrase",
    "weighting_phrase",
    "year_phrase",
]
