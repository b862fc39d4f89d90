"""Published point tables: downloads, embed and OGC collections (:mod:`geo.sources.point_tables`).

Thin: reading, converting and storing are in :mod:`geo.sources.point_tables`.
"""

from __future__ import annotations

import json

from flask import (
    Blueprint,
    current_app,
    has_request_context,
    jsonify,
    render_template,
    request,
    url_for,
)

from geo.errors import BadParameter, UnknownItem, message_in
from geo.formats import ogc_collections as ogc
from geo.formats.csvsafe import to_csv_bytes
from geo.i18n import DEFAULT_LANG, check_lang
from geo.sources import point_tables as pt
from geo.store import VersionRecord, catalogue, store_for

from . import maps, views
from .caching import send_cached

bp = Blueprint("point_datasets", __name__)

FORMATS = {
    "geojson": "application/geo+json",
    "csv": "text/csv",
    "gpkg": "application/geopackage+sqlite3",
}


def _database_url() -> str:
    return current_app.config["DATABASE_URL"]


def _record(dataset_id: str | None, version: str | None) -> VersionRecord:
    if not dataset_id:
        raise BadParameter("dataset", "", "the id of a point dataset (see /api/datasets)")
    return pt.point_version(_database_url(), dataset_id, version)


def feature_collection(record: VersionRecord) -> dict:
    features = pt.point_dataset_features(_database_url(), record.dataset_id, record.version)
    meta = record.metadata
    return {
        "type": "FeatureCollection",
        "name": f"jjj_points_{record.dataset_id}_v{record.version}",
        "crs_note": "WGS 84 (EPSG:4326), converted from "
        f"{meta['points']['datum']} as uploaded (lon_given/lat_given)",
        "dataset": {
            "id": record.dataset_id,
            "version": record.version,
            "title_zh": meta["title_zh"],
            "title_en": meta["title_en"],
            "source": meta.get("source", ""),
            "source_url": meta.get("source_url", ""),
            "licence": meta.get("licence", ""),
        },
        "features": features,
    }


def _file(record: VersionRecord, fmt: str) -> bytes:
    if fmt == "geojson":
        body = feature_collection(record)
        return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    frame = pt.points_frame(_database_url(), record.dataset_id, record.version)
    if fmt == "csv":
        return to_csv_bytes(frame.drop(columns=frame.geometry.name))
    from geo.formats.gis_exports import layer_file

    name = f"jjj_points_{record.dataset_id}_v{record.version}"
    title = record.metadata["title_en"] or record.metadata["title_zh"]
    sources = [
        ("dataset", f"{record.dataset_id} v{record.version} published {record.created_at}"),
        ("datum", f"converted to WGS 84 from {record.metadata['points']['datum']}"),
        ("source", record.metadata.get("source", "") or "uploaded by a user"),
    ]
    return layer_file("gpkg", name, frame, title, sources)


@bp.get("/download/points.<fmt>")
def download(fmt: str):
    """A point dataset's points (WGS 84): ``?dataset=ID[&v=N]``, GeoJSON, CSV or GeoPackage."""
    if fmt not in FORMATS:
        raise BadParameter("format", fmt, [f"points.{f}" for f in FORMATS])
    version = request.args.get("v")
    record = _record(request.args.get("dataset"), version)
    return send_cached(
        ("points", fmt, _database_url(), record.dataset_id, record.version),
        lambda: _file(record, fmt),
        FORMATS[fmt],
        f"jjj_points_{record.dataset_id}_v{record.version}.{fmt}",
        **({} if version else {"max_age": 0}),
    )


#: The parameters of /api/point-datasets (declared in webmap/query_params.py: any other is a
#: 400 naming it before the view).
SEARCH_PARAMS = ("q", "lang", "limit")


@bp.get("/api/point-datasets")
def search():
    """Published point tables by title, for the choropleth's Facilities control:
    ``?q=<words>&lang=zh|en&limit=1..50`` → ``{"datasets": [{id, title, title_zh,
    title_en, version, level, points, token}], "query": q}`` (titles as published: the
    page shows them as text). A bad parameter is a 400 naming it, in the asked language."""
    raw_lang = request.args.get("lang") or DEFAULT_LANG
    try:
        return _search(raw_lang)
    except BadParameter as err:
        from .errors import error_response

        lang = raw_lang if raw_lang in ("zh", "en") else DEFAULT_LANG
        return error_response(400, message_in(err, lang), err.name, err.valid)


def _search(raw_lang: str):
    from geo.sources.point_search import MAX_RESULTS, find_point_tables

    lang = check_lang(raw_lang)
    raw = request.args.get("limit") or "20"
    if not (raw.isascii() and raw.isdigit()) or not 1 <= int(raw) <= MAX_RESULTS:
        raise BadParameter(
            "limit",
            raw,
            f"a whole number from 1 to {MAX_RESULTS}",
            zh=f"参数「limit」的值「{raw}」无效：应为 1 到 {MAX_RESULTS} 的整数。",
        )
    found = find_point_tables(_database_url(), request.args.get("q", ""), int(raw))
    for item in found:
        item["title"] = (item["title_zh"] if lang == "zh" else item["title_en"]) or (
            item["title_en"] or item["title_zh"]
        )
    response = jsonify({"query": request.args.get("q", ""), "lang": lang, "datasets": found})
    response.headers["Cache-Control"] = "no-cache"
    return response


