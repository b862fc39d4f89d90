"""Published point tables: downloads, embed and OGC collections (:mod:`geo.sources.point_tables`).

Thin: reading, converting and storing are in :mod:`geo.sources.point_tables`.
"""

from __future__ import annotations

import json

from flask import Blueprint, current_app, has_request_context, render_template, request, url_for

from geo.errors import BadParameter, UnknownItem
from geo.formats import ogc_collections as ogc
from geo.formats.csvsafe import to_csv_bytes
from geo.i18n import DEFAULT_LANG, check_lang
from geo.sources import point_tables as pt
from geo.store import VersionRecord, store_for

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


def ogc_collections() -> list[ogc.Collection]:
    """One OGC API Features collection per live point dataset (its latest version),
    ``points-<id>``: the points in WGS 84. Registered with
    :func:`geo.formats.ogc_collections.register_collections`."""
    if not has_request_context():
        return []
    store = store_for(_database_url())
    found = []
    for record in store.datasets():
        collection = _points_collection(store, record)
        if collection is not None:
            found.append(collection)
    return found


def ogc_points_collection(collection_id: str) -> ogc.Collection | None:
    """``points-<id>`` alone, without listing the others: None when it is no point dataset
    of the store; a deleted one raises ``DatasetGone`` (410, as ``dataset-<id>`` does)."""
    prefix = "points-"
    if not has_request_context() or not collection_id.startswith(prefix):
        return None
    store = store_for(_database_url())
    try:
        record = store.dataset(collection_id[len(prefix) :])
    except UnknownItem:
        return None
    return _points_collection(store, record)


def _points_collection(store, record) -> ogc.Collection | None:
    database_url = _database_url()
    version = store.version(record.id, record.latest_version)
    if not pt.is_points(version):
        return None

    def load(dataset_id=record.id, number=version.version):
        frame = pt.points_frame(database_url, dataset_id, number)
        frame.insert(0, "id", frame["row"].astype(int))
        return frame

    href = url_for(
        "datasets.version_page", dataset_id=record.id, version=version.version, _external=True
    )
    return ogc.Collection(
        id=f"points-{record.id}",
        title=record.title("en"),
        description=f"Published point table {record.id}, version {version.version}: "
        f"{len(version.table.get('points', []))} points, WGS 84 (converted from "
        f"{version.metadata['points']['datum']}).",
        load=load,
        id_column="id",
        keywords=("dataset", "points"),
        attribution=version.metadata.get("source", ""),
        links=(
            {
                "href": href,
                "rel": "describedby",
                "type": "text/html",
                "title": f"dataset {record.id}, version {version.version}",
            },
        ),
        version=f"{record.id}:{version.version}",
    )
