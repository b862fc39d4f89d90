"""Build the city series read from the China City Statistical Yearbook (中国城市统计年鉴).

Source: 《中国城市统计年鉴》 (国家统计局城市社会经济调查司, China Statistics Press), editions
2010–2021 (data year = edition − 1), the prefecture-level city tables ("中国YYYY年地级以上城市
数据"), as Excel files in the GitHub repository ``NNroc/MpoxPredict`` at commit
``4ddf84ea12165a8db828828522f5a70e165aa595`` (2023-02-23; the files were removed in later
commits), folder ``data/中国城市统计年鉴2001—2021年/``. A secondary copy.

Usage (needs openpyxl and the git directory of that repository, e.g. the ``fetch`` mirror)::

    .venv/bin/python scripts/build_city_yearbook.py [--git-dir /work/.mirror/NNroc+MpoxPredict/repo]

Reads every edition's file with ``git show <commit>:<path>`` and, for the 13 prefecture-level
units (and the file's own 河北省 row), the whole-city (全市) column of

- hospitals: 医院、卫生院数 (data years 2009–2016) / 医院数 (2017–2020);
- hospital beds: 医院、卫生院床位数 / 医院床位数 (beds in hospitals, not all health institutions);
- doctors: 医生数(执业医师+执业助理医师) / 执业(助理)医师数;
- GDP 地区生产总值(当年价格) of data years 2010, 2019 and 2020 (万元 or 亿元 as the header says);
- the 2021 edition's 常住人口 (万人), read only to check the scope of each city.

Columns are found by their header text (never by position) and checked to be the 全市 column
of the 全市/市辖区 pair. Writes

- ``data/indicators/city_yearbook/cells.csv``: every cell read (edition, data year, file,
  git blob SHA, sheet, cell, row label and header as printed, the raw value and what it was
  read as), so tests check every bundled value without the network;
- ``data/indicators/city_yearbook/files.csv``: per edition the file, blob SHA, sheet, title
  and which rows of other Hebei units (辛集, 定州, 雄安) the file has (none: the cities are whole);
- the yearbook rows of ``hospitals.csv``, ``beds_in_hospitals.csv``, ``doctors.csv`` and
  ``gdp.csv`` (rows from other sources are kept as they are);
- ``data/indicators/flags/value_flags.csv``: the values the research lists as suspicious, kept as
  printed with a flag and a note (zh/en).
"""

from __future__ import annotations

import argparse
import csv
import io
import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parents[1]
INDICATORS = ROOT / "data" / "indicators"

REPO = "NNroc/MpoxPredict"
COMMIT = "4ddf84ea12165a8db828828522f5a70e165aa595"
FOLDER = "data/中国城市统计年鉴2001—2021年/"
DEFAULT_GIT_DIR = "/work/.mirror/NNroc+MpoxPredict/repo"
EDITIONS = range(2010, 2022)
#: Marks the rows this script owns in the value files (the rest are kept).
MARK = "《中国城市统计年鉴"

CITIES = {
    "北京市": ("110100", "110000"),
    "天津市": ("120100", "120000"),
    "石家庄市": ("130100", None),
    "唐山市": ("130200", None),
    "秦皇岛市": ("130300", None),
    "邯郸市": ("130400", None),
    "邢台市": ("130500", None),
    "保定市": ("130600", None),
    "张家口市": ("130700", None),
    "承德市": ("130800", None),
    "沧州市": ("130900", None),
    "廊坊市": ("131000", None),
    "衡水市": ("131100", None),
}
HEBEI = "河北省"
#: Slips of the copy's text recognition in row labels (the 2016 edition's "秦％岛市").
LABEL_FIXES = {"秦％岛市": "秦皇岛市"}
#: Units the atlas counts inside a city (Xinji in Shijiazhuang; Dingzhou and Xiong'an in
#: Baoding): a row of their own would mean the city rows leave them out.
INSIDE_UNITS = ("辛集", "定州", "雄安")

#: measure → (header pattern on the whitespace-free header text, indicator id, data years).
MEASURES = {
    "hospitals": (r"^医院([、.．]卫生院)?数[(（]", "hospitals", range(2009, 2021)),
    "hospital_beds": (r"^医院([、.．]卫生院)?床位数[(（]", "beds_in_hospitals", range(2009, 2021)),
    "doctors": (r"^(医生数[(（]执业医师\+执业助理医师[)）]|执业[(（]助理[)）]医师数)", "doctors",
                range(2009, 2021)),
    "gdp": (r"^地区生产总值[(（]当年价格", "gdp", (2010, 2019, 2020)),
    "resident_population": (r"^常住人口", None, (2020,)),
}

EDITION_TABLE = {
    # The health table's own title in the editions that number their tables.
    2020: "2-39 医院、床位和医生数",
    2021: "2-26 医院、床位和医生数",
}

