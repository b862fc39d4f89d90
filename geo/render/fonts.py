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
    return font_manager.FontProperties(fname=path, family=font_families(path))


#: The same design under its Simplified Chinese names: Noto Sans CJK's first face in the
#: .ttc is the Japanese one; for Chinese text an editor should pick the SC face (same
#: metrics) or Adobe's Source Han Sans SC, whichever is installed.
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
