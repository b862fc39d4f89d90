"""Cooperation links (who works with whom): hospital partnerships, medical alliances,
paired assistance between districts and counties, jointly built parks.

``data/links/links.csv`` holds one row per link; an end is a facility id (any file listed
in ``data/facilities/manifest.json``) or a 6-digit adcode of a unit in the boundaries.
Rows are validated on load: both ends exist, the names given match the names the end
has in the data, the kind is one of :data:`KINDS`, and every row names its public source
(title, publisher, URL; date when the page gives one).

Each end is resolved to

* the **units** it lies in at each level (county, prefecture, province; ``""`` where not
  known: a partner hospital whose district no cited page gives has no county), and
* a **drawing position** in EPSG:4326: the facility's own coordinates when they are
  sourced, otherwise the area centroid of the smallest unit known for it. Such ends carry
  ``precision`` = the unit's level and are drawn as approximate.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from functools import lru_cache

import numpy as np
import pandas as pd

from geo.i18n import TEXT
from geo.levels import LEVELS, XIONGAN
from geo.measure import area_centroids
from geo.paths import DATA_DIR, FACILITIES_DIR
from geo.sources.facilities import facilities
from geo.sources.regions import regions

LINKS_DIR = DATA_DIR / "links"

#: Link kinds, in legend order. One place: validation, filters, legend and tests read it.
KINDS: tuple[str, ...] = (
    "hospital-partnership",
    "medical-alliance",
    "paired-assistance",
    "joint-park",
)
KIND_COLORS: dict[str, str] = {
    "hospital-partnership": "#d7301f",
    "medical-alliance": "#7a0177",
    "paired-assistance": "#1d91c0",
    "joint-park": "#238443",
}
#: The kind of every link of an uploaded links table (a planner's own flows).
UPLOADED_KIND = "flow"
KIND_COLORS[UPLOADED_KIND] = "#cc4c02"
#: Each kind's label in both languages: the ``link_kind_<kind>`` messages (geo/locale).
KIND_LABELS: dict[str, dict[str, str]] = {
    kind: TEXT[f"link_kind_{kind}"] for kind in (*KINDS, UPLOADED_KIND)
}
#: Kinds counted as medical support (the ``*_medical_links`` indicators).
MEDICAL_KINDS: tuple[str, ...] = ("hospital-partnership", "medical-alliance")

COLUMNS = (
    "id",
    "kind",
    "from",
    "to",
    "from_name_zh",
    "from_name_en",
    "to_name_zh",
    "to_name_en",
    "since",
    "weight",
    "weight_unit",
    "source_title",
    "source_publisher",
    "source_publisher_zh",
    "source_date",
    "source_url",
    "note",
    "note_zh",
)
ENDS = ("from", "to")
DIRECTIONS = {"incoming": "to", "outgoing": "from"}
#: Years a ``year=`` filter accepts (links start between 2014 and 2025 today).
YEAR_RANGE = range(1949, 2101)

_ADCODE = re.compile(r"^\d{6}$")
_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


# --------------------------------------------------------------------------- loading


@lru_cache(maxsize=1)
def _units() -> pd.DataFrame:
    """Every unit of every level (special units included), indexed by adcode."""
    frames = [regions(level)[["adcode", "name_zh", "name_en", "level"]] for level in LEVELS]
    return pd.concat(frames, ignore_index=True).set_index("adcode")


@lru_cache(maxsize=1)
def _unit_centroids() -> pd.DataFrame:
    """Area centroid (EPSG:4326) of every unit, indexed by adcode: columns lon, lat."""
    frames = []
    for level in LEVELS:
        units = regions(level)
        points = area_centroids(units.geometry)
        frames.append(
            pd.DataFrame(
                {"lon": points.x.round(6).to_numpy(), "lat": points.y.round(6).to_numpy()},
                index=units["adcode"].to_numpy(),
            )
        )
    return pd.concat(frames)


def _facility_units() -> dict[str, str]:
    """Facility id → the smallest unit it is known to lie in.

    ``unit_adcode`` where a facility file has that column (partner rows whose county no
    cited page gives), otherwise the facility's sourced ``county_adcode``.
    """
    manifest = json.loads((FACILITIES_DIR / "manifest.json").read_text(encoding="utf-8"))
    units: dict[str, str] = {}
    for entry in manifest["files"]:
        frame = pd.read_csv(
            FACILITIES_DIR / entry["file"], dtype=str, keep_default_na=False, encoding="utf-8"
        )
        explicit = (
            frame["unit_adcode"] if "unit_adcode" in frame.columns else frame["county_adcode"]
        )
        for fid, county, unit in zip(frame["id"], frame["county_adcode"], explicit):
            units[fid] = unit or county
    return units


def unit_hierarchy(adcode: str) -> dict[str, str]:
    """The county, prefecture and province a unit lies in (``""`` where finer than known).

    County 130629 → prefecture 130600, province 130000; the special unit Xiong'an (133100)
    has no single county. Counties of Xiong'an are also in 133100 (see :func:`_prefectures`).
    """
    level = _units().loc[adcode, "level"]
    county = adcode if level == "county" else ""
    if level == "province":
        prefecture = ""
    elif level == "prefecture":
        prefecture = adcode
    else:
        prefecture = adcode[:4] + "00"
    return {"county": county, "prefecture": prefecture, "province": adcode[:2] + "0000"}


def _prefectures(end_prefecture: str, end_county: str) -> list[str]:
    """Prefecture-level units an end counts in: its prefecture, plus Xiong'an for the
    Xiong'an counties, plus Baoding for Xiong'an itself (Baoding keeps those counties)."""
    if not end_prefecture:
        return []
    if end_prefecture == XIONGAN.adcode:
        return [XIONGAN.adcode, XIONGAN.members[0][:4] + "00"]
    if end_county in XIONGAN.members:
        return [end_prefecture, XIONGAN.adcode]
    return [end_prefecture]


class LinkDataError(ValueError):
    """links.csv breaks a rule (unknown end, wrong name, missing source, bad kind)."""


def read_links_file(path) -> pd.DataFrame:
    """Read and validate a links CSV; return it with both ends resolved.

    Added columns, for ``end`` in from/to: ``<end>_type`` (facility | unit),
    ``<end>_unit`` (smallest unit known), ``<end>_county``, ``<end>_prefecture``,
    ``<end>_province`` (adcodes, ``""`` where unknown), ``<end>_lon``, ``<end>_lat``
    (EPSG:4326 drawing position) and ``<end>_precision`` (site | area for sourced
    facility coordinates, else the level of the unit whose centroid is used).

    Raises
    ------
    LinkDataError
        Naming every row that breaks a rule.
    """
    frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    missing = [c for c in COLUMNS if c not in frame.columns]
    if missing:
        raise LinkDataError(f"{path}: missing columns {missing}")
    frame = frame[list(COLUMNS)].copy()
    problems: list[str] = []
    duplicated = frame["id"][frame["id"].duplicated()].tolist()
    if duplicated:
        problems.append(f"duplicate link ids {duplicated}")
    points = facilities(located_only=False).set_index("id")
    facility_units = _facility_units()
    units = _units()
    centroids = _unit_centroids()
    resolved: dict[str, list] = {}
    records = frame.to_dict("records")
    for record in records:
        problems.extend(_row_problems(record))
        for end in ENDS:
            ref = record[end]
            info, problem = _resolve_end(ref, points, facility_units, units, centroids)
            if problem:
                problems.append(f"{record['id']}: {end} {problem}")
                continue
            for key in ("name_zh", "name_en"):
                if record[f"{end}_{key}"] != info[key]:
                    problems.append(
                        f"{record['id']}: {end}_{key} {record[f'{end}_{key}']!r} does not match "
                        f"{info[key]!r}, the name {ref} has in the data"
                    )
            for key, value in info.items():
                if key not in ("name_zh", "name_en"):
                    resolved.setdefault(f"{end}_{key}", []).append(value)
    if problems:
        raise LinkDataError(f"{path}: " + "; ".join(problems))
    for column, values in resolved.items():
        frame[column] = values
    frame["since"] = pd.to_numeric(frame["since"].replace("", np.nan)).astype("Int64")
    frame["weight"] = pd.to_numeric(frame["weight"].replace("", np.nan))
    return frame


def _row_problems(row: Mapping[str, str]) -> list[str]:
    problems = []
    where = row["id"] or "(row without id)"
    if not row["id"]:
        problems.append("a row has no id")
    if row["kind"] not in KINDS:
        problems.append(f"{where}: kind {row['kind']!r} not one of {', '.join(KINDS)}")
    for column in ("source_title", "source_publisher", "source_url"):
        if not row[column].strip():
            problems.append(f"{where}: {column} is empty (every link needs a public source)")
    if row["source_url"] and not row["source_url"].startswith(("http://", "https://")):
        problems.append(f"{where}: source_url {row['source_url']!r} is not an http(s) URL")
    if row["source_date"] and not _DATE.match(row["source_date"]):
        problems.append(f"{where}: source_date {row['source_date']!r} is not YYYY[-MM[-DD]]")
    since = row["since"]
    if since and not (since.isascii() and since.isdigit() and int(since) in YEAR_RANGE):
        problems.append(f"{where}: since {row['since']!r} is not a year")
    if row["weight"]:
        try:
            float(row["weight"])
        except ValueError:
            problems.append(f"{where}: weight {row['weight']!r} is not a number")
        if not row["weight_unit"]:
            problems.append(f"{where}: weight without weight_unit")
    if row["from"] == row["to"]:
        problems.append(f"{where}: from and to are the same ({row['from']})")
    return problems


def _resolve_end(ref: str, points, facility_units, units, centroids):
    """(info, problem): where an end lies and where it is drawn."""
    if _ADCODE.match(ref):
        if ref not in units.index:
            return None, f"adcode {ref} is not a unit of the boundaries"
        unit, kind = ref, "unit"
        name_zh, name_en = units.loc[ref, "name_zh"], units.loc[ref, "name_en"]
        lon = lat = np.nan
    else:
        if ref not in points.index:
            return None, f"{ref!r} is neither a facility id in data/facilities nor an adcode"
        unit, kind = facility_units.get(ref, ""), "facility"
        if unit and unit not in units.index:
            return None, f"facility {ref} lies in unknown unit {unit}"
        if not unit:
            return None, f"facility {ref} has neither county_adcode nor unit_adcode"
        point = points.loc[ref]
        name_zh, name_en = point["name_zh"], point["name_en"]
        lon, lat = point["lon"], point["lat"]
    hierarchy = unit_hierarchy(unit)
    if pd.notna(lon) and pd.notna(lat):
        precision = points.loc[ref, "location_precision"] or "site"
    else:
        lon, lat = centroids.loc[unit, "lon"], centroids.loc[unit, "lat"]
        precision = units.loc[unit, "level"]
    info = {
        "name_zh": name_zh,
        "name_en": name_en,
        "type": kind,
        "unit": unit,
        **hierarchy,
        "lon": float(lon),
        "lat": float(lat),
        "precision": precision,
    }
    return info, None


@lru_cache(maxsize=1)
def _all_links() -> pd.DataFrame:
    return read_links_file(LINKS_DIR / "links.csv")


def links() -> pd.DataFrame:
    """All links, validated and resolved (see :func:`read_links_file`). A copy."""
    return _all_links().copy()
