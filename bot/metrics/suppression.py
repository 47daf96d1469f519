"""What may be shown: final calendar weeks, small counts hidden, the rest rounded by a secret rule,
totals only from what is shown.

The rules (docs/privacy.md, "Anonymous figures for charities"):
- A published number ("cell") is one tenant's count of one metric and value in one calendar week
  (Monday to Sunday, UK time) that is final: it ended (Monday 00:00 Europe/London) at least LATE_MARGIN
  ago. Counts for a final week are no longer written (recorder.py), so a published cell never changes.
  Days are stored but never shown: a day's count, or a week still going on (watched day by day), could
  single a person out.
- Keyed rounding. Each cell has an offset from 0 to 4: the first bytes of HMAC-SHA256(key, [tenant,
  week start, metric, value]) taken modulo 5 (cell_offset). The key is HMAC-SHA256(WIDGET_SECRET,
  "reclaim-figures-rounding") (rounding_key), so every server that shares WIDGET_SECRET, as scale-out
  requires, gives a cell the same offset, and the page, the charts and the CSV all show the same number,
  every time. Without WIDGET_SECRET (local development) the key is random for this process: figures then
  change at every restart and differ between servers (a warning says so). A count c is published as
  5 * floor((c + offset) / 5): a multiple of 5 is shown as it is, any other count goes down or up to a
  neighbouring multiple of 5, up with probability (c mod 5) / 5 over the unknown offset, so on average a
  cell is the true count (no bias), and it is never more than 4 away.
- Small cells. A count whose published value would be under 10 is shown as "fewer than 10" everywhere
  (dashboard, charts, CSV): always 1 to 5 (so 1 to 4, the old rule, stay hidden), and 6 to 9 for some
  offsets (6 is hidden for offsets 0 to 3, 9 only for offset 0). 0 is shown as 0.
- Why. Anyone can add known counts to a cell (the widget's count endpoint is public and needs no
  conversation, and conversations can be started), then read the published week: with exact figures,
  shown - added = hidden. Fixed rounding to the nearest 5 with a fixed "fewer than 5" edge still gave one
  hidden value away for a well-chosen number added (e.g. 1 added: "5" shown means exactly 4 were hidden),
  for 1 hidden cell in 4. With the offset unknown, every edge moves by a secret amount per cell, and the
  hidden/shown edge moves with it: for any number added, at most 1 hidden cell in 20 (one hidden value
  in 4, and one offset in 5) gives a figure that fits only one hidden value 1 to 4; an attacker's best
  guess of a hidden 1 to 4 is right 2 times in 5 (chance alone: 1 in 4; fixed rounding: 1 in 2). A
  published week never changes, so each cell is seen only once (tests/bot/figures/test_metrics_outputs.py).
- Residual risk. Anyone who knows WIDGET_SECRET can work out every offset, which brings back the fixed
  rounding's 1 in 4. Changing WIDGET_SECRET changes the offsets, so past weeks are re-rounded (each by
  at most one step of 5) and anyone who kept the old figures gets a second, independent look at every
  past cell: change it only when it must change. Two metrics that count overlapping events (e.g. Quick
  exits and deletions) are rounded independently, so comparing them says a little more.
- A total is the sum of the shown (rounded) cells, never of hidden ones, and is labelled as a sum of
  rounded numbers; when any of its cells was hidden it says so. So no hidden cell can be worked out by
  subtracting.
- Every view (4 weeks, 13 weeks, CSV) uses the same weekly cells, so comparing views reveals nothing new.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import logging
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from bot.metrics.catalogue import METRICS
from bot.settings import LONDON, settings  # weeks are UK calendar weeks, as days are (counting.py)

logger = logging.getLogger(__name__)

THRESHOLD = 5  # 1 to 4 are always hidden, whatever the offset
ROUND_TO = 5
SHOWN_FROM = 10  # a published value under this is hidden: the hidden/shown edge moves with the offset
FEWER = "fewer than 10"
FEWER_SHORT = "<10"  # under a striped bar in the charts
HIDDEN_WEEKS = "weeks under 10"
ROUNDING_LABEL = b"reclaim-figures-rounding"
PERIODS = {4: "Last 4 weeks (about 30 days)", 13: "Last 13 weeks (about 90 days)"}
# A week is final this long after it ends. It covers how late a count can reach the store: it waits in
# memory up to METRICS_FLUSH_SECONDS (at most 10 minutes, recorder.py), and the Rasa servers' clocks may
# differ by a little. Counts that arrive later are dropped, never added to a published week.
LATE_MARGIN = dt.timedelta(hours=1)


_process_key: bytes | None = None


def rounding_key(secret: str | None = None) -> bytes:
    """The key for the cells' offsets: HMAC-SHA256(WIDGET_SECRET, ROUNDING_LABEL), the same on every server
    that shares WIDGET_SECRET. Without one (local development), a random key kept for this process only."""
    global _process_key
    secret = secret if secret is not None else settings().widget_secret
    if secret:
        return hmac.new(secret.encode("utf-8"), ROUNDING_LABEL, hashlib.sha256).digest()
    if _process_key is None:
        _process_key = secrets.token_bytes(32)
        logger.warning(
            "WIDGET_SECRET is not set: the figures are rounded with a random key for this run only, so they "
            "change at every restart and differ between servers. Set WIDGET_SECRET (see .env.example)."
        )
    return _process_key


def cell_offset(key: bytes, tenant: str, week_start: dt.date, metric: str, value: str) -> int:
    """The cell's rounding offset, 0 to 4: fixed for the cell, unpredictable without the key."""
    message = json.dumps([tenant, week_start.isoformat(), metric, value], separators=(",", ":")).encode("utf-8")
    digest = hmac.new(key, message, hashlib.sha256).digest()
    return int.from_bytes(digest[:8], "big") % ROUND_TO