#: Values kept as printed but suspicious (research note of 2026-12-07, checked against the
#: neighbouring years): (indicator, adcode, year) → (note, note_zh).
SUSPECT = {}
for _ind in ("hospitals", "beds_in_hospitals"):
    for _code, _name, _zh in (
        ("130200", "Tangshan", "唐山"),
        ("130300", "Qinhuangdao", "秦皇岛"),
        ("130700", "Zhangjiakou", "张家口"),
        ("130900", "Cangzhou", "沧州"),
    ):
        _what, _what_zh = ("hospital count", "医院数") if _ind == "hospitals" else (
            "bed count", "床位数")
        SUSPECT[(_ind, _code, 2012)] = (
            f"suspicious as printed: {_name}'s 2012 {_what} is far below the years around it "
            "(the hospital count about half); kept as the yearbook prints it",
            f"原表数值存疑：{_zh}2012年{_what_zh}远低于前后年份（医院数约为前后年份的一半）；"
            "按年鉴原值收录",
        )
SUSPECT.update({
    ("beds_in_hospitals", "110100", 2013): (
        "suspicious as printed: Beijing's 2013 bed count disagrees with Beijing's own health "
        "statistics and jumps against 2012 and 2014; kept as the yearbook prints it",
        "原表数值存疑：北京2013年床位数与北京卫生统计不符，且较2012、2014年跳升；按年鉴原值收录",
    ),
    ("hospitals", "130300", 2013): (
        "suspicious as printed: Qinhuangdao's 2013 hospital count is less than half of 2011 "
        "and 2014; kept as the yearbook prints it",
        "原表数值存疑：秦皇岛2013年医院数不到2011、2014年的一半；按年鉴原值收录",
    ),
    ("hospitals", "131100", 2014): (
        "suspicious as printed: Hengshui's 2014 hospital count jumps against 2013 and 2015; "
        "kept as the yearbook prints it",
        "原表数值存疑：衡水2014年医院数较2013、2015年跳升；按年鉴原值收录",
    ),
})
for _code, _name, _zh in (
    ("110100", "Beijing", "北京"),
    ("130300", "Qinhuangdao", "秦皇岛"),
    ("131100", "Hengshui", "衡水"),
):
    SUSPECT[("doctors", _code, 2016)] = (
        f"suspicious as printed: {_name}'s 2016 doctors dip below both 2015 and 2017; "
        "kept as the yearbook prints it",
        f"原表数值存疑：{_zh}2016年医师数低于2015年和2017年；按年鉴原值收录",
    )


#: Figures of the same definition and year bundled before from other documents:
#: (indicator, province prefix, year) → what and where (kept in the yearbook row's note).
ALSO_PUBLISHED = {
    ("doctors", "11", "2020"): "118541 in 《2020年北京市卫生健康工作概况》 (北京市卫生健康委员会, "
    "2023-03-03)",
    ("doctors", "12", "2020"): "49200 (4.92万, rounded to a hundred) in 天津概况 · 卫生事业概况 "
    "(天津市人民政府, 2021-03-15)",
}


def _git_show(git_dir: str, path: str) -> bytes:
    return subprocess.run(
        ["git", "--git-dir", git_dir, "show", f"{COMMIT}:{path}"],
        check=True, capture_output=True,
    ).stdout


def _files(git_dir: str) -> dict[int, tuple[str, str]]:
    """edition → (path, blob SHA) of its prefecture-level city file at COMMIT."""
    out = subprocess.run(
        ["git", "-c", "core.quotepath=off", "--git-dir", git_dir, "ls-tree", "-r", COMMIT,
         "--", FOLDER],
        check=True, capture_output=True, text=True,
    ).stdout
    found = {}
    for line in out.splitlines():
        meta, path = line.split("\t", 1)
        match = re.search(r"地级市（及以上城市）统计资料（(\d{4})年）\.xlsx$", path)
        if match:
            found[int(match.group(1))] = (path, meta.split()[2])
    missing = [e for e in EDITIONS if e not in found]
    if missing:
        sys.exit(f"editions {missing} not found at {COMMIT} in {git_dir}")
    return found


def _text(value) -> str:
    return "" if value is None else str(value)


def _squash(value) -> str:
    # The copy sometimes prints 巿 (U+5DFF) for 市.
    return re.sub(r"\s+", "", _text(value)).replace("巿", "市")


def _label(row) -> str:
    """The city name of a data row: the first cell, without spaces and English."""
    name = re.sub(r"[A-Za-z'’\s\u00a0]+", "", _text(row[0]))
    return LABEL_FIXES.get(name, name)


