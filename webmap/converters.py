"""URL converters: numbers in paths are ASCII digits.

Werkzeug's ``int`` converter matches ``\\d+``, which in a Python pattern is any Unicode
decimal digit, and ``int()`` reads them: ``/datasets/<id>/v/١`` (an Arabic-Indic one) served
version 1 under a second URL, and a cache entry of its own. This one matches ``[0-9]+``
only; anything else is not a route (404).
"""

from __future__ import annotations

from flask import Flask
from werkzeug.routing import IntegerConverter


class AsciiIntegerConverter(IntegerConverter):
    regex = r"[0-9]+"


def register(app: Flask) -> None:
    """Make ``<int:…>`` ASCII-only; call before any blueprint is registered."""
    app.url_map.converters["int"] = AsciiIntegerConverter
