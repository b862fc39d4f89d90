"""JSON answers never carry ``NaN`` or ``Infinity``: those are not JSON (RFC 8259), and
browsers' ``JSON.parse`` and most clients refuse the whole document. A non-finite number
(a statistic that overflowed, a missing value) is written as ``null``.

The app's provider (``app.json``) and :func:`dumps` for the handlers that write bytes
themselves; the fast path is the standard encoder, the walk only runs when it refuses.
"""

from __future__ import annotations

import json
import math
from typing import Any

from flask.json.provider import DefaultJSONProvider


def finite(value: Any) -> Any:
    """``value`` with every non-finite float (also in dicts, lists, tuples) as None."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: finite(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [finite(v) for v in value]
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):
        try:
            return finite(value.item())  # numpy scalars
        except (TypeError, ValueError):
            return value
    return value


def dumps(value: Any, **kwargs: Any) -> str:
    """``json.dumps`` with non-finite numbers as null (``allow_nan`` is always False)."""
    kwargs["allow_nan"] = False
    try:
        return json.dumps(value, **kwargs)
    except ValueError:
        return json.dumps(finite(value), **kwargs)


class FiniteJSONProvider(DefaultJSONProvider):
    """Flask's JSON provider, writing non-finite numbers as null."""

    def dumps(self, obj: Any, **kwargs: Any) -> str:
        kwargs.setdefault("default", self.default)
        kwargs.setdefault("ensure_ascii", self.ensure_ascii)
        kwargs.setdefault("sort_keys", self.sort_keys)
        return dumps(obj, **kwargs)