def shown(count: int, offset: int) -> int | None:
    """The count as it may be published, given its cell's offset (0 to 4): None when it must be hidden
    (1 to 4 always; any count whose rounded value is under SHOWN_FROM), else 5 * floor((count + offset) / 5)."""
    if not 0 <= offset < ROUND_TO:
        raise ValueError("the offset must be from 0 to 4")
    if count == 0:
        return 0
    value = (count + offset) // ROUND_TO * ROUND_TO
    if count < THRESHOLD or value < SHOWN_FROM:
        return None
    return value


def display(count: int, offset: int) -> str:
    value = shown(count, offset)
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


def complete_weeks(today: dt.date, count: int) -> list[Week]:
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


def published_weeks(now: dt.datetime, count: int) -> list[Week]:
    """The `count` most recent final weeks at `now`, oldest first. The week still going on is never among
    them, nor the one that ended less than LATE_MARGIN ago."""
    weeks = complete_weeks(now.astimezone(LONDON).date(), count + 1)
    return weeks[1:] if is_final(weeks[-1].end, now) else weeks[:-1]


@dataclass(frozen=True)
class Total:
    value: int  # the sum of the shown (rounded) cells, so itself a rounded figure: label it so
    partial: bool  # some cells were hidden and are not in the sum

    @property
    def text(self) -> str:
        return total_text(self.value, self.partial)


def total_text(value: int, partial: bool) -> str:
    """A total in words. Not "at least N": rounded cells can be above the real counts. Where it is shown,
    its heading says it adds up rounded numbers (page.py, charts.py)."""
    if partial and value == 0:
        return f"{FEWER} each week"
    return f"{value} + {HIDDEN_WEEKS}" if partial else str(value)


@dataclass(frozen=True)
class Series:
    metric: str
    value: str
    cells: tuple[int | None, ...]  # per week: the shown count, None when hidden

    @property
    def total(self) -> Total:
        return Total(sum(c for c in self.cells if c is not None), any(c is None for c in self.cells))

    def cell_text(self, index: int) -> str:
        cell = self.cells[index]
        return FEWER if cell is None else str(cell)


@dataclass(frozen=True)
class Figures:
    tenant: str
    weeks: tuple[Week, ...]
    series: tuple[Series, ...]  # only metric-values counted at least once in these weeks

    def for_metric(self, metric: str) -> list[Series]:
        return [s for s in self.series if s.metric == metric]


def weekly_figures(
    tenant: str, daily: Mapping[tuple[str, str, dt.date], int], weeks: Sequence[Week], key: bytes | None = None
) -> Figures:
    """Sums stored days into weeks, then rounds each cell by its keyed offset and hides small ones. The raw
    counts are not kept in the result. `key`: rounding_key() unless given (tests)."""
    key = rounding_key() if key is None else key
    raw: dict[tuple[str, str], list[int]] = {}
    for (metric, value, day), count in daily.items():
        if metric not in METRICS:
            continue
        for index, week in enumerate(weeks):
            if week.start <= day <= week.end:
                raw.setdefault((metric, value), [0] * len(weeks))[index] += count
    order = list(METRICS)
    series = [
        Series(
            metric,
            value,
            tuple(
                shown(c, cell_offset(key, tenant, week.start, metric, value))
                for c, week in zip(counts, weeks, strict=True)
            ),
        )
        for (metric, value), counts in sorted(raw.items(), key=lambda kv: (order.index(kv[0][0]), kv[0][1]))
        if any(counts)
    ]
    return Figures(tenant, tuple(weeks), tuple(series))
