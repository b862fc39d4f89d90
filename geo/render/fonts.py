"""The CJK font every static map uses (Chinese names and titles must not render as boxes).

Noto Sans CJK from Debian's ``fonts-noto-cjk`` (installed by scripts/ensure-chromium),
found by path; ``JJJ_ATLAS_CJK_FONT`` may point at another OpenType/TrueType CJK font.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

from matplotlib import font_manager

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
    return font_manager.FontProperties(fname=path)


def cjk_font(size: float | None = None, weight: str = "normal") -> font_manager.FontProperties:
    """FontProperties for the CJK font (a copy: callers may set size/weight)."""
    font = _font(str(cjk_font_path())).copy()
    if size is not None:
        font.set_size(size)
    font.set_weight(weight)
    return font
