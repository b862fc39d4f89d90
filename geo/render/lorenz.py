"""The inequality of an indicator as a picture: the Lorenz curve and the figures beside it.

:func:`lorenz_svg` draws the curve as inline SVG markup for the web page (no script);
:func:`render_inequality` draws the static export (PNG, SVG or PDF) with matplotlib, with
title, figures, the between/within sentence, source line and credit, like the map exports.
Both take the result of :func:`geo.analysis.inequality.inequality`.
"""

from __future__ import annotations

import io

from markupsafe import Markup, escape

from geo.i18n import text
from geo.render.fonts import cjk_font
from geo.render.layout import INK, METADATA, MUTED, drawing, wrap
from geo.render.options import ExportOptions

CURVE = "#2c7bb6"
FILL = "#abd9e9"
DIAGONAL = "#969696"


def _fmt(value: float | None, digits: int = 3) -> str:
    return "–" if value is None else f"{value:.{digits}f}"


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

    points = [(sx(p["population_share"]), sy(p["value_share"])) for p in result["lorenz"]]
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
        tip = f"{name}: {point['population_share'] * 100:.1f}% → {point['value_share'] * 100:.1f}%"
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


def figure_lines(result: dict, lang: str, unit: str, names: dict[str, str]) -> list[str]:
    """The figures as "label: value" lines (the export's right-hand column)."""
    weighted = result["weight"] == "population"
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
        unit_row = result[key]
        lines.append(
            f"{text(label, lang)}: {names.get(unit_row['adcode'], unit_row['adcode'])} "
            f"{unit_row['value']:,.6g} {unit}"
        )
    return lines


def render_inequality(
    result: dict,
    options: ExportOptions,
    lang: str,
    title: str,
    subtitle: str,
    source: str,
    names: dict[str, str],
    notes: list[str],
) -> bytes:
    """The Lorenz curve and the figures as PNG, SVG or PDF bytes (``options.format``)."""
    from matplotlib.figure import Figure

    width = options.width_in
    pt = width
    height = width * 0.62
    unit = result["max"]["unit_zh" if lang == "zh" else "unit"]
    with drawing():
        fig = Figure(figsize=(width, height), dpi=options.dpi, facecolor="white")
        fig.text(0.03, 0.97, title, fontproperties=cjk_font(2.0 * pt, "bold"), color=INK, va="top")
        fig.text(0.03, 0.905, subtitle, fontproperties=cjk_font(1.25 * pt), color=MUTED, va="top")
        ax = fig.add_axes([0.09, 0.2, 0.36, 0.36 * width / height])
        xs = [p["population_share"] for p in result["lorenz"]]
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
        ax.set_aspect("equal")
        ticks = [0, 0.25, 0.5, 0.75, 1]
        labels = [f"{round(t * 100)}%" for t in ticks]
        ax.set_xticks(ticks, labels, fontproperties=cjk_font(0.95 * pt))
        ax.set_yticks(ticks, labels, fontproperties=cjk_font(0.95 * pt))
        ax.grid(color="#eeeeee", linewidth=0.06 * pt)
        ax.set_xlabel(axis_label(result, lang), fontproperties=cjk_font(1.05 * pt))
        ax.set_ylabel(text("lorenz_y", lang), fontproperties=cjk_font(1.05 * pt))
        ax.legend(loc="upper left", prop=cjk_font(0.95 * pt), frameon=False)
        x0, y = 0.53, 0.82
        for line in figure_lines(result, lang, unit, names):
            fig.text(x0, y, line, fontproperties=cjk_font(1.2 * pt), color=INK, va="top")
            y -= 0.055
        max_em = (width * 0.44 * 72) / (1.2 * pt)
        for sentence in [result["statement"][lang], *notes]:
            if not sentence:
                continue
            y -= 0.02
            for wrapped in wrap(sentence, max_em, max_lines=4):
                fig.text(x0, y, wrapped, fontproperties=cjk_font(1.1 * pt), color=INK, va="top")
                y -= 0.045
        source_size = 0.95 * pt
        source_em = (width * 0.7 * 72) / source_size
        fig.text(
            0.03,
            0.05,
            "\n".join(wrap(f"{text('source', lang)}: {source}", source_em, 2)),
            fontproperties=cjk_font(source_size),
            color=MUTED,
            va="bottom",
            linespacing=1.3,
        )
        fig.text(
            0.97,
            0.05,
            text("atlas", "en") if lang == "en" else f"{text('atlas', 'zh')} · JJJ Atlas",
            fontproperties=cjk_font(1.05 * pt, "bold"),
            color=INK,
            ha="right",
            va="bottom",
        )
        buffer = io.BytesIO()
        fmt = options.format
        fig.savefig(buffer, format=fmt, dpi=options.dpi, metadata=METADATA[fmt])
        return buffer.getvalue()
