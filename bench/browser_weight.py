"""Page weight in a real browser: what Chromium transfers to show a map page (issue 18).

``bench/page_weight.py`` adds up the resources it finds by parsing a page; this asks the
browser. Headless Chromium (Playwright, ``/usr/bin/chromium``, a fresh profile: empty
cache) opens each page with ``basemap=none`` (no tiles) and waits until the network is
idle; every finished request's encoded body plus response headers
(``Request.sizes()``) is counted: our own resources, and apart from them the vendored
Leaflet / topojson-client under ``/static/vendor/``. Budget (issue 18): the county
population choropleth ≤ 150 KB in all, vendor included (1 KB = 1000 B), aim ≤ 120 KB.

With ``--baseline REF`` (default ``merge-base``: where this branch left main) the same
pages are measured on that commit's tree served the same way
(``gunicorn -c python:webmap.gunicorn_conf``) in the same run.

    .venv/bin/python bench/browser_weight.py [--baseline REF|merge-base|none]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

from load import Gunicorn, extract
from server import RESULTS_DIR, ROOT

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
PAGES = {
    "county choropleth (population)": (
        "/maps/choropleth?indicator=population&level=county&basemap=none"
    ),
    "county choropleth": "/maps/choropleth?indicator=area_km2&level=county&basemap=none",
    "county choropleth (population, zh)": (
        "/maps/choropleth?indicator=population&level=county&basemap=none&lang=zh"
    ),
    "county embed": "/embed/choropleth?indicator=area_km2&level=county&basemap=none",
    "corridor": "/maps/corridor/jing-bao-shi?basemap=none",
    "links": "/maps/links?basemap=none",
    "county cluster map": "/maps/clusters?indicator=population&level=county&basemap=none",
}
BUDGET, AIM = 150_000, 120_000


def measure(base_url: str) -> dict:
    from playwright.sync_api import sync_playwright

    results = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            for name, path in PAGES.items():
                context = browser.new_context(viewport={"width": 1366, "height": 900})
                page = context.new_page()
                finished: list = []

                def collect(request, into=finished):
                    into.append(request)

                page.on("requestfinished", collect)
                page.goto(base_url + path, wait_until="networkidle", timeout=60_000)
                own = vendor = 0
                files = []
                for request in finished:
                    sizes = request.sizes()
                    size = sizes["responseBodySize"] + sizes["responseHeadersSize"]
                    url = request.url.removeprefix(base_url)
                    if url.startswith("/static/vendor/"):
                        vendor += size
                    else:
                        own += size
                        files.append((url[:90], size))
                results[name] = {"own_bytes": own, "vendor_bytes": vendor, "files": files}
                context.close()
        finally:
            browser.close()
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--baseline", default="merge-base")
    args = parser.parse_args()
    trees = [("this version", ROOT)]
    runs = {}
    with tempfile.TemporaryDirectory(prefix="jjj-weight-") as tmp:
        if args.baseline != "none":
            trees.append((f"baseline {args.baseline}", extract(args.baseline, Path(tmp))))
        for label, tree in trees:
            server_args = ["--config", "python:webmap.gunicorn_conf"]
            server_args += ["--access-logfile", "/dev/null"]
            with Gunicorn(label, server_args, tree) as server:
                runs[label] = measure(server.url)
    print("| page (basemap=none, empty cache) | " + " | ".join(runs) + " |")
    print("| --- |" + " ---: |" * len(runs))
    for name in PAGES:
        cells = [
            f"{r[name]['own_bytes'] / 1000:.1f} KB (+{r[name]['vendor_bytes'] / 1000:.1f} vendor)"
            for r in runs.values()
        ]
        print(f"| {name} | " + " | ".join(cells) + " |")
    name = "county choropleth (population)"
    for label, run in runs.items():
        total = run[name]["own_bytes"] + run[name]["vendor_bytes"]
        verdict = "≤ aim" if total <= AIM else ("≤ budget" if total <= BUDGET else "OVER budget")
        print(f"{label}: {name}, all: {total:,} B → {verdict} ({BUDGET:,} / aim {AIM:,})")
    # Per resource, each tree (URL without the ?v= cache buster).
    sizes = {
        label: {url.split("?v=")[0]: size for url, size in run[name]["files"]}
        for label, run in runs.items()
    }
    print("| resource | " + " | ".join(runs) + " |")
    print("| --- |" + " ---: |" * len(runs))
    for url in dict.fromkeys(u for s in sizes.values() for u in s):
        cells = [f"{s[url]:,}" if url in s else "—" for s in sizes.values()]
        print(f"| `{url}` | " + " | ".join(cells) + " |")
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    (RESULTS_DIR / "browser_weight.json").write_text(json.dumps(runs, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
