"""Maintain the interface's message catalogues (``geo/locale/<lang>/LC_MESSAGES/messages.po``).

Each message's msgid is the key the code uses (``text("no_data", lang)``, ``t('no_data')`` in a
template); its msgstr is the text in that language. ``zh.po`` carries the English text as an
extracted comment (``#. en: …``) so a translator sees the source. Run it as

    python scripts/i18n_catalogues.py check         # exit 1 on a missing translation, a stale
                                                    # .pot, or a key the code uses but no
                                                    # catalogue has; lists keys no code uses
    python scripts/i18n_catalogues.py add FILE.py   # append a Python file's {key: {"en", "zh"}}
                                                    # dicts (e.g. another branch's additions to
                                                    # the old TEXT dict) to the catalogues
    python scripts/i18n_catalogues.py update        # rewrite the .pot from the .po files and
                                                    # refresh zh.po's "#. en:" comments
"""

from __future__ import annotations

import argparse
import ast
import io
import re
import sys
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
LOCALE_DIR = ROOT / "geo" / "locale"
LANGS = ("en", "zh")
DOMAIN = "messages"
PROJECT = "JJJ Atlas"
#: Fixed header dates: regenerating a catalogue gives the same bytes (no churn in diffs).
HEADER_DATE = datetime(2026, 12, 7, tzinfo=UTC)
SOURCE_COMMENT = "en: "

#: Where the code reads interface strings: .py modules and Jinja templates.
CODE_DIRS = ("geo", "webmap")
#: ``text("key"``, ``t('key')`` (templates), ``TEXT["key"]``; a key ending in ``_`` or an
#: f-string's head (``text(f"groups_{x}"``, ``t('weight_' ~ w)``) is a prefix read at run time.
_KEY = r"""f?['"]([a-z][a-z0-9_]*)(['"{])"""
KEY_USE = re.compile(r"(?:(?<![\w.])(?:text|t)\(|\bTEXT\[)\s*" + _KEY)
#: Keys a module reads under a prefix of its own: the link map's ``link_text("title", …)``,
#: ``spec.t('title')`` and ``self.t("title")`` (geo/maps/linkmap.py) read ``linkmap_title``.
PREFIXED_USE = {
    re.compile(r"(?:(?<![\w.])link_text|\bspec\.t|\bself\.t)\(\s*" + _KEY): "linkmap_",
}
#: Keys built at run time in a way the scan cannot see: a catalogue key starting with one of
#: these counts as used. Say where each is built.
DYNAMIC_PREFIXES = (
    "linkmap_",  # geo/maps/linkmap.py: every linkmap_* message is sent to the page as a label
    "link_kind_",  # geo/sources/links.py: KIND_LABELS, one label per link kind
)


def po_path(lang: str, locale_dir: Path = LOCALE_DIR) -> Path:
    return locale_dir / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def pot_path(locale_dir: Path = LOCALE_DIR) -> Path:
    return locale_dir / f"{DOMAIN}.pot"


def _new_catalog(lang: str | None) -> Catalog:
    return Catalog(
        locale=lang,
        domain=DOMAIN,
        project=PROJECT,
        version="0.1.0",
        copyright_holder="JJJ Atlas contributors",
        msgid_bugs_address="",
        creation_date=HEADER_DATE,
        revision_date=HEADER_DATE,
        fuzzy=False,
        header_comment=(
            "# Interface strings of JJJ Atlas. msgid = the key the code uses.\n"
            "# Edit msgstr, then run: python scripts/i18n_catalogues.py check"
        ),
    )


def read_catalog(path: Path, lang: str | None) -> Catalog:
    with path.open("rb") as f:
        return read_po(f, locale=lang, domain=DOMAIN)


def _dump(catalog: Catalog, *, sort: bool = False) -> bytes:
    buf = io.BytesIO()
    write_po(buf, catalog, width=90, sort_output=sort, ignore_obsolete=True)
    return buf.getvalue()


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def load(locale_dir: Path = LOCALE_DIR) -> dict[str, dict[str, str]]:
    """key → {lang: text}, in the order of the English catalogue (missing texts are "")."""
    by_lang = {lang: read_catalog(po_path(lang, locale_dir), lang) for lang in LANGS}
    keys = [m.id for m in by_lang["en"] if m.id]
    keys += [m.id for m in by_lang["zh"] if m.id and m.id not in by_lang["en"]]
    out: dict[str, dict[str, str]] = {}
    for key in keys:
        out[key] = {}
        for lang in LANGS:
            message = by_lang[lang].get(key)
            out[key][lang] = (message.string if message else "") or ""
    return out


def _source_comment(en: str) -> str:
    return SOURCE_COMMENT + en.replace("\n", "\\n")


def render(entries: Mapping[str, Mapping[str, str]]) -> dict[Path | str, bytes]:
    """The files for ``entries`` (in their order): each language's .po and the sorted .pot."""
    files: dict[Path | str, bytes] = {}
    for lang in LANGS:
        catalog = _new_catalog(lang)
        for key, texts in entries.items():
            comments = [_source_comment(texts.get("en", ""))] if lang != "en" else []
            catalog.add(key, texts.get(lang, ""), auto_comments=comments)
        files[lang] = _dump(catalog)
    template = _new_catalog(None)
    for key in entries:
        template.add(key, "")
    files["pot"] = _dump(template, sort=True)
    return files


