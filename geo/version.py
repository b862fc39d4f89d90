"""The data version: one string that changes whenever anything the service serves changes.

Responses that depend only on their query and the data are cached under this version
(``webmap.caching``), and downloads name it in their metadata. The bundled files give the
base (a hash of ``data/``); other sources of served data — published user datasets kept in
a database — register a function returning their own version string, read on each call so
a publish in one process is seen by every process that shares the store.
"""

from __future__ import annotations

import hashlib
import subprocess
from collections.abc import Callable
from functools import cache

from geo.paths import DATA_DIR

_sources: dict[str, Callable[[], str]] = {}


@cache
def bundled_version() -> str:
    """A 16-hex-digit hash of every file under ``data/`` (paths and contents)."""
    digest = hashlib.sha256()
    for path in sorted(p for p in DATA_DIR.rglob("*") if p.is_file()):
        digest.update(path.relative_to(DATA_DIR).as_posix().encode() + b"\0")
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


@cache
def bundled_date() -> str | None:
    """ISO date of the last commit that touched ``data/`` (None outside a git checkout).

    Used as the "generated" date of downloads: it changes only with the data, so the
    same request always yields the same bytes (and ETag).
    """
    try:
        out = subprocess.run(
            ["git", "log", "-1", "--format=%cs", "--", "."],
            cwd=DATA_DIR,
            capture_output=True,
            text=True,
            timeout=10,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None
    return out or None


def register_version_source(name: str, version: Callable[[], str]) -> None:
    """Add a source of served data (e.g. ``"datasets"``) whose version joins the key."""
    _sources[name] = version


def unregister_version_source(name: str) -> None:
    _sources.pop(name, None)


def data_version() -> str:
    """The bundled hash plus ``name=version`` per registered source (``ab12…+datasets=7``);
    a source answering ``""`` (nothing of it is involved) adds nothing."""
    parts = [bundled_version()]
    parts.extend(f"{name}={value}" for name, fn in sorted(_sources.items()) if (value := fn()))
    return "+".join(parts)
