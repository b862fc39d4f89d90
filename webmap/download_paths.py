"""GIS downloads addressed by path alone, for GDAL and QGIS.

GDAL's ``/vsizip//vsicurl/…`` chain (and QGIS's "Add Vector Layer" on a URL, which uses it)
cannot carry a query string: ``…/regions.shp.zip?crs=EPSG:4548`` fails. These addresses
say everything in the path instead:

- ``/download/regions/<level>/<crs>/<indicators>.gpkg`` and ``….shp.zip``, e.g.
  ``/download/regions/county/epsg4548/population.shp.zip``; ``<crs>`` is ``epsg<code>``
  (4326, 4490, 3857, 4547, 4548, 4549); ``<indicators>`` is a comma-separated list of
  indicator ids (aliases such as ``population_2010`` name a year) or ``boundaries`` for
  none. An optional year segment: ``/download/regions/<level>/<crs>/<year>/<indicators>…``
  or ``<year>-vs-<compare>`` for a change download.
- ``/download/facilities/<crs>/<category>.gpkg`` and ``….shp.zip`` (``all`` for every
  category).

They answer the same bytes as the query forms (one cache entry for both).
"""

from __future__ import annotations

import re

from flask import Blueprint

from geo.errors import BadParameter
from geo.formats.gis_exports import DOWNLOAD_EPSG

from .downloads import GPKG, ZIP, facilities_gis_file, map_style, regions_gis_file

bp = Blueprint("download_paths", __name__, url_prefix="/download")

#: What ``<indicators>`` says for a file of boundaries only.
NO_INDICATORS = "boundaries"
_YEARS = re.compile(r"(\d{4})(?:-vs-(\d{4}))?")


def _epsg(segment: str) -> int:
    valid = [f"epsg{code}" for code in DOWNLOAD_EPSG]
    match = re.fullmatch(r"epsg(\d{4,5})", segment)
    if match is None or int(match.group(1)) not in DOWNLOAD_EPSG:
        raise BadParameter("crs", segment, valid, reason="the CRS segment of the path")
    return int(match.group(1))


def _indicators(segment: str) -> tuple[str, ...]:
    if segment == NO_INDICATORS:
        return ()
    ids = tuple(i.strip() for i in segment.split(",") if i.strip())
    if not ids:
        raise BadParameter(
            "indicators", segment, f"indicator ids separated by commas, or {NO_INDICATORS}"
        )
    return ids


def _years(segment: str | None) -> tuple[str | None, str | None]:
    if segment is None:
        return None, None
    match = _YEARS.fullmatch(segment)
    if match is None:
        raise BadParameter("year", segment, "a year (2020) or a change (2020-vs-2010)")
    return match.group(1), match.group(2)


def regions_path(
    level: str, indicator_ids, kind: str, epsg: int = 4326, year=None, compare=None
) -> str:
    """The path form of a regions download (for links, README and tests)."""
    ids = ",".join(indicator_ids) or NO_INDICATORS
    years = f"/{year}" + (f"-vs-{compare}" if compare else "") if year else ""
    return f"/download/regions/{level}/epsg{epsg}{years}/{ids}.{kind}"


def _regions(kind: str, mimetype: str, level: str, crs: str, indicators: str, years=None):
    year, compare = _years(years)
    ids = _indicators(indicators)
    epsg = _epsg(crs)
    style = map_style(level, ids, year, compare) if kind == "gpkg" else None
    return regions_gis_file(kind, mimetype, level, ids, year, compare, epsg, style)


@bp.get("/regions/<level>/<crs>/<indicators>.gpkg")
def regions_gpkg(level: str, crs: str, indicators: str):
    return _regions("gpkg", GPKG, level, crs, indicators)


@bp.get("/regions/<level>/<crs>/<indicators>.shp.zip")
def regions_shapefile(level: str, crs: str, indicators: str):
    return _regions("shp.zip", ZIP, level, crs, indicators)


@bp.get("/regions/<level>/<crs>/<years>/<indicators>.gpkg")
def regions_gpkg_year(level: str, crs: str, years: str, indicators: str):
    return _regions("gpkg", GPKG, level, crs, indicators, years)


@bp.get("/regions/<level>/<crs>/<years>/<indicators>.shp.zip")
def regions_shapefile_year(level: str, crs: str, years: str, indicators: str):
    return _regions("shp.zip", ZIP, level, crs, indicators, years)


def _category(segment: str) -> str | None:
    return None if segment == "all" else segment


@bp.get("/facilities/<crs>/<category>.gpkg")
def facilities_gpkg(crs: str, category: str):
    return facilities_gis_file("gpkg", GPKG, _category(category), _epsg(crs))


@bp.get("/facilities/<crs>/<category>.shp.zip")
def facilities_shapefile(crs: str, category: str):
    return facilities_gis_file("shp.zip", ZIP, _category(category), _epsg(crs))