def _raw(value) -> str:
    """The value as printed in the cell (numbers without a trailing .0)."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return _text(value).strip()


def read_edition(edition: int, data: bytes) -> tuple[list[dict], dict]:
    """The cells of one edition and the file's facts (sheet, title, scope)."""
    import openpyxl
    from openpyxl.utils import get_column_letter

    book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    sheet = book.sheetnames[0]
    rows = [tuple(r) for r in book[sheet].iter_rows(values_only=True)]
    title = next(_text(r[0]) for r in rows if re.search(r"年地级以上城市数据", _text(r[0])))
    data_year = int(re.search(r"中国(\d{4})年", title).group(1))
    if data_year != edition - 1:
        raise ValueError(f"edition {edition}: title {title!r} names data year {data_year}")
    first_data = next(i for i, r in enumerate(rows) if _label(r) in CITIES)
    header_rows = rows[:first_data]
    cells, columns = [], {}
    for measure, (pattern, indicator, years) in MEASURES.items():
        if data_year not in years:
            continue
        hits = [
            (i, j) for i, r in enumerate(header_rows) for j, c in enumerate(r)
            if re.search(pattern, _squash(c))
        ]
        if len(hits) != 1:
            raise ValueError(f"edition {edition}: {measure} header found {len(hits)} times")
        i, j = hits[0]
        # The 全市/市辖区 pair sits in a row below the header (some editions put an English
        # header row between them).
        sub = next(
            (k for k in range(i + 1, len(header_rows))
             if _squash(header_rows[k][j]).startswith(("全市", "市辖区"))),
            None,
        )
        if sub is None or not _squash(header_rows[sub][j]).startswith("全市"):
            raise ValueError(f"edition {edition}: {measure} column {j + 1} is not 全市")
        if not _squash(header_rows[sub][j + 1]).startswith("市辖区"):
            raise ValueError(f"edition {edition}: {measure} column {j + 2} is not 市辖区")
        header = " ".join(_text(header_rows[i][j]).split())
        columns[measure] = (j, header, indicator)
    seen = set()
    for r_index, row in enumerate(rows[first_data:], start=first_data):
        label = _label(row)
        if label not in CITIES and label != HEBEI:
            continue
        if label in seen:
            raise ValueError(f"edition {edition}: row {label} twice")
        seen.add(label)
        for measure, (j, header, indicator) in columns.items():
            cells.append({
                "edition": edition,
                "data_year": data_year,
                "measure": measure,
                "indicator": indicator or "",
                "row_label": " ".join(_text(row[0]).split()),
                "unit_name": label,
                "adcode": CITIES[label][0] if label in CITIES else "130000",
                "column": "全市",
                "header": header,
                "sheet": sheet,
                "cell": f"{get_column_letter(j + 1)}{r_index + 1}",
                "raw": _raw(row[j]),
            })
    missing = set(CITIES) - seen
    if missing:
        raise ValueError(f"edition {edition}: no row for {sorted(missing)}")
    inside = sorted({
        " ".join(_text(r[0]).split()) for r in rows[first_data:]
        if any(u in _text(r[0]) for u in INSIDE_UNITS)
    })
    facts = {"sheet": sheet, "title": title, "data_year": data_year,
             "rows_of_units_inside_cities": ";".join(inside)}
    return cells, facts


def unit_factor(header: str) -> float:
    """Multiplier to the catalog unit: GDP in 亿元 (万元 headers ÷ 10,000); counts as they are."""
    if "万元" in header:
        return 1e-4
    return 1.0


def as_value(cell: dict) -> float | None:
    raw = cell["raw"]
    if raw == "":
        return None
    return float(raw) * unit_factor(cell["header"])


def source_text(cell: dict) -> str:
    table = EDITION_TABLE.get(cell["edition"], "地级以上城市数据")
    return (
        f"{MARK}{cell['edition']}》 (国家统计局城市社会经济调查司, 中国统计出版社), "
        f"{table}, {cell['unit_name']} 全市: '{cell['header']}' "
        f"(sheet {cell['sheet']}, cell {cell['cell']})"
    )


def blob_url(path: str) -> str:
    return f"https://github.com/{REPO}/blob/{COMMIT}/{quote(path)}"


def _fmt(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.4f}".rstrip("0")


