"""What may be shown: whole calendar weeks, small counts hidden, totals only from what is shown.

The rules (docs/privacy.md, "Anonymous figures for charities"):
- A published number ("cell") is one tenant's count of one metric and value in one complete calendar
  week (Monday to Sunday, UK time). Days are stored but never shown: a day's count, or a week still
  going on (watched day by day), could single a person out.
- A cell of 1 to 4 is shown as "fewer than 5" everywhere (dashboard, charts, CSV). 0 is shown as 0.
- A total is the sum of the cells that are shown, never of hidden ones. When any of its cells was
  hidden, it says "at least N". So no hidden cell can be worked out by subtracting.
- Every view (4 weeks, 13 weeks, CSV) uses the same weekly cells, so comparing views reveals nothing new.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Dict, List, Mapping, Optional, Sequence, Tuple

from bot.metrics.catalogue import METRICS

THRESHOLD = 5
FEWER = "fewer than 5"
PERIODS = {4: "Last 4 weeks (about 30 days)", 13: "Last 13 weeks (about 90 days)"}


def shown(count: int) -> Optional[int]:
    """The count as it may be published: None when it must be hidden (1 to 4)."""
    return None if 0 < count < THRESHOLD else count


def display(count: int) -> str:
    value = shown(count)
    return FEWER if value is None else str(value)


@dataclass(frozen=True)
class Week:
    start: dt.date  # a Monday
    end: dt.date  # the Sunday after

    @property
    def label(self) -> str:
        return self.start.strftime("%-d %b")

    @property
    def long_label(self) -> str:
        return f"{self.start.strftime('%-d %b')} to {self.end.strftime('%-d %b %Y')}"


def complete_weeks(today: dt.date, count: int) -> List[Week]:
    """The `count` most recent weeks that have ended before `today`, oldest first."""
    this_monday = today - dt.timedelta(days=today.weekday())
    starts = [this_monday - dt.timedelta(weeks=n) for n in range(count, 0, -1)]
    return [Week(s, s + dt.timedelta(days=6)) for s in starts]


@dataclass(frozen=True)
class Total:
    value: int  # the sum of the shown cells
    partial: bool  # some cells were hidden, so the real total may be higher

    @property
    def text(self) -> str:
        if self.partial and self.value == 0:
            return f"{FEWER} each week"
        return f"at least {self.value}" if self.partial else str(self.value)


@dataclass(frozen=True)
class Series:
    metric: str
    value: str
    cells: Tuple[Optional[int], ...]  # per week: the shown count, None when hidden

    @property
    def total(self) -> Total:
        return Total(sum(c for c in self.cells if c is not None), any(c is None for c in self.cells))

    def cell_text(self, index: int) -> str:
        cell = self.cells[index]
        return FEWER if cell is None else str(cell)


@dataclass(frozen=True)
class Figures:
    tenant: str
    weeks: Tuple[Week, ...]
    series: Tuple[Series, ...]  # only metric-values counted at least once in these weeks

    def for_metric(self, metric: str) -> List[Series]:
        return [s for s in self.series if s.metric == metric]


def weekly_figures(
    tenant: str, daily: Mapping[Tuple[str, str, dt.date], int], weeks: Sequence[Week]
) -> Figures:
    """Sums stored days into weeks, then hides small cells. The raw counts are not kept in the result."""
    raw: Dict[Tuple[str, str], List[int]] = {}
    for (metric, value, day), count in daily.items():
        if metric not in METRICS:
            continue
        for index, week in enumerate(weeks):
            if week.start <= day <= week.end:
                raw.setdefault((metric, value), [0] * len(weeks))[index] += count
    order = list(METRICS)
    series = [
        Series(metric, value, tuple(shown(c) for c in counts))
        for (metric, value), counts in sorted(raw.items(), key=lambda kv: (order.index(kv[0][0]), kv[0][1]))
        if any(counts)
    ]
    return Figures(tenant, tuple(weeks), tuple(series))
