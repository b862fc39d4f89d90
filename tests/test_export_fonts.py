"""Static exports draw Chinese with the Simplified Chinese face of Noto Sans CJK.

Debian's NotoSansCJK-Regular.ttc is a collection whose first face is the Japanese one
(Noto Sans CJK JP), whose glyphs for some characters differ from the mainland standard.
matplotlib >= 3.11 registers every face of a collection; geo.render.fonts picks the SC
face, so the PDF embeds ``NotoSansCJKsc`` and no Japanese face.
"""

from __future__ import annotations

import re

import pytest
from matplotlib import font_manager

from geo.render.fonts import cjk_font, cjk_font_path, sc_face

POP = "/export/choropleth.{fmt}?indicator=population&level=prefecture&year=2020"
BASEFONT = re.compile(rb"/BaseFont\s*/([^\s/\[<>]+)")

pytestmark = pytest.mark.skipif(
    not hasattr(font_manager, "FontPath"), reason="matplotlib < 3.11 has no collection faces"
)


def test_the_font_is_the_sc_face_of_the_collection():
    path = str(cjk_font_path())
    if not path.endswith(".ttc"):
        pytest.skip("JJJ_ATLAS_CJK_FONT is a single font")
    face = sc_face(path)
    assert face.face_index != 0  # the .ttc's first face is Japanese
    assert cjk_font(10, "bold").get_file() == face
    assert font_manager.findfont(cjk_font(10)) == face


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_pdf_embeds_the_simplified_chinese_face(client, lang):
    response = client.get(POP.format(fmt="pdf") + f"&lang={lang}&paper=a4")
    assert response.status_code == 200
    fonts = {name.split(b"+")[-1] for name in BASEFONT.findall(response.data)}
    cjk = {f for f in fonts if b"CJK" in f}
    assert cjk and all(b"CJKsc" in f for f in cjk), fonts


def test_png_export_still_renders(client):
    response = client.get(POP.format(fmt="png") + "&lang=zh&width=600")
    assert response.status_code == 200 and response.data[:8] == b"\x89PNG\r\n\x1a\n"
