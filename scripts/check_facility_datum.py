"""Recompute the datum check of every located facility from the data files alone.

    .venv/bin/python scripts/check_facility_datum.py

Prints one line per point with a published coordinate (recorded vs recomputed outcome,
distances to the raw and converted GCJ-02 reference) and the counts per outcome; exits 1
if a recorded outcome or stored WGS 84 point differs from the recomputation, or a checked
point lies more than 300 m from its converted reference. Method: geo/datum_check.py.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from geo.analysis.datum_check import MAX_REFERENCE_DISTANCE_M, recheck  # noqa: E402
from geo.paths import FACILITIES_DIR  # noqa: E402


def main() -> int:
    manifest = json.loads((FACILITIES_DIR / "manifest.json").read_text(encoding="utf-8"))
    frames = [
        pd.read_csv(FACILITIES_DIR / e["file"], dtype=str, keep_default_na=False)
        for e in manifest["files"]
    ]
    checks = recheck(pd.concat(frames, ignore_index=True))
    failures = 0
    for row in checks.itertuples():
        moved = max(abs(row.lon - row.stored_lon), abs(row.lat - row.stored_lat)) > 1.5e-6
        far = row.final_to_reference_m > MAX_REFERENCE_DISTANCE_M
        bad = row.recorded != row.outcome or moved or far
        failures += bad
        print(
            f"{'FAIL' if bad else 'ok  '} {row.id:18} recorded={row.recorded:19} "
            f"recomputed={row.outcome:19} raw_ref={row.to_raw_reference_m:7.1f} m "
            f"converted_ref={row.to_converted_reference_m:7.1f} m "
            f"final={row.final_to_reference_m:7.1f} m"
        )
    counts = checks["outcome"].value_counts().to_dict()
    checked = checks[~np.isnan(checks["final_to_reference_m"].astype(float))]
    print(f"outcomes: {counts}; with reference: {len(checked)}; failures: {failures}")
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
