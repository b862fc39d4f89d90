"""Join any indicator table to the atlas's units: by adcode first, else by normalised name.

Tables from statistical yearbooks, bulletins and spreadsheets name units in many ways:
``130100``, ``130100.0``, 12-digit statistical codes, 石家庄 / 石家庄市, "Shijiazhuang City",
"shijiazhuang shi", names from before a rename (冀州市, 滦县). :func:`join_table` maps each row
to one unit of a level and says, for every row it could not place, why not. A name that fits
several units (桥西区 is in Shijiazhuang and Zhangjiakou) is reported as ambiguous rather than
guessed, unless a parent column (the prefecture of a county, the province of a prefecture)
tells them apart.

Name matching works in two tiers; the first tier with a candidate decides:

1. the full name, Chinese or English, or a former name from ``data/boundaries/aliases.csv``;
2. the name without its type suffix (省/市/区/县/新区/矿区/自治县, province/city/district/
   county/new area, sheng/shi/qu/xian...). A suffix in the input must be of the same type as
   the unit's (区 and 县 are different units: 承德市 is not 承德县), except that an autonomous
   county may be written 县 (青龙县 → 青龙满族自治县). One-character Chinese stems are never
   used (赵县 is not "赵").
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import geopandas as gpd
import pandas as pd

from geo.errors import BadParameter
from geo.i18n import text
from geo.levels import LEVELS, SPECIAL_UNITS, check_level
from geo.sources.regions import regions

# How names are written (normalisation, suffixes, former names, adcodes) is
# geo.sources.unit_names; its public names are importable from here too, as before.
from geo.sources.unit_names import ALIASES_PATH as ALIASES_PATH
from geo.sources.unit_names import _name_candidates, normalise_name, parse_adcodes
from geo.sources.unit_names import aliases as aliases

#: How a row was matched, in the order they are tried.
HOW = ("adcode", "name", "alias")

#: Column names recognised when the caller does not name the columns (compared after
#: :func:`normalise_name`, so ``Adcode``, ``AD_CODE`` and ``ad code`` are all "adcode").
ADCODE_COLUMNS: tuple[str, ...] = (
    "adcode", "ad_code", "code", "区划代码", "行政区划代码", "统计用区划代码", "代码", "编码",
    "admin_code", "division_code", "gb_code",
)  # fmt: skip
LEVEL_COLUMNS: dict[str, tuple[str, ...]] = {
    "province": ("province", "province_name", "省", "省份", "省级", "省名", "省市"),
    "prefecture": (
        "prefecture", "city", "city_name", "地级市", "地市", "城市", "市", "设区市", "所属城市",
        "所属地市",
    ),
    "county": (
        "county", "district", "county_name", "区县", "县区", "县市区", "县（市、区）", "县",
        "区", "区县名称",
    ),
}  # fmt: skip
NAME_COLUMNS: tuple[str, ...] = (
    "name", "name_zh", "name_en", "名称", "地区", "城市", "地名", "区域", "行政区", "行政区划",
    "region", "unit",
)  # fmt: skip
PARENT_COLUMNS: tuple[str, ...] = ("parent", "parent_name", "parent_adcode", "上级", "所属")


# --- parents ---------------------------------------------------------------------------


def _parent_sets(values: pd.Series, level: str) -> list[set[str] | None]:
    """For each parent value, the adcodes of the higher-level units it may name (None: no
    usable parent)."""
    higher = LEVELS[: LEVELS.index(level)]
    codes = parse_adcodes(values)
    sets: list[set[str]] = [set() for _ in range(len(values))]
    for pos, code in enumerate(codes):
        if not pd.isna(code):
            sets[pos].add(str(code))
    for parent_level in higher:
        candidates = _name_candidates(values, parent_level)
        best = candidates[candidates["tier"] == candidates.groupby("pos")["tier"].transform("min")]
        for pos, adcode in zip(best["pos"], best["adcode"], strict=True):
            sets[pos].add(adcode)
    return [found or None for found in sets]


def _within_one(by_adcode: pd.DataFrame, adcode: str, parents: set[str]) -> bool:
    """Whether a unit lies in one of the ``parents`` (prefecture, province or special);
    ``by_adcode``: the level's units indexed by adcode."""
    if by_adcode.at[adcode, "parent_adcode"] in parents or adcode[:2] + "0000" in parents:
        return True
    return any(s.adcode in parents and adcode in s.members for s in SPECIAL_UNITS)


# --- the join --------------------------------------------------------------------------


