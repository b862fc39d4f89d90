"""OGC API – Features Part 3 (filtering) and the answer-shaping parameters of ``/items``.

- ``/collections/{id}/queryables``: a JSON Schema of the properties a filter may name,
  with their types and titles in zh and en.
- ``filter=`` in CQL2 text or CQL2 JSON (``filter-lang=cql2-text|cql2-json``), parsed by
  ``pygeofilter`` (a maintained parser; nothing here parses CQL2) and evaluated over the
  collection's GeoDataFrame: comparisons, AND/OR/NOT, BETWEEN, IN, IS NULL, LIKE and
  ``S_INTERSECTS`` (and the other spatial predicates) against a box, point or polygon given
  in ``filter-crs`` (default CRS84). A filter the parser refuses, or one naming a property
  the collection does not have, is a 400 with the parser's message.
- ``properties=a,b`` (only these fields), ``sortby=+a,-b`` and ``skipGeometry=true``.

No web framework here: ``webmap.ogc`` routes, :mod:`geo.formats.ogc` builds the documents.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pygeofilter import ast as cql_ast
from pygeofilter import values as cql_values
from pygeofilter.backends.geopandas import evaluate as gpd_evaluate
from pygeofilter.parsers.cql2_json import parse as parse_cql2_json
from pygeofilter.parsers.cql2_text import parse as parse_cql2_text

from geo import crs_ref
from geo.errors import BadParameter

CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
#: The query parameters this module reads on ``/items``.
PARAMETERS = ("filter", "filter-lang", "filter-crs", "properties", "sortby", "skipGeometry")
#: ``cql-text`` is the draft name of cql2-text that GDAL's OAPIF driver sends (it looks for
#: it in the API definition's ``filter-lang`` enum before turning ``-where`` into a filter).
FILTER_LANGS = ("cql2-text", "cql2-json", "cql-text")
#: The name filters use for a feature's geometry (what ``queryables`` declares).
GEOMETRY = "geometry"
CONFORMANCE = (
    "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/queryables",
    "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/filter",
    "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/features-filter",
    "http://www.opengis.net/spec/cql2/1.0/conf/cql2-text",
    "http://www.opengis.net/spec/cql2/1.0/conf/cql2-json",
    "http://www.opengis.net/spec/cql2/1.0/conf/basic-cql2",
    "http://www.opengis.net/spec/cql2/1.0/conf/advanced-comparison-operators",
    "http://www.opengis.net/spec/cql2/1.0/conf/basic-spatial-functions",
    "http://www.opengis.net/spec/cql2/1.0/conf/basic-spatial-functions-plus",
    "http://www.opengis.net/spec/cql2/1.0/conf/spatial-functions",
)

#: zh/en titles of the columns every unit or facility has (indicator columns take their
#: titles from the catalog).
TITLES = {
    "adcode": ("行政区划代码", "Administrative division code"),
    "name": ("名称（中文或英文）", "Name (Chinese or English)"),
    "name_zh": ("中文名称", "Name (Chinese)"),
    "name_en": ("英文名称", "Name (English)"),
    "level": ("行政级别", "Administrative level"),
    "parent_adcode": ("上级行政区划代码", "Parent division code"),
    "special": ("特殊区域（如雄安新区）", "Special area (e.g. Xiong'an)"),
    "category": ("类别", "Category"),
    "tier": ("等级类别", "Tier"),
    "grade": ("等级", "Grade"),
    "county_adcode": ("所在区县代码", "County code"),
    "year": ("年份", "Year"),
    "kind": ("类型", "Kind"),
    "id": ("编号", "Identifier"),
    "lon": ("经度", "Longitude"),
    "lat": ("纬度", "Latitude"),
    "source": ("来源", "Source"),
    GEOMETRY: ("几何", "Geometry"),
}


@dataclass(frozen=True)
class Part3Query:
    """The validated Part 3 and answer-shaping parameters of one ``/items`` request."""

    filter: object | None = None  # a pygeofilter AST
    properties: tuple[str, ...] | None = None
    sortby: tuple[tuple[str, bool], ...] = ()  # (property, ascending)
    skip_geometry: bool = False


def _title(name: str, lang: str) -> tuple[str, str]:
    """(zh, en) title of a property."""
    if name in TITLES:
        return TITLES[name]
    from geo.sources.catalog import indicators

    by_id = {i.id: i for i in indicators()}
    base = name.removesuffix("_source")
    if base in by_id:
        indicator = by_id[base]
        if name.endswith("_source"):
            return f"{indicator.title_zh}（来源）", f"{indicator.title_en} (source)"
        return indicator.title_zh, indicator.title_en
    return name, name


def _json_type(series: pd.Series) -> dict:
    if pd.api.types.is_bool_dtype(series):
        return {"type": "boolean"}
    if pd.api.types.is_integer_dtype(series):
        return {"type": "integer"}
    if pd.api.types.is_numeric_dtype(series):
        return {"type": "number"}
    return {"type": "string"}


def queryable_names(frame: gpd.GeoDataFrame) -> list[str]:
    """Every property a filter, ``properties`` or ``sortby`` may name (and ``geometry``)."""
    columns = [c for c in frame.columns if c != frame.geometry.name]
    extra = ["name"] if {"name_zh", "name_en"} <= set(columns) and "name" not in columns else []
    return [*columns, *extra]


def queryables_document(
    collection_id: str, frame: gpd.GeoDataFrame, base: str, lang: str = "en"
) -> dict:
    """The JSON Schema of ``/collections/{id}/queryables`` (Part 3): every property with
    its type, a ``title`` in ``lang`` and both titles as ``x-title-zh``/``x-title-en``."""
    properties: dict[str, dict] = {}
    for name in queryable_names(frame):
        schema = _json_type(frame[name]) if name in frame.columns else {"type": "string"}
        zh, en = _title(name, lang)
        properties[name] = {
            "title": zh if lang == "zh" else en,
            **schema,
            "x-title-zh": zh,
            "x-title-en": en,
        }
    kinds = set(frame.geom_type.dropna())
    geometry_ref = "https://geojson.org/schema/Geometry.json"
    if kinds <= {"Point"}:
        geometry_ref = "https://geojson.org/schema/Point.json"
    elif kinds <= {"Polygon", "MultiPolygon"}:
        geometry_ref = "https://geojson.org/schema/MultiPolygon.json"
    zh, en = TITLES[GEOMETRY]
    properties[GEOMETRY] = {
        "title": zh if lang == "zh" else en,
        "format": "geometry-any",
        "$ref": geometry_ref,
        "x-title-zh": zh,
        "x-title-en": en,
    }
    return {
        "$schema": "https://json-schema.org/draft/2019-09/schema",
        "$id": f"{base}/collections/{collection_id}/queryables",
        "type": "object",
        "title": collection_id,
        "properties": properties,
        "additionalProperties": False,
        # The draft's list form, which GDAL's OAPIF driver reads to know what it may filter
        # on the server (JSON Schema ignores the unknown keyword).
        "queryables": [
            {"id": name, "title": schema["title"], "type": schema.get("type", "geometry")}
            for name, schema in properties.items()
        ],
    }


def _parser_message(err: Exception) -> str:
    """The parser's own message, without lark's long list of expected tokens."""
    text = str(err).split("Expected one of", 1)[0]
    lines = [line.rstrip() for line in text.strip().splitlines() if line.strip()]
    return " ".join(lines)[:600] or type(err).__name__


def _json_boxes(node):
    """CQL2 JSON ``{"bbox": [x1, y1, x2, y2]}`` as the polygon it means: pygeofilter 0.4
    reads the list in another order (x1, x2, y1, y2)."""
    if isinstance(node, list):
        return [_json_boxes(item) for item in node]
    if not isinstance(node, dict):
        return node
    if set(node) == {"bbox"} and isinstance(node["bbox"], list):
        numbers = node["bbox"]
        if len(numbers) == 6:
            numbers = [numbers[0], numbers[1], numbers[3], numbers[4]]
        if len(numbers) != 4:
            raise ValueError(f"a bbox has 4 or 6 numbers, not {len(node['bbox'])}")
        return shapely.geometry.mapping(shapely.box(*(float(n) for n in numbers)))
    return {key: _json_boxes(value) for key, value in node.items()}


def parse_filter(raw: str, lang: str | None):
    """A pygeofilter AST from ``filter`` in ``filter-lang`` (default cql2-text)."""
    lang = lang or "cql2-text"
    if lang == "cql-text":
        lang = "cql2-text"
    if lang not in FILTER_LANGS:
        raise BadParameter("filter-lang", lang, FILTER_LANGS)
    try:
        if lang == "cql2-json":
            return parse_cql2_json(_json_boxes(json.loads(raw)))
        return parse_cql2_text(raw)
    except Exception as err:  # the parser's message is the answer (lark, json, ValueError)
        raise BadParameter(
            "filter",
            raw if len(raw) <= 200 else raw[:200] + "…",
            f"a {lang} expression (OGC CQL2) over the queryables",
            reason=_parser_message(err),
        ) from None


def _attributes(node) -> set[str]:
    found = set()
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, cql_ast.Attribute):
            found.add(item.name)
        if isinstance(item, cql_ast.Node):
            stack.extend(item.get_sub_nodes())
        elif isinstance(item, (list, tuple)):
            stack.extend(item)
    return found


def _names(raw: str, name: str, valid: list[str]) -> tuple[str, ...]:
    names = tuple(n.strip() for n in raw.split(",") if n.strip())
    for item in names:
        if item.lstrip("+-") not in valid:
            raise BadParameter(name, item, valid, reason="not a property of this collection")
    return names


def parse_part3(frame: gpd.GeoDataFrame, args: Mapping[str, str]) -> Part3Query:
    """Validate ``filter``/``filter-lang``/``filter-crs``, ``properties``, ``sortby`` and
    ``skipGeometry`` against the collection's properties (``frame``)."""
    valid = queryable_names(frame)
    tree = None
    if args.get("filter") is not None:
        tree = _bbox_literals(parse_filter(args["filter"], args.get("filter-lang")))
        unknown = sorted(_attributes(tree) - {*valid, GEOMETRY})
        if unknown:
            raise BadParameter(
                "filter",
                args["filter"][:200],
                [*valid, GEOMETRY],
                reason=f"property {unknown[0]!r} is not a queryable of this collection",
            )
        crs = args.get("filter-crs")
        if crs is not None:
            source = crs_ref.parse(crs, "filter-crs", allow_short=False)
            if not source.is_crs84:
                tree = _to_crs84(tree, source)
    else:  # without a filter they change nothing, but a bad value is still a 400
        if args.get("filter-lang") is not None and args["filter-lang"] not in FILTER_LANGS:
            raise BadParameter("filter-lang", args["filter-lang"], FILTER_LANGS)
        if args.get("filter-crs") is not None:
            crs_ref.parse(args["filter-crs"], "filter-crs", allow_short=False)
    properties = None
    if args.get("properties") is not None:
        properties = _names(args["properties"], "properties", valid)
    sortby = ()
    if args.get("sortby") is not None:
        sortby = tuple(
            (item.lstrip("+-"), not item.startswith("-"))
            for item in _names(args["sortby"], "sortby", valid)
        )
    skip = args.get("skipGeometry")
    if skip is not None and skip not in ("true", "false"):
        raise BadParameter("skipGeometry", skip, ("true", "false"))
    return Part3Query(tree, properties, sortby, skip == "true")


