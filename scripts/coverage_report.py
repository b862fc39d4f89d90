"""Coverage per indicator × level × year (units with a value / units at the level, Xiong'an
not counted), optionally before and after: the table issue notes and SOURCES.md give.

Usage::

    PYTHONPATH=. .venv/bin/python scripts/coverage_report.py [--indicators a,b] \\
        [--before-data DIR]

``--before-data`` names another ``data/`` directory (e.g. ``git archive <commit> data | tar
-x -C /tmp/before``); its coverage is measured in a subprocess with ``JJJ_ATLAS_DATA`` set
(the data paths are read at import) and shown beside this checkout's.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys


def measure(ids: list[str] | None) -> dict[str, str]:
    """``"indicator|level|year"`` → ``"with/total"`` for the current data directory."""
    from geo.sources.catalog import indicators
    from geo.sources.indicators import coverage

    table = {}
    for ind in indicators():
        if ids and ind.id not in ids:
            continue
        for level in ind.levels:
            for year in ind.all_years or (None,):
                with_value, total = coverage(ind.id, level, year)
                table[f"{ind.id}|{level}|{year or '–'}"] = f"{with_value}/{total}"
    return table


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--indicators", default="")
    parser.add_argument("--before-data", default="")
    parser.add_argument("--json", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    ids = [i for i in args.indicators.split(",") if i] or None
    after = measure(ids)
    if args.json:
        print(json.dumps(after))
        return 0
    before = {}
    if args.before_data:
        env = {**os.environ, "JJJ_ATLAS_DATA": args.before_data}
        out = subprocess.run(
            [sys.executable, __file__, "--json", "--indicators", args.indicators],
            env=env, check=True, capture_output=True, text=True,
        ).stdout
        before = json.loads(out)
    keys = sorted(set(after) | set(before), key=lambda k: (
        k.split("|")[0], ["province", "prefecture", "county"].index(k.split("|")[1]),
        k.split("|")[2]))
    print("| indicator | level | year | before | after |")
    print("|---|---|---|---|---|")
    for key in keys:
        ind, level, year = key.split("|")
        print(f"| {ind} | {level} | {year} | {before.get(key, '–')} | {after.get(key, '–')} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
