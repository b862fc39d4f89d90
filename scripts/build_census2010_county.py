"""Build the 2010 census county data from the county table reproduced in GitHub leiii/census.

Source: 《中国2010年人口普查分县资料》 (National Bureau of Statistics, Population Census Office
of the State Council, China Statistics Press, 2012), county table, resident population
(合计), as reproduced in GitHub ``leiii/census`` ``data/census/census_county_2010_v1.xlsx`` at
commit fe45ae633e43d7cb8c7af40772bfa5820c30c99c (MIT licence).

Usage (needs openpyxl, not a runtime dependency)::

    git -C <mirror of leiii/census> show \
        fe45ae633e43d7cb8c7af40772bfa5820c30c99c:data/census/census_county_2010_v1.xlsx > x.xlsx
    .venv/bin/python scripts/build_census2010_county.py x.xlsx

Writes

- ``data/indicators/census2010_county.csv``: every county-level unit of 2010 in Beijing,
  Tianjin and Hebei, under its 2010 code and name, as the source prints it;
- the 2010 rows of ``data/indicators/population.csv``: prefecture level for every city as the
  sum of its 2010 counties (the source's city rows equal these sums), province level as the
  source's province rows, and county level for every 2020 atlas county whose territory is
  that of one 2010 unit (same or renamed) or of several whole 2010 units (a merger: the sum);
  counties whose territory changed otherwise get no 2010 value;
- ``data/boundaries/county_changes_2010_2020.csv``: for every 2020 atlas county, the 2010
  units it is matched to and whether its 2010→2020 change is comparable, with the reason.

The changes between the censuses come from ``data/boundaries/aliases.csv`` (renamed and
re-graded units) and the list ``CHANGES`` below (the Ministry of Civil Affairs' yearly
records of county-level changes, http://www.mca.gov.cn/article/sj/xzqh/1980/).
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
INDICATORS = ROOT / "data" / "indicators"
BOUNDARIES = ROOT / "data" / "boundaries"

COMMIT = "fe45ae633e43d7cb8c7af40772bfa5820c30c99c"
URL = f"https://github.com/leiii/census/blob/{COMMIT}/data/census/census_county_2010_v1.xlsx"
SOURCE = (
    "《中国2010年人口普查分县资料》 (国家统计局/国务院人口普查办公室, "
    "China Statistics Press, 2012), "
    "county table, resident population (合计), as reproduced in GitHub leiii/census "
    f"data/census/census_county_2010_v1.xlsx @{COMMIT[:12]}"
)
MCA = "http://www.mca.gov.cn/article/sj/xzqh/1980/"

#: 2020 atlas adcode → (2010 codes whose whole territory it is, kind, note en, note zh).
#: "merged": whole 2010 units combined (2010 value = their sum, comparable);
#: "reorganised": the territory gained or lost parts of other units (no 2010 value).
CHANGES: dict[str, tuple[tuple[str, ...], str, str, str]] = {
    "110101": (
        ("110101", "110103"),
        "merged",
        "2010-07: 东城区 and 崇文区 merged into the new 东城区; 2010 value is their sum",
        "2010年7月原东城区与崇文区合并为新东城区；2010年值为两区之和",
    ),
    "110102": (
        ("110102", "110104"),
        "merged",
        "2010-07: 西城区 and 宣武区 merged into the new 西城区; 2010 value is their sum",
        "2010年7月原西城区与宣武区合并为新西城区；2010年值为两区之和",
    ),
    "130705": (
        ("130705", "130721"),
        "merged",
        "2016: 宣化县 and the old 宣化区 merged into the new 宣化区; 2010 value is their sum",
        "2016年宣化县与原宣化区合并为新宣化区；2010年值为两者之和",
    ),
    "130102": (
        (),
        "reorganised",
        "2014: gained part of the abolished 桥东区 (130103); the 2010 unit is not the same area",
        "2014年并入撤销的桥东区（130103）一部分，与2010年范围不同",
    ),
    "130104": (
        (),
        "reorganised",
        "2014: gained part of the abolished 桥东区 (130103); the 2010 unit is not the same area",
        "2014年并入撤销的桥东区（130103）一部分，与2010年范围不同",
    ),
    "130207": (
        (),
        "reorganised",
        "2012: the boundary with the new 曹妃甸区 changed (丰南区 2010 → 2020: -40%); "
        "not treated as the same area as in 2010",
        "2012年设立曹妃甸区时与其边界调整（丰南区2010→2020年减少40%），不视为与2010年范围相同",
    ),
    "130209": (
        (),
        "reorganised",
        "2012: 曹妃甸区 set up on the territory of 唐海县 (130230) and land of 丰南区 "
        "(2010 → 2020: +90%); not the same area as 唐海县 in 2010",
        "2012年以唐海县（130230）及丰南区部分区域设立曹妃甸区（2010→2020年增加90%），与2010年唐海县范围不同",
    ),
    "130302": (
        (),
        "reorganised",
        "2015: gained townships of the abolished 抚宁县; the 2010 unit is not the same area",
        "2015年并入原抚宁县部分乡镇，与2010年范围不同",
    ),
    "130304": (
        (),
        "reorganised",
        "2015: gained townships of the abolished 抚宁县; the 2010 unit is not the same area",
        "2015年并入原抚宁县部分乡镇，与2010年范围不同",
    ),
    "130306": (
        (),
        "reorganised",
        "2015: 抚宁县 became 抚宁区 after ceding townships to 海港区 and 北戴河区; "
        "not the same area as in 2010",
        "2015年抚宁县改设抚宁区，部分乡镇划归海港区、北戴河区，与2010年范围不同",
    ),
    "130402": (
        (),
        "reorganised",
        "2016: gained part of the abolished 邯郸县 (130421); the 2010 unit is not the same area",
        "2016年并入撤销的邯郸县（130421）一部分，与2010年范围不同",
    ),
    "130403": (
        (),
        "reorganised",
        "2016: gained part of the abolished 邯郸县 (130421); the 2010 unit is not the same area",
        "2016年并入撤销的邯郸县（130421）一部分，与2010年范围不同",
    ),
    "130404": (
        (),
        "reorganised",
        "2016: gained part of the abolished 邯郸县 (130421); the 2010 unit is not the same area",
        "2016年并入撤销的邯郸县（130421）一部分，与2010年范围不同",
    ),
    "130502": (
        (),
        "reorganised",
        "2020: 桥东区 renamed 襄都区 and gained part of the abolished 邢台县 (130521)",
        "2020年桥东区更名襄都区，并入撤销的邢台县（130521）一部分，与2010年范围不同",
    ),
    "130503": (
        (),
        "reorganised",
        "2020: 桥西区 renamed 信都区 and gained most of the abolished 邢台县 (130521)",
        "2020年桥西区更名信都区，并入撤销的邢台县（130521）大部分，与2010年范围不同",
    ),
    "130602": (
        (),
        "reorganised",
        "2015: 新市区 became 竞秀区 and gained townships of 满城县; not the same area as in 2010",
        "2015年新市区改设竞秀区，并入满城县部分乡镇，与2010年范围不同",
    ),
    "130606": (
        (),
        "reorganised",
        "2015: 北市区 and 南市区 merged into 莲池区, which also gained townships of 清苑县",
        "2015年北市区、南市区合并为莲池区，并入清苑县部分乡镇，与2010年范围不同",
    ),
    "130607": (
        (),
        "reorganised",
        "2015: 满城县 became 满城区 after ceding townships to 竞秀区; not the same area as in 2010",
        "2015年满城县改设满城区，部分乡镇划归竞秀区，与2010年范围不同",
    ),
    "130608": (
        (),
        "reorganised",
        "2015: 清苑县 became 清苑区 after ceding townships to 莲池区; not the same area as in 2010",
        "2015年清苑县改设清苑区，部分乡镇划归莲池区，与2010年范围不同",
    ),
}


def _norm(name: str) -> str:
    return name.replace("巿", "市").strip()  # the source once prints 巿 (U+5DFF) for 市


def read_source(path: Path) -> pd.DataFrame:
    frame = pd.read_excel(path, usecols=[0, 1, 2])
    frame.columns = ["name_zh", "code", "value"]
    frame = frame[frame["code"].notna()].copy()
    frame["code"] = frame["code"].astype(int).astype(str)
    frame["name_zh"] = frame["name_zh"].map(_norm)
    frame["value"] = frame["value"].astype(int)
    return frame[frame["code"].str[:2].isin(["11", "12", "13"])].reset_index(drop=True)


def _parent(code: str) -> str:
    return code[:2] + "0100" if code[:2] in ("11", "12") else code[:4] + "00"


def main(xlsx: str) -> None:
    source = read_source(Path(xlsx))
    counties = source[~source["code"].str.endswith("00")].copy()
    counties["prefecture_adcode"] = counties["code"].map(_parent)
    out = counties.rename(columns={"code": "adcode_2010"})[
        ["adcode_2010", "name_zh", "prefecture_adcode", "value"]
    ]
    out.insert(3, "year", 2010)
    out["source"], out["url"] = SOURCE, URL
    out.to_csv(INDICATORS / "census2010_county.csv", index=False, encoding="utf-8")

    # The source's own totals: its city rows equal the sums of their counties.
    sums = counties.groupby("prefecture_adcode")["value"].sum()
    listed = source.set_index("code")["value"]
    for city, total in sums.items():
        if city[:2] == "13" and listed[city] != total:
            raise SystemExit(f"{city}: source city row {listed[city]} != county sum {total}")

    names = pd.read_csv(BOUNDARIES / "names.csv", dtype=str)
    atlas = names[names["level"] == "county"]
    aliases = pd.read_csv(BOUNDARIES / "aliases.csv", dtype=str)
    by_name = {(_parent(c), n): c for c, n in zip(counties["code"], counties["name_zh"])}
    # Renamed or re-graded units (aliases.csv): the 2010 name under the 2020 adcode's city.
    alias_of = {}
    for alias, adcode, note in zip(aliases["alias"], aliases["adcode"], aliases["note"]):
        alias_of.setdefault(adcode, []).append((alias, note))

    zones = pd.read_csv(INDICATORS / "census2020_county_zones.csv", dtype=str)
    zone_cities = {
        city: (
            "; ".join(group["name_zh"]),
            int(group["value"].astype(int).sum()),
            "、".join(group["name_zh"]),
        )
        for city, group in zones.groupby("prefecture_adcode")
    }
    rows, pop_rows = [], []
    for adcode, name in zip(atlas["adcode"], atlas["name_zh"]):
        note_en = note_zh = ""
        if adcode in CHANGES:
            codes, kind, note_en, note_zh = CHANGES[adcode]
        elif (_parent(adcode), name) in by_name:
            codes, kind = (by_name[(_parent(adcode), name)],), "same"
        elif adcode in alias_of and len(alias_of[adcode]) == 1:
            alias, note = alias_of[adcode][0]
            code = by_name.get((_parent(adcode), _norm(alias)))
            if code is None:
                raise SystemExit(f"{adcode} {name}: alias {alias} not in the 2010 source")
            codes, kind = (code,), "renamed"
            note_en = f"renamed since 2010 ({note}); same area, matched by its former name"
            note_zh = f"2010年后由{alias}改设{name}，范围不变（按旧地名匹配）"
        elif adcode == "130523":  # 内邱县 → 内丘县 (name written differently)
            codes, kind = ("130523",), "renamed"
            note_en, note_zh = "name now written 内丘县 (2010: 内邱县)", "2010年写作内邱县"
        else:
            raise SystemExit(f"{adcode} {name}: no 2010 match")
        comparable, boundary_note = bool(codes), note_en
        if comparable and adcode[:4] + "00" in zone_cities:
            comparable = False
            zone = zone_cities[adcode[:4] + "00"]
            note_en = (note_en + "; " if note_en else "") + (
                "the 2020 county table counts the residents of this city's development zones "
                f"apart from the counties ({zone[0]}, {zone[1]:,} persons in 2020), so the 2020 "
                "value may leave out residents who lived here and were counted in 2010"
            )
            note_zh = (note_zh + "；" if note_zh else "") + (
                f"2020年分县资料将本市开发区（{zone[2]}，2020年共{zone[1]}人）单独列出，"
                "2020年数值可能不含2010年计入本县的部分居民"
            )
        value = int(counties.set_index("code").loc[list(codes), "value"].sum()) if codes else None
        rows.append(
            {
                "adcode": adcode,
                "name_zh": name,
                "codes_2010": ";".join(codes),
                "names_2010": ";".join(counties.set_index("code").loc[list(codes), "name_zh"]),
                "kind": kind,
                "comparable": "yes" if comparable else "no",
                "note": note_en,
                "note_zh": note_zh,
                "source": MCA if kind in ("merged", "reorganised") else "",
            }
        )
        if value is not None:
            pop_rows.append(
                {
                    "level": "county",
                    "adcode": adcode,
                    "name_zh": name,
                    "year": 2010,
                    "value": value,
                    "source": SOURCE,
                    "url": URL,
                    "note": "2010-11-01 census, resident population; "
                    + (
                        f"2010 unit(s) {'+'.join(codes)}"
                        + (f"; {boundary_note}" if boundary_note else "")
                    ),
                }
            )
    with open(BOUNDARIES / "county_changes_2010_2020.csv", "w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)

    # population.csv: replace the county 2010 rows; fill the prefecture rows from the sums.
    pop = pd.read_csv(INDICATORS / "population.csv", dtype=str, keep_default_na=False)
    pop = pop[~((pop["level"] == "county") & (pop["year"] == "2010"))]
    pref_names = dict(zip(names["adcode"], names["name_zh"]))
    for level, adcode, total in [
        ("province", c, listed[c]) for c in ("110000", "120000", "130000")
    ] + [("prefecture", c, int(t)) for c, t in sums.items()]:
        mask = (pop["level"] == level) & (pop["adcode"] == adcode) & (pop["year"] == "2010")
        if mask.any():
            old = int(pop.loc[mask, "value"].iloc[0])
            if old == total:
                continue
            print(f"{level} {adcode}: bundled {old}, county table {total} (diff {total - old})")
            earlier = pop.loc[mask, "source"].iloc[0]
            pop.loc[mask, ["value", "source", "url", "note"]] = [
                str(total),
                SOURCE,
                URL,
                f"2010-11-01 census, resident population. The county table wins over the "
                f"{old} bundled before ({earlier}): it is the census office's final "
                f"tabulation, its counties add up to it and its Hebei cities add up to the "
                f"province total 71854210",
            ]
            continue
        pop_rows.append(
            {
                "level": level,
                "adcode": adcode,
                "name_zh": pref_names[adcode],
                "year": 2010,
                "value": int(total),
                "source": SOURCE,
                "url": URL,
                "note": "2010-11-01 census, resident population; sum of the city's 2010 "
                "county rows in the census county table (equal to the table's own city row)",
            }
        )
    pop = pd.concat([pop, pd.DataFrame(pop_rows).astype(str)], ignore_index=True)
    order = {"province": 0, "prefecture": 1, "county": 2}
    pop = pop.sort_values(
        ["level", "adcode", "year"], key=lambda s: s.map(order) if s.name == "level" else s
    )
    pop.to_csv(INDICATORS / "population.csv", index=False, encoding="utf-8")
    print(f"{len(out)} 2010 counties; {sum(r['comparable'] == 'yes' for r in rows)} comparable")


if __name__ == "__main__":
    main(sys.argv[1])
