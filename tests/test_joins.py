"""Joining indicator tables to units: adcodes in their usual forms, names and former names."""

import json

import pandas as pd
import pytest

from geo.errors import BadParameter
from geo.levels import LEVELS
from geo.paths import BOUNDARIES_DIR
from geo.sources.matching import aliases, join_table, normalise_name, parse_adcodes
from geo.sources.regions import regions


def names(values, **columns) -> pd.DataFrame:
    return pd.DataFrame({"name": values, "value": range(len(values)), **columns})


def matched_adcodes(result) -> list[str]:
    return result.matched.sort_values("row")["adcode"].tolist()


@pytest.mark.parametrize(
    "name",
    ["石家庄", "石家庄市", "Shijiazhuang", "shijiazhuang shi", "SHIJIAZHUANG CITY",
     " 石家庄市 ", "Shíjiāzhuāng", "Shijiazhuang Prefecture", "ｓｈｉｊｉａｚｈｕａｎｇ"],
)  # fmt: skip
def test_prefecture_name_variants(name):
    result = join_table(names([name]), "prefecture")
    assert matched_adcodes(result) == ["130100"]
    assert result.matched["how"].tolist() == ["name"]
    assert result.unmatched.empty and result.ambiguous.empty


@pytest.mark.parametrize(
    "code", [130100, "130100", "130100.0", 130100.0, "130100000000", 130100000000, " 130100 "]
)
def test_adcode_forms(code):
    result = join_table(pd.DataFrame({"adcode": [code], "value": [1.5]}), "prefecture")
    assert matched_adcodes(result) == ["130100"]
    assert result.matched["how"].tolist() == ["adcode"]
    row = result.frame.set_index("adcode").loc["130100"]
    assert row["value"] == 1.5


def test_parse_adcodes_rejects_other_lengths():
    parsed = parse_adcodes(pd.Series(["1301", "1301000", "abc", None, "130100000000"]))
    assert parsed.isna().tolist() == [True, True, True, True, False]


def test_adcode_first_then_name():
    table = pd.DataFrame(
        {"区划代码": ["130200", "999999", ""], "地区": ["石家庄", "保定市", "承德"]}
    )
    result = join_table(table, "prefecture")
    assert result.columns == {"adcode": "区划代码", "name": "地区", "parent": None}
    # The code wins over the name; an unknown code falls back to the name.
    assert matched_adcodes(result) == ["130200", "130600", "130800"]
    assert result.matched["how"].tolist() == ["adcode", "name", "name"]


def test_code_of_another_level_is_reported():
    result = join_table(pd.DataFrame({"code": ["130102"], "value": [1]}), "prefecture")
    assert result.matched.empty
    assert "not a prefecture" in result.unmatched["reason"].iloc[0]


@pytest.mark.parametrize(
    "name, adcode",
    [("通州", "110112"), ("通州区", "110112"), ("Tongzhou District", "110112"),
     ("tongzhou qu", "110112"), ("Chang'an", "130102"), ("Changan", "130102"),
     ("长安区", "130102"), ("滨海", "120116"), ("滨海新区", "120116"), ("青龙", "130321"),
     ("青龙县", "130321"), ("青龙满族自治县", "130321"), ("赵县", "130133"),
     ("冀州", "131103"), ("蓟州", "120119"), ("Cixian", "130427")],
)  # fmt: skip
def test_county_name_variants(name, adcode):
    result = join_table(names([name]), "county")
    assert matched_adcodes(result) == [adcode]


@pytest.mark.parametrize("name", ["承德市", "赵", "石家庄市", "井陉矿"])
def test_suffixes_do_not_merge_units(name):
    # 承德市 is the prefecture, not 承德县; a one-character stem names nothing.
    result = join_table(names([name]), "county")
    assert result.matched.empty


@pytest.mark.parametrize(
    "former, adcode",
    [("冀州市", "131103"), ("滦县", "130284"), ("蓟县", "120119"), ("密云县", "110118"),
     ("藁城市", "130109"), ("任县", "130505")],
)  # fmt: skip
def test_renamed_counties(former, adcode):
    result = join_table(names([former]), "county")
    assert matched_adcodes(result) == [adcode]
    assert result.matched["how"].tolist() == ["alias"]
    assert result.matched["note"].iloc[0]
    assert result.report()["aliases_used"][0]["adcode"] == adcode


def test_alias_table_is_well_formed():
    table = pd.read_csv(BOUNDARIES_DIR / "aliases.csv", dtype=str, keep_default_na=False)
    assert list(table.columns) == ["alias", "adcode", "note"]
    assert (table["note"].str.strip() != "").all()
    assert not table.duplicated(["alias", "adcode"]).any()
    every_unit = pd.concat([regions(level)["adcode"] for level in LEVELS])
    assert table["adcode"].isin(every_unit).all()
    # Every rename listed is of a county-level unit.
    assert len(aliases("county")) == len(table)


@pytest.mark.parametrize("name", ["桥西区", "新华区", "Jizhou District", "Qiaoxi District"])
def test_ambiguous_name_without_parent(name):
    result = join_table(names([name]), "county")
    assert result.matched.empty and result.unmatched.empty
    assert len(result.ambiguous) == 1
    assert len(result.ambiguous["candidates"].iloc[0]) >= 2
    assert "parent" in result.ambiguous["reason"].iloc[0]


