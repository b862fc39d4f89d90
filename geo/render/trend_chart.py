"""Inequality over time as a picture: Gini, Theil T and the coefficient of variation by year.

:func:`trend_svg` draws the line chart as inline SVG for the web page (no script; each point
has a ``<title>`` with its year and figure); :func:`render_trend` draws the static export
(PNG, SVG or PDF) with matplotlib. Both take the result of
:func:`geo.analysis.trend.trend`. A definition break is a dashed vertical line and the
lines do not join across it: years on either side do not compare.
"""

from __future__ import annotations

from markupsafe import Markup, escape

from geo.i18n import text
from geo.render.fonts import cjk_font
from geo.render.layout import INK, MUTED, drawing
from geo.render.lorenz import chart_figure, finish_chart, wrap
from geo.render.options import ExportOptions

#: The figures drawn, with their colours (ColorBrewer Dark2) and markers.
SERIES = (("gini", "#1b9e77", "o"), ("theil", "#d95f02", "s"), ("cv", "#7570b3", "^"))
BREAK = "#969696"


def _points(result: dict, key: str) -> list[list[tuple[int, float]]]:
    """One list of (year, value) per segment, values that exist only."""
    return [
        [(row["year"], row[key]) for row in seg["series"] if row[key] is not None]
        for seg in result["segments"]
    ]


def _extent(result: dict) -> tuple[int, int, float]:
    years = result["years"]
    top = max(
        (
            row[k]
            for seg in result["segments"]
            for row in seg["series"]
            for k, _, _ in SERIES
            if row[k] is not None
        ),
        default=1.0,
    )
    return years[0], years[-1], max(top * 1.1, 0.1)


def _label(key: str, result: dict, lang: str) -> str:
    if key == "cv" and result["weight"] == "population":
        return text("cv_weighted", lang)
    return text(key, lang)


def trend_svg(result: dict, lang: str, title: str) -> Markup:
    """The line chart as an accessible inline ``<svg>``."""
    width, height, left, right, top, bottom = 640, 300, 48, 16, 16, 64
    plot_w, plot_h = width - left - right, height - top - bottom
    first, last, ymax = _extent(result)
    span = max(last - first, 1)

    def sx(year: float) -> float:
        return left + (year - first) / span * plot_w if last > first else left + plot_w / 2

    def sy(value: float) -> float:
        return top + (1 - value / ymax) * plot_h

    desc = text("trend_chart_desc", lang).format(indicator=title)
    parts = [
        f'<svg class="trend-chart" viewBox="0 0 {width} {height}" role="img" '
        'aria-labelledby="trend-title trend-desc" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="trend-title">{escape(text("trend_title", lang))}</title>',
        f'<desc id="trend-desc">{escape(desc)}</desc>',
        f'<rect x="{left}" y="{top}" width="{plot_w}" height="{plot_h}" fill="#fff" '
        'stroke="#bdbdbd"/>',
    ]
    for k in range(5):
        value = ymax * k / 4
        parts.append(
            f'<line x1="{left}" y1="{sy(value):.1f}" x2="{left + plot_w}" y2="{sy(value):.1f}" '
            f'stroke="#eeeeee"/><text x="{left - 6}" y="{sy(value) + 4:.1f}" text-anchor="end" '
            f'font-size="11" fill="{MUTED}">{value:.2f}</text>'
        )
    for year in result["years"]:
        parts.append(
            f'<text x="{sx(year):.1f}" y="{top + plot_h + 16}" text-anchor="middle" '
            f'font-size="11" fill="{MUTED}">{year}</text>'
        )
    for brk in result["breaks"]:
        x = sx(int(brk["year"]) - 0.5)
        parts.append(
            f'<line x1="{x:.1f}" y1="{top}" x2="{x:.1f}" y2="{top + plot_h}" stroke="{BREAK}" '
            f'stroke-dasharray="4 3" class="trend-break"><title>{escape(brk["year"])}: '
            f"{escape(brk.get('note_zh' if lang == 'zh' else 'note', ''))}</title></line>"
        )
    for key, colour, _ in SERIES:
        label = _label(key, result, lang)
        for run in _points(result, key):
            if len(run) > 1:
                line = " ".join(f"{sx(y):.1f},{sy(v):.1f}" for y, v in run)
                parts.append(
                    f'<polyline points="{line}" fill="none" stroke="{colour}" '
                    f'stroke-width="2.2" class="trend-line trend-{key}"/>'
                )
            for year, value in run:
                parts.append(
                    f'<circle cx="{sx(year):.1f}" cy="{sy(value):.1f}" r="3.5" fill="{colour}" '
                    f'class="trend-point" data-key="{key}" data-year="{year}">'
                    f"<title>{escape(label)} {year}: {value:.3f}</title></circle>"
                )
    x = left
    for key, colour, _ in SERIES:
        label = escape(_label(key, result, lang))
        parts.append(
            f'<rect x="{x}" y="{height - 26}" width="14" height="4" fill="{colour}"/>'
            f'<text x="{x + 18}" y="{height - 20}" font-size="12" fill="{INK}">{label}</text>'
        )
        x += 18 + 7.2 * len(str(label)) * (1.7 if lang == "zh" else 1) + 18
    parts.append("</svg>")
    return Markup("".join(parts))


