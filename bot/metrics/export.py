"""The CSV export: exactly the weekly cells the dashboard shows (rounded by each cell's keyed offset,
suppression.py), small ones as "fewer than 10"."""

from __future__ import annotations

import csv
import io

from bot.metrics.catalogue import METRICS, value_label
from bot.metrics.suppression import Figures

HEADER = ("tenant", "week_start", "week_end", "metric", "value", "label", "count")


def _safe(text: str) -> str:
    # A cell a spreadsheet would read as a formula is made plain text.
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


def figures_csv(figures: Figures) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(HEADER)
    for series in figures.series:
        label = value_label(series.metric, series.value)
        for index, week in enumerate(figures.weeks):
            writer.writerow(
                (
                    figures.tenant,
                    week.start.isoformat(),
                    week.end.isoformat(),
                    series.metric,
                    series.value,
                    _safe(label if series.value != "all" else METRICS[series.metric][0]),
                    series.cell_text(index),
                )
            )
    return out.getvalue()
