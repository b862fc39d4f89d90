"""Test helper: a page together with the map script it links (pages hold no inline script)."""

from __future__ import annotations

import re

MAP_SCRIPT_SRC = re.compile(r'<script src="(/map-script/[^"]+)"')


def with_map_script(client, html: str) -> str:
    """``html`` followed by its map script as an inline block, as the browser runs them."""
    found = MAP_SCRIPT_SRC.search(html)
    assert found, "the page links no map script"
    response = client.get(found.group(1).replace("&amp;", "&"))
    assert response.status_code == 200, found.group(1)
    return html + "\n<script>" + response.get_data(as_text=True) + "</script>"
