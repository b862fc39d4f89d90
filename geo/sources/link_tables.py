"""Uploaded links tables (from, to, weight): a planner's own flows, published like any
user dataset and drawn by the same links map as the bundled cooperation links.

:func:`check_link_upload` reads a table (:mod:`geo.sources.uploads`), finds the ``from`` and
``to`` columns and the level, matches both ends with :func:`geo.sources.matching.join_table`
(the report lists unmatched rows with the closest units, ambiguous names and duplicated
from→to pairs), and reads an optional weight column as numbers (:mod:`geo.sources.numbers`).
:func:`publish_links` / :func:`replace_links` store it through :mod:`geo.store` (the same
datasets, versions, edit tokens and tombstones as value tables; ``metadata["kind"]`` is
``"links"``). :func:`link_source` turns a stored version into a
:class:`~geo.sources.link_query.LinkSource`, which every links map, download and API reads.

User text (titles, column names, cells) is kept exactly as given and escaped where shown.
"""

from __future__ import annotations

import copy
import re
import threading
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from geo.errors import BadParameter
from geo.levels import LEVELS, check_level
from geo.sources import links as geo_links
from geo.sources.dataset_publish import publish_checked, replace_checked
from geo.sources.datasets import (
    MAX_LISTED,
    MAX_SUGGESTED,
    NUMERIC_SHARE,
    _join,
    _key_kind,
    _parse_version,
    _text,
    closest_units,
    new_version,
    read_metadata,
)
from geo.sources.link_query import BUNDLED, LinkSource
from geo.sources.matching import JoinResult, match_counts
from geo.sources.numbers import ParsedColumn, parse_column
from geo.sources.uploads import UploadedTable, read_upload
from geo.store import NewVersion, Published, VersionRecord, store_for

KIND = "links"
#: Column names read as the origin / destination / weight (lower case, spaces removed).
FROM_NAMES = ("from", "origin", "source", "o", "起点", "出发地", "来源地", "发起方", "流出地",
              "从")  # fmt: skip
TO_NAMES = ("to", "destination", "dest", "target", "d", "终点", "目的地", "去向", "接收方",
            "流入地", "到")  # fmt: skip
WEIGHT_NAMES = ("weight", "count", "value", "flow", "volume", "n", "人数", "人次", "数量",
                "流量", "权重")  # fmt: skip


def _header_key(column: object) -> str:
    return re.sub(r"[\s_\-]+", "", str(column)).lower()


def _named(columns: list, names: tuple[str, ...]) -> str | None:
    for column in columns:
        if _header_key(column) in names:
            return column
    return None


def looks_like_links(table: pd.DataFrame) -> bool:
    """Whether a table has both a from-like and a to-like column (auto-detection)."""
    columns = list(table.columns)
    return _named(columns, FROM_NAMES) is not None and _named(columns, TO_NAMES) is not None