def _rewrite(node, change):
    """``node`` with every sub-node ``change`` rewrites replaced (in place; the tree is
    this request's own). ``change`` returns the new node or None to keep and descend."""
    replaced = change(node)
    if replaced is not None:
        return replaced
    if isinstance(node, list):
        return [_rewrite(item, change) for item in node]
    if isinstance(node, cql_ast.Node):
        for name, value in list(vars(node).items()):
            if isinstance(value, (cql_ast.Node, list, cql_values.Envelope, cql_values.Geometry)):
                setattr(node, name, _rewrite(value, change))
    return node


def _bbox_literals(tree):
    """CQL2 text's ``BBOX(x1, y1, x2, y2)`` (the parser reads it as a function call) as the
    envelope literal it is; a 6-number box drops its heights."""

    def change(node):
        if isinstance(node, cql_ast.Function) and node.name.lower() == "bbox":
            numbers = list(node.arguments)
            if len(numbers) == 6:
                numbers = [numbers[0], numbers[1], numbers[3], numbers[4]]
            if len(numbers) != 4 or not all(isinstance(n, (int, float)) for n in numbers):
                raise BadParameter("filter", "BBOX", "BBOX(minx, miny, maxx, maxy)")
            x1, y1, x2, y2 = (float(n) for n in numbers)
            return cql_values.Envelope(x1, x2, y1, y2)
        return None

    return _rewrite(tree, change)


