"""The inequality of an indicator as a picture: the Lorenz curve and the figures beside it.

:func:`lorenz_svg` draws the curve as inline SVG markup for the web page (no script);
:func:`render_inequality` draws the static export (PNG, SVG or PDF) with matplotlib, with
title, figures, the between/within sentence, source line and credit, like the map exports.
Both take the result of :func:`geo.analysis.inequality.inequality`.
"""

from __future__ import annotations

import io
import re
import unicodedata

from markupsafe import Markup, escape

from geo.i18n import text
from geo.render.fonts import cjk_font
from geo.render.layout import INK, METADATA, MUTED, drawing
from geo.render.options import ExportOptions

CURVE = "#2c7bb6"
FILL = "#abd9e9"
DIAGONAL = "#969696"


def _em(token: str) -> float:
    return sum(1.0 if unicodedata.east_asian_width(c) in "WF" else 0.55 for c in token)


def wrap(value: str, max_em: float, max_lines: int = 4) -> list[str]:
    """Greedy line breaking that keeps Latin words and numbers whole and breaks Chinese
    anywhere, without adding spaces inside Chinese text."""
    tokens: list[str] = []
    for piece in re.findall(r"\s+|[A-Za-z0-9.,%()\-+'’/:;×·–]+|.", value):
        tokens.append(piece)
    lines, current = [], ""
    for token in tokens:
        if current and _em(current + token) > max_em and not token.isspace():
            lines.append(current.rstrip())
            current = token
        elif not (token.isspace() and not current):
            current += token
    if current.strip():
        lines.append(current.rstrip())
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        lines[-1] = lines[-1][:-1] + "…"
    return lines


def _fmt(value: float | None, digits: int = 3) -> str:
    return "–" if value is None else f"{value:.{digits}f}"


def x_share(point: dict) -> float:
    """A Lorenz point's x: the cumulative share of units (unweighted) or of residents."""
    return point["population_share"] if "population_share" in point else point["unit_share"]


def axis_label(result: dict, lang: str) -> str:
    key = "lorenz_x_weighted" if result["weight"] == "population" else "lorenz_x"
    return text(key, lang)


def lorenz_svg(result: dict, lang: str, names: dict[str, str], title: str) -> Markup:
    """The Lorenz curve as an accessible inline ``<svg>`` (hover a point: unit and shares).

    Parameters
    ----------
    result : dict
        From :func:`geo.analysis.inequality.inequality`.
    lang : {"en", "zh"}
    names : dict
        adcode → unit name in ``lang``.
    title : str
        The indicator's title, for the description.
    """
    size, left, bottom, top, right = 420, 58, 52, 14, 16
    plot = size - left - right
    height = size - bottom - top

    def sx(x: float) -> float:
        return left + x * plot

    def sy(y: float) -> float:
        return top + (1 - y) * height

    points = [(sx(x_share(p)), sy(p["value_share"])) for p in result["lorenz"]]
    line = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
    area = line + f" {sx(1):.1f},{sy(1):.1f} {sx(0):.1f},{sy(0):.1f}"
    desc = text("lorenz_desc", lang).format(title=title, gini=_fmt(result["gini"]))
    parts = [
        f'<svg class="lorenz" viewBox="0 0 {size} {size}" role="img" '
        f'aria-labelledby="lorenz-title lorenz-desc" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="lorenz-title">{escape(text("lorenz_curve", lang))}</title>',
        f'<desc id="lorenz-desc">{escape(desc)}</desc>',
        f'<rect x="{left}" y="{top}" width="{plot}" height="{height}" fill="#fff" '
        'stroke="#bdbdbd"/>',
    ]
    for tick in (0.25, 0.5, 0.75):
        parts.append(
            f'<line x1="{sx(tick):.1f}" y1="{top}" x2="{sx(tick):.1f}" y2="{top + height}" '
            'stroke="#eeeeee"/>'
            f'<line x1="{left}" y1="{sy(tick):.1f}" x2="{left + plot}" y2="{sy(tick):.1f}" '
            'stroke="#eeeeee"/>'
        )
    for tick in (0, 0.25, 0.5, 0.75, 1):
        label = f"{round(tick * 100)}%"
        parts.append(
            f'<text x="{sx(tick):.1f}" y="{top + height + 16}" text-anchor="middle" '
            f'font-size="11" fill="{MUTED}">{label}</text>'
            f'<text x="{left - 6}" y="{sy(tick) + 4:.1f}" text-anchor="end" font-size="11" '
            f'fill="{MUTED}">{label}</text>'
        )
    parts += [
        f'<polygon points="{area}" fill="{FILL}" fill-opacity="0.45" class="lorenz-area"/>',
        f'<line x1="{sx(0):.1f}" y1="{sy(0):.1f}" x2="{sx(1):.1f}" y2="{sy(1):.1f}" '
        f'stroke="{DIAGONAL}" stroke-dasharray="5 4" class="lorenz-equality"/>',
        f'<polyline points="{line}" fill="none" stroke="{CURVE}" stroke-width="2.2" '
        'class="lorenz-curve"/>',
    ]
    for point, (x, y) in zip(result["lorenz"][1:], points[1:]):
        name = names.get(point["adcode"], point["adcode"])
        tip = f"{name}: {x_share(point) * 100:.1f}% → {point['value_share'] * 100:.1f}%"
        parts.append(
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{CURVE}" class="lorenz-point" '
            f'data-adcode="{escape(point["adcode"])}"><title>{escape(tip)}</title></circle>'
        )
    parts += [
        f'<text x="{left + plot / 2:.1f}" y="{size - 10}" text-anchor="middle" font-size="12" '
        f'fill="{INK}">{escape(axis_label(result, lang))}</text>',
        f'<text transform="translate(14 {top + height / 2:.1f}) rotate(-90)" '
        f'text-anchor="middle" font-size="12" fill="{INK}">'
        f"{escape(text('lorenz_y', lang))}</text>",
        f'<text x="{sx(0.62):.1f}" y="{sy(0.68):.1f}" font-size="11" fill="{DIAGONAL}" '
        f'transform="rotate(-45 {sx(0.62):.1f} {sy(0.68):.1f})">'
        f"{escape(text('lorenz_equality', lang))}</text>",
        "</svg>",
    ]
    return Markup("".join(parts))


