"""Point tables before they go live: the preview map of a checked (unpublished) point
table, and the coordinate-system question the new-dataset form asks when a table has
longitude/latitude columns but no ``datum``.

Thin: reading and converting are :mod:`geo.sources.point_tables`; the map is drawn by
``static/dataset_points.js`` with the points inline (they exist only in this request).
"""

from __future__ import annotations

from flask import url_for

from geo.maps.basemaps import BASEMAPS
from geo.sources import point_tables as pt
from geo.sources.uploads import read_upload

from . import maps

#: Points drawn inline in a preview at most (the count says when more were kept).
PREVIEW_MAX_POINTS = 5000


def points_preview(checked: pt.CheckedPoints, lang: str) -> dict:
    """The preview of a checked point table: its points (WGS 84) over the prefecture
    outlines, coloured by category as the published dataset will be."""
    fmap = maps.base_map(BASEMAPS["none"])
    fmap.default_js = [
        *fmap.default_js,
        ("dataset_points", url_for("static", filename="dataset_points.js")),
    ]
    shown = checked.points[:PREVIEW_MAX_POINTS]
    features = [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [p["lon"], p["lat"]]},
            "properties": {"row": p["row"], "name": p["name"], "category": p["category"]},
        }
        for p in shown
    ]
    colors = pt.category_colors(checked.categories())
    options = {
        "features": {"type": "FeatureCollection", "features": features},
        "colors": colors,
        "other": pt.OTHER_COLOR,
        "lang": lang,
        "shiftToGcj02": False,
        "outlineUrl": url_for("downloads.regions_topojson", level="prefecture"),
    }
    maps.add_layer(fmap, "datasetPoints", options)
    return {
        "points": True,
        "fmap": maps.render(fmap),
        "categories": colors,
        "drawn": len(shown),
        "rows": len(checked.table),
        "column": None,
    }


def datum_question(data: bytes, filename: str, pasted: bool) -> dict | None:
    """For a table read as points that declares no datum: its columns and the detected
    longitude/latitude columns (the form shows them and asks for the datum); None when the
    table cannot be read or has no coordinate columns."""
    try:
        table = read_upload(data, filename, pasted=pasted).table
    except ValueError:
        return None
    found = pt.point_columns(table)
    if found is None:
        return None
    return {"columns": [str(c) for c in table.columns], "lon": found[0], "lat": found[1]}
