"""Point tables: a list of places with longitude/latitude, published as a point dataset.

A point table (``kind=points``) has a longitude and a latitude column (detected from
``lon``/``lng``/``经度`` and ``lat``/``纬度``, or named) and must declare the datum of its
coordinates, ``datum=wgs84|gcj02|bd09``: coordinates copied from AMap or Tencent are GCJ-02,
from Baidu BD-09, from a GPS WGS 84, and a few hundred metres apart; nothing is guessed.
On publish each point is converted to WGS 84 with :mod:`geo.crs` (the original file is kept
as uploaded). Points outside Beijing, Tianjin and Hebei, or whose coordinates do not parse,
are listed by row and left out.

Every point is placed in its county and prefecture; the counts per unit of the chosen
``level`` (and per 10,000 people, with the bundled ``population`` indicator) are the
dataset's value columns, so a point dataset maps as a choropleth like any other dataset.
The check is :mod:`geo.sources.point_check`; this module publishes and reads point tables.
:func:`point_dataset_features` gives the points (WGS 84, with their category) to any map.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from geo.errors import BadParameter
from geo.sources.dataset_publish import publish_checked, replace_checked
from geo.sources.datasets import _text, new_version, read_metadata
from geo.sources.point_check import (  # noqa: F401  (the check, re-exported)
    CATEGORY_NAMES,
    COUNT_COLUMN,
    COUNT_LEVELS,
    DATUM_NAMES,
    DATUMS,
    IN_RANGE_SHARE,
    KIND,
    LAT_NAMES,
    LAT_RANGE,
    LAT_WORDS,
    LON_NAMES,
    LON_RANGE,
    LON_WORDS,
    MAX_CATEGORIES,
    NAME_NAMES,
    OTHER_COLOR,
    PALETTE,
    PER_10K_COLUMN,
    POPULATION_INDICATOR,
    CheckedPoints,
    MissingDatum,
    check_datum,
    check_point_upload,
    check_publishable,
    looks_like_points,
    point_columns,
)
from geo.store import NewVersion, Published, VersionRecord, store_for


def _metadata(params: Mapping[str, str], checked: CheckedPoints) -> dict[str, Any]:
    params = dict(params)
    params.setdefault(f"unit:{COUNT_COLUMN}", "points")
    params.setdefault(f"unit:{PER_10K_COLUMN}", "per 10,000 people")
    metadata = read_metadata(params, checked.value_columns)
    metadata["kind"] = KIND
    metadata["points"] = {
        "datum": checked.datum,
        "lon_column": checked.lon_column,
        "lat_column": checked.lat_column,
        "category_column": checked.category_column,
        "name_column": checked.name_column,
        "population": {
            "indicator": POPULATION_INDICATOR,
            "year": checked.population_year,
        },
    }
    metadata["check"] = {
        "kind": KIND,
        "datum": checked.datum,
        "level": checked.level,
        "lon_column": checked.lon_column,
        "lat_column": checked.lat_column,
        "category_column": checked.category_column,
    }
    _text(params, "title")  # length checks as for every dataset
    return metadata


def _new_version(
    checked: CheckedPoints, data: bytes, filename: str, metadata: dict[str, Any]
) -> NewVersion:
    by_row = {p["row"]: p for p in checked.points}
    return new_version(
        checked.upload,
        checked.table,
        level=checked.level,
        key_column=checked.lon_column,
        data=data,
        filename=filename,
        metadata=metadata,
        values=checked.values,
        report=checked.report(),
        adcodes=[(by_row.get(int(r)) or {}).get(checked.level) for r in checked.table.index],
        points=checked.points,
    )


#: How a point table is published (:func:`geo.sources.dataset_publish.publish_checked`).
_STEPS = {"check": check_publishable, "metadata_of": _metadata, "version_of": _new_version}


def publish_points(
    database_url: str, checked: CheckedPoints, data: bytes, filename: str, params: Mapping
) -> Published:
    """Publish a checked point table as a new dataset (version 1), in one transaction."""
    return publish_checked(database_url, checked, data, filename, params, **_STEPS)


def replace_points(
    database_url: str,
    dataset_id: str,
    token: str,
    checked: CheckedPoints,
    data: bytes,
    filename: str,
    params: Mapping,
) -> Published:
    """The next version of a point dataset; metadata not given keeps its previous value."""
    return replace_checked(
        database_url,
        dataset_id,
        token,
        checked,
        data,
        filename,
        params,
        **_STEPS,
        drop=("columns", "points", "kind", "check"),
    )


def is_points(version: VersionRecord) -> bool:
    return version.metadata.get("kind") == KIND


# --- a published point table -------------------------------------------------------------


def category_colors(categories: list[str]) -> dict[str, str]:
    """A colour per category (most frequent first); the rest share grey."""
    return {c: PALETTE[i] if i < MAX_CATEGORIES else OTHER_COLOR for i, c in enumerate(categories)}


def point_version(database_url: str, dataset_id: str, version: str | int | None = None):
    """The version record of a point dataset (latest if ``version`` is None); 400 naming
    ``dataset`` when the dataset is not a point table."""
    from geo.sources.datasets import _parse_version

    number = _parse_version(None if version is None else str(version))
    record = store_for(database_url).version(dataset_id, number)
    if not is_points(record):
        raise BadParameter(
            "dataset",
            dataset_id,
            "a point dataset (published with kind=points)",
            reason=f"dataset {dataset_id} is a table of values by unit"
            if record.metadata.get("kind") != "links"
            else f"dataset {dataset_id} is a links table",
        )
    return record


def point_dataset_features(
    database_url: str, dataset_id: str, version: str | int | None = None
) -> list[dict[str, Any]]:
    """The points of a published point table as GeoJSON features in WGS 84.

    Properties: ``row`` (in the uploaded file), ``name``, ``category``, ``county`` and
    ``prefecture`` adcodes, the coordinates as given with their ``datum``, and every column
    of the row as uploaded (text, under its own name).
    """
    record = point_version(database_url, dataset_id, version)
    datum = record.metadata["points"]["datum"]
    table = record.table
    columns = table["columns"]
    rows = dict(zip(table["row_numbers"], table["rows"]))
    features = []
    for point in table["points"]:
        cells = dict(zip(columns, rows.get(point["row"], [])))
        properties = {
            "row": point["row"],
            "name": point["name"],
            "category": point["category"],
            "county": point["county"],
            "prefecture": point["prefecture"],
            "lon_given": point["lon_given"],
            "lat_given": point["lat_given"],
            "datum": datum,
        }
        for column, cell in cells.items():
            properties.setdefault(column, cell)
        features.append(
            {
                "type": "Feature",
                "id": point["row"],
                "geometry": {"type": "Point", "coordinates": [point["lon"], point["lat"]]},
                "properties": properties,
            }
        )
    return features


def points_frame(database_url: str, dataset_id: str, version: str | int | None = None):
    """The points as a GeoDataFrame (EPSG:4326), for the CSV/GeoPackage downloads and the
    OGC collection."""
    import geopandas as gpd

    features = point_dataset_features(database_url, dataset_id, version)
    if not features:
        return gpd.GeoDataFrame({"row": []}, geometry=[], crs="EPSG:4326")
    frame = gpd.GeoDataFrame.from_features(features, crs="EPSG:4326")
    frame.insert(0, "lon_wgs84", [f["geometry"]["coordinates"][0] for f in features])
    frame.insert(1, "lat_wgs84", [f["geometry"]["coordinates"][1] for f in features])
    return frame


def point_layer_rows(
    database_url: str, dataset_id: str, version: str | int | None = None
) -> tuple[VersionRecord, list[dict[str, Any]]]:
    """The version and its points as the rows a map's point layer draws (the fields of a
    facility point: id, names, category, lon/lat in WGS 84, county, a ``site`` precision —
    every point is placed where the table puts it — and a citation of the dataset)."""
    record = point_version(database_url, dataset_id, version)
    meta = record.metadata
    title = meta.get("title_en") or meta.get("title_zh") or dataset_id
    cite = f"dataset {record.dataset_id} v{record.version}: {title}"
    if meta.get("source"):
        cite += f"; {meta['source']}"
    rows = [
        {
            "id": f"{record.dataset_id}-{point['row']}",
            "name_zh": point["name"] or f"#{point['row']}",
            "name_en": point["name"] or f"#{point['row']}",
            "category": point["category"],
            "tier": "",
            "grade": "",
            "lon": point["lon"],
            "lat": point["lat"],
            "county_adcode": point["county"] or "",
            "location_precision": "site",
            "source": cite,
        }
        for point in record.table.get("points", [])
    ]
    return record, rows