@dataclass
class JoinResult:
    """The outcome of :func:`join_table`.

    Attributes
    ----------
    level : str
    frame : GeoDataFrame
        The level's units (EPSG:4326, as :func:`geo.sources.regions.regions` returns them)
        left-joined with the table's columns: one row per unit, table columns empty where no row
        matched.
        Table columns whose names clash with the units' get the suffix ``_input``.
    matched : DataFrame
        One row per matched input row: ``row`` (the table's index label), ``adcode``,
        ``how`` ('adcode', 'name' or 'alias') and ``note`` (the alias's note, else "").
        Includes duplicates; only the first row per unit is in ``frame``.
    unmatched : DataFrame
        Input rows that matched no unit, with a ``reason`` column.
    duplicated : DataFrame
        Every matched row of units matched more than once: ``row``, ``adcode``, ``how``,
        ``kept`` (True for the first, the one in ``frame``).
    ambiguous : DataFrame
        Input rows whose name fits several units, with ``candidates`` (list of adcodes) and
        a ``reason``.
    columns : dict
        The columns used: ``adcode``, ``name``, ``parent`` (None where not used).
    """

    level: str
    frame: gpd.GeoDataFrame
    matched: pd.DataFrame
    unmatched: pd.DataFrame
    duplicated: pd.DataFrame
    ambiguous: pd.DataFrame
    columns: dict[str, str | None] = field(default_factory=dict)

    def report(self) -> dict[str, Any]:
        """A JSON-ready summary for display: counts, and the rows that need attention.

        Returns
        -------
        dict
            ``level``, ``columns``, ``counts`` (rows, matched by how, unmatched, ambiguous,
            duplicated units, units, units with data), and lists ``unmatched``,
            ``ambiguous``, ``duplicated``, ``aliases_used`` and ``units_without_data``.
            Input text is returned as given; escape it when rendering HTML.
        """
        units = self.frame.set_index("adcode")
        joined = set(self.matched["adcode"])

        def unit(adcode: str) -> dict[str, str]:
            return {
                "adcode": adcode,
                "name_zh": str(units.at[adcode, "name_zh"]),
                "name_en": str(units.at[adcode, "name_en"]),
            }

        def given(row: pd.Series) -> dict[str, Any]:
            return {
                role: _plain(row[column])
                for role, column in self.columns.items()
                if column is not None and column in row.index
            }

        by_how = self.matched["how"].value_counts()
        duplicated = [
            {
                **unit(adcode),
                "rows": [_plain(r) for r in group["row"]],
                "kept": _plain(group.loc[group["kept"], "row"].iloc[0]),
            }
            for adcode, group in self.duplicated.groupby("adcode", sort=False)
        ]
        return {
            "level": self.level,
            "columns": dict(self.columns),
            "counts": {
                "rows": len(self.matched) + len(self.unmatched) + len(self.ambiguous),
                "matched": len(self.matched),
                **{f"matched_by_{how}": int(by_how.get(how, 0)) for how in HOW},
                "unmatched": len(self.unmatched),
                "ambiguous": len(self.ambiguous),
                "duplicated_units": len(duplicated),
                "units": len(self.frame),
                "units_with_data": len(joined),
            },
            "unmatched": [
                {
                    "row": _plain(label),
                    **given(row),
                    "reason": row["reason"],
                    "reason_zh": row.get("reason_zh") or "",
                }
                for label, row in self.unmatched.iterrows()
            ],
            "ambiguous": [
                {
                    "row": _plain(label),
                    **given(row),
                    "reason": row["reason"],
                    "reason_zh": row.get("reason_zh") or "",
                    "candidates": [unit(adcode) for adcode in row["candidates"]],
                }
                for label, row in self.ambiguous.iterrows()
            ],
            "duplicated": duplicated,
            "aliases_used": [
                {"row": _plain(row.row), **unit(row.adcode), "note": row.note}
                for row in self.matched[self.matched["how"] == "alias"].itertuples()
            ],
            "units_without_data": [unit(a) for a in self.frame["adcode"] if a not in joined],
        }


