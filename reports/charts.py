"""Charts of a report Document drawn as inline SVG (bar, stacked bar, line, pie).

Drawn by hand rather than with matplotlib: four chart kinds need a few dozen lines each, the text
stays text (set in the report's embedded font, searchable and copyable in the HTML and the PDF,
where matplotlib would turn it into paths or need the CJK font registered with it), and a chart
costs microseconds instead of matplotlib's import and figure set-up. Every mark carries its
numbers (``data-series``, ``data-category``, ``data-value``) so a test can read them back.
Every string is escaped here: labels come from logs.
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

from markupsafe import Markup, escape

from govsoc.reports.document import Chart

WIDTH = 640
PALETTE = ("#1f5fa8", "#d9822b", "#2e8b57", "#b3261e", "#7b5ea7", "#8c6d46", "#c2185b", "#5f7d8c")
COLUMNS_FROM = 12  # a stacked chart with more categories is drawn as columns (a time axis)
LABEL_WIDTH = 136  # px at 12px: a longer category label is cut (the whole label stays in a tooltip)


@dataclass(frozen=True, slots=True)
class Ink:
    """How text is written: ``number`` formats a value, ``plain`` makes a string safe to show
    (code points for characters no font draws); escaping is done here, after both."""

    number: Callable[[float], str]
    plain: Callable[[str], str]
    font: str = "sans-serif"  # CSS font-family list, set on the <svg>: WeasyPrint's SVG ignores stylesheets


def render_chart(chart: Chart, *, no_data: str, ink: Ink) -> Markup:
    """The chart as an <svg> element; ``no_data`` is the text drawn when there is nothing to plot."""
    values = [v for s in chart.series for v in s.values if _finite(v)]
    if chart.empty or (chart.kind == "pie" and sum(values) <= 0):
        return _svg(60, [_text(WIDTH / 2, 34, no_data, anchor="middle", cls="nodata")], chart, ink)
    draw = {"bar": _bars, "stacked": _stacked, "line": _line, "pie": _pie}[chart.kind]
    height, parts = draw(chart, ink)
    return _svg(height, parts, chart, ink)


def _bars(chart: Chart, ink: Ink) -> tuple[int, list[str]]:
    """Horizontal bars: one row per category, one bar per series (long labels read left to right)."""
    n_series = len(chart.series)
    bar, gap, left, right = 14, 10, 150, 90
    row = bar * n_series + gap
    top = 8 + _legend_height(chart)
    lo, hi = _range([v for s in chart.series for v in s.values], rounded=False)
    scale = (WIDTH - left - right) / ((hi - lo) or 1)
    zero = left + (0 - lo) * scale
    parts = _legend(chart, ink)
    for i, category in enumerate(chart.categories):
        y = top + i * row
        parts.append(_label(ink, left - 8, y + bar * n_series / 2 + 4, category, anchor="end"))
        for j, series in enumerate(chart.series):
            value = _at(series.values, i)
            x0, x1 = sorted((zero, zero + value * scale))
            by = y + j * bar
            parts.append(_mark("rect", series.name, category, value,
                               f'x="{x0:.1f}" y="{by:.1f}" width="{max(x1 - x0, 0.5):.1f}" height="{bar - 2}" '
                               f'fill="{PALETTE[j % len(PALETTE)]}"'))
            parts.append(_text(x1 + 4, by + bar - 4, ink.number(value), cls="value"))
    parts.append(f'<line x1="{zero:.1f}" y1="{top - 2}" x2="{zero:.1f}" y2="{top + len(chart.categories) * row}" '
                 'stroke="#8a909c"/>')
    return top + len(chart.categories) * row + 8, parts


def _stacked(chart: Chart, ink: Ink) -> tuple[int, list[str]]:
    """Horizontal stacked bars: one bar per category, one segment per series, the total at its end;
    past COLUMNS_FROM categories (hours of a day), vertical columns over a time axis instead."""
    if len(chart.categories) > COLUMNS_FROM:
        return _columns(chart, ink)
    bar, gap, left, right = 18, 8, 150, 90
    top = 8 + _legend_height(chart)
    totals = [sum(max(_at(s.values, i), 0) for s in chart.series) for i in range(len(chart.categories))]
    scale = (WIDTH - left - right) / (max(totals) or 1)
    parts = _legend(chart, ink)
    for i, category in enumerate(chart.categories):
        y = top + i * (bar + gap)
        parts.append(_label(ink, left - 8, y + bar - 5, category, anchor="end"))
        x = float(left)
        for j, series in enumerate(chart.series):
            value = max(_at(series.values, i), 0)
            parts.append(_mark("rect", series.name, category, value,
                               f'x="{x:.1f}" y="{y}" width="{value * scale:.1f}" height="{bar}" '
                               f'fill="{PALETTE[j % len(PALETTE)]}"'))
            x += value * scale
        parts.append(_text(x + 4, y + bar - 5, ink.number(totals[i]), cls="value"))
    return top + len(chart.categories) * (bar + gap) + 8, parts


def _line(chart: Chart, ink: Ink) -> tuple[int, list[str]]:
    """Lines over categories (time buckets), y axis from zero with four grid lines."""
    left, right, plot_h = 64, 16, 200
    top = 8 + _legend_height(chart)
    lo, hi = _range([v for s in chart.series for v in s.values])
    n = len(chart.categories)
    step = (WIDTH - left - right) / max(n - 1, 1)
    scale = plot_h / ((hi - lo) or 1)

    def y_of(v: float) -> float:
        return top + plot_h - (v - lo) * scale

    parts = _legend(chart, ink) + _y_axis(ink, lo, hi, y_of, left, right)
    parts += _x_labels(ink, chart.categories, lambda i: left + i * step, top + plot_h + 16, WIDTH - left - right)
    for j, series in enumerate(chart.series):
        colour = PALETTE[j % len(PALETTE)]
        points = [(left + i * step, y_of(_at(series.values, i))) for i in range(n)]
        parts.append(f'<polyline fill="none" stroke="{colour}" stroke-width="2" points="'
                     + " ".join(f"{x:.1f},{y:.1f}" for x, y in points) + '"/>')
        for (x, y), category, value in zip(points, chart.categories, series.values, strict=False):
            parts.append(_mark("circle", series.name, category, _at((value,), 0),
                               f'cx="{x:.1f}" cy="{y:.1f}" r="{3 if n <= 48 else 1.5}" fill="{colour}"'))
    return top + plot_h + 26, parts


def _columns(chart: Chart, ink: Ink) -> tuple[int, list[str]]:
    """Stacked columns over categories (time buckets): one column per category, one segment per series."""
    left, right, plot_h = 64, 16, 200
    top = 8 + _legend_height(chart)
    n = len(chart.categories)
    totals = [sum(max(_at(s.values, i), 0) for s in chart.series) for i in range(n)]
    lo, hi = _range(totals)
    step = (WIDTH - left - right) / n
    scale = plot_h / ((hi - lo) or 1)

    def y_of(v: float) -> float:
        return top + plot_h - (v - lo) * scale

    parts = _legend(chart, ink) + _y_axis(ink, lo, hi, y_of, left, right)
    parts += _x_labels(ink, chart.categories, lambda i: left + (i + 0.5) * step, top + plot_h + 16,
                       WIDTH - left - right)
    for i, category in enumerate(chart.categories):
        base = 0.0
        for j, series in enumerate(chart.series):
            value = max(_at(series.values, i), 0)
            parts.append(_mark("rect", series.name, category, value,
                               f'x="{left + i * step + step * 0.15:.1f}" y="{y_of(base + value):.1f}" '
                               f'width="{step * 0.7:.1f}" height="{value * scale:.1f}" '
                               f'fill="{PALETTE[j % len(PALETTE)]}"'))
            base += value
    return top + plot_h + 26, parts


def _y_axis(ink: Ink, lo: float, hi: float, y_of: Callable[[float], float], left: int, right: int) -> list[str]:
    """Four grid lines with their values."""
    parts = []
    for k in range(5):
        v = lo + (hi - lo) * k / 4
        parts.append(f'<line x1="{left}" y1="{y_of(v):.1f}" x2="{WIDTH - right}" y2="{y_of(v):.1f}" stroke="#e3e6eb"/>')
        parts.append(_text(left - 6, y_of(v) + 4, ink.number(v), anchor="end", cls="tick"))
    return parts


def _x_labels(ink: Ink, categories: tuple[str, ...], x_of: Callable[[int], float], y: float,
              plot_width: float) -> list[str]:
    """Category labels under an axis, as many as fit side by side without touching."""
    if not categories:
        return []
    width = min(max(_width(ink.plain(c)) for c in categories), 120)
    fit = max(1, int(plot_width // (width + 14)))
    every = max(1, math.ceil(len(categories) / fit))
    parts = []
    for i in range(0, len(categories), every):
        x = x_of(i)
        anchor = "start" if x - width / 2 < 0 else "end" if x + width / 2 > WIDTH else "middle"
        parts.append(_label(ink, x, y, categories[i], anchor=anchor, width=120))
    return parts


def _pie(chart: Chart, ink: Ink) -> tuple[int, list[str]]:
    """A ring of the first series, with a legend giving each category's value and share."""
    series = chart.series[0]
    values = [max(_at(series.values, i), 0) for i in range(len(chart.categories))]
    total = sum(values)
    cx, cy, r = 110, 110, 90
    parts: list[str] = []
    angle = -math.pi / 2
    for i, (category, value) in enumerate(zip(chart.categories, values, strict=True)):
        colour = PALETTE[i % len(PALETTE)]
        sweep = 2 * math.pi * value / total
        if value > 0:
            parts.append(_mark("path", series.name, category, value,
                               f'd="{_arc(cx, cy, r, angle, sweep)}" fill="{colour}"'))
        angle += sweep
        y = 20 + i * 22
        parts.append(f'<rect x="240" y="{y - 11}" width="12" height="12" fill="{colour}"/>')
        parts.append(_label(ink, 258, y, category, width=220))
        parts.append(_text(WIDTH - 10, y, f"{ink.number(value)} ({value / total:.1%})", anchor="end", cls="value"))
    parts.append(f'<circle cx="{cx}" cy="{cy}" r="{r * 0.55:.1f}" fill="#fff"/>')
    parts.append(_text(cx, cy + 5, ink.number(total), anchor="middle", cls="total"))
    return max(2 * cy, 20 + len(values) * 22), parts