@dataclass
class CheckedLinks:
    """An upload read as links: both ends joined to one level, weights read as numbers."""

    upload: UploadedTable
    level: str
    from_column: str
    to_column: str
    weight_column: str | None
    #: Per end: the join of the column's distinct cells (one row each, the first row).
    joins: dict[str, JoinResult]
    #: Per end: the adcode every matched row of the file resolves to.
    adcodes: dict[str, dict[Any, str]]
    #: Per end: the first row of each distinct cell → every row holding that cell.
    same_cell_rows: dict[str, dict[Any, list[Any]]]
    #: One entry per publishable link: row (as in the file), from, to (adcodes), weight.
    links: list[dict[str, Any]]
    duplicated: list[dict[str, Any]]
    same_unit: list[Any]
    problems: list[dict[str, Any]]
    detection: list[dict[str, Any]]
    suggestions: dict[str, dict[Any, list[dict[str, str]]]] = field(default_factory=dict)

    kind = KIND

    @property
    def table(self) -> pd.DataFrame:
        return self.upload.table

    def report(self) -> dict[str, Any]:
        """JSON-ready: columns and level used, each end's join report (unmatched rows with
        the closest units, ambiguous names), duplicated from→to pairs, rows from a unit to
        itself, and weight cells that are not numbers (row, column, text)."""
        ends = {}
        for end, join in self.joins.items():
            report = copy.deepcopy(join.report())
            groups = self.same_cell_rows[end]
            for entry in report["unmatched"]:
                entry["suggestions"] = self.suggestions.get(end, {}).get(entry["row"], [])
            for entry in report["unmatched"] + report["ambiguous"]:
                entry["rows"] = [_plain_row(r) for r in groups.get(entry["row"], [entry["row"]])]
            report["counts"].update(
                rows=len(self.table),
                matched=len(self.adcodes[end]),
                unmatched=sum(len(e["rows"]) for e in report["unmatched"]),
                ambiguous=sum(len(e["rows"]) for e in report["ambiguous"]),
                distinct_cells=len(groups),
            )
            report["unmatched"] = report["unmatched"][:MAX_LISTED]
            report["ambiguous"] = report["ambiguous"][:MAX_LISTED]
            # Units met by several rows are normal for links (Beijing → many): not listed.
            report["duplicated"] = []
            report["counts"]["duplicated_units"] = 0
            report["units_without_data"] = []
            ends[end] = report
        return {
            "kind": KIND,
            "file_format": self.upload.file_format,
            "encoding": self.upload.encoding,
            "rows": len(self.table),
            "columns": list(self.table.columns),
            "level": self.level,
            "key_column": self.from_column,
            "from_column": self.from_column,
            "to_column": self.to_column,
            "weight_column": self.weight_column,
            "value_columns": [self.weight_column] if self.weight_column else [],
            "text_columns": [
                c
                for c in self.table.columns
                if c not in (self.from_column, self.to_column, self.weight_column)
            ],
            "detection": self.detection,
            "links": len(self.links),
            "ends": ends,
            "duplicated": self.duplicated[:MAX_LISTED],
            "same_unit": self.same_unit[:MAX_LISTED],
            "unparsed_cells": len(self.problems),
            "problems": self.problems[:MAX_LISTED],
        }


def _end_columns(
    table: pd.DataFrame, from_column: str | None, to_column: str | None
) -> tuple[str, str]:
    columns = list(table.columns)
    for name, given in (("from_column", from_column), ("to_column", to_column)):
        if given and given not in columns:
            raise BadParameter(name, given, [str(c) for c in columns])
    found_from = from_column or _named(columns, FROM_NAMES)
    found_to = to_column or _named(columns, TO_NAMES)
    if not (found_from and found_to):
        keys = [c for c in columns if c not in (found_from, found_to) and _key_kind(table[c])]
        if not found_from and keys:
            found_from = keys.pop(0)
        if not found_to and keys:
            found_to = keys.pop(0)
    if not (found_from and found_to) or found_from == found_to:
        raise BadParameter(
            "from_column",
            found_from or "",
            [str(c) for c in columns],
            reason="a links table needs two columns of adcodes or unit names: from and to "
            "(e.g. headers from,to,weight)",
        )
    return found_from, found_to


def _weight_column(
    table: pd.DataFrame, weight_column: str | None, ends: tuple[str, str]
) -> tuple[str | None, ParsedColumn | None]:
    """The weight column (given, or the numeric column named like one, or the first
    numeric column) and its cells read as numbers."""
    others = [c for c in table.columns if c not in ends]
    if weight_column:
        if weight_column not in others:
            valid = [str(c) for c in others] or ["(none)"]
            raise BadParameter("weight_column", weight_column, valid)
        parsed = parse_column(table[weight_column])
        if parsed.numeric_share < NUMERIC_SHARE:
            examples = ", ".join(repr(text) for _, text in parsed.bad[:3]) or "no values"
            raise BadParameter(
                "weight_column",
                weight_column,
                "a column of numbers (1,234 / 12.5% / 3.2万 / -)",
                reason=f"not numeric ({examples})",
            )
        return weight_column, parsed
    numeric = {
        c: p
        for c in others
        if (p := parse_column(table[c])).filled and p.numeric_share >= NUMERIC_SHARE
    }
    weight = _named(list(numeric), WEIGHT_NAMES) or next(iter(numeric), None)
    return weight, numeric.get(weight)


