"""Rebuild the located facility points and the grade-3A tier from two public GitHub files.

Usage (the two repositories checked out at the pinned commits below)::

    .venv/bin/python scripts/build_facility_points.py \\
        --wikidata sdm-test-data/d/hospital.001.wikidata.tsv \\
        --reference nwjf-hospital/json/hospital.js \\
        --insurance-list nwjf-hospital/pages/appoint/hospital.js

It rewrites ``data/facilities/facilities_wgs84.csv`` (coordinates, datum check, grade and
cleaned citations of existing rows) and ``data/facilities/grade3a_wgs84.csv``. Matches
between our rows and Wikidata items are listed below by hand (label + official website
read in the extract); everything else is computed. See data/facilities/SOURCES.md.
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import sys
from pathlib import Path

import pandas as pd
import shapely

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from geo.analysis.datum_check import check_point  # noqa: E402
from geo.paths import FACILITIES_DIR  # noqa: E402
from geo.sources.facilities import OPTIONAL_COLUMNS  # noqa: E402
from geo.sources.regions import regions  # noqa: E402

WIKIDATA_REPO = "fititnt/sdm-test-data"
WIKIDATA_PATH = "d/hospital.001.wikidata.tsv"
WIKIDATA_COMMIT = "c64bd08e3b65bd6e2782d7f34878c024b9d3edaf"
NWJF_REPO = "nwjf/hospital"
NWJF_COMMIT = "ba12294d2a22b742dde8ab6616a91ac0dfc095ed"

#: our facility id -> (Wikidata item, nwjf json/hospital.js id or "" when it has none)
RANKED_MATCHES = {
    "hosp-pumch": ("Q7161058", "bj001"),
    "hosp-plagh": ("Q4634345", ""),
    "hosp-pkufh": ("Q10550425", "bj005"),
    "hosp-puh3": ("Q7119542", "bj007"),
    "hosp-pkuph": ("Q10902160", "bj006"),
    "hosp-cams-cancer": ("Q10873320", ""),
    "hosp-tiantan": ("Q15945069", "bj014"),
    "hosp-fuwai": ("Q24831870", "bj033"),
    "hosp-tongren": ("Q4881199", "bj002"),
    "hosp-xuanwu": ("Q30254213", "bj003"),
    "hosp-bch": ("Q30253962", ""),
    "hosp-cjfh": ("Q5013040", "bj011"),
    "hosp-anzhen": ("Q30253961", "bj020"),
    "hosp-bjh": ("Q10861541", "bj049"),
    "hosp-pku-cancer": ("Q30254053", ""),
    "hosp-chaoyang": ("Q6424905", "bj010"),
    "hosp-bfh": ("Q24841026", "bj004"),
    "hosp-jst": ("Q4881153", "bj008"),
    "hosp-pkuss": ("Q30272251", ""),
    "hosp-cams-plastic": ("Q30280317", ""),
    "hosp-pku6": ("Q30260629", ""),
    "hosp-bjchest": ("Q30279996", ""),
    "hosp-tmugh": ("Q10939975", ""),
    "hosp-ihcams": ("Q30261303", ""),
    "hosp-hebmu2": ("Q11141287", ""),
    "hosp-hebmu4": ("Q30296287", ""),
}

#: Beijing insurance-list code of each ranked Beijing hospital (grade 三级甲等 and district).
RANKED_LIST_CODES = {
    "hosp-pumch": "01110003",
    "hosp-plagh": "08110003",  # 中国人民解放军总医院第一医学中心 (the 301 campus)
    "hosp-pkufh": "02110003",
    "hosp-puh3": "08110010",
    "hosp-pkuph": "02110002",
    "hosp-cams-cancer": "05155001",
    "hosp-tiantan": "03110001",
    "hosp-fuwai": "02155001",
    "hosp-tongren": "01110001",
    "hosp-xuanwu": "04110001",
    "hosp-bch": "02159043",
    "hosp-cjfh": "01110002",
    "hosp-anzhen": "05110002",
    "hosp-bjh": "01110005",
    "hosp-pku-cancer": "08155001",
    "hosp-chaoyang": "05110001",
    "hosp-bfh": "04110002",
    "hosp-jst": "02110001",
    "hosp-pkuss": "08155002",
    "hosp-cams-plastic": "07150409",
    "hosp-pku6": "08153001",
    "hosp-bjchest": "05154001",
}

#: Grade stated by a hospital's own public page (outside Beijing's list).
OWN_SITE_GRADES = {
    "hosp-tmuch": (
        "Tianjin Medical University, 'Cancer Hospital' (English site, undated): "
        "'a large Level 3, Grade A, specialized cancer hospital', "
        "http://www.tmu.edu.cn/_t101/127/list.htm"
    ),
    "hosp-hebmu2": (
        "The Second Hospital of Hebei Medical University, 'About us' (English site, snapshot "
        "2022-06-24): 'a comprehensive Grade III Class A hospital', "
        "http://222.222.30.137:6800/hberyuanEn/notice/aboutAs"
    ),
    "hosp-hebmu4": (
        "The Fourth Hospital of Hebei Medical University, 'Introduction' (English site, "
        "undated): 'a large comprehensive Grade A Tertiary hospital', "
        "http://www.hbydsy.com/english/Introduction/Director.htm"
    ),
}

#: Grade-3A institutions of the Beijing list that are not ranked: list code -> (Wikidata
#: item or "", nwjf json id or ""). Renamed military centres whose Wikidata label names a
#: predecessor are left unlocated rather than matched on an assumption.
GRADE3A_MATCHES = {
    "01151001": ("Q30254016", ""),
    "01151002": ("Q30260307", "bj013"),
    "01152001": ("Q30260523", ""),
    "01154001": ("Q10902105", ""),
    "02110016": ("Q28415802", ""),
    "02153001": ("Q17031740", ""),
    "03155001": ("Q30279843", ""),
    "04151001": ("Q24839228", "bj009"),
    "05110095": ("Q30260353", ""),
    "05151003": ("Q30281083", ""),
    "06151001": ("Q110226152", ""),
    "06154001": ("Q30280011", "bj040"),
    "06155001": ("Q1073484", "bj041"),
    "07151002": ("Q30264894", ""),
    "08110001": ("Q28415815", ""),
    "08110002": ("Q15933225", "bj015"),
    "08110007": ("Q30280235", ""),
    "08110024": ("Q18651313", ""),
    "08151001": ("Q30262771", "bj034"),
    "13151001": ("Q30271977", ""),
    "14153001": ("Q30280002", ""),
}

INSURANCE_LIST_CITATION = (
    "北京市医疗保障局 定点医疗机构查询 (Beijing Medical Insurance Bureau, list of designated "
    "medical institutions with district and grade; "
    "http://ybj.beijing.gov.cn/2020_zwfw/2020_bmcx/), "
    "as reproduced (institution code, name, district, grade) in GitHub "
    f"{NWJF_REPO} pages/appoint/hospital.js @{NWJF_COMMIT} (file dated 2023-03-24)"
)
REFERENCE_CITATION = (
    f"GitHub {NWJF_REPO} json/hospital.js @{NWJF_COMMIT} (2023-01-11; points read by a WeChat "
    "mini-program, i.e. GCJ-02), entry {ref_id} {ref_name}"
)
PAPER_000 = (
    "Jing & Zhang, 'Research on the Construction Status of the Beijing-Tianjin-Hebei Medical "
    "Talent Community ...', Proceedings of Business and Economic Studies, 2024-02-25, "
    "https://ojs.bbwpublisher.com/index.php/PBES"
)
PAPER_004 = "穆桂斌 & 杨君, 《京津冀人才一体化发展十周年回顾与展望》 (2024; no public URL found)"

#: Points used before this build, re-checked against the same reference (see the note).
PREVIOUS_POINTS = {
    "hosp-chaoyang": (116.4532, 39.9255, "en.wikipedia 'Beijing Chao-Yang Hospital' infobox"),
}


def read_wikidata(path: Path) -> dict[str, tuple[str, float, float, str]]:
    items = {}
    with open(path, encoding="utf-8") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            match = re.match(r"Point\(([-\d.]+) ([-\d.]+)\)", row["geo"] or "")
            qid = row["item"].rsplit("/", 1)[1]
            if match and qid not in items:  # first row of an item (some repeat per website)
                items[qid] = (
                    row["itemLabel"],
                    float(match[1]),
                    float(match[2]),
                    row["official_website"],
                )
    return items


def read_reference(path: Path) -> dict[str, tuple[str, float, float]]:
    text = path.read_text(encoding="utf-8")
    pattern = (
        r'\n  \{\s*\n\s*id: "(\w+)".*?name: "([^"]*)".*?longitude: ([\d.]+),\s*latitude: ([\d.]+)'
    )
    return {m[0]: (m[1], float(m[2]), float(m[3])) for m in re.findall(pattern, text, re.S)}


def read_insurance_list(path: Path) -> pd.DataFrame:
    text = path.read_text(encoding="utf-8").strip()
    text = re.sub(r"^module\.exports\s*=\s*", "", text).rstrip(";")
    frame = pd.DataFrame(json.loads(text)).rename(
        columns={"0": "code", "1": "name", "2": "district", "3": "kind", "4": "grade"}
    )
    return frame


def clean_citations(text: str) -> str:
    """Citations name public documents only (no research notes, no local files)."""
    text = text.replace(" - see research leads 5b", "")
    text = text.replace("seeds 000/001 s3.4", f"{PAPER_000} §3.4")
    text = re.sub(r"Named in [Ss]eeds 004", f"Named in {PAPER_004}", text)
    text = re.sub(r"^Seeds 004", PAPER_004, text)
    text = text.replace("Year = year of the seed report (004, 2024)", f"Year = year of {PAPER_004}")
    crawler = (
        r"GitHub public crawler config listing Beijing hospital HR pages with district "
        r"\(find_string id \d+; weak secondary\)"
    )
    text = re.sub(
        rf"District evidence: \S+ per {crawler}\.?",
        "District: see grade_source (Beijing insurance list).",
        text,
    )
    text = re.sub(rf"; also \S+ in {crawler}", "", text)
    text = text.replace(
        "District: see grade_source (Beijing insurance list). Confirmed:", "District confirmed:"
    )
    text = re.sub(
        r"District evidence: 天津市和平区鞍山道154号 in a public GitHub mini-program data file "
        r"\(find_string id \d+; weak secondary\); ",
        "District: the Wikidata point lies in 和平区; ",
        text,
    )
    text = text.replace(" (The GitHub file also has lat/lon but no stated datum; not used.)", "")
    return text


def drop_stale_gap_notes(text: str) -> str:
    """Remove 'no coordinate' remarks from rows that now have one."""
    text = text.replace(" No sourced coordinate found (lon/lat left empty).", "")
    text = text.replace(
        "No usable coordinate: the Wikipedia infobox point", "The Wikipedia infobox point"
    )
    return text


def point_county(counties, lon: float, lat: float) -> str:
    point = shapely.Point(lon, lat)
    hits = counties[counties.geometry.contains(point)]
    return hits.iloc[0]["adcode"] if len(hits) else ""


def locate(row: dict, qid: str, ref_id: str, wikidata, reference, counties) -> dict:
    """Fill coordinates, datum check and citations for one row (mutates and returns it)."""
    label, lon, lat, website = wikidata[qid]
    if ref_id:
        ref_name, ref_lon, ref_lat = reference[ref_id]
        check = check_point(lon, lat, ref_lon, ref_lat)
        row["ref_gcj02_lon"], row["ref_gcj02_lat"] = f"{ref_lon:.6f}", f"{ref_lat:.6f}"
        row["ref_source"] = REFERENCE_CITATION.format(ref_id=ref_id, ref_name=ref_name)
    else:
        check = check_point(lon, lat, float("nan"), float("nan"))
        row["ref_gcj02_lon"] = row["ref_gcj02_lat"] = row["ref_source"] = ""
    county = point_county(counties, check.lon, check.lat)
    claimed = row.get("county_adcode", "")
    if claimed and county != claimed:
        # A campus other than the registered one (or a wrong point): not placed.
        row["note"] = (
            row.get("note", "")
            + f" Not placed: the Wikidata point of {qid} ({label}) lies in county"
            f" {county or 'none'}, not in the listed district {claimed} (another campus)."
        ).strip()
        return row
    if not claimed:
        row["county_adcode"] = county
        row["note"] = (
            row.get("note", "") + " County from the located point (point-in-polygon)."
        ).strip()
    row["note"] = drop_stale_gap_notes(row.get("note", ""))
    row["lon"], row["lat"] = f"{check.lon:.6f}", f"{check.lat:.6f}"
    row["coord_original_lon"], row["coord_original_lat"] = repr(lon), repr(lat)
    row["datum_check"] = check.outcome
    row["location_precision"] = "site"
    row["coord_source"] = (
        f"Wikidata {qid} '{label}' coordinate location (P625, CC0), "
        f"https://www.wikidata.org/wiki/{qid}; read in the extract GitHub {WIKIDATA_REPO} "
        f"{WIKIDATA_PATH} @{WIKIDATA_COMMIT} (2024-08-08); matched by label and official "
        f"website {website or '(none given)'}"
    )
    return row


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--wikidata", type=Path, required=True)
    parser.add_argument("--reference", type=Path, required=True)
    parser.add_argument("--insurance-list", type=Path, required=True)
    args = parser.parse_args(argv)
    wikidata = read_wikidata(args.wikidata)
    reference = read_reference(args.reference)
    listed = read_insurance_list(args.insurance_list)
    grade3a = listed[listed["grade"] == "三级甲等"].set_index("code")
    counties = regions("county")
    district_adcode = {
        name: adcode
        for name, adcode in zip(counties["name_zh"], counties["adcode"])
        if adcode.startswith("11")
    }

    path = FACILITIES_DIR / "facilities_wgs84.csv"
    rows = list(csv.DictReader(open(path, encoding="utf-8")))
    for row in rows:
        for column in OPTIONAL_COLUMNS:
            row.setdefault(column, "")
        row["source"] = clean_citations(row["source"])
        row["note"] = clean_citations(row["note"])
        fid = row["id"]
        if fid in RANKED_LIST_CODES:
            code = RANKED_LIST_CODES[fid]
            entry = grade3a.loc[code]
            row["grade"] = "三级甲等"
            row["grade_source"] = (
                f"{INSURANCE_LIST_CITATION}: {code} {entry['name']}, {entry['district']}, 三级甲等"
            )
            listed_county = district_adcode[entry["district"]]
            if row["county_adcode"] != listed_county:
                raise SystemExit(f"{fid}: district {entry['district']} != {row['county_adcode']}")
        elif fid in OWN_SITE_GRADES:
            row["grade"] = "三级甲等"
            row["grade_source"] = OWN_SITE_GRADES[fid]
        if fid in RANKED_MATCHES:
            # Earlier Wikipedia-only values are replaced by the checked Wikidata point.
            for column in ("lon", "lat", "coord_source", "location_precision"):
                row[column] = ""
            qid, ref_id = RANKED_MATCHES[fid]
            locate(row, qid, ref_id, wikidata, reference, counties)
        if fid in PREVIOUS_POINTS:
            old_lon, old_lat, where = PREVIOUS_POINTS[fid]
            ref_id = RANKED_MATCHES[fid][1]
            old = check_point(old_lon, old_lat, *reference[ref_id][1:])
            row["note"] += (
                f" Re-check of the point used before ({old_lat}, {old_lon}, {where}): "
                f"{old.to_raw_reference_m:.0f} m from the raw GCJ-02 reference, "
                f"{old.to_converted_reference_m:.0f} m from its WGS 84 conversion, i.e. "
                f"{old.outcome}; replaced by the Wikidata point, which agrees with WGS 84."
            )
        if not row["datum_check"] and row["lon"]:
            row["datum_check"] = "unchecked"
        if row["category"] != "hospital" and not row["lon"] and row["county_adcode"]:
            row["location_precision"] = "district"
            row["note"] = (
                row["note"].rstrip()
                + " Drawn at the representative point of its district (location_precision"
                " district, computed from the boundary): approximate, never used for distances."
            )
    columns = list(rows[0].keys())
    write(path, rows, columns)

    ranked_codes = set(RANKED_LIST_CODES.values())
    tier_rows = []
    for code, entry in grade3a.iterrows():
        if code in ranked_codes:
            continue
        row = {column: "" for column in columns}
        row.update(
            {
                "id": f"g3a-bj-{code}",
                "name_zh": re.sub(r"\s+", " ", entry["name"]).strip(),
                "category": "hospital",
                "tier": "grade-3a",
                "county_adcode": district_adcode[entry["district"]],
                "source": (
                    f"{INSURANCE_LIST_CITATION}: {code}, {entry['district']}, "
                    f"{entry['kind']}, 三级甲等"
                ),
                "year": "2023",
                "grade": "三级甲等",
                "grade_source": f"{INSURANCE_LIST_CITATION}: {code}",
                "note": f"District {entry['district']} as listed (registered seat).",
            }
        )
        if code in GRADE3A_MATCHES:
            qid, ref_id = GRADE3A_MATCHES[code]
            row["name_en"] = wikidata[qid][0]
            locate(row, qid, ref_id, wikidata, reference, counties)
        else:
            row["note"] += " No Wikidata item with coordinates matched: unlocated."
        tier_rows.append(row)
    write(FACILITIES_DIR / "grade3a_wgs84.csv", tier_rows, columns)
    print(f"ranked/other rows: {len(rows)}; grade-3a tier rows: {len(tier_rows)}")
    return 0


def write(path: Path, rows: list[dict], columns: list[str]) -> None:
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


if __name__ == "__main__":
    raise SystemExit(main())