def figure_lines(result: dict, lang: str, unit: str, names: dict[str, str], fmt=None) -> list[str]:
    """The figures as "label: value" lines (the export's right-hand column)."""
    weighted = result["weight"] == "population"
    if result.get("too_few"):
        return [
            f"{text('ineq_units', lang)}: {result['n']}",
            *(
                f"{text(label, lang)}: {extreme_text(result[key], names, unit, lang, fmt)}"
                for key, label in (("max", "ineq_highest"), ("min", "ineq_lowest"))
            ),
        ]
    lines = [
        f"{text('ineq_units', lang)}: {result['n']}"
        + (f" ({result['n_missing']} {text('ineq_missing', lang)})" if result["n_missing"] else ""),
        f"{text('gini', lang)}: {_fmt(result['gini'])}",
        f"{text('theil', lang)}: {_fmt(result['theil'])}",
    ]
    if result["theil_between"] is not None:
        lines += [
            f"{text('theil_between', lang)}: {_fmt(result['theil_between'])}",
            f"{text('theil_within', lang)}: {_fmt(result['theil_within'])}",
        ]
    lines.append(f"{text('cv_weighted' if weighted else 'cv', lang)}: {_fmt(result['cv'])}")
    for key, label in (("max", "ineq_highest"), ("min", "ineq_lowest")):
        lines.append(f"{text(label, lang)}: {extreme_text(result[key], names, unit, lang, fmt)}")
    return lines


def extreme_text(row: dict, names: dict[str, str], unit: str, lang: str, fmt=None) -> str:
    """ "门头沟区 0 家", or "190 units at 0" when the extreme value is shared by several."""
    value = f"{(fmt or '{:,.6g}'.format)(row['value'])} {unit}".strip()
    if row.get("n_tied", 1) > 1:
        return text("ineq_tied", lang).format(n=row["n_tied"], value=value)
    return f"{names.get(row['adcode'], row['adcode'])} {value}"


def chart_figure(options: ExportOptions, width: float, height: float, title: str, subtitle: str):
    """A white matplotlib figure ``width`` × ``height`` inches with the title and subtitle
    at its top left (type sized per inch of page width, as the map exports)."""
    from matplotlib.figure import Figure

    pt = width

    def fy(inches_from_top: float) -> float:
        return 1 - inches_from_top / height

    fig = Figure(figsize=(width, height), dpi=options.dpi, facecolor="white")
    fig.text(
        0.03,
        fy(0.03 * width),
        title,
        fontproperties=cjk_font(2.0 * pt, "bold"),
        color=INK,
        va="top",
    )
    fig.text(
        0.03,
        fy(0.085 * width),
        subtitle,
        fontproperties=cjk_font(1.25 * pt),
        color=MUTED,
        va="top",
    )
    return fig