def _to_crs84(tree, source: crs_ref.RefCRS):
    """The filter with its geometry literals moved from ``source`` (authority axis order,
    as Part 2 reads coordinates) to CRS84."""

    def move(geometry: dict):
        shape = shapely.geometry.shape(geometry)
        if shape.length > 0:  # densify edges: a projected box's sides are curves in CRS84
            shape = shapely.segmentize(shape, shape.length / 256)
        moved = crs_ref.to_crs84(shape, source)
        return cql_values.Geometry(shapely.geometry.mapping(moved))

    def change(node):
        if isinstance(node, cql_values.Geometry):
            return move(node.geometry)
        if isinstance(node, cql_values.Envelope):
            return move(node.geometry)
        return None

    return _rewrite(tree, change)


class _Evaluator(gpd_evaluate.GeoPandasEvaluator):
    """pygeofilter's GeoPandas evaluator with this service's rules: ``name`` matches
    either name; missing values match nothing (not an error); text compares as text."""

    @gpd_evaluate.handle(cql_ast.Attribute)
    def attribute(self, node):
        if node.name == "name" and "name" not in self.df.columns:
            return self.df["name_zh"].where(self.df["name_zh"].notna(), self.df["name_en"])
        if node.name == GEOMETRY:
            return self.df.geometry
        return self.df[node.name]

    @gpd_evaluate.handle(cql_ast.Like)
    def like(self, node, lhs):
        result = super().like(node, lhs.astype("string"))
        return result.fillna(False).astype(bool)


