"""What the links map shows, decided without a web server.

A links map is fully described by ``kind``, ``from``, ``to``, ``year`` (which links),
``level`` (the units shaded by incoming links), ``lang`` and ``basemap``; the page, its
embed and its downloads share that description.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import urlencode

import pandas as pd

from geo.analysis.classify import MISSING_COLOR, Classification, classify
from geo.formats.csvsafe import to_csv_bytes
from geo.formats.geojson import dumps, feature_collection
from geo.i18n import DEFAULT_LANG, check_lang
from geo.i18n import TEXT as I18N_TEXT
from geo.levels import check_level
from geo.maps.basemaps import DEFAULT_BASEMAP, Basemap, check_basemap
from geo.sources.link_query import (
    BUNDLED,
    LinkFilter,
    LinkSource,
    endpoints_frame,
    filtered_links,
    link_counts,
    links_frame,
    parse_filter,
)
from geo.sources.links import KIND_COLORS, KIND_LABELS, KINDS
from geo.sources.regions import regions

DEFAULT_LEVEL = "prefecture"
#: Shading of units by incoming links: small integer counts, one class per count up to 5.
SHADE_SCHEME, SHADE_K, SHADE_PALETTE = "natural_breaks", 5, "OrRd"

#: The link map's own labels: the ``linkmap_*`` messages of the catalogues (geo/locale), by
#: their short key (all of them are sent to the page, so they are looked up by prefix).
TEXT_PREFIX = "linkmap_"
TEXT = {
    key.removeprefix(TEXT_PREFIX): texts
    for key, texts in I18N_TEXT.items()
    if key.startswith(TEXT_PREFIX)
}


def link_text(key: str, lang: str) -> str:
    return TEXT[key][lang]


@dataclass
class KindEntry:
    kind: str
    label: str
    color: str
    count: int


@dataclass
class ShadeEntry:
    label: str
    color: str
    count: int


@dataclass
class LinksSpec:
    link_filter: LinkFilter
    level: str
    lang: str
    basemap: Basemap
    kinds: list[KindEntry]
    shading: Classification | None
    shade_legend: list[ShadeEntry]
    link_total: int
    unknown_year: int
    max_weight: float | None = None
    lower_bound_units: int = 0
    #: What the units are shaded by: "count" (incoming links) or "weight" (their sum).
    shade_by: str = "count"
    #: Per unit of the level (regular units, adcode order): count, weight, lower bound.
    incoming: pd.DataFrame | None = None

    @property
    def source(self) -> LinkSource:
        return self.link_filter.source

    @property
    def shade_label(self) -> str:
        """The legend heading of the shading (with the weight's unit when it has one)."""
        if self.shade_by == "weight":
            unit = self.source.meta.get("weight_unit", "")
            return f"{self.t('incoming_weight')} ({unit})" if unit else self.t("incoming_weight")
        return self.t("incoming")

    def shade_values(self) -> pd.Series:
        """What each regular unit is shaded by (count or summed weight), by adcode."""
        return self.incoming[self.shade_by].astype(float)

    @property
    def source_line(self) -> str:
        """The source line under the map: the bundled links' rule, or a dataset's own
        source, URL, licence and version (user text: escaped where shown)."""
        if self.source.bundled:
            return self.t("source_line")
        meta = self.source.meta
        parts = [meta.get("source") or self.t("no_source")]
        if meta.get("source_url"):
            parts.append(meta["source_url"])
        line = " — ".join(parts)
        line += f" · {self.t('licence')}: {meta.get('licence') or '—'}"
        line += (
            f" · {self.t('dataset')} {self.source.dataset_id}, "
            f"{self.t('version')} {self.source.version} ({meta.get('created_at', '')[:10]})"
        )
        return line

    def query(self, **overrides) -> dict[str, str]:
        params = {
            **self.link_filter.query(),
            "level": self.level,
            "lang": self.lang,
            "basemap": self.basemap.id,
        }
        params.update({k: str(v) for k, v in overrides.items()})
        return params

    def query_string(self, **overrides) -> str:
        return urlencode(self.query(**overrides))

    def data_query(self) -> dict[str, str]:
        """Query for the download endpoints serving this map's links."""
        return {**self.link_filter.data_query(), "level": self.level}

    @property
    def title(self) -> str:
        base = self.source.title(self.lang) or link_text("title", self.lang)
        if self.link_filter.kind:
            return f"{base}: {KIND_LABELS[self.link_filter.kind][self.lang]}"
        return base

    def t(self, key: str) -> str:
        return link_text(key, self.lang)

    def rows(self) -> list[dict]:
        """The links shown, for the table under the map (names in the page's language)."""
        name = "name_zh" if self.lang == "zh" else "name_en"
        frame = filtered_links(self.link_filter)
        return [
            {
                "id": r["id"],
                "kind": KIND_LABELS[r["kind"]][self.lang],
                "color": KIND_COLORS[r["kind"]],
                "from": r[f"from_{name}"],
                "to": r[f"to_{name}"],
                "since": "" if pd.isna(r["since"]) else int(r["since"]),
                "weight": None if pd.isna(r["weight"]) else float(r["weight"]),
                "weight_unit": r["weight_unit"],
                "source_title": r["source_title"],
                "source_publisher": r["source_publisher"],
                "source_publisher_zh": r.get("source_publisher_zh", ""),
                "source_date": r["source_date"],
                "source_url": r["source_url"],
            }
            for r in frame.to_dict("records")
        ]

    def layer_options(self, links_url: str, regions_url: str) -> dict:
        """Options for the browser-side layer (static/atlas.js ``JJJAtlas.links``)."""
        c = self.shading
        return {
            "url": links_url,
            "regionsUrl": regions_url,
            "level": self.level,
            "shadeBy": self.shade_by,
            "shadeLabel": self.shade_label,
            "bins": c.bins if c else [],
            "colors": c.colors if c else [],
            "missingColor": MISSING_COLOR,
            **link_style_options(self.lang, self.basemap, self.max_weight),
        }


def zone_link_kinds(zone_id: str, lang: str) -> list[KindEntry]:
    """Kinds of the links whose both ends lie in a zone's members, with counts (kinds
    without such links left out): the corridor map's legend entries for its arcs."""
    return list(_zone_link_kinds(zone_id, lang))


@lru_cache(maxsize=64)
def _zone_link_kinds(zone_id: str, lang: str) -> tuple[KindEntry, ...]:
    # The bundled links are fixed for the life of the process: once per zone and language.
    shown = filtered_links(LinkFilter(zone=zone_id))
    per_kind = shown["kind"].value_counts()
    return tuple(
        KindEntry(k, KIND_LABELS[k][lang], KIND_COLORS[k], int(per_kind[k]))
        for k in KINDS
        if per_kind.get(k, 0)
    )


def link_style_options(lang: str, basemap: Basemap, max_weight: float | None = None) -> dict:
    """How static/atlas.js draws links (colours, labels, datum shift): shared by the links
    map and the corridor maps that draw the links inside their zone."""
    return {
        "maxWeight": max_weight,
        "kindColors": KIND_COLORS,
        "kindLabels": {k: labels[lang] for k, labels in KIND_LABELS.items()},
        "lang": lang,
        "shiftToGcj02": basemap.datum == "GCJ02",
        "labels": {key: link_text(key, lang) for key in TEXT},
    }


def links_spec(
    params: Mapping[str, str], config: Mapping | None = None, source: LinkSource = BUNDLED
) -> LinksSpec:
    """Validate links-map parameters; count the links per kind and shade units by the
    incoming links that pass the filter (by their summed weight for an uploaded table
    with weights). ``source``: the bundled links or a published links dataset
    (:func:`geo.sources.link_tables.link_source`). Raises :class:`~geo.errors.BadParameter`."""
    config = config or {}
    link_filter = parse_filter(params, source)
    level = check_level(params.get("level") or DEFAULT_LEVEL)
    lang = check_lang(params.get("lang") or DEFAULT_LANG)
    basemap = check_basemap(params.get("basemap") or DEFAULT_BASEMAP, config)
    shown = filtered_links(link_filter)
    per_kind = shown["kind"].value_counts()
    kinds = [
        KindEntry(k, KIND_LABELS[k][lang], KIND_COLORS[k], int(per_kind.get(k, 0)))
        for k in source.kinds
    ]
    counts = link_counts(level, "incoming", link_filter=link_filter)
    regular = regions(level, include_special=False)["adcode"]
    shade_by = "weight" if not source.bundled and shown["weight"].notna().any() else "count"
    values = counts.loc[regular, shade_by].to_numpy(dtype=float)
    shading = classify(values, SHADE_SCHEME, SHADE_K, SHADE_PALETTE) if len(shown) else None
    return LinksSpec(
        link_filter=link_filter,
        level=level,
        lang=lang,
        basemap=basemap,
        kinds=kinds,
        shading=shading,
        shade_legend=_shade_legend(shading),
        link_total=len(shown),
        unknown_year=int(shown["since"].isna().sum()) if source.bundled else 0,
        max_weight=float(shown["weight"].max()) if shown["weight"].notna().any() else None,
        lower_bound_units=int((counts.loc[regular, "unlocated_in_parent"] > 0).sum()),
        shade_by=shade_by,
        incoming=counts.loc[regular].sort_index(),
    )


def _shade_legend(c: Classification | None) -> list[ShadeEntry]:
    if c is None:
        return []
    entries, lower = [], c.minimum
    for i, (upper, color, count) in enumerate(zip(c.bins, c.colors, c.counts)):
        low = int(lower) if i == 0 else int(lower) + 1
        label = f"{int(upper):,}" if low >= int(upper) else f"{low:,}–{int(upper):,}"
        entries.append(ShadeEntry(label, color, count))
        lower = upper
    return entries


def dataset_metadata(source: LinkSource) -> dict | None:
    """A links dataset's metadata for downloads (None for the bundled links)."""
    if source.bundled:
        return None
    meta = source.meta
    return {
        "id": source.dataset_id,
        "version": source.version,
        "published_at": meta.get("created_at", ""),
        "title_zh": meta.get("title_zh", ""),
        "title_en": meta.get("title_en", ""),
        "description": meta.get("description", ""),
        "source": meta.get("source", ""),
        "source_url": meta.get("source_url", ""),
        "licence": meta.get("licence", ""),
        "weight_unit": meta.get("weight_unit", ""),
        "level": meta.get("level", ""),
    }


def links_export(link_filter: LinkFilter, level: str, fmt: str) -> bytes:
    """The filtered links as GeoJSON (LineString arcs + endpoint points + incoming counts
    per unit of ``level`` as a foreign member) or CSV (one row per link, no geometry).

    A links dataset's metadata (title, source, licence, weight unit, version) is the
    ``dataset`` member of the GeoJSON; in the CSV every row cites it (``source_*``) and the
    ``note`` column names the licence."""
    frame = links_frame(link_filter)
    dataset = dataset_metadata(link_filter.source)
    if dataset is not None:
        frame["note"] = f"licence: {dataset['licence'] or 'not stated'}"
    if fmt == "csv":
        return to_csv_bytes(frame.drop(columns=frame.geometry.name))
    counts = link_counts(level, "incoming", link_filter=link_filter)
    ends = endpoints_frame(link_filter)
    features = [
        (geom, record)
        for geom, record in zip(
            frame.geometry.values, frame.drop(columns="geometry").to_dict("records")
        )
    ]
    metadata = {
        "name": "jjj_links",
        "filter": link_filter.query(),
        "kinds": list(link_filter.source.kinds),
        "level": level,
        "incoming": {
            adcode: {
                "count": int(row["count"]),
                "weight": float(row["weight"]),
                "lower_bound": bool(row["unlocated_in_parent"]),
            }
            for adcode, row in counts.iterrows()
        },
        "endpoints": [
            {**record, "lon": float(geom.x), "lat": float(geom.y)}
            for geom, record in zip(
                ends.geometry.values, ends.drop(columns="geometry").to_dict("records")
            )
        ],
    }
    if dataset is not None:
        metadata["dataset"] = dataset
    return dumps(feature_collection(features, metadata=metadata)).encode()