def _cell_keys(cells: pd.Series) -> pd.Series:
    return cells.astype(str).str.strip()


def _distinct(cells: pd.Series) -> pd.Series:
    """The first cell of each distinct text (a links table names the same units often)."""
    return cells[~_cell_keys(cells).duplicated()]


def _plain_row(row: Any) -> Any:
    return int(row) if isinstance(row, (int, np.integer)) else row


def _join_distinct(
    table: pd.DataFrame, column: str, level: str, kind: str
) -> tuple[JoinResult, dict[Any, str], dict[Any, list[Any]]]:
    """Join each distinct cell of ``column`` once (at its first row), then give every row
    the result of its cell: the same matching, ~10x fewer rows to decide for real flows.

    Returns the join of the distinct cells, row → adcode for every matched row, and first
    row → all rows of each distinct cell.
    """
    keys = _cell_keys(table[column])
    first = ~keys.duplicated()
    join = _join(table.loc[first.to_numpy(), [column]], level, column, kind)
    first_row_of = {key: row for row, key in keys[first].items()}
    groups: dict[Any, list[Any]] = {}
    for row, key in keys.items():
        groups.setdefault(first_row_of[key], []).append(row)
    adcode_of_first = dict(zip(join.matched["row"], join.matched["adcode"]))
    adcodes = {
        row: adcode_of_first[first_row_of[key]]
        for row, key in keys.items()
        if first_row_of[key] in adcode_of_first
    }
    return join, adcodes, groups


def check_link_upload(
    data: bytes,
    filename: str = "",
    *,
    pasted: bool = False,
    level: str | None = None,
    from_column: str | None = None,
    to_column: str | None = None,
    weight_column: str | None = None,
) -> CheckedLinks:
    """Read an upload as links; raises :class:`BadParameter` / :class:`TooLarge` for a
    table that cannot be read as one. Problems with rows are reported, not raised."""
    upload = read_upload(data, filename, pasted=pasted)
    table = upload.table
    ends = _end_columns(table, from_column or None, to_column or None)
    kinds = {c: _key_kind(table[c]) or "name" for c in ends}
    if level:
        check_level(level)
    distinct = {c: _distinct(table[c]) for c in ends}
    detection = []
    for lv in [level] if level else LEVELS:
        rows = units = 0
        for column in ends:
            matched_rows, matched_units = match_counts(distinct[column], lv, kinds[column])
            rows += matched_rows
            units += matched_units
        detection.append(
            {"level": lv, "key_column": " → ".join(ends), "matched": rows, "units": units}
        )
    best = max(detection, key=lambda d: d["matched"])  # ties: the coarser level (first)
    chosen = best["level"]
    joins, adcodes, same_cell_rows = {}, {}, {}
    for end, column in zip(geo_links.ENDS, ends):
        joins[end], adcodes[end], same_cell_rows[end] = _join_distinct(
            table, column, chosen, kinds[column]
        )
    weight, parsed = _weight_column(table, weight_column or None, ends)
    rows = list(table.index)
    weights = dict(zip(rows, parsed.values)) if parsed else {}
    problems = [
        {"row": rows[pos], "column": weight, "text": text}
        for pos, text in (parsed.bad if parsed else [])
    ]
    links, same_unit, pairs = [], [], {}
    for row in rows:
        start, stop = adcodes["from"].get(row), adcodes["to"].get(row)
        if start is None or stop is None:
            continue
        if start == stop:
            same_unit.append(row)
            continue
        pairs.setdefault((start, stop), []).append(row)
        links.append({"row": row, "from": start, "to": stop, "weight": weights.get(row)})
    duplicated = [
        {"from": start, "to": stop, "rows": found}
        for (start, stop), found in pairs.items()
        if len(found) > 1
    ]
    suggestions: dict[str, dict] = {}
    for end, column in zip(geo_links.ENDS, ends):
        unmatched = joins[end].unmatched
        suggestions[end] = {
            row: closest_units(unmatched.at[row, column], chosen)
            for row in list(unmatched.index)[:MAX_SUGGESTED]
        }
    return CheckedLinks(
        upload=upload,
        level=chosen,
        from_column=ends[0],
        to_column=ends[1],
        weight_column=weight,
        joins=joins,
        adcodes=adcodes,
        same_cell_rows=same_cell_rows,
        links=links,
        duplicated=duplicated,
        same_unit=same_unit,
        problems=problems,
        detection=detection,
        suggestions=suggestions,
    )


