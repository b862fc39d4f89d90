"""File names of static exports: what the file is, readable in a folder of downloads.

``jjj_<indicator>_<level>_<year>[_change]_<lang>[_<paper>-<orientation>].<fmt>``, e.g.
``jjj_population_prefecture_2010-2020_change_zh.pdf`` (a change map from 2010 to 2020);
``jjj_corridor_<zone>_<band>km_<lang>…`` and ``jjj_links_<level>[_<filter>…]_<lang>…``.
"""

from __future__ import annotations

import re

from geo.render.options import ExportOptions

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def _part(value: object) -> str:
    """One ASCII name part: letters, digits, dots, hyphens and underscores."""
    return _UNSAFE.sub("-", str(value)).strip("-.") or "x"


def _name(parts: list[object], lang: str, options: ExportOptions) -> str:
    body = "_".join(["jjj", *(_part(p) for p in parts), lang])
    return f"{body}{options.name_suffix()}.{options.format}"


def choropleth_name(spec, options: ExportOptions) -> str:
    """Indicator (or dataset/version/column), level, year or years of a change, language."""
    parts: list[object] = [spec.indicator.slug, spec.level]
    if spec.compare is not None:
        parts.append(f"{spec.compare}-{spec.year}")
        parts.append("change" if spec.change == "percent" else "change-absolute")
    elif spec.year is not None and str(spec.year) not in spec.indicator.slug:
        parts.append(spec.year)  # gdp_2021 names its year already
    return _name(parts, spec.lang, options)


def corridor_name(spec, options: ExportOptions) -> str:
    """Zone and distance band."""
    return _name(["corridor", spec.zone.id, f"{spec.analysis.band_km:g}km"], spec.lang, options)


def links_name(spec, options: ExportOptions) -> str:
    """Level, shading, the filter (kind, ends, year) and the dataset version if published."""
    parts: list[object] = ["links", spec.level]
    if spec.shade_by != "count":
        parts.append(spec.shade_by)
    query = spec.link_filter.data_query()
    parts += [f"{k}-{v}" for k, v in query.items() if k not in ("dataset", "v")]
    if "dataset" in query:
        parts.append(f"{query['dataset']}-v{query['v']}")
    return _name(parts, spec.lang, options)
