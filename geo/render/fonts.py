"""The CJK font every static map uses (Chinese names and titles must not render as boxes).

Noto Sans CJK from Debian's ``fonts-noto-cjk`` (installed by scripts/ensure-chromium),
found by path; ``JJJ_ATLAS_CJK_FONT`` may point at another OpenType/TrueType CJK font.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

from matplotlib import font_manager
from matplotlib.ft2font import FT2Font

CJK_FONT_PATH = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")


class FontMissing(RuntimeError):
    """The CJK font is not installed: exports would show boxes instead of Chinese text."""


def cjk_font_path() -> Path:
    return Path(os.environ.get("JJJ_ATLAS_CJK_FONT") or CJK_FONT_PATH)


@lru_cache(maxsize=4)
def _font(path: str) -> font_manager.FontProperties:
    if not Path(path).is_file():
        raise FontMissing(
            f"CJK font {path} not found: install Debian's fonts-noto-cjk "
            "(scripts/ensure-chromium does) or set JJJ_ATLAS_CJK_FONT to a CJK font file"
        )
    font_manager.fontManager.addfont(path)
    return font_manager.FontProperties(fname=sc_face(path), family=font_families(path))


def sc_face(path: str):
    """The Simplified Chinese face of a font collection (.ttc) as a matplotlib
    ``FontPath(path, face_index)``, or ``path`` itself (a single font, or a collection
    without an SC face). matplotlib >= 3.11 registers every face of a collection;
    Noto Sans CJK's .ttc puts the Japanese face first, whose glyph shapes differ from the
    mainland standard for some characters (e.g. 直, 骨)."""
    FontPath = getattr(font_manager, "FontPath", None)
    if FontPath is None:  # matplotlib < 3.11: collections give their first face only
        return path
    faces = {
        entry.name: entry.index
        for entry in font_manager.fontManager.ttflist
        if str(entry.fname) == path and getattr(entry, "index", None) is not None
    }
    for name in NOTO_CJK_SC:
        if name in faces:
            return FontPath(path, faces[name])
    return path


#: The same design under its Simplified Chinese names: Noto Sans CJK's first face in the
#: .ttc is the Japanese one; exports draw with the SC face (:func:`sc_face`), and an SVG
#: names the SC family first (or Adobe's Source Han Sans SC, whichever is installed).
NOTO_CJK_SC = ("Noto Sans CJK SC", "Source Han Sans SC")


@lru_cache(maxsize=4)
def font_families(path: str) -> list[str]:
    """Family names an SVG names for the CJK font (``svg.fonttype: none`` keeps text as
    text): the font's own family, Simplified Chinese equivalents first, then sans-serif."""
    family = FT2Font(path).family_name
    names = [*NOTO_CJK_SC, family] if family.startswith("Noto Sans CJK") else [family]
    return [*dict.fromkeys(names), "sans-serif"]


def cjk_font(size: float | None = None, weight: str = "normal") -> font_manager.FontProperties:
    """FontProperties for the CJK font (a copy: callers may set size/weight)."""
    font = _font(str(cjk_font_path())).copy()
    if size is not None:
        font.set_size(size)
    font.set_weight(weight)
    return font