def write_values(cells: list[dict], files: dict[int, tuple[str, str]]) -> None:
    by_indicator: dict[str, list[dict]] = {}
    for cell in cells:
        if not cell["indicator"]:
            continue
        value = as_value(cell)
        if value is None:
            continue
        path, sha = files[cell["edition"]]
        note = (
            f"data year {cell['data_year']}, edition {cell['edition']}; "
            f"secondary copy: GitHub {REPO} @{COMMIT[:12]}, blob {sha[:12]}"
        )
        if cell["measure"] == "gdp":
            note += f"; printed in {'万元' if '万元' in cell['header'] else '亿元'}"
        levels = []
        if cell["unit_name"] == HEBEI:
            if cell["measure"] == "gdp":
                continue  # the file's province GDP rows are empty; a sum of cities is not GDP
            levels.append(("province", "130000"))
        else:
            prefecture, province = CITIES[cell["unit_name"]]
            levels.append(("prefecture", prefecture))
            if province:  # a municipality is its own province
                levels.append(("province", province))
        for level, adcode in levels:
            by_indicator.setdefault(cell["indicator"], []).append({
                "level": level,
                "adcode": adcode,
                "name_zh": cell["unit_name"],
                "year": str(cell["data_year"]),
                "value": _fmt(value),
                "source": source_text(cell),
                "url": blob_url(path),
                "note": note,
            })
    header = ["level", "adcode", "name_zh", "year", "value", "source", "url", "note"]
    for indicator, rows in by_indicator.items():
        path = INDICATORS / f"{indicator}.csv"
        kept = []
        if path.exists():
            with path.open(encoding="utf-8", newline="") as handle:
                kept = [r for r in csv.DictReader(handle) if not r["source"].startswith(MARK)]
        ours = {(r["level"], r["adcode"], r["year"]) for r in rows}
        # Where the yearbook gives the same definition and year as a row bundled before, the
        # yearbook is used (SOURCES.md says why) and the other figure stays in the note.
        kept = [r for r in kept if (r["level"], r["adcode"], r["year"]) not in ours]
        for row in rows:
            other = ALSO_PUBLISHED.get((indicator, row["adcode"][:2], row["year"]))
            if other:
                row["note"] += (
                    f"; the same definition is also published as {other} (not used: the "
                    "yearbook series is one compilation for all 13 cities and every year, "
                    "unrounded)"
                )
        order = {"province": 0, "prefecture": 1, "county": 2}
        merged = sorted(
            kept + rows, key=lambda r: (int(r["year"] or 0), order[r["level"]], r["adcode"])
        )
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=header, lineterminator="\n")
            writer.writeheader()
            writer.writerows(merged)


def write_flags(cells: list[dict]) -> None:
    """value_flags.csv: suspicious yearbook values, and the province rows that add them up."""
    rows = []
    for (indicator, adcode, year), (note, note_zh) in sorted(SUSPECT.items()):
        rows.append(["suspect", indicator, "prefecture", adcode, year, note, note_zh])
        if adcode in ("110100", "120100"):
            rows.append(["suspect", indicator, "province", adcode[:2] + "0000", year, note,
                         note_zh])
    # The file's 河北省 row adds up its cities: it carries their doubts.
    hebei_years = {(c["indicator"], c["data_year"]) for c in cells
                   if c["unit_name"] == HEBEI and c["raw"] != "" and c["indicator"]}
    for indicator, year in sorted(hebei_years):
        flagged = sorted(a for (i, a, y) in SUSPECT if i == indicator and y == year
                         and a.startswith("13"))
        if flagged:
            names = [n for n, (code, _) in CITIES.items() if code in flagged]
            rows.append([
                "suspect", indicator, "province", "130000", year,
                "suspicious as printed: the province row adds up city values flagged as "
                f"suspicious ({', '.join(names)})",
                f"原表数值存疑：全省数为各市之和，含存疑的城市数值（{'、'.join(names)}）",
            ])
    with (INDICATORS / "flags" / "value_flags.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["flag", "indicator", "level", "adcode", "year", "note", "note_zh"])
        writer.writerows(sorted(rows, key=lambda r: (r[1], r[4], r[2], r[3])))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--git-dir", default=DEFAULT_GIT_DIR)
    args = parser.parse_args(argv)
    files = _files(args.git_dir)
    cells, facts = [], []
    for edition in EDITIONS:
        path, sha = files[edition]
        found, fact = read_edition(edition, _git_show(args.git_dir, path))
        for cell in found:
            cell.update({"path": path, "blob_sha": sha})
        cells += found
        facts.append({"edition": edition, "path": path, "blob_sha": sha, **fact})
    cell_fields = ["edition", "data_year", "measure", "indicator", "unit_name", "adcode",
                   "row_label", "column", "header", "sheet", "cell", "raw", "path", "blob_sha"]
    with (INDICATORS / "city_yearbook" / "cells.csv").open("w", encoding="utf-8", newline="") as h:
        writer = csv.DictWriter(h, fieldnames=cell_fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows(cells)
    fact_fields = ["edition", "data_year", "path", "blob_sha", "sheet", "title",
                   "rows_of_units_inside_cities"]
    with (INDICATORS / "city_yearbook" / "files.csv").open("w", encoding="utf-8", newline="") as h:
        writer = csv.DictWriter(h, fieldnames=fact_fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows(facts)
    write_values(cells, files)
    write_flags(cells)
    print(f"{len(cells)} cells from {len(EDITIONS)} editions")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
