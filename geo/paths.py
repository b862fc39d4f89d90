"""Where the bundled data lives. Overridable with JJJ_ATLAS_DATA for tests or deployments."""

from __future__ import annotations

import os
from pathlib import Path

DATA_DIR = Path(os.environ.get("JJJ_ATLAS_DATA", Path(__file__).resolve().parent.parent / "data"))
BOUNDARIES_DIR = DATA_DIR / "boundaries"
FACILITIES_DIR = DATA_DIR / "facilities"
ZONES_DIR = DATA_DIR / "zones"
INDICATORS_DIR = DATA_DIR / "indicators"
