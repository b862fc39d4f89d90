"""The sheet every static map is drawn on: title block, map frame, scale bar, north arrow,
source line and credit, sized from the export width (or the paper) so text scales with the
page. The source line wraps over as many lines as it needs and is never cut.

Coordinates handed to the map axes are metres in :data:`geo.measure.ALBERS_JJJ`.
"""

from __future__ import annotations

import io
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from threading import Lock

import matplotlib

matplotlib.use("Agg")  # no display, no GUI toolkit: safe inside gunicorn workers

from matplotlib.figure import Figure  # noqa: E402
from matplotlib.textpath import TextToPath  # noqa: E402
from matplotlib_scalebar.scalebar import ScaleBar  # noqa: E402

from geo.analysis.colour import lightness  # noqa: E402
from geo.i18n import text  # noqa: E402
from geo.render.fonts import cjk_font  # noqa: E402
from geo.render.options import ExportOptions  # noqa: E402

INK = "#1b1b1b"
MUTED = "#5f6368"
#: Unit outlines: white between saturated fills, a mid grey where the fill is too pale for
#: white to show (CIELAB L* above PALE_L), so borders stay visible on the palest class.
EDGE_ON_DARK, EDGE_ON_PALE, PALE_L = "#ffffff", "#8c8c8c", 80.0
#: Boundary data credit and what the map may not be used for, on every export (these
#: maps carry no 审图号, so they say they are schematic; see data/boundaries/SOURCES.md).
BOUNDARY_SOURCE = {lang: text("boundary_note", lang) for lang in ("en", "zh")}
#: Deterministic files for the same request (ETags stay stable across workers).
RC = {
    "svg.fonttype": "none",  # text as <text> with the font named: editable in Inkscape/Illustrator
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

HEADER_EM = 0.12  # title block height, fraction of the width (width-based exports)
MAP_WIDTH = 0.94  # map frame width, fraction of the width
MARGIN = 0.03
#: Page margin of a paper export, in inches per inch of the page's short side (10 mm on A4).
PAPER_MARGIN = 0.048
LINE_SPACING = 1.35
#: Punctuation that must not start a line (closing) or end one (opening): kept with its
#: neighbour, as Chinese typesetting does (kinsoku).
NO_LINE_START = set("，。、；：！？）》」』】〕…,.;:!?)]}%·")
NO_LINE_END = set("（《「『【〔([{")
_text_to_path = TextToPath()


def text_width(value: str, font) -> float:
    """Width of ``value`` set in ``font`` (FontProperties with a size), in points."""
    if not value:
        return 0.0
    return _text_to_path.get_text_width_height_descent(value, font, ismath=False)[0]


def _wide(ch: str) -> bool:
    return unicodedata.east_asian_width(ch) in "WF"


def _tokens(value: str) -> list[tuple[str, str]]:
    """``value`` as (leading space, text) break units: each CJK character alone, Latin
    words and numbers whole ("2020" is never split), punctuation kept with its neighbour."""
    units: list[tuple[str, str]] = []
    space = ""
    word = ""

    def flush():
        nonlocal word, space
        if word:
            units.append((space, word))
            word, space = "", ""

    for ch in value:
        if ch.isspace():
            flush()
            space = " "
        elif _wide(ch):
            flush()
            units.append((space, ch))
            space = ""
        else:
            word += ch
    flush()
    merged: list[tuple[str, str]] = []
    for space, unit in units:
        if merged and not space and (unit[0] in NO_LINE_START or merged[-1][1][-1] in NO_LINE_END):
            merged[-1] = (merged[-1][0], merged[-1][1] + unit)
        else:
            merged.append((space, unit))
    return merged


def wrap(value: str, max_width: float, font) -> list[str]:
    """``value`` in lines at most ``max_width`` points wide in ``font``: as many lines as it
    needs, nothing cut. Breaks between words, between CJK characters (never inside a
    number or a Latin word, unless that word alone is wider than a line)."""
    # Widths of the pieces are added up (each measured once, cached) instead of measuring
    # the growing line again for every piece: that was quadratic in the length of the
    # source line and most of a cold export's text time. Each line is then measured whole
    # once; one the sum got wrong (kerning) is wrapped again the exact way.
    lines: list[str] = []
    for line in _wrap_by_sums(value, max_width, font):
        if len(line) > 1 and text_width(line, font) > max_width:
            lines.extend(_wrap_exact(line, max_width, font))
        else:
            lines.append(line)
    return lines


@lru_cache(maxsize=8192)
def _piece_width(piece: str, font) -> float:
    return text_width(piece, font)


def _wrap_by_sums(value: str, max_width: float, font) -> list[str]:
    lines: list[str] = []
    current, width = "", 0.0
    for space, unit in _tokens(value):
        extra = _piece_width(space + unit, font)
        if current and width + extra <= max_width:
            current, width = current + space + unit, width + extra
            continue
        if current:
            lines.append(current)
        current, width = unit, _piece_width(unit, font)
    if current:
        lines.append(current)
    return lines


def _wrap_exact(value: str, max_width: float, font) -> list[str]:
    lines: list[str] = []
    current = ""
    for space, unit in _tokens(value):
        if current and text_width(current + space + unit, font) <= max_width:
            current += space + unit
            continue
        if current:
            lines.append(current)
        current = unit
        while len(current) > 1 and text_width(current, font) > max_width:
            # one unit wider than a line (a long URL): break it by characters
            cut = 1
            while cut < len(current) - 1 and text_width(current[: cut + 1], font) <= max_width:
                cut += 1
            lines.append(current[:cut])
            current = current[cut:]
    if current:
        lines.append(current)
    return lines


def edge_color(fill: str) -> str:
    """The outline drawn around a unit filled with ``fill`` (``#rrggbb``)."""
    return EDGE_ON_PALE if lightness(fill) > PALE_L else EDGE_ON_DARK


def fit_extent(
    extent: tuple[float, float, float, float], aspect: float
) -> tuple[float, float, float, float]:
    """``extent`` grown around its centre to the frame's ``aspect`` (height / width)."""
    xmin, ymin, xmax, ymax = extent
    w, h = xmax - xmin, ymax - ymin
    if h / w < aspect:
        grow = (w * aspect - h) / 2
        return (xmin, ymin - grow, xmax, ymax + grow)
    grow = (h / aspect - w) / 2
    return (xmin - grow, ymin, xmax + grow, ymax)


class Sheet:
    """A figure with a title block, one map frame in a fixed extent, and a footer.

    Without a paper (``options.paper``) the sheet is ``options.width_in`` wide and as tall
    as the map's aspect needs; with one it is exactly the page, with margins, and the map's
    extent grows (around its centre) to fill the frame between title block and footer.

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
        page = options.page_in
        if page is None:
            width, height = options.width_in, None
            self.pt = width  # type sizes in points per inch of page width
            margin, top_pad, bottom_pad = MARGIN * width, 0.03 * width, 0.01 * width
        else:
            width, height = page
            if options.format == "png":  # whole pixels, rounded (matplotlib truncates)
                width, height = (round(v * options.dpi) / options.dpi for v in page)
            self.pt = min(page)  # same type on portrait and landscape pages
            margin = top_pad = bottom_pad = PAPER_MARGIN * self.pt
        pt = self.pt
        inner = width - 2 * margin
        # Title block: title, then the subtitle over as many lines as it needs.
        title_font = cjk_font(2.2 * pt, "bold")
        subtitle_font = cjk_font(1.4 * pt)
        self.title_lines = wrap(title, inner * 72, title_font)
        title_h = len(self.title_lines) * 2.2 * pt * 1.2 / 72
        subtitle_y = top_pad + max(0.055 * pt, title_h)
        self.subtitle_lines = wrap(subtitle, inner * 72, subtitle_font)
        header = subtitle_y + len(self.subtitle_lines) * 1.4 * pt * 1.3 / 72 + 0.01 * pt
        # Footer: the source line (complete, wrapped) beside the credit.
        source_font = cjk_font(1.0 * pt)
        credit_font = cjk_font(1.1 * pt, "bold")
        credit = text("atlas", "en") if lang == "en" else f"{text('atlas', 'zh')} · JJJ Atlas"
        source_width = inner * 72 - text_width(credit, credit_font) - 2 * pt
        colon = "：" if lang == "zh" else ": "
        self.source_lines = wrap(
            f"{text('source', lang)}{colon}{source}", source_width, source_font
        ) + wrap(BOUNDARY_SOURCE[lang], source_width, source_font)
        line_h = 1.0 * pt * LINE_SPACING / 72
        footer = bottom_pad + line_h * len(self.source_lines) + 0.01 * pt
        xmin, ymin, xmax, ymax = extent
        if height is None:
            map_w = width * MAP_WIDTH
            map_h = map_w * (ymax - ymin) / (xmax - xmin)
            height = header + map_h + footer
        else:
            map_w = inner
            map_h = height - header - footer
            xmin, ymin, xmax, ymax = fit_extent(extent, map_h / map_w)
        self.width_in, self.height_in = width, height
        self.figure = Figure(figsize=(width, height), dpi=options.dpi, facecolor="white")
        self.ax = self.figure.add_axes(
            [margin / width, footer / height, map_w / width, map_h / height], frameon=False
        )
        self.ax.set_xlim(xmin, xmax)
        self.ax.set_ylim(ymin, ymax)
        self.ax.set_aspect("equal", adjustable="box")
        self.ax.set_xticks([])
        self.ax.set_yticks([])
        fig = self.figure
        x0 = margin / width
        self.title = fig.text(
            x0,
            1 - top_pad / height,
            "\n".join(self.title_lines),
            fontproperties=title_font,
            color=INK,
            va="top",
            linespacing=1.2,
        )
        self.subtitle = fig.text(
            x0,
            1 - subtitle_y / height,
            "\n".join(self.subtitle_lines),
            fontproperties=subtitle_font,
            color=MUTED,
            va="top",
            linespacing=1.3,
        )
        top = (footer - 0.01 * pt) / height
        self.source = fig.text(
            x0,
            top,
            "\n".join(self.source_lines),
            fontproperties=source_font,
            color=MUTED,
            va="top",
            linespacing=LINE_SPACING,
        )
        self.source.set_gid("source")
        fig.text(
            1 - x0,
            top,
            credit,
            fontproperties=credit_font,
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
        legend.get_title().set_multialignment("center")  # a title with a note line

    def finish_map(self, handles: list, title: str) -> None:
        """The legend of a thematic map (``title`` above ``handles``, type sized to the
        sheet), then the scale bar lower left and the north arrow (:meth:`decorate`)."""
        pt = self.pt
        self.legend(
            handles,
            title=title,
            prop=cjk_font(1.05 * pt),
            title_fontproperties=cjk_font(1.1 * pt, "bold"),
            handlelength=1.8,
            handleheight=1.1,
        )
        self.decorate(scalebar_loc="lower left", arrow_xy=(0.93, 0.95))

    def scale_words(self, value: float, unit: str) -> str:
        """The scale bar's length in the sheet's language: "100 千米" on zh prints."""
        words = {"km": text("i16_km", self.lang), "m": text("i16_m", self.lang)}
        return f"{value:g} {words.get(unit, unit)}"

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
                font_properties={
                    "fname": cjk_font().get_file(),
                    "family": cjk_font().get_family(),
                    "size": 1.0 * self.pt,
                },
                color=INK,
                scale_loc="top",
                scale_formatter=self.scale_words,
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
        if fmt == "png":
            return _png_bytes(self.figure, self.options.dpi)
        self.figure.savefig(buffer, format=fmt, dpi=self.options.dpi, metadata=METADATA[fmt])
        return buffer.getvalue()


#: zlib level of PNG exports: 3 writes a county map as small as 6 (within 1 %) in about
#: two thirds of the time.
PNG_COMPRESS_LEVEL = 3


def _png_bytes(figure: Figure, dpi: float) -> bytes:
    """The figure as an opaque RGB PNG (the sheet is white: an alpha channel would be a
    quarter of the pixels for nothing), with its dpi and no text chunks (as savefig with
    ``METADATA["png"]``), written at :data:`PNG_COMPRESS_LEVEL`."""
    import numpy as np
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from PIL import Image

    from geo.render import label_sprites

    if not isinstance(figure.canvas, FigureCanvasAgg):
        FigureCanvasAgg(figure)
    figure.set_dpi(dpi)
    figure.canvas.draw()
    rgb = np.array(figure.canvas.buffer_rgba())[..., :3]
    label_sprites.composite(figure, rgb)  # county labels drawn as sprites (annotate)
    image = Image.fromarray(np.ascontiguousarray(rgb))
    buffer = io.BytesIO()
    image.save(buffer, format="png", compress_level=PNG_COMPRESS_LEVEL, dpi=(dpi, dpi))
    return buffer.getvalue()


@contextmanager
def drawing() -> Iterator[None]:
    """Serialise figure drawing in this process, with the export rc settings."""
    with _lock, matplotlib.rc_context(RC):
        yield