def finish_chart(
    fig, foot: float, source_lines: list[str], source_size: float, options: ExportOptions, lang: str
) -> bytes:
    """The source lines (left) and the atlas credit (right) from ``foot`` (a figure
    fraction) down, then the figure as ``options.format`` bytes."""
    pt = options.width_in
    fig.text(
        0.03,
        foot,
        "\n".join(source_lines),
        fontproperties=cjk_font(source_size),
        color=MUTED,
        va="top",
        linespacing=1.4,
    )
    fig.text(
        0.97,
        foot,
        text("atlas", "en") if lang == "en" else f"{text('atlas', 'zh')} · JJJ Atlas",
        fontproperties=cjk_font(1.05 * pt, "bold"),
        color=INK,
        ha="right",
        va="top",
    )
    buffer = io.BytesIO()
    fmt = options.format
    fig.savefig(buffer, format=fmt, dpi=options.dpi, metadata=METADATA[fmt])
    return buffer.getvalue()


def render_inequality(
    result: dict,
    options: ExportOptions,
    lang: str,
    title: str,
    subtitle: str,
    source: str,
    names: dict[str, str],
    notes: list[str],
    fmt=None,
) -> bytes:
    """The Lorenz curve and the figures as PNG, SVG or PDF bytes (``options.format``)."""

    width = options.width_in
    pt = width  # type sizes in points per inch of page width, as the map exports
    unit = result["max"]["unit_zh" if lang == "zh" else "unit"]
    figure_size, note_size, source_size = 1.15 * pt, 1.05 * pt, 0.95 * pt

    def line_h(size: float) -> float:
        return size * 1.5 / 72  # inches

    column_em = (width * 0.43 * 72) / note_size
    figures = figure_lines(result, lang, unit, names, fmt)
    sentences = [
        wrap(sentence, column_em, max_lines=8)
        for sentence in [*result.get("statements", {}).get(lang, []), *notes]
        if sentence
    ]
    text_h = len(figures) * line_h(figure_size) + sum(
        len(lines) * line_h(note_size) + 0.012 * width for lines in sentences
    )
    header_h = 0.13 * width
    side = 0.36 * width
    chart_h = side + 0.09 * width
    body_h = max(chart_h, text_h) + 0.03 * width
    source_lines = wrap(f"{text('source', lang)}: {source}", (width * 0.72 * 72) / source_size, 3)
    footer_h = 0.03 * width + len(source_lines) * line_h(source_size)
    height = header_h + body_h + footer_h

    def fy(inches_from_top: float) -> float:
        return 1 - inches_from_top / height

    with drawing():
        fig = chart_figure(options, width, height, title, subtitle)
        top = header_h + 0.01 * width
        ax = fig.add_axes([0.1, fy(top + side), side / width, side / height])
        xs = [x_share(p) for p in result["lorenz"]]
        ys = [p["value_share"] for p in result["lorenz"]]
        ax.fill_between(xs, ys, xs, color=FILL, alpha=0.45, linewidth=0)
        ax.plot(
            [0, 1],
            [0, 1],
            color=DIAGONAL,
            linestyle=(0, (5, 4)),
            linewidth=0.12 * pt,
            label=text("lorenz_equality", lang),
        )
        ax.plot(
            xs,
            ys,
            color=CURVE,
            linewidth=0.22 * pt,
            marker="o",
            markersize=0.3 * pt,
            label=text("lorenz_curve", lang),
            gid="lorenz-curve",
        )
        ax.set_xlim(0, 1)
        ax.set_ylim(0, 1)
        ticks = [0, 0.25, 0.5, 0.75, 1]
        labels = [f"{round(t * 100)}%" for t in ticks]
        ax.set_xticks(ticks, labels, fontproperties=cjk_font(0.95 * pt))
        ax.set_yticks(ticks, labels, fontproperties=cjk_font(0.95 * pt))
        ax.grid(color="#eeeeee", linewidth=0.06 * pt)
        ax.set_xlabel(axis_label(result, lang), fontproperties=cjk_font(1.05 * pt))
        ax.set_ylabel(text("lorenz_y", lang), fontproperties=cjk_font(1.05 * pt))
        ax.legend(loc="upper left", prop=cjk_font(0.95 * pt), frameon=False)
        x0, y = 0.54, top
        for line in figures:
            fig.text(x0, fy(y), line, fontproperties=cjk_font(figure_size), color=INK, va="top")
            y += line_h(figure_size)
        for lines in sentences:
            y += 0.012 * width
            for wrapped in lines:
                fig.text(
                    x0, fy(y), wrapped, fontproperties=cjk_font(note_size), color=INK, va="top"
                )
                y += line_h(note_size)
        foot = header_h + body_h + 0.01 * width
        return finish_chart(fig, fy(foot), source_lines, source_size, options, lang)
