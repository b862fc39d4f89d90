"""The interface's fixed strings in Chinese and English (data strings carry their own).

The strings live in gettext catalogues a translator edits without Python:
``geo/locale/<lang>/LC_MESSAGES/messages.po`` (msgid = the key the code uses, msgstr = the
text), with ``geo/locale/messages.pot`` as the template. :data:`TEXT` is built from them at
import by a small reader of the .po subset Babel writes (stdlib only, ~10 ms; Babel itself
takes ~0.4 s to import, so it serves the maintenance script and the tests, which check this
reader against ``babel.messages.pofile.read_po``). ``geo`` needs no Flask for any of it. To add
or change a string, edit both .po files and run ``python scripts/i18n_catalogues.py check``.
"""

from __future__ import annotations

import re
from pathlib import Path

from geo.errors import BadParameter

LANGS = ("en", "zh")
DEFAULT_LANG = "en"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"
DOMAIN = "messages"


def catalogue_path(lang: str) -> Path:
    return LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


_ESCAPE = re.compile(r"\\(.)")
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\"}


def _unquote(line: str) -> str:
    """The text of one quoted .po string (``"a \\"b\\" c"`` → ``a "b" c``)."""
    line = line.strip()
    if len(line) < 2 or line[0] != '"' or line[-1] != '"':
        raise ValueError(f"not a quoted .po string: {line!r}")
    return _ESCAPE.sub(lambda m: _ESCAPES.get(m.group(1), m.group(0)), line[1:-1])


def read_catalogue(path: Path) -> dict[str, str]:
    """msgid → msgstr of a .po file, in the file's order (the header and empty msgstr left out).

    Reads what Babel's ``write_po`` writes (no plurals or contexts: the atlas uses neither);
    ``tests/test_message_catalogues.py`` checks it against Babel's reader.
    """
    found: dict[str, str] = {}
    parts: dict[str, list[str]] = {}
    current: list[str] | None = None

    def flush() -> None:
        if "msgid" in parts:
            key, value = "".join(parts["msgid"]), "".join(parts.get("msgstr", []))
            if key and value:
                found[key] = value
        parts.clear()

    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            current = None
            continue
        if line.startswith('"'):
            if current is None:
                raise ValueError(f"{path}: a continuation line outside a message: {raw!r}")
            current.append(_unquote(line))
            continue
        keyword, _, rest = line.partition(" ")
        if keyword not in ("msgid", "msgstr"):
            raise ValueError(f"{path}: unsupported .po keyword {keyword!r}")
        if keyword == "msgid":
            flush()
        current = parts.setdefault(keyword, [])
        current.append(_unquote(rest))
    flush()
    return found


def load_catalogue(lang: str) -> dict[str, str]:
    """key → text of one language's catalogue, in the file's order (untranslated: left out)."""
    return read_catalogue(catalogue_path(lang))


def _load_text() -> dict[str, dict[str, str]]:
    by_lang = {lang: load_catalogue(lang) for lang in LANGS}
    keys = dict.fromkeys(k for lang in LANGS for k in by_lang[lang])
    return {k: {lang: by_lang[lang][k] for lang in LANGS if k in by_lang[lang]} for k in keys}


#: key → {"en": …, "zh": …}: every interface string, read from the catalogues.
TEXT: dict[str, dict[str, str]] = _load_text()

#: Facility categories, each with a title, description and unit in both languages.
FACILITY_CATEGORIES = ("hospital", "park", "base")


def check_lang(lang: str) -> str:
    if lang not in LANGS:
        raise BadParameter("lang", lang, LANGS)
    return lang


def text(key: str, lang: str) -> str:
    """The interface string ``key`` in ``lang`` (falls back to the key itself)."""
    return TEXT.get(key, {}).get(lang, key)