def points_layer_options(record: VersionRecord, lang: str, gcj02: bool = False) -> dict:
    """What ``static/dataset_points.js`` draws: the GeoJSON URL and a colour per category."""
    categories = record.report.get("categories", [])
    return {
        "url": url_for(
            "point_datasets.download", fmt="geojson", dataset=record.dataset_id, v=record.version
        ),
        "colors": pt.category_colors(categories),
        "other": pt.OTHER_COLOR,
        "lang": lang,
        "shiftToGcj02": gcj02,
    }


def add_points_layer(
    fmap, record: VersionRecord, lang: str, gcj02: bool = False, outline: str | None = None
) -> None:
    """The points over ``fmap``; ``outline``: a level whose unit outlines are drawn under
    them (for a map without areas of its own)."""
    fmap.default_js = [
        *fmap.default_js,
        ("dataset_points", url_for("static", filename="dataset_points.js")),
    ]
    options = points_layer_options(record, lang, gcj02)
    if outline:
        options["outlineUrl"] = url_for("downloads.regions_topojson", level=outline)
    maps.add_layer(fmap, "datasetPoints", options)


@bp.get("/embed/points")
def embed():
    """A point dataset's points on a map, for an iframe: ``?dataset=ID[&v=N]&lang=``."""
    lang = check_lang(request.args.get("lang") or DEFAULT_LANG)
    version = request.args.get("v")
    record = _record(request.args.get("dataset"), version)
    from geo.maps.basemaps import BASEMAPS, available_basemaps

    available = available_basemaps(current_app.config)
    name = request.args.get("basemap") or "none"
    if name not in available:
        raise BadParameter("basemap", name, list(available))
    fmap = maps.base_map(BASEMAPS[name])
    add_points_layer(fmap, record, lang, BASEMAPS[name].datum == "GCJ02", outline="prefecture")
    page = url_for("datasets.dataset_page", dataset_id=record.dataset_id, lang=lang, _external=True)
    return render_template(
        "dataset_points_embed.html",
        record=record,
        fmap=maps.render(fmap),
        categories=pt.category_colors(record.report.get("categories", [])),
        page_url=page,
        downloads={
            f: url_for(
                "point_datasets.download", fmt=f, dataset=record.dataset_id, v=record.version
            )
            for f in FORMATS
        },
        **views.template_globals(lang),
    )


POINTS_PREFIX = "points-"


def _points_collection(database_url: str, entry) -> ogc.Collection:
    """A point table's collection from its catalogue entry (stored fields: the count of
    points and the datum; the points themselves are read only by ``load``)."""
    record, summary = entry.record, entry.summary
    number = record.latest_version

    def load(dataset_id=record.id, number=number):
        frame = pt.points_frame(database_url, dataset_id, number)
        frame.insert(0, "id", frame["row"].astype(int))
        return frame

    href = url_for("datasets.version_page", dataset_id=record.id, version=number, _external=True)
    return ogc.Collection(
        id=f"{POINTS_PREFIX}{record.id}",
        title=record.title("en"),
        description=f"Published point table {record.id}, version {number}: "
        f"{summary.get('point_count', 0)} points, WGS 84 (converted from "
        f"{summary.get('datum', '')}).",
        load=load,
        id_column="id",
        keywords=("dataset", "points"),
        attribution=summary.get("source", ""),
        links=(
            {
                "href": href,
                "rel": "describedby",
                "type": "text/html",
                "title": f"dataset {record.id}, version {number}",
            },
        ),
        version=f"{record.id}:{number}",
    )


def ogc_collections_page(offset: int, limit: int) -> tuple[list[ogc.Collection], int]:
    """One page of the point tables' collections (``points-<id>``, newest first) and how
    many there are: one catalogue query. Registered with
    :func:`geo.formats.ogc_collections.register_collections`."""
    if not has_request_context():
        return [], 0
    database_url = _database_url()
    page = catalogue.search(
        store_for(database_url),
        catalogue.CatalogueQuery(kind="points", limit=limit, offset=offset),
    )
    return [_points_collection(database_url, e) for e in page.entries], page.total


def ogc_collections() -> list[ogc.Collection]:
    """Every live point table's collection (its latest version): the points in WGS 84."""
    found: list[ogc.Collection] = []
    while True:
        page, total = ogc_collections_page(len(found), 200)
        found.extend(page)
        if not page or len(found) >= total:
            return found


def ogc_collection(collection_id: str) -> ogc.Collection | None:
    """``points-<id>`` alone (None for another id; 404 for an id that is not a point table,
    410 for a deleted or hidden one)."""
    if not has_request_context() or not collection_id.startswith(POINTS_PREFIX):
        return None

    dataset_id = collection_id[len(POINTS_PREFIX) :]
    try:
        entry = catalogue.entry(store_for(_database_url()), dataset_id)
    except UnknownItem:
        return None
    if entry.kind != "points":
        raise UnknownItem("collection", collection_id, ["points-<id> of a point table"])
    return _points_collection(_database_url(), entry)
