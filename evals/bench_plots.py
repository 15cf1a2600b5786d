"""Inline SVG charts for the benchmark page, drawn by hand (no plotting library is installed).

Two shapes cover every figure: stacked horizontal bars (where the milliseconds of one query go) and
lines over a logarithmic x axis (how a measure grows with the number of paragraphs).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from html import escape

COLORS = ("#2563eb", "#ea580c", "#16a34a", "#9333ea", "#dc2626", "#0891b2", "#a16207")
WIDTH = 720
_FONT = 'font-family="system-ui, sans-serif"'


def _text(x: float, y: float, content: str, size: int = 11, anchor: str = "start", weight: str = "normal") -> str:
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}" font-weight="{weight}" {_FONT}>'
        f"{escape(content)}</text>"
    )


def _svg(height: float, title: str, parts: Sequence[str]) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height:.0f}" width="{WIDTH}" '
        f'height="{height:.0f}" role="img" aria-label="{escape(title)}">'
        f'<rect width="{WIDTH}" height="{height:.0f}" fill="#fff"/>'
        + _text(12, 20, title, 14, weight="600")
        + "".join(parts)
        + "</svg>"
    )


def _legend(names: Sequence[str], y: float, left: float) -> list[str]:
    parts, x = [], left
    for i, name in enumerate(names):
        parts.append(f'<rect x="{x:.1f}" y="{y - 9:.1f}" width="10" height="10" fill="{COLORS[i % len(COLORS)]}"/>')
        parts.append(_text(x + 14, y, name))
        x += 28 + 6.5 * len(name)
    return parts


def _nice_ceiling(value: float) -> float:
    """The smallest 1, 2 or 5 times a power of ten at or above value."""
    if value <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(value))
    return next(step * power for step in (1, 2, 5, 10) if step * power >= value)


def stacked_bars(title: str, rows: Sequence[tuple[str, Mapping[str, float]]], unit: str) -> str:
    """One horizontal bar per row, split into its parts (same part names in every row, in order)."""
    names = list(rows[0][1]) if rows else []
    label_width, left, right, bar, gap = 190.0, 200.0, WIDTH - 70.0, 22.0, 12.0
    top = 52.0
    total = _nice_ceiling(max((sum(parts.values()) for _, parts in rows), default=1.0))
    scale = (right - left) / total
    parts_svg = _legend(names, 38, 12)
    for r, (label, parts) in enumerate(rows):
        y = top + r * (bar + gap)
        parts_svg.append(_text(left - 8, y + bar / 2 + 4, label[: int(label_width / 6.2)], anchor="end"))
        x = left
        for i, name in enumerate(names):
            width = parts.get(name, 0.0) * scale
            parts_svg.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{max(width, 0.0):.1f}" height="{bar}" '
                f'fill="{COLORS[i % len(COLORS)]}"><title>{escape(f"{name}: {parts.get(name, 0.0):g} {unit}")}'
                "</title></rect>"
            )
            x += width
        parts_svg.append(_text(x + 6, y + bar / 2 + 4, f"{sum(parts.values()):.4g} {unit}"))
    axis_y = top + len(rows) * (bar + gap)
    for tick in (0.0, total / 4, total / 2, 3 * total / 4, total):
        x = left + tick * scale
        parts_svg.append(f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{top - 4}" y2="{axis_y}" stroke="#e5e7eb"/>')
        parts_svg.append(_text(x, axis_y + 14, f"{tick:g}", 10, "middle"))
    return _svg(axis_y + 30, title, parts_svg)


def line_chart(
    title: str, xs: Sequence[float], series: Mapping[str, Sequence[float | None]], y_label: str, log_y: bool = False
) -> str:
    """Lines over a log10 x axis (paragraph counts); None leaves a gap."""
    left, right, top, bottom = 64.0, WIDTH - 20.0, 52.0, 262.0
    values = [v for line in series.values() for v in line if v is not None and (v > 0 or not log_y)]
    low_x, high_x = math.log10(min(xs)), math.log10(max(xs))
    span_x = high_x - low_x or 1.0
    if log_y:
        low_y = math.floor(math.log10(min(values, default=1.0)))
        high_y = math.ceil(math.log10(max(values, default=10.0)))
        high_y = high_y if high_y > low_y else low_y + 1
        ticks = [10.0**p for p in range(low_y, high_y + 1)]

        def to_y(v: float) -> float:
            return bottom - (bottom - top) * (math.log10(v) - low_y) / (high_y - low_y)

    else:
        ceiling = _nice_ceiling(max(values, default=1.0))
        ticks = [ceiling * i / 4 for i in range(5)]

        def to_y(v: float) -> float:
            return bottom - (bottom - top) * v / ceiling

    def to_x(v: float) -> float:
        return left + (right - left) * (math.log10(v) - low_x) / span_x

    parts = _legend(list(series), 38, left)
    for tick in ticks:
        y = to_y(tick)
        parts.append(f'<line x1="{left}" x2="{right}" y1="{y:.1f}" y2="{y:.1f}" stroke="#e5e7eb"/>')
        parts.append(_text(left - 6, y + 4, f"{tick:g}", 10, "end"))
    for x in xs:
        parts.append(_text(to_x(x), bottom + 16, f"{x:,.0f}", 10, "middle"))
    parts.append(_text((left + right) / 2, bottom + 34, "paragraphs in the index (log scale)", 11, "middle"))
    parts.append(_text(12, top - 8, y_label, 11))
    for i, (name, line) in enumerate(series.items()):
        color = COLORS[i % len(COLORS)]
        points = [(to_x(x), to_y(v)) for x, v in zip(xs, line, strict=True) if v is not None and (v > 0 or not log_y)]
        if len(points) > 1:
            path = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
            parts.append(
                f'<polyline points="{path}" fill="none" stroke="{color}" stroke-width="2">'
                f"<title>{escape(name)}</title></polyline>"
            )
        parts += [f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3.5" fill="{color}"/>' for x, y in points]
    return _svg(bottom + 46, title, parts)
