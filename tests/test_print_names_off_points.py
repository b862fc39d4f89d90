"""In prints a unit's name never hides a point (a published hospital under "石家庄市"):
a name that would cover a point moves to the first free spot beside it, and points draw
above names with a white ring. Checked on the sheet's artists (display boxes) at prefecture
and county level, zh and en, and through the export route with a published point table.
"""

from __future__ import annotations

import io

import pytest

from geo.maps.labels import label_points
from geo.maps.points import PointFeature, PointLayer
from geo.render import export_options
from geo.render.annotate import LABEL_ZORDER, POINT_ZORDER, draw_labels, draw_points, point_boxes
from geo.render.choropleth import region_extent
from geo.render.layout import Sheet, drawing
from webmap import create_app


def _layer(level: str) -> PointLayer:
    """One point exactly at every unit's label point: the worst case for names."""
    features = [
        PointFeature(
            id=p.adcode, name_zh="医院", name_en="hospital", category="hospital", tier="",
            grade="", lon=p.lon, lat=p.lat, county_adcode=p.adcode,
            location_precision="site", source="test",
        )
        for p in label_points(level)
        if not p.special
    ]  # fmt: skip
    return PointLayer(token="dataset:test", kind="dataset", color="#e31a1c", features=features)


def _overlaps(level: str, lang: str, avoid: bool) -> tuple[int, int, int]:
    """(names drawn, names covering a point, points) on an A4 sheet."""
    options = export_options({"paper": "a4", "dpi": "100"}, "png")
    layer = _layer(level)
    with drawing():
        sheet = Sheet(options, region_extent(), "title", "subtitle", "source", lang)
        draw_points(sheet, [layer], lang)
        sheet.decorate()
        boxes = point_boxes(sheet, [layer])
        kept = draw_labels(sheet, level, lang, avoid=boxes if avoid else None)
        renderer = sheet.figure.canvas.get_renderer()
        covering = 0
        for artist in kept:
            box = artist.get_window_extent(renderer)
            hit = (
                (boxes[:, 0] < box.x1)
                & (boxes[:, 2] > box.x0)
                & (boxes[:, 1] < box.y1)
                & (boxes[:, 3] > box.y0)
            )
            covering += int(hit.any())
    return len(kept), covering, len(boxes)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_prefecture_names_move_off_points(lang):
    drawn, covering, points = _overlaps("prefecture", lang, avoid=False)
    assert points == 13 and covering >= 12  # without moving, names sit on their points
    drawn, covering, _ = _overlaps("prefecture", lang, avoid=True)
    assert drawn == len(label_points("prefecture"))  # every unit still named
    assert covering == 0


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_county_names_move_off_points_or_are_left_out(lang):
    before, covering, _ = _overlaps("county", lang, avoid=False)
    assert covering > 20
    drawn, covering, _ = _overlaps("county", lang, avoid=True)
    assert covering == 0 and drawn > 20


def test_points_draw_above_names():
    assert POINT_ZORDER > LABEL_ZORDER + 0.1


def test_export_with_a_published_point_table_keeps_its_point_clear(tmp_path):
    client = create_app(
        {"TESTING": True, "DATABASE_URL": f"sqlite:///{tmp_path}/p.sqlite3"}
    ).test_client()
    shijiazhuang = next(p for p in label_points("prefecture") if p.adcode == "130100")
    table = f"名称,经度,纬度\n河北医大二院,{shijiazhuang.lon},{shijiazhuang.lat}\n"
    created = client.post(
        "/api/datasets",
        data={"file": (io.BytesIO(table.encode()), "h.csv"), "datum": "wgs84", "title_zh": "医院"},
        content_type="multipart/form-data",
    )
    assert created.status_code == 201
    token = f"dataset:{created.get_json()['id']}"
    for lang in ("zh", "en"):
        svg = client.get(
            f"/export/choropleth.svg?indicator=population&level=prefecture&points={token}"
            f"&lang={lang}&width=1200"
        )
        assert svg.status_code == 200
        body = svg.get_data(as_text=True)
        assert f'id="points-{token}"' in body and 'id="label-130100"' in body
        # The point is drawn after (above) the name in the SVG's painting order.
        assert body.index(f'id="points-{token}"') > body.index('id="label-130100"')
