"""Basemaps a map can be drawn on, and the datum their tiles are drawn in.

AMap (Gaode) tiles are drawn in GCJ-02: on that basemap the WGS 84 vector layers are
shifted to GCJ-02 for display (downloads always stay WGS 84), or they sit ~500 m off.
"""

from __future__ import annotations

from dataclasses import dataclass

from geo.errors import BadParameter


@dataclass(frozen=True)
class Basemap:
    id: str
    title_zh: str
    title_en: str
    url: str | None
    attribution: str
    datum: str = "WGS84"  # what the tiles are drawn in: WGS84 or GCJ02
    subdomains: str = "abc"
    max_zoom: int = 18
    needs_key: str | None = None  # config key that must be set for this basemap

    def tiles_url(self, config: dict) -> str | None:
        if self.url is None:
            return None
        return self.url.replace("{key}", str(config.get(self.needs_key) or ""))


BASEMAPS: dict[str, Basemap] = {
    b.id: b
    for b in (
        Basemap("none", "无底图", "No basemap", None, ""),
        Basemap(
            "osm",
            "OpenStreetMap",
            "OpenStreetMap",
            "https://{s}.tile.openstreetmap.org/{z}/{x}/{y}.png",
            "&copy; OpenStreetMap contributors",
            max_zoom=19,
        ),
        Basemap(
            "cartodb-light",
            "CartoDB 浅色",
            "CartoDB light",
            "https://{s}.basemaps.cartocdn.com/light_all/{z}/{x}/{y}.png",
            "&copy; OpenStreetMap contributors &copy; CARTO",
            subdomains="abcd",
            max_zoom=20,
        ),
        Basemap(
            "amap",
            "高德地图",
            "AMap (Gaode)",
            "https://webrd0{s}.is.autonavi.com/appmaptile?lang=zh_cn&size=1&scale=1&style=8&x={x}&y={y}&z={z}",
            "&copy; 高德地图 AutoNavi (GCJ-02)",
            datum="GCJ02",
            subdomains="1234",
        ),
        Basemap(
            "tianditu",
            "天地图",
            "Tianditu",
            "https://t{s}.tianditu.gov.cn/DataServer?T=vec_w&x={x}&y={y}&l={z}&tk={key}",
            "&copy; 天地图 Tianditu",
            subdomains="01234567",
            needs_key="TIANDITU_KEY",
        ),
    )
}
DEFAULT_BASEMAP = "cartodb-light"


def available_basemaps(config: dict) -> list[str]:
    """Basemap ids usable with this configuration (Tianditu only with a key)."""
    return [b.id for b in BASEMAPS.values() if not b.needs_key or config.get(b.needs_key)]


def check_basemap(basemap: str, config: dict) -> Basemap:
    valid = available_basemaps(config)
    if basemap not in valid:
        raise BadParameter("basemap", basemap, valid)
    return BASEMAPS[basemap]