def join_table(
    table: pd.DataFrame,
    level: str,
    *,
    adcode_column: str | None = None,
    name_column: str | None = None,
    parent_column: str | None = None,
) -> JoinResult:
    """Join an indicator table to the units of one level.

    Each row is matched by adcode if it has one that is a unit of ``level``, else by name
    (see the module docstring for the normalisation and former names). Nothing is guessed:
    rows that fit no unit, or several, are reported with the reason.

    Parameters
    ----------
    table : DataFrame
        Any table with a code column, a name column or both. Not modified.
    level : {"province", "prefecture", "county"}
    adcode_column, name_column : str, optional
        The columns holding codes and names. Detected from the column names when not given
        (``adcode``/``code``/``区划代码``...; ``name``/``name_zh``/``name_en``/``地区``/
        ``城市``/``名称``... and the level's own word: ``county``/``区县``...).
    parent_column : str, optional
        Names or adcodes of each row's higher-level unit (the prefecture or province of a
        county, the province of a prefecture), used only to tell apart names that fit
        several units (桥西区 of 石家庄市 or of 张家口市). Detected (``city``/``城市``/
        ``地市``/``province``/``省``...) when not given. Unknown at province level.

    Returns
    -------
    JoinResult
        ``frame`` is a GeoDataFrame in EPSG:4326 with one row per unit of the level
        (special units such as Xiong'an New Area included).

    Raises
    ------
    BadParameter
        For an unknown level, a named column the table lacks, or a table with neither a
        code nor a name column (the message lists the table's columns and those accepted).
    """
    check_level(level)
    columns = _choose_columns(table, level, adcode_column, name_column, parent_column)
    units = regions(level)
    n_rows = len(table)

    status = pd.Series("unmatched", index=range(n_rows), dtype=object)
    adcode = pd.Series(pd.NA, index=range(n_rows), dtype=object)
    how = pd.Series("", index=range(n_rows), dtype=object)
    note = pd.Series("", index=range(n_rows), dtype=object)
    reason = pd.Series("", index=range(n_rows), dtype=object)
    reason_zh = pd.Series("", index=range(n_rows), dtype=object)  # the same, for zh pages
    candidates = pd.Series([[] for _ in range(n_rows)], dtype=object)

    if columns["adcode"] is not None:
        raw = table[columns["adcode"]].reset_index(drop=True)
        codes = parse_adcodes(raw)
        known = codes.isin(units["adcode"]).fillna(False).astype(bool)
        status[known], adcode[known], how[known] = "matched", codes[known], "adcode"
        blank = raw.isna() | (raw.astype("string").str.strip() == "")
        reason[blank] = "no adcode"
        reason_zh[blank] = "缺少区划代码"
        unparsed = ~blank & codes.isna()
        reason[unparsed] = "adcode " + raw[unparsed].astype(str) + " is not a 6- or 12-digit code"
        reason_zh[unparsed] = "区划代码 " + raw[unparsed].astype(str) + " 不是 6 位或 12 位代码"
        foreign = ~blank & ~unparsed & ~known
        reason[foreign] = "adcode " + codes[foreign].astype(str) + f" is not a {level} of the atlas"
        reason_zh[foreign] = (
            "区划代码 " + codes[foreign].astype(str) + f" 不是地图集中的{text(level, 'zh')}单位"
        )

    if columns["name"] is not None:
        todo = status != "matched"
        names = table[columns["name"]].reset_index(drop=True)[todo]
        parents = parent_text = None
        if columns["parent"] is not None:
            parent_values = table[columns["parent"]].reset_index(drop=True)[todo]
            parents = _parent_sets(parent_values, level)
            parent_text = ["" if pd.isna(v) else str(v).strip() for v in parent_values]
        found = dict(tuple(_name_candidates(names, level).groupby("pos")))
        no_candidates = pd.DataFrame(columns=["pos", "tier", "adcode", "how", "note"])
        by_adcode = units.set_index("adcode", drop=False)  # once, not per row
        # Each distinct (name, parent) is decided once: 20,000 rows naming 13 units took
        # 12-18 s of CPU when every row was decided on its own.
        decided: dict[tuple[str, str | None], dict] = {}
        for pos, label in enumerate(names.index):
            key = (str(names.iloc[pos]), None if parent_text is None else parent_text[pos])
            outcome = decided.get(key)
            if outcome is None:
                outcome = decided[key] = _decide(
                    found.get(pos, no_candidates),
                    units,
                    None if parents is None else parents[pos],
                    None if parent_text is None else parent_text[pos],
                    by_adcode=by_adcode,
                )
            if outcome["status"] == "unmatched":
                name_reason = outcome["reason"]
                name_reason_zh = outcome.get("reason_zh", "")
                if normalise_name(names.iloc[pos]) == "":
                    name_reason, name_reason_zh = "no name", "缺少名称"
                prefix = f"{reason[label]}; " if reason[label] else ""
                reason[label] = prefix + name_reason
                prefix_zh = f"{reason_zh[label]}；" if reason_zh[label] else ""
                reason_zh[label] = prefix_zh + name_reason_zh
                continue
            status[label] = outcome["status"]
            adcode[label] = outcome.get("adcode", pd.NA)
            how[label] = outcome.get("how", "")
            note[label] = outcome.get("note", "")
            reason[label] = outcome.get("reason", "")
            reason_zh[label] = outcome.get("reason_zh", "")
            candidates[label] = list(outcome.get("candidates", []))

    labels = table.index
    is_matched = (status == "matched").to_numpy()
    matched = pd.DataFrame(
        {
            "row": labels[is_matched],
            "adcode": adcode[is_matched].astype(str).to_numpy(),
            "how": how[is_matched].to_numpy(),
            "note": note[is_matched].to_numpy(),
        }
    )
    counts = matched["adcode"].map(matched["adcode"].value_counts())
    duplicated = matched[counts > 1][["row", "adcode", "how"]].copy()
    duplicated["kept"] = ~matched["adcode"].duplicated()[counts > 1]
    duplicated = duplicated.reset_index(drop=True)

    is_unmatched = (status == "unmatched").to_numpy()
    unmatched = table[is_unmatched].copy()
    unmatched["reason"] = reason[is_unmatched].to_numpy()
    unmatched["reason_zh"] = reason_zh[is_unmatched].to_numpy()
    is_ambiguous = (status == "ambiguous").to_numpy()
    ambiguous = table[is_ambiguous].copy()
    ambiguous["candidates"] = candidates[is_ambiguous].to_numpy()
    ambiguous["reason"] = reason[is_ambiguous].to_numpy()
    ambiguous["reason_zh"] = reason_zh[is_ambiguous].to_numpy()

    first = ~matched["adcode"].duplicated()
    kept = table[is_matched][first.to_numpy()].copy()
    clashes = {c: f"{c}_input" for c in kept.columns if c in units.columns}
    kept = kept.rename(columns=clashes)
    kept.insert(0, "__adcode", matched.loc[first, "adcode"].to_numpy())
    frame = units.merge(kept, how="left", left_on="adcode", right_on="__adcode")
    frame = gpd.GeoDataFrame(frame.drop(columns="__adcode"), geometry="geometry", crs=units.crs)

    return JoinResult(
        level=level,
        frame=frame,
        matched=matched,
        unmatched=unmatched,
        duplicated=duplicated,
        ambiguous=ambiguous,
        columns=columns,
    )