def test_parent_column_disambiguates():
    table = pd.DataFrame(
        {
            "区县": ["桥西区", "桥西区", "新华区", "Jizhou District", "桥东区", "桥东区"],
            "城市": ["张家口市", "石家庄", "沧州市", "Tianjin", "邢台市", "张家口"],
            "value": range(6),
        }
    )
    result = join_table(table, "county")
    assert result.columns == {"adcode": None, "name": "区县", "parent": "城市"}
    assert matched_adcodes(result) == ["130703", "130104", "130902", "120119", "130502", "130702"]
    assert result.matched["how"].tolist() == ["name", "name", "name", "name", "alias", "name"]


def test_explicit_parent_column_and_mismatch():
    table = pd.DataFrame({"n": ["桥西区", "通州区"], "p": ["130700", "天津市"]})
    result = join_table(table, "county", name_column="n", parent_column="p")
    assert matched_adcodes(result) == ["130703"]
    assert "none within '天津市'" in result.unmatched["reason"].iloc[0]


def test_duplicates_keep_first_and_report_all():
    table = names(["石家庄", "石家庄市", "保定"])
    result = join_table(table, "prefecture")
    assert result.duplicated["row"].tolist() == [0, 1]
    assert result.duplicated["kept"].tolist() == [True, False]
    frame = result.frame.set_index("adcode")
    assert frame.loc["130100", "value"] == 0
    assert result.report()["duplicated"] == [
        {"adcode": "130100", "name_zh": "石家庄市", "name_en": "Shijiazhuang", "rows": [0, 1],
         "kept": 0}
    ]  # fmt: skip


@pytest.mark.parametrize("name", ["Atlantis", "<script>x</script>", "", None, 42])
def test_unknown_names_are_unmatched(name):
    result = join_table(names([name]), "prefecture")
    assert result.matched.empty and result.ambiguous.empty
    assert len(result.unmatched) == 1 and result.unmatched["reason"].iloc[0]


def test_province_short_names():
    result = join_table(names(["河北", "北京", "天津市", "Hebei Province"]), "province")
    assert matched_adcodes(result) == ["130000", "110000", "120000", "130000"]


@pytest.mark.parametrize("name", ["雄安", "雄安新区", "Xiong'an New Area", "Xiongan"])
def test_xiongan(name):
    result = join_table(names([name]), "prefecture")
    assert matched_adcodes(result) == ["133100"]


def test_frame_has_one_row_per_unit():
    table = pd.DataFrame({"adcode": ["130100"], "name_zh": ["石家庄市"], "value": [3.0]})
    result = join_table(table, "prefecture")
    units = regions("prefecture")
    assert result.frame.crs.to_epsg() == 4326
    assert result.frame["adcode"].tolist() == units["adcode"].tolist()
    # Clashing table columns are kept under another name.
    assert "name_zh_input" in result.frame.columns and "adcode_input" in result.frame.columns
    assert result.frame["value"].notna().sum() == 1


def test_every_unit_joins_by_its_own_names():
    for level in LEVELS:
        units = regions(level)
        for column in ("name_zh", "name_en"):
            result = join_table(pd.DataFrame({"name": units[column]}), level)
            joined = result.matched.set_index("row")["adcode"]
            assert (joined == units["adcode"].loc[joined.index]).all()
            # Only names shared by two units of the level are left out.
            shared = units[column].duplicated(keep=False) | units[column].isin(
                aliases(level)["alias"]
            )
            assert set(result.ambiguous.index) == set(units.index[shared])


def test_no_usable_column_raises():
    table = pd.DataFrame({"foo": [1], "bar": [2]})
    with pytest.raises(BadParameter) as error:
        join_table(table, "prefecture")
    message = str(error.value)
    assert "foo" in message and "bar" in message and "adcode" in message


def test_named_column_must_exist():
    with pytest.raises(BadParameter, match="name_column"):
        join_table(names(["石家庄"]), "prefecture", name_column="城市")


def test_unknown_level_raises():
    with pytest.raises(BadParameter):
        join_table(names(["石家庄"]), "township")


def test_report_is_json_ready():
    table = names(["石家庄", "石家庄市", "Atlantis", "桥西区", "冀州市"], 城市=[""] * 5)
    table.index = [10, 11, 12, 13, 14]
    report = join_table(table, "county").report()
    json.dumps(report)
    counts = report["counts"]
    assert counts["rows"] == 5
    assert counts["unmatched"] == 3 and counts["ambiguous"] == 1
    assert counts["matched_by_alias"] == 1
    assert report["ambiguous"][0]["row"] == 13
    assert {c["adcode"] for c in report["ambiguous"][0]["candidates"]} >= {"130104", "130703"}
    assert report["unmatched"][2]["name"] == "Atlantis"
    assert len(report["units_without_data"]) == counts["units"] - counts["units_with_data"]


def test_normalise_name():
    assert normalise_name(" Chang'an  District ") == "changandistrict"
    assert normalise_name("<script>x</script>") == "scriptxscript"
    assert normalise_name(None) == ""