def filter_mask(frame: gpd.GeoDataFrame, tree) -> np.ndarray:
    """Which rows of ``frame`` (CRS84) the parsed filter keeps."""
    try:
        result = _Evaluator(frame).evaluate(tree)
    except Exception as err:  # e.g. a text compared with a number, an unknown function
        raise BadParameter(
            "filter",
            type(err).__name__,
            "comparisons between a property and values of its type; functions: BBOX",
            reason=str(err)[:300],
        ) from None
    if isinstance(result, (bool, np.bool_)):
        return np.full(len(frame), bool(result))
    if isinstance(result, pd.Series):
        return result.fillna(False).astype(bool).to_numpy()
    return np.asarray(result, dtype=bool)


def sort_frame(frame: gpd.GeoDataFrame, sortby: tuple[tuple[str, bool], ...]):
    """``frame`` ordered by ``sortby`` (stable; missing values last)."""
    if not sortby:
        return frame
    names = [name if name != "name" else "name_zh" for name, _ in sortby]
    return frame.sort_values(
        names, ascending=[asc for _, asc in sortby], kind="stable", na_position="last"
    )


def only_properties(properties: dict, names: tuple[str, ...]) -> dict:
    """``properties=``: only the named ones, in the order asked (``name`` is both names)."""
    kept = {}
    for name in names:
        if name == "name" and "name" not in properties:
            kept.update({k: properties[k] for k in ("name_zh", "name_en") if k in properties})
        elif name in properties:
            kept[name] = properties[name]
    return kept