def _arc(cx: float, cy: float, r: float, start: float, sweep: float) -> str:
    if sweep >= 2 * math.pi - 1e-9:  # a whole ring: two half arcs (one arc cannot end where it starts)
        return (f"M{cx:.1f},{cy - r:.1f} A{r},{r} 0 1 1 {cx:.1f},{cy + r:.1f} "
                f"A{r},{r} 0 1 1 {cx:.1f},{cy - r:.1f} Z")
    x0, y0 = cx + r * math.cos(start), cy + r * math.sin(start)
    x1, y1 = cx + r * math.cos(start + sweep), cy + r * math.sin(start + sweep)
    large = 1 if sweep > math.pi else 0
    return f"M{cx:.1f},{cy:.1f} L{x0:.1f},{y0:.1f} A{r},{r} 0 {large} 1 {x1:.1f},{y1:.1f} Z"


def _legend_height(chart: Chart) -> int:
    return 22 * math.ceil(len(chart.series) / 4) if len(chart.series) > 1 else 0


def _legend(chart: Chart, ink: Ink) -> list[str]:
    if len(chart.series) <= 1:
        return []
    parts = []
    for j, series in enumerate(chart.series):
        x, y = 10 + (j % 4) * 155, 14 + (j // 4) * 22
        parts.append(f'<rect x="{x}" y="{y - 10}" width="12" height="12" fill="{PALETTE[j % len(PALETTE)]}"/>')
        parts.append(_label(ink, x + 16, y, series.name, width=130))
    return parts


def _svg(height: float, parts: list[str], chart: Chart, ink: Ink) -> Markup:
    return Markup(f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {WIDTH} {height:.0f}" '
                  f'width="{WIDTH}" height="{height:.0f}" role="img" aria-label="{escape(ink.plain(chart.title))}" '
                  f'data-kind="{escape(chart.kind)}" font-family="{escape(ink.font)}" font-size="12" '
                  f'fill="#1d2433">' + "".join(parts) + "</svg>")


def _mark(tag: str, series: str, category: str, value: float, geometry: str) -> str:
    # data-* keep the raw strings (escaped): a test compares them with the JSON's.
    return (f'<{tag} {geometry} data-series="{escape(series)}" data-category="{escape(category)}" '
            f'data-value="{value!r}"/>')


def _label(ink: Ink, x: float, y: float, text: str, *, anchor: str = "start", width: int = LABEL_WIDTH) -> str:
    """A category label cut to about ``width`` pixels; the whole label is its tooltip."""
    whole = ink.plain(text)
    return (f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" class="label">'
            f"<title>{escape(whole)}</title>{escape(_fit(whole, width))}</text>")


def _width(text: str) -> float:
    """Estimated width in px at 12px: wide (CJK) characters 12px, others about 7."""
    return sum(12 if unicodedata.east_asian_width(c) in "WF" else 7 for c in text)


def _fit(text: str, width: float) -> str:
    """``text`` cut with '…' to fit ``width`` px at 12px (wide CJK characters 12px, others about 7)."""
    used = 0.0
    for i, char in enumerate(text):
        used += 12 if unicodedata.east_asian_width(char) in "WF" else 7
        if used > width:
            return text[: max(i - 1, 0)] + "…"
    return text


#: Text styles as presentation attributes (WeasyPrint's SVG reads attributes, not the page's CSS).
TEXT_STYLES = {"value": 'font-size="11" fill="#4a5160"', "tick": 'font-size="11" fill="#4a5160"',
               "total": 'font-size="18" font-weight="bold"', "nodata": 'font-size="14" fill="#8a909c"', "": ""}


def _text(x: float, y: float, text: str, *, anchor: str = "start", cls: str = "") -> str:
    return (f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" class="{cls}" {TEXT_STYLES[cls]}>'
            f"{escape(text)}</text>")


def _range(values: list[float], *, rounded: bool = True) -> tuple[float, float]:
    """From zero (or the lowest value) to the highest value, rounded up for an axis with grid lines."""
    finite = [v for v in values if _finite(v)] or [0.0]
    top = max(0.0, max(finite))
    return min(0.0, min(finite)), _round_up(top) if rounded else top


def _round_up(value: float) -> float:
    """The smallest 4 x (1, 2, 2.5 or 5 x 10^k) at or above ``value``: four grid steps read well."""
    if value <= 0:
        return value
    step = 10.0 ** math.floor(math.log10(value / 4))
    for m in (1, 2, 2.5, 5, 10):
        if 4 * m * step >= value:
            return 4 * m * step
    return value


def _at(values: tuple[float, ...], i: int) -> float:
    value = values[i] if i < len(values) else 0.0
    return value if _finite(value) else 0.0


def _finite(value: float) -> bool:
    return isinstance(value, int | float) and math.isfinite(value)
