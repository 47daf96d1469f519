"""What may be shown: final calendar weeks, small counts hidden, the rest rounded, totals only from what is shown.

The rules (docs/privacy.md, "Anonymous figures for charities"):
- A published number ("cell") is one tenant's count of one metric and value in one calendar week
  (Monday to Sunday, UK time) that is final: it ended (Monday 00:00 Europe/London) at least LATE_MARGIN
  ago. Counts for a final week are no longer written (recorder.py), so a published cell never changes.
  Days are stored but never shown: a day's count, or a week still going on (watched day by day), could
  single a person out.
- A cell of 1 to 4 is shown as "fewer than 5" everywhere (dashboard, charts, CSV). 0 is shown as 0.
- Every other cell is rounded to the nearest ROUND_TO (5, 6, 7 -> 5; 8 to 12 -> 10). Anyone can add known
  counts to a cell (the widget's count endpoint is public, and conversations can be started), so an
  exact cell would give away a hidden one by subtraction (shown - added = hidden). A rounded cell stands
  for several counts: at most it tells which side of one rounding edge the hidden count was, and only
  once, since a final week never changes (tests/bot/test_metrics_outputs.py).
- A total is the sum of the shown (rounded) cells, never of hidden ones; when any of its cells was hidden
  it says so. So no hidden cell can be worked out by subtracting.
- Every view (4 weeks, 13 weeks, CSV) uses the same weekly cells, so comparing views reveals nothing new.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Dict, List, Mapping, Optional, Sequence, Tuple
from zoneinfo import ZoneInfo

from bot.metrics.catalogue import METRICS

LONDON = ZoneInfo("Europe/London")  # weeks are UK calendar weeks, as days are (counting.py)

THRESHOLD = 5
ROUND_TO = 5
FEWER = "fewer than 5"
UNDER_5_WEEKS = "weeks under 5"
PERIODS = {4: "Last 4 weeks (about 30 days)", 13: "Last 13 weeks (about 90 days)"}
# A week is final this long after it ends. It covers how late a count can reach the store: it waits in
# memory up to METRICS_FLUSH_SECONDS (at most 10 minutes, recorder.py), and the Rasa servers' clocks may
# differ by a little. Counts that arrive later are dropped, never added to a published week.
LATE_MARGIN = dt.timedelta(hours=1)


def shown(count: int) -> Optional[int]:
    """The count as it may be published: None when it must be hidden (1 to 4), else rounded to the
    nearest 5 (no count is ever half-way, so there are no ties)."""
    if 0 < count < THRESHOLD:
        return None
    return (count + ROUND_TO // 2) // ROUND_TO * ROUND_TO


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


def final_from(day: dt.date) -> dt.datetime:
    """When the week holding `day` becomes final: the Monday after it, 00:00 UK time, plus LATE_MARGIN."""
    next_monday = day + dt.timedelta(days=7 - day.weekday())
    return dt.datetime.combine(next_monday, dt.time(0), tzinfo=LONDON) + LATE_MARGIN


def is_final(day: dt.date, now: dt.datetime) -> bool:
    """True once the week holding `day` can no longer change (`now` must carry its time zone)."""
    return now >= final_from(day)


def published_weeks(now: dt.datetime, count: int) -> List[Week]:
    """The `count` most recent final weeks at `now`, oldest first. The week still going on is never among
    them, nor the one that ended less than LATE_MARGIN ago."""
    weeks = complete_weeks(now.astimezone(LONDON).date(), count + 1)
    return weeks[1:] if is_final(weeks[-1].end, now) else weeks[:-1]


@dataclass(frozen=True)
class Total:
    value: int  # the sum of the shown (rounded) cells
    partial: bool  # some cells were hidden and are not in the sum

    @property
    def text(self) -> str:
        return total_text(self.value, self.partial)


def total_text(value: int, partial: bool) -> str:
    """A total in words. Not "at least N": rounded cells can be above the real counts."""
    if partial and value == 0:
        return f"{FEWER} each week"
    return f"{value} + {UNDER_5_WEEKS}" if partial else str(value)


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