def _decide(
    found: pd.DataFrame,
    units: pd.DataFrame,
    parents: set[str] | None,
    parent_text: str | None = None,
    by_adcode: pd.DataFrame | None = None,
) -> dict[str, Any]:
    """Match, ambiguity or miss for one name from its candidates.

    The first tier with a candidate decides, after keeping only the candidates within the
    row's parent when it names one (``parents``: the parent's possible adcodes).
    """
    if found.empty:
        return {
            "status": "unmatched",
            "reason": "name matches no unit",
            "reason_zh": "名称未匹配到任何单位",
        }
    if by_adcode is None:
        by_adcode = units.set_index("adcode", drop=False)
    outside: list[str] = []
    # Plain Python over the few candidate rows: this runs once per input row.
    records = found[["tier", "adcode", "how", "note"]].to_dict("records")
    for tier_value in sorted({r["tier"] for r in records}):
        tier = [r for r in records if r["tier"] == tier_value]
        adcodes = list(dict.fromkeys(r["adcode"] for r in tier))
        if parents is not None:
            inside = [_within_one(by_adcode, a, parents) for a in adcodes]
            outside += [a for a, ok in zip(adcodes, inside, strict=True) if not ok]
            adcodes = [a for a, ok in zip(adcodes, inside, strict=True) if ok]
        if len(adcodes) == 1:
            rows = [r for r in tier if r["adcode"] == adcodes[0]]
            chosen = ([r for r in rows if r["how"] == "name"] or rows)[0]
            return {
                "status": "matched",
                "adcode": adcodes[0],
                "how": chosen["how"],
                "note": chosen["note"],
            }
        if len(adcodes) > 1:
            former = {r["adcode"] for r in tier if r["how"] == "alias"}
            fits = ", ".join(_label(by_adcode, a, a in former) for a in adcodes)
            if parents is not None:
                hint = f"; all within {parent_text!r}"
                hint_zh = f"；均在「{parent_text}」内"
            elif parent_text:
                hint = f"; parent {parent_text!r} is not a unit of the atlas"
                hint_zh = f"；上级「{parent_text}」不是地图集中的单位"
            elif parent_text == "":
                hint = "; the row gives no parent to tell them apart"
                hint_zh = "；该行未给出上级单位，无法区分"
            else:
                hint = "; add a parent column (prefecture or province) to tell them apart"
                hint_zh = "；请增加上级列（地级或省级）以区分"
            return {
                "status": "ambiguous",
                "candidates": adcodes,
                "reason": f"name fits {fits}{hint}",
                "reason_zh": f"名称可对应 {fits}{hint_zh}",
            }
    fits = ", ".join(_label(by_adcode, a) for a in dict.fromkeys(outside))
    return {
        "status": "unmatched",
        "reason": f"name fits {fits}, none within {parent_text!r}",
        "reason_zh": f"名称可对应 {fits}，但均不在「{parent_text}」内",
    }


