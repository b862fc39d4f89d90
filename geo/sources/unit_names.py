"""How the units' names are written: normalised names, type suffixes, former names, adcodes.

:func:`normalise_name` gives the comparable form of a name; a type suffix (省/市/区/县/新区/
自治县, province/city/district/county, sheng/shi/qu/xian...) is split off for the second tier
of :mod:`geo.sources.matching`; :func:`aliases` are former names from
``data/boundaries/aliases.csv``; :func:`parse_adcodes` reads codes as spreadsheets write them.
``_name_index`` is every key a unit of a level answers to, ``_name_candidates`` the units a
column of names may name: what :func:`geo.sources.matching.join_table` decides between.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache, lru_cache

import pandas as pd

from geo.levels import check_level
from geo.paths import BOUNDARIES_DIR
from geo.sources.regions import regions

ALIASES_PATH = BOUNDARIES_DIR / "aliases.csv"

# Type suffixes, longest first (only the longest matching one is stripped).
_ZH_SUFFIXES: tuple[tuple[str, str], ...] = (
    ("满族蒙古族自治县", "county"),
    ("蒙古族自治县", "county"),
    ("满族自治县", "county"),
    ("回族自治县", "county"),
    ("自治县", "county"),
    ("矿区", "district"),
    ("新区", "district"),
    ("区", "district"),
    ("县", "county"),
    ("市", "city"),
    ("省", "province"),
)
_EN_SUFFIXES: tuple[tuple[str, str], ...] = tuple(
    sorted(
        (
            ("manchuandmongolautonomouscounty", "county"),
            ("mongolautonomouscounty", "county"),
            ("manchuautonomouscounty", "county"),
            ("huiautonomouscounty", "county"),
            ("autonomouscounty", "county"),
            ("zizhixian", "county"),
            ("county", "county"),
            ("xian", "county"),
            ("miningdistrict", "district"),
            ("kuangqu", "district"),
            ("newdistrict", "district"),
            ("newarea", "district"),
            ("xinqu", "district"),
            ("district", "district"),
            ("qu", "district"),
            ("prefecturelevelcity", "city"),
            ("prefecture", "city"),
            ("municipality", "city"),
            ("city", "city"),
            ("shi", "city"),
            ("province", "province"),
            ("sheng", "province"),
        ),
        key=lambda pair: -len(pair[0]),
    )
)
_CJK = re.compile(r"[\u3400-\u9fff]")
_ADCODE = re.compile(r"^(\d{6})(?:\d{6})?(?:\.0*)?$")


# --- normalisation ---------------------------------------------------------------------


def normalise_name(text: object) -> str:
    """Comparable form of a unit name or column name.

    Unicode NFKC (full-width → ASCII), tone marks removed (Shíjiāzhuāng → shijiazhuang),
    case-folded, and everything but letters and digits dropped (spaces, apostrophes,
    brackets, HTML tags' angle brackets...). Missing values give ``""``.

    >>> normalise_name(" Chang'an  District ")
    'changandistrict'
    >>> normalise_name("石家庄市（市辖区）")
    '石家庄市市辖区'
    """
    if text is None or (not isinstance(text, str) and pd.isna(text)):
        return ""
    text = unicodedata.normalize("NFKC", str(text)).casefold()
    text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    text = unicodedata.normalize("NFC", text)
    return "".join(c for c in text if unicodedata.category(c)[0] in "LN")


def _split_suffix(key: str) -> tuple[str, str] | None:
    """``(stem, suffix type)`` of a normalised name, or None if it has no type suffix."""
    suffixes = _ZH_SUFFIXES if _CJK.search(key) else _EN_SUFFIXES
    for suffix, kind in suffixes:
        if key.endswith(suffix):
            return key[: -len(suffix)], kind
    return None


def _strip_suffix(key: str) -> tuple[str, str] | None:
    """Like :func:`_split_suffix`, but None when the stem is too short to be a name.

    One-character Chinese stems are names of their own (赵县 is never "赵"); an English
    stem that short is no better.
    """
    split = _split_suffix(key)
    return split if split is not None and len(split[0]) >= 2 else None


def parse_adcodes(values: pd.Series) -> pd.Series:
    """Six-digit adcodes from codes written in the usual ways; ``<NA>`` where there is none.

    Accepts ints (130100), strings ('130100', ' 130100 '), floats as spreadsheets write
    them (130100.0, '130100.0') and 12-digit statistical division codes
    ('130100000000' → '130100').
    """
    text = values.astype("string").str.strip()
    return text.str.extract(_ADCODE, expand=False).astype("string")


# --- the name index of a level ---------------------------------------------------------


@lru_cache(maxsize=1)
def _read_aliases() -> pd.DataFrame:
    columns = ["alias", "adcode", "note"]
    if not ALIASES_PATH.exists():
        return pd.DataFrame(columns=columns, dtype=str)
    aliases = pd.read_csv(ALIASES_PATH, dtype=str, keep_default_na=False, encoding="utf-8")
    if list(aliases.columns) != columns:
        raise ValueError(f"{ALIASES_PATH}: columns {list(aliases.columns)}, expected {columns}")
    return aliases


def aliases(level: str) -> pd.DataFrame:
    """Former names of the level's units, from ``data/boundaries/aliases.csv``.

    Returns
    -------
    DataFrame
        Columns ``alias``, ``adcode``, ``note``: only rows whose adcode is a unit of ``level``.
    """
    table = _read_aliases()
    return table[table["adcode"].isin(regions(check_level(level))["adcode"])].reset_index(drop=True)


@cache
def _name_index(level: str) -> pd.DataFrame:
    """Every key a unit of ``level`` answers to.

    Columns: ``key`` (normalised), ``tier`` (0 full name or alias, 1 stem), ``kind`` (suffix
    type of a stem: province/city/district/county), ``adcode``, ``how`` (name or alias),
    ``note`` (the alias's note).
    """
    entries: list[tuple[str, int, str, str, str, str]] = []
    for unit in regions(level)[["adcode", "name_zh", "name_en"]].itertuples(index=False):
        zh_key, en_key = normalise_name(unit.name_zh), normalise_name(unit.name_en)
        entries += [
            (zh_key, 0, "", unit.adcode, "name", ""),
            (en_key, 0, "", unit.adcode, "name", ""),
        ]
        unit_kind = (_split_suffix(zh_key) or ("", ""))[1]
        zh_stem = _strip_suffix(zh_key)
        if zh_stem:
            entries.append((zh_stem[0], 1, unit_kind, unit.adcode, "name", ""))
        # English prefecture names carry no suffix ("Shijiazhuang"): the whole name is the
        # stem, of the Chinese name's type, so "Shijiazhuang City" finds it.
        en_stem = _strip_suffix(en_key) or (en_key, unit_kind)
        for kind in {en_stem[1], unit_kind} - {""} or {""}:
            entries.append((en_stem[0], 1, kind, unit.adcode, "name", ""))
    for alias in aliases(level).itertuples(index=False):
        entries.append((normalise_name(alias.alias), 0, "", alias.adcode, "alias", alias.note))
    index = pd.DataFrame(entries, columns=["key", "tier", "kind", "adcode", "how", "note"])
    return index[index["key"] != ""].drop_duplicates(["key", "tier", "kind", "adcode", "how"])


def _name_candidates(names: pd.Series, level: str) -> pd.DataFrame:
    """Candidate units for each name: columns ``pos``, ``tier``, ``adcode``, ``how``, ``note``.

    ``pos`` is the position of the name in ``names``. A name without candidates has no row.
    """
    keys = pd.Series([normalise_name(name) for name in names], dtype=object)
    probes: list[tuple[int, str, int, str]] = []
    for pos, key in enumerate(keys):
        if not key:
            continue
        probes += [(pos, key, 0, ""), (pos, key, 1, "")]
        stem = _strip_suffix(key)
        if stem:
            probes.append((pos, stem[0], 1, stem[1]))
    columns = ["pos", "tier", "adcode", "how", "note"]
    if not probes:
        return pd.DataFrame(columns=columns)
    probes_frame = pd.DataFrame(probes, columns=["pos", "key", "tier", "probe_kind"])
    found = probes_frame.merge(_name_index(level), on=["key", "tier"])
    # A typed suffix must agree with the unit's type (承德市 is not 承德县); at province
    # level the three units are unmistakable and 北京 is both 市 and "province".
    if level != "province":
        agrees = (found["probe_kind"] == "") | (found["probe_kind"] == found["kind"])
        found = found[agrees]
    return found[columns].drop_duplicates(["pos", "tier", "adcode", "how"])
