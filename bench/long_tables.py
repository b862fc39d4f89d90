"""Checking a long table (one row per county and year): every row joined vs each distinct
(key, text cells) combination joined once (:func:`geo.sources.datasets.join_distinct`).

    python bench/long_tables.py [--years 20] [--repeat 3]

Prints the median seconds of both, in the same run, and their ratio.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time

import pandas as pd

from geo.sources import datasets as ds
from geo.sources.regions import regions


def table(years: int) -> pd.DataFrame:
    rng = random.Random(1)
    units = regions("county", include_special=False)
    rows = [
        (name, str(2000 + y), f"{rng.random() * 100:.2f}")
        for y in range(years)
        for name in units["name_zh"]
    ]
    frame = pd.DataFrame(rows, columns=["区县", "年份", "床位数"], dtype=object)
    frame.index = pd.RangeIndex(2, len(frame) + 2)
    return frame.drop(columns="年份")


def median_seconds(func, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--years", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    frame = table(args.years)
    ds._join(frame.head(5), "county", "区县", "name")  # warm the caches
    every = median_seconds(lambda: ds._join(frame, "county", "区县", "name"), args.repeat)
    once = median_seconds(lambda: ds.join_distinct(frame, "county", "区县", "name"), args.repeat)
    print(
        f"{len(frame):,} rows ({args.years} years): every row {every:.2f} s, "
        f"distinct once {once:.2f} s, {every / once:.1f}x"
    )


if __name__ == "__main__":
    main()