def _label(units: pd.DataFrame, adcode: str, former: bool = False) -> str:
    """``130703 桥西区 (in 130700)``, for messages; ``former`` notes a match on a former name."""
    parent = units.at[adcode, "parent_adcode"]
    where = f"in {parent}" if parent else ""
    how = "by a former name" if former else ""
    details = "; ".join(part for part in (where, how) if part)
    return f"{adcode} {units.at[adcode, 'name_zh']}" + (f" ({details})" if details else "")


def _choose_columns(
    table: pd.DataFrame,
    level: str,
    adcode_column: str | None,
    name_column: str | None,
    parent_column: str | None,
) -> dict[str, str | None]:
    """The table's code, name and parent columns: as given (checked), else detected."""
    given = {"adcode_column": adcode_column, "name_column": name_column}
    given["parent_column"] = parent_column
    for parameter, column in given.items():
        if column is not None and column not in table.columns:
            raise BadParameter(parameter, column, [str(c) for c in table.columns])
    if parent_column is not None and level == "province":
        raise BadParameter("parent_column", parent_column, "none at province level")

    by_key: dict[str, Any] = {}
    for column in table.columns:
        by_key.setdefault(normalise_name(column), column)

    def detect(accepted: tuple[str, ...], taken: set[Any]) -> Any:
        for name in accepted:
            column = by_key.get(normalise_name(name))
            if column is not None and column not in taken:
                return column
        return None

    name_words = LEVEL_COLUMNS[level] + NAME_COLUMNS
    higher = LEVELS[: LEVELS.index(level)]
    parent_words = tuple(w for lvl in reversed(higher) for w in LEVEL_COLUMNS[lvl])
    parent_words += PARENT_COLUMNS if higher else ()
    if adcode_column is None:
        adcode_column = detect(ADCODE_COLUMNS, {name_column})
    if name_column is None:
        name_column = detect(name_words, {adcode_column})
        if adcode_column is None and name_column is None:
            accepted = [*ADCODE_COLUMNS, *name_words]
            raise BadParameter(
                "table columns",
                [str(c) for c in table.columns],
                accepted,
                "no code or name column found; pass adcode_column= or name_column=",
            )
    if parent_column is None and name_column is not None and higher:
        parent_column = detect(parent_words, {adcode_column, name_column})
    return {"adcode": adcode_column, "name": name_column, "parent": parent_column}


def _plain(value: Any) -> Any:
    """A JSON-ready version of a cell or index label."""
    if value is None or (not isinstance(value, (list, tuple, dict)) and pd.isna(value)):
        return None
    if hasattr(value, "item"):
        return value.item()
    return value if isinstance(value, (str, int, float, bool)) else str(value)


def match_counts(values: pd.Series, level: str, how: str) -> tuple[int, int]:
    """``(rows, units)``: how many non-empty ``values`` may name a unit of ``level`` by
    ``how`` (``"adcode"`` or ``"name"``; any name tier, ambiguity not resolved), and how many
    distinct units they name (a table by county names its 13 prefectures many times over).

    A cheap, vectorised estimate for choosing a level and a key column before the full
    :func:`join_table` (which also resolves parents and ambiguity, row by row).
    """
    check_level(level)
    text = values.astype("string").str.strip().fillna("")
    filled = values[(text != "").to_numpy()].reset_index(drop=True)
    if filled.empty:
        return 0, 0
    if how == "adcode":
        codes = parse_adcodes(filled)
        known = codes[codes.isin(regions(level)["adcode"]).fillna(False).astype(bool)]
        return len(known), int(known.nunique())
    found = _name_candidates(filled, level)
    return int(found["pos"].nunique()), int(found["adcode"].nunique())