def check_publishable(checked: CheckedLinks) -> None:
    """Raise :class:`BadParameter` naming what blocks a publish: no row with both ends
    matched, or the same from→to pair on several rows."""
    if not checked.links:
        counts = {end: len(found) for end, found in checked.adcodes.items()}
        raise BadParameter(
            "file",
            f"0 of {len(checked.table)} rows",
            "rows whose from and to both name a unit of the atlas (adcodes such as 110000 "
            "or names such as 北京市, 石家庄市), different from each other",
            reason=f"at {checked.level} level {counts['from']} from and {counts['to']} to "
            f"cells match; {len(checked.same_unit)} rows go from a unit to itself",
        )
    if checked.duplicated:
        first = checked.duplicated[0]
        raise BadParameter(
            "file",
            f"{len(checked.duplicated)} from→to pairs on more than one row",
            "one row per pair (add them up first)",
            reason=f"e.g. {first['from']} → {first['to']} in rows "
            + ", ".join(str(r) for r in first["rows"]),
        )


def _metadata(params: Mapping[str, str], checked: CheckedLinks) -> dict[str, Any]:
    metadata = read_metadata(params, [])
    metadata["kind"] = KIND
    metadata["links"] = {
        "from_column": checked.from_column,
        "to_column": checked.to_column,
        "weight_column": checked.weight_column,
        "weight_unit": _text(params, "weight_unit", 50) or _text(params, "unit", 50),
    }
    return metadata


def _new_version(
    checked: CheckedLinks, data: bytes, filename: str, metadata: dict[str, Any]
) -> NewVersion:
    index = checked.table.index
    ends = checked.adcodes
    return new_version(
        checked.upload,
        checked.table,
        level=checked.level,
        key_column=checked.from_column,
        data=data,
        filename=filename,
        metadata=metadata,
        values={},
        report=checked.report(),
        adcodes=[ends["from"].get(r) for r in index],
        to_adcodes=[ends["to"].get(r) for r in index],
        links=[{**link, "row": int(link["row"])} for link in checked.links],
    )


#: How a links table is published (:func:`geo.sources.dataset_publish.publish_checked`).
_STEPS = {"check": check_publishable, "metadata_of": _metadata, "version_of": _new_version}


def publish_links(
    database_url: str, checked: CheckedLinks, data: bytes, filename: str, params: Mapping
) -> Published:
    """Publish a checked links table as a new dataset (version 1), in one transaction."""
    return publish_checked(database_url, checked, data, filename, params, **_STEPS)


def replace_links(
    database_url: str,
    dataset_id: str,
    token: str,
    checked: CheckedLinks,
    data: bytes,
    filename: str,
    params: Mapping,
) -> Published:
    """The next version of a links dataset; metadata not given keeps its previous value."""
    return replace_checked(
        database_url,
        dataset_id,
        token,
        checked,
        data,
        filename,
        params,
        **_STEPS,
        drop=("columns", "links", "kind"),
        carried_of=lambda previous: {
            "weight_unit": previous.get("links", {}).get("weight_unit", "")
        },
    )


def is_links(version: VersionRecord) -> bool:
    return version.metadata.get("kind") == KIND


# --- a published links table as a link source -------------------------------------------

_FRAMES: OrderedDict[tuple, pd.DataFrame] = OrderedDict()
_FRAMES_LOCK = threading.Lock()
FRAME_CACHE_SIZE = 32


def _csv_safe(text: str) -> str:
    """User text a spreadsheet would run as a formula is quoted (downloads are CSV too)."""
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


