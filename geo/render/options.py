"""Export options (format, width in pixels, resolution), validated like every map parameter."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from geo.errors import BadParameter

FORMATS = ("png", "svg", "pdf")
MIMETYPES = {"png": "image/png", "svg": "image/svg+xml", "pdf": "application/pdf"}
#: Output width in pixels (PNG pixels; for SVG/PDF, width / dpi inches).
WIDTH_RANGE = (300, 6000)
DPI_RANGE = (72, 600)
DEFAULT_WIDTH = 1200
DEFAULT_DPI = 150


@dataclass(frozen=True)
class ExportOptions:
    format: str = "png"
    width: int = DEFAULT_WIDTH  # pixels
    dpi: int = DEFAULT_DPI

    @property
    def width_in(self) -> float:
        """Figure width in inches."""
        return self.width / self.dpi

    @property
    def mimetype(self) -> str:
        return MIMETYPES[self.format]

    def query(self) -> dict[str, str]:
        return {"width": str(self.width), "dpi": str(self.dpi)}


def _integer(name: str, raw, bounds: tuple[int, int], default: int) -> int:
    if raw is None or raw == "":
        return default
    valid = f"an integer from {bounds[0]} to {bounds[1]}"
    try:
        value = int(str(raw))
    except ValueError:
        raise BadParameter(name, raw, valid) from None
    if not bounds[0] <= value <= bounds[1]:
        raise BadParameter(name, raw, valid)
    return value


def export_options(params: Mapping[str, str], fmt: str = "png") -> ExportOptions:
    """Validate ``format``, ``width`` (px, 300–6000) and ``dpi`` (72–600) of an export.

    Raises :class:`~geo.errors.BadParameter` naming the valid range.
    """
    fmt = params.get("format") or fmt
    if fmt not in FORMATS:
        raise BadParameter("format", fmt, FORMATS)
    return ExportOptions(
        format=fmt,
        width=_integer("width", params.get("width"), WIDTH_RANGE, DEFAULT_WIDTH),
        dpi=_integer("dpi", params.get("dpi"), DPI_RANGE, DEFAULT_DPI),
    )
