"""Publish a checked upload: its metadata, the version the store keeps, new datasets and versions.

:func:`read_metadata` reads titles, source, licence and per-column unit/year from form fields;
:func:`new_version` is the store record of one checked upload (shared by tables of values,
links tables and point tables, like :func:`next_metadata`). :func:`publish` and
:func:`replace` write it to the store (:mod:`geo.store`) as one immutable version.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import pandas as pd

from geo.errors import BadParameter
from geo.sources.dataset_check import CheckedUpload, check_publishable
from geo.store import NewVersion, Published, store_for

MAX_TITLE = 200
MAX_TEXT = 2000
LICENCES = ("CC-BY-4.0", "CC0-1.0", "ODbL-1.0", "public-domain", "all-rights-reserved", "other")


# --- metadata ---------------------------------------------------------------------------


def _text(params: Mapping[str, str], name: str, limit: int = MAX_TEXT) -> str:
    value = (params.get(name) or "").strip()
    if len(value) > limit:
        raise BadParameter(name, value[:40] + "…", f"at most {limit} characters")
    return value


def read_metadata(params: Mapping[str, str], value_columns: list[str]) -> dict[str, Any]:
    """Titles, description, source, licence and per-column unit/year from form fields.

    ``title`` (either language), ``title_zh``, ``title_en``, ``description``, ``source``,
    ``source_url`` (http/https), ``licence``; per value column ``unit:<column>`` and
    ``year:<column>`` (or ``unit``/``year`` for all columns).
    """
    title = _text(params, "title", MAX_TITLE)
    title_zh = _text(params, "title_zh", MAX_TITLE)
    title_en = _text(params, "title_en", MAX_TITLE)
    if title and not (title_zh or title_en):
        if re.search(r"[\u3400-\u9fff]", title):
            title_zh = title
        else:
            title_en = title
    if not (title_zh or title_en):
        raise BadParameter("title", "", "a title in Chinese (title_zh) and/or English (title_en)")
    source_url = _text(params, "source_url", 500)
    if source_url and not re.match(r"^https?://[^\s<>\"']+$", source_url):
        raise BadParameter("source_url", source_url, "an http:// or https:// address")
    licence = _text(params, "licence", 100)
    columns = {}
    for column in value_columns:
        unit = _text(params, f"unit:{column}", 50) or _text(params, "unit", 50)
        year_text = _text(params, f"year:{column}", 4) or _text(params, "year", 4)
        year = None
        if year_text:
            if not re.fullmatch(r"(19|20)\d\d", year_text):
                raise BadParameter(f"year:{column}", year_text, "a year from 1900 to 2099")
            year = int(year_text)
        columns[column] = {"unit": unit, "year": year}
    return {
        "title_zh": title_zh,
        "title_en": title_en,
        "description": _text(params, "description"),
        "source": _text(params, "source", 500),
        "source_url": source_url,
        "licence": licence,
        "columns": columns,
    }


def new_version(
    upload,
    table: pd.DataFrame,
    *,
    level: str,
    key_column: str,
    data: bytes,
    filename: str,
    metadata: dict[str, Any],
    values,
    report: dict,
    series: dict | None = None,
    **row_columns: list,
) -> NewVersion:
    """The store record of one checked upload: its original bytes, metadata and table rows.

    ``row_columns`` are per-row lists stored beside the table (e.g. each row's ``adcodes``).
    """
    return NewVersion(
        title_zh=metadata["title_zh"],
        title_en=metadata["title_en"],
        level=level,
        key_column=key_column,
        filename=filename or f"pasted.{'txt' if upload.file_format == 'paste' else 'csv'}",
        file_format=upload.file_format,
        original=data,
        metadata=metadata,
        table={
            "columns": list(table.columns),
            "rows": table.to_numpy().tolist(),
            "row_numbers": [int(r) for r in table.index],
            **row_columns,
        },
        values=values,
        report=report,
        series=series or {},
    )


def _new_version(
    checked: CheckedUpload, data: bytes, filename: str, metadata: dict[str, Any]
) -> NewVersion:
    adcode_of = dict(zip(checked.join.matched["row"], checked.join.matched["adcode"]))
    return new_version(
        checked.upload,
        checked.table,
        level=checked.level,
        key_column=checked.key_column,
        data=data,
        filename=filename,
        metadata=metadata,
        values=checked.values,
        report=checked.report(),
        series=checked.series,
        adcodes=[adcode_of.get(r) for r in checked.table.index],
    )


def publish(
    database_url: str, checked: CheckedUpload, data: bytes, filename: str, params: Mapping
) -> Published:
    """Publish a checked upload as a new dataset (version 1), in one transaction."""
    check_publishable(checked)
    metadata = read_metadata(params, checked.value_columns)
    metadata["check"] = checked.options
    return store_for(database_url).publish(_new_version(checked, data, filename, metadata))


def next_metadata(
    previous: Mapping, params: Mapping, drop: tuple[str, ...], carried: Mapping | None = None
) -> dict:
    """The form fields of a replacing version: the previous version's metadata less ``drop``
    (what the new file decides), with ``carried`` (previous values spelt as form fields),
    under every non-empty value of ``params`` — metadata not given keeps its value. Shared
    by tables of values, links tables and point tables."""
    merged = {k: v for k, v in previous.items() if k not in drop}
    for key, value in (carried or {}).items():
        merged.setdefault(key, value)
    merged.update({k: v for k, v in params.items() if v})
    return merged


def publish_checked(
    database_url: str,
    checked,
    data: bytes,
    filename: str,
    params: Mapping,
    *,
    check,
    metadata_of,
    version_of,
) -> Published:
    """Publish a checked table as a new dataset (version 1), in one transaction: ``check``
    refuses a table with nothing to publish, ``metadata_of(params, checked)`` gives its
    metadata and ``version_of(checked, data, filename, metadata)`` the stored version.
    Shared by links tables and point tables."""
    check(checked)
    metadata = metadata_of(params, checked)
    return store_for(database_url).publish(version_of(checked, data, filename, metadata))


def replace_checked(
    database_url: str,
    dataset_id: str,
    token: str,
    checked,
    data: bytes,
    filename: str,
    params: Mapping,
    *,
    check,
    metadata_of,
    version_of,
    drop: tuple[str, ...],
    carried_of=None,
) -> Published:
    """The next version of a dataset (edit token required) as :func:`publish_checked` makes
    the first; metadata not given keeps its previous value (:func:`next_metadata` with
    ``drop`` and ``carried_of(previous metadata)``)."""
    store = store_for(database_url)
    store.check_token(dataset_id, token)
    check(checked)
    previous = store.version(dataset_id).metadata
    carried = carried_of(previous) if carried_of else None
    merged = next_metadata(previous, params, drop=drop, carried=carried)
    metadata = metadata_of(merged, checked)
    return store.replace(dataset_id, token, version_of(checked, data, filename, metadata))


def replace(
    database_url: str,
    dataset_id: str,
    token: str,
    checked: CheckedUpload,
    data: bytes,
    filename: str,
    params: Mapping,
) -> Published:
    """Publish a checked upload as the next version of a dataset (edit token required).

    Metadata not given keeps its value from the latest version.
    """
    store = store_for(database_url)
    store.check_token(dataset_id, token)
    check_publishable(checked)
    previous = store.version(dataset_id).metadata
    carried = {}
    for column, meta in previous.get("columns", {}).items():
        carried[f"unit:{column}"] = meta.get("unit") or ""
        carried[f"year:{column}"] = str(meta.get("year") or "")
    merged = next_metadata(previous, params, drop=("columns",), carried=carried)
    metadata = read_metadata(merged, checked.value_columns)
    metadata["check"] = checked.options
    return store.replace(dataset_id, token, _new_version(checked, data, filename, metadata))
