"""Charts as inline SVG, drawn here so the site needs no script and no network.

Two kinds: an indicator's observations as vertical bars, actual against target (one bar per
observation, coloured by status, labelled with its period and value), and a horizontal bar
chart of counts for overviews. Numbers are formatted deterministically.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from html import escape

ACTUAL, TARGET = "actual", "target"
COLOURS = {ACTUAL: "#2b6cb0", TARGET: "#dd6b20", "count": "#4a7c59"}
STATUS_LABELS = {ACTUAL: ("实际值", "actual"), TARGET: ("目标值", "target")}


@dataclass(frozen=True)
class Point:
    """One observation: its period ("2020", "2021-2025"), status and value."""

    period: str
    status: str  # ACTUAL, TARGET, or "other"
    value: Decimal


@dataclass(frozen=True)
class IndicatorSeries:
    title_zh: str
    title_en: str
    unit: str
    points: tuple[Point, ...]


def number(value: Decimal | float | int) -> str:
    """A short, stable rendering: no exponent, no trailing zeros."""
    d = Decimal(str(value))
    if d == d.to_integral_value():
        return f"{int(d):,}"
    return f"{d.normalize():f}"


def parse_decimal(text: str) -> Decimal | None:
    try:
        d = Decimal(text)
    except InvalidOperation:
        return None
    return d if d.is_finite() else None


def _nice_max(value: Decimal) -> Decimal:
    """A round upper bound for the axis (1, 2, 2.5, 5 times a power of ten)."""
    if value <= 0:
        return Decimal(1)
    exponent = math.floor(math.log10(float(value)))
    for step in (1, 2, 2.5, 5, 10):
        bound = Decimal(str(step)) * Decimal(10) ** exponent
        if bound >= value:
            return bound
    return Decimal(10) ** (exponent + 1)


def indicator_chart(series: IndicatorSeries, chart_id: str) -> str:
    """Vertical bars, one per observation in period order; actual and target in two colours."""
    points = sorted(series.points, key=lambda p: (p.period, p.status))
    width, height = max(300, 90 + 70 * len(points)), 256
    left, right, top, bottom = 56, 12, 56, 46
    plot_w, plot_h = width - left - right, height - top - bottom
    low = min([Decimal(0)] + [p.value for p in points])
    high = _nice_max(max([Decimal(0)] + [p.value for p in points]))
    span = (high - low) or Decimal(1)

    def y(value: Decimal) -> float:
        return round(top + plot_h * float((high - value) / span), 2)

    unit = f" ({series.unit})" if series.unit else ""
    title = f"{series.title_zh} / {series.title_en}{unit}"
    parts = [f'<svg class="chart indicator-chart" xmlns="http://www.w3.org/2000/svg" role="img" '
             f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" aria-labelledby="{chart_id}-title">',
             f'<title id="{chart_id}-title">{escape(title)}</title>',
             f'<text class="chart-title" x="4" y="16" font-size="13">{escape(series.title_zh + unit)}</text>',
             f'<text class="chart-subtitle" x="4" y="32" font-size="11" fill="#4a5568">{escape(series.title_en)}</text>']
    for i in range(5):
        value = low + span * Decimal(i) / Decimal(4)
        parts.append(f'<line x1="{left}" x2="{width - right}" y1="{y(value)}" y2="{y(value)}" stroke="#ddd"/>')
        parts.append(f'<text x="{left - 4}" y="{y(value) + 4}" font-size="10" text-anchor="end">{number(value)}</text>')
    slot = plot_w / max(1, len(points))
    bar_w = min(44.0, slot * 0.6)
    for i, p in enumerate(points):
        x = round(left + slot * i + (slot - bar_w) / 2, 2)
        y0, y1 = y(max(p.value, Decimal(0))), y(min(p.value, Decimal(0)))
        colour = COLOURS.get(p.status, "#718096")
        zh, en = STATUS_LABELS.get(p.status, ("", p.status))
        parts.append(f'<rect class="bar bar-{escape(p.status)}" x="{x}" y="{y0}" width="{round(bar_w, 2)}" '
                     f'height="{max(round(y1 - y0, 2), 0.5)}" fill="{colour}">'
                     f'<title>{escape(p.period)} {zh} {en}: {number(p.value)} {escape(series.unit)}</title></rect>')
        parts.append(f'<text x="{round(x + bar_w / 2, 2)}" y="{y0 - 4}" font-size="10" text-anchor="middle">'
                     f'{number(p.value)}</text>')
        parts.append(f'<text x="{round(x + bar_w / 2, 2)}" y="{height - bottom + 14}" font-size="10" '
                     f'text-anchor="middle">{escape(p.period)}</text>')
    legend_y = height - 12
    for j, status in enumerate((ACTUAL, TARGET)):
        zh, en = STATUS_LABELS[status]
        lx = left + j * 110
        parts.append(f'<rect x="{lx}" y="{legend_y - 9}" width="10" height="10" fill="{COLOURS[status]}"/>')
        parts.append(f'<text x="{lx + 14}" y="{legend_y}" font-size="10">{zh} {en}</text>')
    parts.append("</svg>")
    return "\n".join(parts)


def count_chart(rows: list[tuple[str, int, str | None]], title: str, chart_id: str) -> str:
    """Horizontal bars: (label, count, link or None) per row, longest first as given."""
    label_w, bar_max, row_h = 230, 320, 20
    width, height = label_w + bar_max + 60, 30 + row_h * len(rows)
    top = max((n for _, n, _ in rows), default=1) or 1
    parts = [f'<svg class="chart count-chart" xmlns="http://www.w3.org/2000/svg" role="img" '
             f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" aria-labelledby="{chart_id}-title">',
             f'<title id="{chart_id}-title">{escape(title)}</title>',
             f'<text class="chart-title" x="0" y="16" font-size="13">{escape(title)}</text>']
    for i, (label, n, link) in enumerate(rows):
        y = 28 + row_h * i
        w = round(bar_max * n / top, 2)
        text = f'<text x="{label_w - 6}" y="{y + 13}" font-size="11" text-anchor="end">{escape(label)}</text>'
        parts.append(f'<a href="{escape(link)}">{text}</a>' if link else text)
        parts.append(f'<rect class="bar" x="{label_w}" y="{y + 3}" width="{max(w, 0.5)}" height="{row_h - 6}" '
                     f'fill="{COLOURS["count"]}"><title>{escape(label)}: {n}</title></rect>')
        parts.append(f'<text x="{label_w + w + 4}" y="{y + 13}" font-size="10">{n}</text>')
    parts.append("</svg>")
    return "\n".join(parts)
