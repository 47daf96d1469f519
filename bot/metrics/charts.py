"""Server-drawn SVG charts: no script, no web fonts, no third-party requests, readable at any zoom.

Each chart is an <svg role="img"> with a <title> and <desc>; the page always has the same figures
in a table as well. A hidden cell ("fewer than 10") is drawn as a short striped bar with the words
"<10" under no height scale, so the picture never shows more than the table does. The numbers drawn are
the published (keyed-rounded) ones from suppression.py, never the counts.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from bot.metrics.suppression import FEWER, FEWER_SHORT, total_text

BAR = "#1d70b8"  # GOV.UK blue: 5.2:1 on white
HIDDEN = "#505a5f"  # GOV.UK secondary text: 7:1 on white
TEXT = "#0b0c0c"
GRID = "#b1b4b6"
FONT = 'font-family="Arial, sans-serif" font-size="14"'


def _scale(values: Sequence[int]) -> tuple[int, int]:
    """(top of the scale, tick step): 1, 2 or 5 times a power of ten, at most 5 ticks, at least 5."""
    top = max(list(values) + [5])
    power = 1
    while True:
        for multiple in (1, 2, 5):
            step = multiple * power
            if top <= step * 5:
                return -(-top // step) * step, step
        power *= 10


def _pattern(chart_id: str) -> str:
    return (
        f'<defs><pattern id="{chart_id}-hidden" width="6" height="6" patternUnits="userSpaceOnUse" '
        f'patternTransform="rotate(45)"><rect width="6" height="6" fill="#ffffff"/>'
        f'<rect width="3" height="6" fill="{HIDDEN}"/></pattern></defs>'
    )


def column_chart(
    chart_id: str, title: str, description: str, labels: Sequence[str], cells: Sequence[int | None]
) -> str:
    """Vertical bars, one per week. `cells`: the shown counts, None for hidden ones."""
    width, height, left, bottom, top = 640, 260, 48, 48, 16
    plot_w, plot_h = width - left - 8, height - bottom - top
    scale_max, step = _scale([c for c in cells if c is not None])
    slot = plot_w / max(len(cells), 1)
    bar_w = max(min(slot * 0.7, 48), 4)
    parts: list[str] = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" class="chart" id="{chart_id}">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(description)}</desc>',
        _pattern(chart_id),
    ]
    for tick in range(0, scale_max + 1, step):
        y = top + plot_h - plot_h * tick / scale_max
        parts.append(f'<line x1="{left}" x2="{width - 8}" y1="{y:.1f}" y2="{y:.1f}" stroke="{GRID}" stroke-width="1"/>')
        parts.append(f'<text x="{left - 6}" y="{y + 5:.1f}" text-anchor="end" fill="{TEXT}" {FONT}>{tick}</text>')
    every = max(1, round(len(cells) / 7))
    for index, cell in enumerate(cells):
        x = left + slot * index + (slot - bar_w) / 2
        centre = x + bar_w / 2
        if cell is None:
            h = plot_h * 0.06
            parts.append(
                f'<rect x="{x:.1f}" y="{top + plot_h - h:.1f}" width="{bar_w:.1f}" height="{h:.1f}" '
                f'fill="url(#{chart_id}-hidden)" stroke="{HIDDEN}"/>'
            )
            parts.append(
                f'<text x="{centre:.1f}" y="{top + plot_h - h - 4:.1f}" text-anchor="middle" fill="{TEXT}" {FONT}>'
                f"{escape(FEWER_SHORT)}</text>"
            )
        elif cell > 0:
            h = plot_h * cell / scale_max
            parts.append(
                f'<rect x="{x:.1f}" y="{top + plot_h - h:.1f}" width="{bar_w:.1f}" height="{h:.1f}" fill="{BAR}"/>'
            )
        if index % every == 0:
            parts.append(
                f'<text x="{centre:.1f}" y="{height - bottom + 20}" text-anchor="middle" fill="{TEXT}" {FONT}>'
                f"{escape(labels[index])}</text>"
            )
    parts.append(
        f'<line x1="{left}" x2="{width - 8}" y1="{top + plot_h}" y2="{top + plot_h}" stroke="{TEXT}" stroke-width="1"/>'
    )
    parts.append(
        f'<text x="{left}" y="{height - 6}" fill="{TEXT}" {FONT}>Week starting (striped: {FEWER})</text></svg>'
    )
    return "".join(parts)


def bar_chart(chart_id: str, title: str, description: str, rows: Sequence[tuple[str, int, bool]]) -> str:
    """Horizontal bars, one per value. `rows`: (label, total of shown (rounded) weeks, some weeks hidden)."""
    row_h, label_w, width = 30, 300, 640
    height = row_h * max(len(rows), 1) + 12
    plot_w = width - label_w - 160  # room after the longest bar for "100 + weeks under 10"
    scale_max, _ = _scale([total for _, total, _ in rows])
    parts: list[str] = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" class="chart" id="{chart_id}">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(description)}</desc>',
    ]
    for index, (label, total, partial) in enumerate(rows):
        y = 6 + index * row_h
        short = label if len(label) <= 40 else label[:38] + "…"
        parts.append(
            f'<text x="{label_w - 8}" y="{y + 19}" text-anchor="end" fill="{TEXT}" {FONT}>{escape(short)}</text>'
        )
        w = plot_w * total / scale_max
        if w > 0:
            parts.append(f'<rect x="{label_w}" y="{y + 4}" width="{w:.1f}" height="{row_h - 10}" fill="{BAR}"/>')
        text = total_text(total, partial)
        parts.append(f'<text x="{label_w + w + 6:.1f}" y="{y + 19}" fill="{TEXT}" {FONT}>{escape(text)}</text>')
    parts.append("</svg>")
    return "".join(parts)
