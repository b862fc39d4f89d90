"""The interface strings' gettext catalogues (geo/locale): complete, current, read as written."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from geo import i18n
from geo.i18n import LANGS, TEXT, catalogue_path, read_catalogue, text

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
import i18n_catalogues as catalogues  # noqa: E402

SAMPLE = {
    "greeting": {"en": "Hello", "zh": "你好"},
    "units": {"en": "{n} units", "zh": "{n}个单位"},
}


def babel_messages(path: Path) -> dict[str, str]:
    with path.open("rb") as f:
        return {m.id: m.string for m in read_po(f) if m.id and m.string}


@pytest.fixture
def locale(tmp_path: Path) -> Path:
    """A small catalogue in a temporary locale folder, complete and current."""
    catalogues.write_all(SAMPLE, tmp_path)
    (tmp_path / "code").mkdir()
    (tmp_path / "code" / "page.py").write_text('text("greeting", lang)\nt(f"units{x}")\n')
    return tmp_path


def errors_of(locale: Path) -> list[str]:
    return catalogues.check(locale, code_dirs=[locale / "code"])[0]


def test_real_catalogues_pass_the_check():
    errors, _unused = catalogues.check()
    assert errors == []


def test_every_key_has_english_and_chinese():
    assert len(TEXT) > 400
    for key, texts in TEXT.items():
        assert set(texts) == set(LANGS), key
        assert all(texts[lang].strip() for lang in LANGS), key


def test_both_catalogues_hold_the_same_keys_in_the_same_order():
    en, zh = (list(read_catalogue(catalogue_path(lang))) for lang in LANGS)
    assert en == zh == list(TEXT)


def test_text_returns_the_catalogues_string():
    for lang in LANGS:
        for key, string in babel_messages(catalogue_path(lang)).items():
            assert text(key, lang) == string
    assert text("no_data", "zh") == "无数据"
    assert text("no such key", "en") == "no such key"  # falls back to the key


def test_the_small_reader_agrees_with_babel(tmp_path):
    for lang in LANGS:
        assert read_catalogue(catalogue_path(lang)) == babel_messages(catalogue_path(lang))
    tricky = {
        "quote": {"en": 'say "hi"\\ now', "zh": "说“你好”"},
        "lines": {"en": "one\ntwo\ttab " + "long words " * 20, "zh": "一\n二"},
        "spaces": {"en": " in {year}", "zh": "{year}年"},
    }
    catalogues.write_all(tricky, tmp_path)
    for lang in LANGS:
        path = catalogues.po_path(lang, tmp_path)
        read = read_catalogue(path)
        assert read == babel_messages(path) == {k: v[lang] for k, v in tricky.items()}


def test_zh_catalogue_shows_the_english_source():
    po = catalogue_path("zh").read_text(encoding="utf-8")
    assert '#. en: no data\nmsgid "no_data"\nmsgstr "无数据"' in po


def test_module_strings_come_from_the_catalogues():
    from geo.maps import linkmap
    from geo.render import layout
    from geo.sources import links

    assert linkmap.TEXT["year"] == TEXT["linkmap_year"] != TEXT["year"]
    assert set(links.KIND_LABELS) == {*links.KINDS, links.UPLOADED_KIND}
    assert links.KIND_LABELS["joint-park"] == {"en": "Jointly built park", "zh": "共建园区"}
    assert layout.BOUNDARY_SOURCE == TEXT["boundary_note"]


def test_geo_i18n_imports_without_flask_or_babel():
    code = (
        "import sys; sys.modules['flask'] = None\n"
        "import geo.i18n as i\n"
        "assert i.text('atlas', 'zh') == '京津冀资源地图集'\n"
        "assert 'babel' not in sys.modules and 'geo.analysis' not in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True)


def test_check_passes_a_complete_catalogue(locale):
    assert errors_of(locale) == []


def test_check_fails_on_a_message_without_chinese(locale):
    catalogues.write_all({**SAMPLE, "new": {"en": "New", "zh": ""}}, locale)
    assert any("new: no zh translation" in e for e in errors_of(locale))


def test_check_fails_on_a_message_only_in_english(locale):
    en = catalogues.po_path("en", locale)
    en.write_text(en.read_text(encoding="utf-8") + '\nmsgid "extra"\nmsgstr "Extra"\n')
    errors = errors_of(locale)
    assert any("extra: no zh translation" in e for e in errors)
    assert any("out of date" in e for e in errors)  # the .pot lacks it too


def test_check_fails_on_a_stale_template(locale):
    pot = catalogues.pot_path(locale)
    pot.write_text(pot.read_text(encoding="utf-8").replace('msgid "units"', 'msgid "old"'))
    assert any("out of date" in e for e in errors_of(locale))
    catalogues.write_all(catalogues.load(locale), locale)  # what ``update`` does
    assert errors_of(locale) == []


def test_check_fails_on_a_stale_english_source_comment(locale):
    zh = catalogues.po_path("zh", locale)
    zh.write_text(zh.read_text(encoding="utf-8").replace("#. en: Hello", "#. en: Hi"))
    assert any("greeting: zh.po's '#. en:' comment is stale" in e for e in errors_of(locale))


def test_check_fails_on_a_key_the_code_uses_but_no_catalogue_has(locale):
    (locale / "code" / "new.html").write_text("<p>{{ t('missing_key') }}</p>")
    (locale / "code" / "other.py").write_text('x = text(f"nothing_{k}", lang)\n')
    errors = errors_of(locale)
    assert any(e.startswith("missing_key: used at") for e in errors)
    assert any(e.startswith("nothing_*: keys built at") for e in errors)


def test_check_lists_keys_no_code_uses(locale):
    catalogues.write_all({**SAMPLE, "orphan": {"en": "Orphan", "zh": "孤儿"}}, locale)
    errors, unused = catalogues.check(locale, code_dirs=[locale / "code"])
    assert errors == [] and unused == ["orphan"]  # "units" is read as a prefix (f-string)


def test_add_appends_another_branchs_dict(locale):
    branch = locale / "branch_text.py"
    branch.write_text(
        "TEXT = {\n"
        '    "greeting": {"en": "Hello", "zh": "你好"},\n'
        '    "farewell": {"en": "Goodbye", "zh": "再见"},\n'
        '    "units": {"en": "{n} items", "zh": "{n}项"},\n'
        "}\n"
    )
    problems = catalogues.add([branch], locale_dir=locale)
    assert problems == ["units: already in the catalogue with other text, kept"]
    entries = catalogues.load(locale)
    assert list(entries) == ["greeting", "units", "farewell"]
    assert entries["farewell"] == {"en": "Goodbye", "zh": "再见"}
    assert entries["units"] == SAMPLE["units"]
    (locale / "code" / "page.py").write_text('text("greeting", l)\ntext("farewell", l)\n')
    assert catalogues.check(locale, code_dirs=[locale / "code"]) == ([], ["units"])


def test_the_script_runs_from_the_command_line():
    done = subprocess.run(
        [sys.executable, "scripts/i18n_catalogues.py", "check"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    assert f"{len(TEXT)} messages; 0 problem(s)" in done.stdout


def test_catalogues_are_packaged_and_babel_is_a_dependency():
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert 'geo = ["locale/*.pot", "locale/*/LC_MESSAGES/*.po"]' in pyproject
    assert '"babel>=2.18"' in pyproject
    assert i18n.LOCALE_DIR == ROOT / "geo" / "locale"