def render_trend(
    result: dict,
    options: ExportOptions,
    lang: str,
    title: str,
    subtitle: str,
    source: str,
) -> bytes:
    """The chart with its sentences, source line and credit as PNG, SVG or PDF bytes."""

    width = options.width_in
    pt = width
    note_size, source_size = 1.05 * pt, 0.95 * pt

    def line_h(size: float) -> float:
        return size * 1.5 / 72

    column_em = (width * 0.94 * 72) / note_size
    sentences = [wrap(s, column_em, max_lines=4) for s in result["statements"][lang]]
    header_h = 0.13 * width
    chart_h = 0.42 * width
    text_h = sum(len(lines) * line_h(note_size) + 0.01 * width for lines in sentences)
    source_lines = wrap(f"{text('source', lang)}: {source}", (width * 0.72 * 72) / source_size, 3)
    footer_h = 0.03 * width + len(source_lines) * line_h(source_size)
    height = header_h + chart_h + text_h + 0.03 * width + footer_h

    def fy(inches_from_top: float) -> float:
        return 1 - inches_from_top / height

    with drawing():
        fig = chart_figure(options, width, height, title, subtitle)
        top = header_h + 0.01 * width
        ax = fig.add_axes([0.08, fy(top + chart_h * 0.82), 0.88, chart_h * 0.82 / height])
        for key, colour, marker in SERIES:
            label = _label(key, result, lang)
            for k, run in enumerate(_points(result, key)):
                if run:
                    ax.plot(
                        [y for y, _ in run],
                        [v for _, v in run],
                        color=colour,
                        marker=marker,
                        linewidth=0.22 * pt,
                        markersize=0.5 * pt,
                        label=label if k == 0 else None,
                    )
        for brk in result["breaks"]:
            ax.axvline(
                int(brk["year"]) - 0.5, color=BREAK, linestyle=(0, (4, 3)), linewidth=0.12 * pt
            )
        ax.set_xticks(
            result["years"], [str(y) for y in result["years"]], fontproperties=cjk_font(0.95 * pt)
        )
        ax.set_ylim(0, _extent(result)[2])
        ax.tick_params(axis="y", labelsize=0.95 * pt)
        ax.grid(color="#eeeeee", linewidth=0.06 * pt)
        ax.legend(loc="upper left", prop=cjk_font(0.95 * pt), frameon=False, ncol=3)
        y = top + chart_h
        for lines in sentences:
            for wrapped in lines:
                fig.text(
                    0.03, fy(y), wrapped, fontproperties=cjk_font(note_size), color=INK, va="top"
                )
                y += line_h(note_size)
            y += 0.01 * width
        foot = y + 0.02 * width
        return finish_chart(fig, fy(foot), source_lines, source_size, options, lang)


__all__ = ["render_trend", "trend_svg"]
