"""Cold renders: what a map page costs the first time its exact URL is asked (issue 18).

Every request names a URL nobody asked before (a new palette, class count, scheme, year,
language, band or filter), so the response cache misses and the page is rendered; the data
layers underneath (indicator values, boundaries, corridor analyses) are warm, as on a
server that has been up for a while. In-process (Flask test client, one thread = one
worker), page types interleaved round by round; prints median and p90 per page type.

With ``--baseline REF`` (default ``merge-base``: the commit this branch left main at) the
same URLs are measured on that commit in the
same run — a ``git worktree`` of it in a temporary directory, measured by this same script
in a subprocess with that tree first on ``sys.path`` — and the ratios are printed.

    .venv/bin/python bench/cold.py [--rounds 40] [--baseline REF|merge-base|none]
        [--profile TYPE] [--steps REF,REF,...]
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results" / "cold.json"

COUNTY_INDICATORS = [
    ("population", ("2010", "2020")),
    ("population_density", ("2010", "2020")),
    ("area_km2", ("",)),
    ("top_hospitals", ("",)),
    ("nearest_top_hospital_km", ("",)),
    ("grade3a_hospitals", ("",)),
    ("incoming_links", ("",)),
]
SCHEMES = ("quantiles", "natural_breaks", "equal_interval")
PALETTES = (
    "YlGnBu YlOrRd Blues Greens Oranges Purples Reds Greys BuGn BuPu GnBu OrRd PuBu PuBuGn "
    "PuRd RdPu YlGn YlOrBr"
).split()
LANGS = ("zh", "en")
ZONES = ("tong-wu-lang", "tong-bao-tang", "jing-bao-shi", "jing-jin", "jing-tang-qin", "xiongan")
LINK_KINDS = ("", "hospital-partnership", "medical-alliance", "paired-assistance", "joint-park")


def _query(**params) -> str:
    from urllib.parse import urlencode

    return urlencode({k: v for k, v in params.items() if v != ""})


def choropleth_urls(prefix: str, seed: int) -> list[str]:
    combos = [
        (ind, year, scheme, k, palette, lang)
        for (ind, years) in COUNTY_INDICATORS
        for year in years
        for scheme in SCHEMES
        for k in range(3, 10)
        for palette in PALETTES
        for lang in LANGS
    ]
    random.Random(seed).shuffle(combos)
    return [
        f"{prefix}?"
        + _query(
            indicator=ind, level="county", year=year, scheme=scheme, k=k, palette=pal, lang=lang
        )
        for ind, year, scheme, k, pal, lang in combos
    ]


def corridor_urls(seed: int) -> list[str]:
    bands = [f"{b / 2:g}" for b in range(10, 101)]  # 5 … 50 km by 0.5
    combos = list(itertools.product(ZONES, bands, LANGS))
    random.Random(seed).shuffle(combos)
    return [f"/maps/corridor/{z}?" + _query(band_km=b, lang=lang) for z, b, lang in combos]


def links_urls(seed: int) -> list[str]:
    years = [str(y) for y in range(2000, 2025)] + [""]
    combos = list(itertools.product(("prefecture", "county", "province"), LINK_KINDS, years, LANGS))
    random.Random(seed).shuffle(combos)
    return [
        "/maps/links?" + _query(level=lv, kind=kind, year=y, lang=lang)
        for lv, kind, y, lang in combos
    ]


def page_types(seed: int = 18) -> dict[str, list[str]]:
    return {
        "county choropleth page": choropleth_urls("/maps/choropleth", seed),
        "county choropleth embed": choropleth_urls("/embed/choropleth", seed + 1),
        "corridor page": corridor_urls(seed + 2),
        "links page": links_urls(seed + 3),
    }


def measure(rounds: int, profile: str | None = None) -> dict:
    """Run in the tree whose ``webmap`` is first on sys.path; returns ms per page type."""
    from webmap import create_app

    app = create_app({"TESTING": True})
    client = app.test_client()
    types = page_types()
    # Warm the data layers (not the pages measured): each type's first 3 URLs are dropped.
    warm = 3
    for urls in types.values():
        for url in urls[:warm]:
            response = client.get(url)
            if response.status_code != 200:
                raise RuntimeError(f"{url}: HTTP {response.status_code}")
    times: dict[str, list[float]] = {name: [] for name in types}
    profiler = None
    if profile:
        import cProfile

        profiler = cProfile.Profile()
    for i in range(warm, warm + rounds):
        for name, urls in types.items():
            url = urls[i % len(urls)]
            on = profiler is not None and name == profile
            if on:
                profiler.enable()
            started = time.perf_counter()
            response = client.get(url)
            response.get_data()
            elapsed = (time.perf_counter() - started) * 1000
            if on:
                profiler.disable()
            if response.status_code != 200 or response.headers.get("X-Cache") != "MISS":
                raise RuntimeError(f"{url}: HTTP {response.status_code} {response.headers}")
            times[name].append(elapsed)
    if profiler is not None:
        import pstats

        pstats.Stats(profiler, stream=sys.stderr).sort_stats("cumulative").print_stats(45)
    return {
        name: {
            "median_ms": round(statistics.median(ms), 2),
            "p90_ms": round(statistics.quantiles(ms, n=10)[-1], 2),
            "n": len(ms),
        }
        for name, ms in times.items()
    }


def run_tree(tree: Path, rounds: int) -> dict:
    env = {**os.environ, "PYTHONPATH": str(tree)}
    out = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), "--measure", "--rounds", str(rounds)],
        cwd=tree,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if out.returncode != 0:
        raise RuntimeError(f"cold bench in {tree} failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def steps(refs: list[str], rounds: int) -> int:
    """Median per page type at each of ``refs`` (one run each, in order, one process)."""
    rows = {}
    load = os.getloadavg()
    for ref in refs:
        tree = Path(tempfile.mkdtemp(prefix="cold-step-")) / "tree"
        subprocess.run(
            ["git", "-C", str(ROOT), "worktree", "add", "--detach", str(tree), ref],
            check=True,
            capture_output=True,
        )
        try:
            rows[ref] = run_tree(tree, rounds)
        finally:
            subprocess.run(
                ["git", "-C", str(ROOT), "worktree", "remove", "--force", str(tree)],
                capture_output=True,
            )
    names = list(next(iter(rows.values())))
    print(f"load average at start {load[0]:.1f}, end {os.getloadavg()[0]:.1f}; median ms")
    print("| commit | " + " | ".join(names) + " |")
    print("| --- |" + " ---: |" * len(names))
    for ref, result in rows.items():
        print(f"| {ref} | " + " | ".join(f"{result[n]['median_ms']:.1f}" for n in names) + " |")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=40)
    parser.add_argument(
        "--baseline",
        default="merge-base",
        help="git ref, 'merge-base' (where this branch left main) or 'none'",
    )
    parser.add_argument("--measure", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--profile", help="cProfile one page type (stderr), no baseline")
    parser.add_argument(
        "--steps", help="comma-separated git refs measured one after the other (what each bought)"
    )
    args = parser.parse_args()
    if args.steps:
        return steps(args.steps.split(","), args.rounds)
    if args.measure or args.profile:
        if str(Path.cwd()) not in sys.path:
            sys.path.insert(0, str(Path.cwd()))
        result = measure(args.rounds, args.profile)
        print(json.dumps(result))
        return 0
    load = os.getloadavg()
    results = {}
    base_dir = None
    try:
        if args.baseline == "merge-base":
            args.baseline = subprocess.run(
                ["git", "-C", str(ROOT), "merge-base", "main", "HEAD"],
                capture_output=True,
                text=True,
                check=True,
            ).stdout.strip()[:7]
        if args.baseline != "none":
            base_dir = Path(tempfile.mkdtemp(prefix="cold-base-")) / "tree"
            subprocess.run(
                [
                    "git",
                    "-C",
                    str(ROOT),
                    "worktree",
                    "add",
                    "--detach",
                    str(base_dir),
                    args.baseline,
                ],
                check=True,
                capture_output=True,
            )
        # Alternate after / baseline twice, so neither gets only the quiet or busy minutes.
        for _attempt in range(2):
            results.setdefault("after", []).append(run_tree(ROOT, args.rounds))
            if base_dir is not None:
                results.setdefault("baseline", []).append(run_tree(base_dir, args.rounds))
    finally:
        if base_dir is not None:
            subprocess.run(
                ["git", "-C", str(ROOT), "worktree", "remove", "--force", str(base_dir)],
                capture_output=True,
            )
    merged = {
        side: {
            name: {
                key: round(statistics.median(run[name][key] for run in runs), 2)
                for key in ("median_ms", "p90_ms")
            }
            for name in runs[0]
        }
        for side, runs in results.items()
    }
    print(
        f"load average at start: {load[0]:.1f} {load[1]:.1f} {load[2]:.1f}; "
        f"end: {os.getloadavg()[0]:.1f}; rounds per run {args.rounds}, 2 runs per tree"
    )
    print(
        f"| page type (distinct URLs) | after median ms | after p90 ms "
        f"| {args.baseline} median ms | {args.baseline} p90 ms | ratio (median) |"
    )
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    for name, after in merged["after"].items():
        base = merged.get("baseline", {}).get(name)
        cells = [f"{after['median_ms']:.1f}", f"{after['p90_ms']:.1f}"]
        if base:
            ratio = after["median_ms"] / base["median_ms"]
            cells += [f"{base['median_ms']:.1f}", f"{base['p90_ms']:.1f}", f"{ratio:.2f}×"]
        else:
            cells += ["", "", ""]
        print(f"| {name} | " + " | ".join(cells) + " |")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(
        json.dumps({"load_average": load, "baseline": args.baseline, **merged}, indent=2)
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