def links_frame_of(version: VersionRecord) -> pd.DataFrame:
    """The resolved links of a stored version (the columns :func:`geo.sources.links.
    read_links_file` gives the bundled links): ends at the area centroids of their units,
    each link cited by the dataset (title, source, version date)."""
    key = (version.dataset_id, version.version, version.created_at)
    with _FRAMES_LOCK:
        if key in _FRAMES:
            _FRAMES.move_to_end(key)
            return _FRAMES[key]
    frame = _build_frame(version)
    with _FRAMES_LOCK:
        _FRAMES[key] = frame
        while len(_FRAMES) > FRAME_CACHE_SIZE:
            _FRAMES.popitem(last=False)
    return frame


def _build_frame(version: VersionRecord) -> pd.DataFrame:
    meta = version.metadata
    units = geo_links._units()
    centroids = geo_links._unit_centroids()
    title = meta.get("title_en") or meta.get("title_zh") or ""
    weight_unit = meta.get("links", {}).get("weight_unit", "")
    records = []
    for link in version.table.get("links", []):
        record = {
            "id": f"row-{link['row']}",
            "kind": geo_links.UPLOADED_KIND,
            "from": link["from"],
            "to": link["to"],
            "since": "",
            "weight": "" if link["weight"] is None else link["weight"],
            "weight_unit": _csv_safe(weight_unit) if link["weight"] is not None else "",
            # Starts with our own words, so no user text opens a CSV cell (formulas).
            "source_title": f"dataset {version.dataset_id} v{version.version}: {title}",
            "source_publisher": _csv_safe(meta.get("source", "")),
            "source_publisher_zh": _csv_safe(meta.get("source", "")),
            "source_date": version.created_at[:10],
            "source_url": meta.get("source_url", ""),
            "note": "",
            "note_zh": "",
        }
        for end in geo_links.ENDS:
            info, problem = geo_links._resolve_end(record[end], None, {}, units, centroids)
            if problem:  # the boundaries changed since the publish: the end is unknown now
                raise BadParameter("dataset", version.dataset_id, "a links table", reason=problem)
            for key, value in info.items():
                record[f"{end}_{key}"] = value
        records.append(record)
    columns = list(geo_links.COLUMNS) + [
        f"{end}_{key}"
        for end in geo_links.ENDS
        for key in ("type", "unit", "county", "prefecture", "province", "lon", "lat", "precision")
    ]
    frame = pd.DataFrame(records, columns=columns)
    frame["since"] = pd.Series([pd.NA] * len(frame), dtype="Int64")
    frame["weight"] = pd.to_numeric(frame["weight"].replace("", np.nan))
    return frame


def link_source_for(params: Mapping, database_url: str) -> LinkSource:
    """The bundled links, or the published links dataset ``dataset=ID[&v=N]`` of a request's
    parameters names (404 unknown, 410 deleted, 400 a dataset of values by unit)."""
    dataset_id = (params.get("dataset") or "").strip()
    if not dataset_id:
        if params.get("v"):
            raise BadParameter("v", params["v"], "none without dataset=")
        return BUNDLED
    return link_source(database_url, dataset_id, params.get("v"))


def link_source(database_url: str, dataset_id: str, version: str | None = None) -> LinkSource:
    """The links a URL ``dataset=…[&v=…]`` names (latest version if no ``v``).

    Raises UnknownItem (no such dataset or version), DatasetGone (deleted) or BadParameter
    (the dataset is a table of values by unit, not a links table).
    """
    number = _parse_version(version)
    record = store_for(database_url).version(dataset_id, number)
    if not is_links(record):
        raise BadParameter(
            "dataset",
            dataset_id,
            "a links dataset (published with kind=links)",
            reason=f"dataset {dataset_id} holds values by unit: map it on "
            f"/maps/choropleth?dataset={dataset_id}",
        )
    meta = {
        **{k: record.metadata.get(k, "") for k in ("title_zh", "title_en", "description",
                                                    "source", "source_url", "licence")},
        "weight_unit": record.metadata.get("links", {}).get("weight_unit", ""),
        "level": record.level,
        "created_at": record.created_at,
    }  # fmt: skip
    return LinkSource(
        dataset_id=record.dataset_id,
        version=record.version,
        pinned=number is not None,
        frame=links_frame_of(record),
        meta=meta,
    )