def write_all(entries: Mapping[str, Mapping[str, str]], locale_dir: Path = LOCALE_DIR) -> None:
    files = render(entries)
    for lang in LANGS:
        _write(po_path(lang, locale_dir), files[lang])
    _write(pot_path(locale_dir), files["pot"])


def dicts_in_file(path: Path) -> dict[str, dict[str, str]]:
    """Every top-level ``NAME = {key: {"en": …, "zh": …}}`` literal in a Python file, merged."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: dict[str, dict[str, str]] = {}
    for node in tree.body:
        value = node.value if isinstance(node, (ast.Assign, ast.AnnAssign)) else None
        if not isinstance(value, ast.Dict):
            continue
        try:
            literal = ast.literal_eval(value)
        except ValueError:
            continue
        if literal and all(
            isinstance(k, str) and isinstance(v, dict) and {"en", "zh"} <= set(v)
            for k, v in literal.items()
        ):
            found.update({k: {"en": v["en"], "zh": v["zh"]} for k, v in literal.items()})
    return found


def add(paths: Iterable[Path], prefix: str = "", locale_dir: Path = LOCALE_DIR) -> list[str]:
    """Append the files' entries (``prefix`` + key) to the catalogues; returns problems."""
    entries = load(locale_dir) if po_path("en", locale_dir).exists() else {}
    problems: list[str] = []
    added = 0
    for path in paths:
        new = dicts_in_file(Path(path))
        if not new:
            problems.append(f"{path}: no dict of {{key: {{'en': ..., 'zh': ...}}}} found")
        for key, texts in new.items():
            key = prefix + key
            if key in entries:
                if entries[key] != texts:
                    problems.append(f"{key}: already in the catalogue with other text, kept")
                continue
            entries[key] = texts
            added += 1
    write_all(entries, locale_dir)
    print(f"added {added} message(s)")
    return problems


def used_keys(
    dirs: Iterable[Path] = tuple(ROOT / d for d in CODE_DIRS),
) -> tuple[dict[str, str], dict[str, str]]:
    """(keys, prefixes) the code reads literally → the first file:line that reads each."""
    used: dict[str, str] = {}
    prefixes: dict[str, str] = {}
    for folder in dirs:
        for path in sorted(folder.rglob("*")):
            if path.suffix not in (".py", ".html") or "locale" in path.parts:
                continue
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                shown = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path
                where = f"{shown}:{number}"
                found = [("", m) for m in KEY_USE.findall(line)]
                for pattern, prefix in PREFIXED_USE.items():
                    found += [(prefix, m) for m in pattern.findall(line)]
                for prefix, (key, end) in found:
                    if end == "{" or key.endswith("_"):
                        prefixes.setdefault(prefix + key, where)
                    else:
                        used.setdefault(prefix + key, where)
    return used, prefixes


def check(
    locale_dir: Path = LOCALE_DIR, code_dirs: Iterable[Path] | None = None
) -> tuple[list[str], list[str]]:
    """(errors, notes): errors make ``check`` fail; notes list keys no code reads literally.

    ``code_dirs``: where to look for keys the code uses (default ``geo/`` and ``webmap/``).
    """
    errors: list[str] = []
    notes: list[str] = []
    entries = load(locale_dir)
    for key, texts in entries.items():
        for lang in LANGS:
            if not texts[lang].strip():
                errors.append(f"{key}: no {lang} translation ({po_path(lang, locale_dir).name})")
    zh = read_catalog(po_path("zh", locale_dir), "zh")
    for message in zh:
        if message.id and message.id in entries:
            wanted = _source_comment(entries[message.id]["en"]).split()
            if " ".join(message.auto_comments).split() != wanted:
                errors.append(f"{message.id}: zh.po's '#. en:' comment is stale (run update)")
    pot = pot_path(locale_dir)
    template = [m.id for m in read_catalog(pot, None) if m.id] if pot.exists() else []
    if template != sorted(entries):
        errors.append(f"{pot}: out of date with the .po files (run update)")
    used, prefixes = used_keys(code_dirs) if code_dirs is not None else used_keys()
    for key, where in sorted(used.items()):
        if key not in entries:
            errors.append(f"{key}: used at {where} but in no catalogue")
    for prefix, where in sorted(prefixes.items()):
        if not any(key.startswith(prefix) for key in entries):
            errors.append(f"{prefix}*: keys built at {where} but none in the catalogue")
    dynamic = (*DYNAMIC_PREFIXES, *prefixes)
    for key in entries:
        if key not in used and not key.startswith(dynamic):
            notes.append(key)
    return errors, notes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("check", help="fail on missing translations, a stale .pot, unknown keys")
    adding = sub.add_parser("add", help="append {key: {'en','zh'}} dicts from Python files")
    adding.add_argument("files", nargs="+", type=Path)
    adding.add_argument("--prefix", default="", help="prepended to every key added")
    sub.add_parser("update", help="rewrite the .pot and zh.po's source comments")
    args = parser.parse_args(argv)

    if args.command == "add":
        problems = add(args.files, args.prefix)
        for problem in problems:
            print(problem, file=sys.stderr)
        return 1 if problems else 0
    if args.command == "update":
        write_all(load())
        print(f"wrote {pot_path()} and refreshed {', '.join(LANGS)} catalogues")
        return 0
    errors, notes = check()
    if notes:
        print(f"{len(notes)} key(s) no code reads literally (built at run time?):")
        print("  " + " ".join(notes))
    for error in errors:
        print(error, file=sys.stderr)
    print(f"{len(load())} messages; {len(errors)} problem(s)")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
