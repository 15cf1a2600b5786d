"""Small inline-SVG charts for the HTML report (no plotting library, no external files)."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from html import escape

PALETTE = ("#2563eb", "#dc2626", "#16a34a", "#ea580c", "#7c3aed", "#0891b2", "#a16207")
WIDTH, HEIGHT = 640, 300
LEFT, RIGHT, TOP, BOTTOM = 52, 16, 40, 56  # plot margins: axis labels left and below, title and legend above
_FONT = 'font-family="system-ui, sans-serif"'


def _text(x: float, y: float, content: str, size: int = 11, anchor: str = "middle", extra: str = "") -> str:
    return f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}" {_FONT} {extra}>{escape(content)}</text>'


def _frame(title: str, body: list[str], label: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" width="{WIDTH}" height="{HEIGHT}" '
        f'role="img" aria-label="{escape(label)}">'
        f'<rect width="{WIDTH}" height="{HEIGHT}" fill="#fff"/>'
        + _text(LEFT, 18, title, 14, "start", 'font-weight="600"')
        + "".join(body)
        + "</svg>"
    )


def _legend(names: Sequence[str]) -> list[str]:
    parts, x = [], LEFT
    for i, name in enumerate(names):
        color = PALETTE[i % len(PALETTE)]
        parts.append(f'<rect x="{x}" y="25" width="10" height="10" fill="{color}"/>')
        parts.append(_text(x + 14, 34, name, 11, "start"))
        x += 24 + 7 * len(name)
    return parts


def _plot_box() -> tuple[float, float, float, float]:
    return LEFT, TOP + 8, WIDTH - RIGHT, HEIGHT - BOTTOM


def _y_axis(top: float, bottom: float, right: float, ticks: Sequence[float], maximum: float, fmt: str) -> list[str]:
    parts = []
    for tick in ticks:
        y = bottom - (bottom - top) * tick / maximum
        parts.append(f'<line x1="{LEFT}" x2="{right}" y1="{y:.1f}" y2="{y:.1f}" stroke="#e5e7eb"/>')
        parts.append(_text(LEFT - 6, y + 4, format(tick, fmt), 10, "end"))
    parts.append(f'<line x1="{LEFT}" x2="{right}" y1="{bottom}" y2="{bottom}" stroke="#6b7280"/>')
    return parts


_RATE_TICKS = (0.0, 0.25, 0.5, 0.75, 1.0)
_DASHES = ("none", "7 4", "2 3", "10 3 2 3", "4 4", "1 5", "12 6")


def line_chart(title: str, x_labels: Sequence[str], series: Mapping[str, Sequence[float | None]]) -> str:
    """Rates in [0, 1] per x position, one line per series."""
    left, top, right, bottom = _plot_box()
    parts = _legend(list(series)) + _y_axis(top, bottom, right, _RATE_TICKS, 1.0, ".2f")
    step = (right - left - 40) / max(len(x_labels) - 1, 1)
    xs = [left + 20 + i * step for i in range(len(x_labels))]
    parts += [_text(x, bottom + 18, label) for x, label in zip(xs, x_labels, strict=True)]
    for i, values in enumerate(series.values()):
        color = PALETTE[i % len(PALETTE)]
        points = [(x, bottom - (bottom - top) * v) for x, v in zip(xs, values, strict=True) if v is not None]
        if len(points) > 1:
            path = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
            # Dashes differ per series so that two configurations with equal values both stay visible.
            dash = _DASHES[i % len(_DASHES)]
            parts.append(
                f'<polyline points="{path}" fill="none" stroke="{color}" stroke-width="2.5" stroke-dasharray="{dash}"/>'
            )
        parts += [f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="{color}"/>' for x, y in points]
    return _frame(title, parts, title)


def bar_chart(title: str, groups: Sequence[str], series: Mapping[str, Sequence[float | None]]) -> str:
    """Grouped bars of rates in [0, 1]: one group per label, one bar per series (missing values: no bar)."""
    left, top, right, bottom = _plot_box()
    parts = _legend(list(series)) + _y_axis(top, bottom, right, _RATE_TICKS, 1.0, ".2f")
    group_width = (right - left) / max(len(groups), 1)
    bar = group_width * 0.8 / max(len(series), 1)
    for g, label in enumerate(groups):
        x0 = left + g * group_width + group_width * 0.1
        parts.append(_text(x0 + group_width * 0.4, bottom + 16, label, 10))
        for i, values in enumerate(series.values()):
            value = values[g]
            if value is None:
                continue
            # A zero is a result, not a gap: draw it as a thin line so it differs from a missing bar.
            height = max((bottom - top) * value, 1.5)
            parts.append(
                f'<rect x="{x0 + i * bar:.1f}" y="{bottom - height:.1f}" width="{max(bar - 1, 1):.1f}" '
                f'height="{height:.1f}" fill="{PALETTE[i % len(PALETTE)]}"><title>{escape(label)}: {value:.2f}</title></rect>'
            )
    return _frame(title, parts, title)


def _round_step(raw: float) -> float:
    """The smallest of 1, 2, 2.5 or 5 times a power of ten that is at least `raw`, so ticks read well."""
    if raw <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(raw))
    return next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)


def histogram(title: str, values: Sequence[float], unit: str = "ms", bins: int = 16) -> str:
    """Counts of values in equal-width bins from 0 to the largest value (at most `bins`, at least half)."""
    left, top, right, bottom = _plot_box()
    if not values:
        return _frame(title, [_text(WIDTH / 2, HEIGHT / 2, "no measurements")], title)
    width = _round_step(max(values) / bins)
    bins = min(bins, math.floor(max(values) / width) + 1)
    counts = [0] * bins
    for v in values:
        counts[min(int(v / width), bins - 1)] += 1
    step = max(1, math.ceil(_round_step(max(counts) / 5)))
    peak = step * math.ceil(max(counts) / step)  # the axis ends on a tick, so no label crowds another
    parts = _y_axis(top, bottom, right, range(0, peak + 1, step), peak, "d")
    slot = (right - left) / bins
    for b, count in enumerate(counts):
        height = (bottom - top) * count / peak
        x = left + b * slot
        parts.append(
            f'<rect x="{x + 1:.1f}" y="{bottom - height:.1f}" width="{slot - 2:.1f}" height="{height:.1f}" '
            f'fill="{PALETTE[0]}"><title>{b * width:.0f}–{(b + 1) * width:.0f} {unit}: {count}</title></rect>'
        )
    for b in sorted({*range(0, bins + 1, 2), bins}):
        parts.append(_text(left + b * slot, bottom + 16, f"{b * width:g}", 10))
    parts.append(_text((left + right) / 2, bottom + 36, f"latency ({unit}) per question", 11))
    return _frame(title, parts, title)
