"""Export options (format, size, resolution, paper), validated like every map parameter.

Without ``paper`` the export is ``width`` pixels wide (at ``dpi``) and as tall as the map
needs. With ``paper=a4|a3|letter`` (and ``orientation=portrait|landscape``) the export is
exactly that page: a PDF of 595×842 pt for A4 portrait, a PNG/SVG of the page's proportions
at ``dpi`` (A4 at 150 dpi: 1240×1754 px); ``width`` is then ignored.
"""

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
MM_PER_INCH = 25.4
#: Paper sizes, portrait (width, height) in millimetres: ISO 216 A4/A3, ANSI Letter.
PAPERS = {"a4": (210.0, 297.0), "a3": (297.0, 420.0), "letter": (215.9, 279.4)}
ORIENTATIONS = ("portrait", "landscape")
#: The largest page in pixels a request may ask for (A3 at 600 dpi is 7016×9921).
MAX_PAGE_PIXELS = 60_000_000


@dataclass(frozen=True)
class ExportOptions:
    format: str = "png"
    width: int = DEFAULT_WIDTH  # pixels (with a paper: the page's width at dpi)
    dpi: int = DEFAULT_DPI
    #: ``a4``, ``a3`` or ``letter``: the export is exactly that page (None: width-based).
    paper: str | None = None
    orientation: str = "portrait"

    @property
    def page_in(self) -> tuple[float, float] | None:
        """The page (width, height) in inches, or None without a paper."""
        if self.paper is None:
            return None
        short, long = (mm / MM_PER_INCH for mm in PAPERS[self.paper])
        return (long, short) if self.orientation == "landscape" else (short, long)

    @property
    def width_in(self) -> float:
        """Figure width in inches."""
        page = self.page_in
        return page[0] if page else self.width / self.dpi

    @property
    def mimetype(self) -> str:
        return MIMETYPES[self.format]

    def key(self) -> tuple:
        """Everything that changes the drawn file (for cache keys)."""
        return (self.format, self.width, self.dpi, self.paper, self.orientation)

    def query(self) -> dict[str, str]:
        if self.paper is not None:
            return {"paper": self.paper, "orientation": self.orientation, "dpi": str(self.dpi)}
        return {"width": str(self.width), "dpi": str(self.dpi)}

    def name_suffix(self) -> str:
        """``_a4-landscape`` for a paper export (file names), else empty."""
        return f"_{self.paper}-{self.orientation}" if self.paper else ""


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


def _choice(name: str, raw, valid) -> str | None:
    if raw is None or raw == "":
        return None
    value = str(raw).strip().lower()
    if value not in valid:
        raise BadParameter(name, raw, valid)
    return value


def export_options(params: Mapping[str, str], fmt: str = "png") -> ExportOptions:
    """Validate ``format``, ``width`` (px, 300–6000), ``dpi`` (72–600), ``paper``
    (a4, a3, letter) and ``orientation`` (portrait, landscape) of an export.

    Raises :class:`~geo.errors.BadParameter` naming the valid values.
    """
    fmt = params.get("format") or fmt
    if fmt not in FORMATS:
        raise BadParameter("format", fmt, FORMATS)
    dpi = _integer("dpi", params.get("dpi"), DPI_RANGE, DEFAULT_DPI)
    paper = _choice("paper", params.get("paper"), tuple(PAPERS))
    orientation = _choice("orientation", params.get("orientation"), ORIENTATIONS)
    if paper is None:
        return ExportOptions(
            format=fmt,
            width=_integer("width", params.get("width"), WIDTH_RANGE, DEFAULT_WIDTH),
            dpi=dpi,
        )
    orientation = orientation or ORIENTATIONS[0]
    page = ExportOptions(format=fmt, dpi=dpi, paper=paper, orientation=orientation).page_in
    if fmt == "png" and page[0] * page[1] * dpi**2 > MAX_PAGE_PIXELS:
        top = int((MAX_PAGE_PIXELS / (page[0] * page[1])) ** 0.5)
        raise BadParameter(
            "dpi", dpi, f"an integer from {DPI_RANGE[0]} to {top} for a PNG of paper={paper}"
        )
    return ExportOptions(
        format=fmt,
        width=round(page[0] * dpi),
        dpi=dpi,
        paper=paper,
        orientation=orientation,
    )
