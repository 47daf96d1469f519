"""Is a service open now, and when does it next open? Always computed in Europe/London time, so the
answer is right across weekends, evenings, bank holidays and the change between GMT and BST."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from actions.settings import LONDON

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
LOOK_AHEAD_DAYS = 14


@dataclass(frozen=True)
class OpeningStatus:
    known: bool  # False when the sources do not settle the hours: never say "open now"
    always_open: bool = False
    open_now: bool = False
    next_opens: dt.datetime | None = None  # London time


def status(
    opening_hours: dict[str, Any] | None, now: dt.datetime, bank_holidays: Iterable[dt.date] = ()
) -> OpeningStatus:
    """`now` must be timezone-aware; it is converted to London time."""
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware: a naive time would be read in the server's zone")
    if not opening_hours:
        return OpeningStatus(known=False)
    if opening_hours.get("always"):
        return OpeningStatus(known=True, always_open=True, open_now=True)
    local = now.astimezone(LONDON)
    holidays = set(bank_holidays) if opening_hours.get("bank_holidays") == "closed" else set()
    weekly = opening_hours.get("weekly") or {}
    for start, end in _intervals(weekly, local.date(), holidays):
        if start <= local < end:
            return OpeningStatus(known=True, open_now=True)
    return OpeningStatus(known=True, open_now=False, next_opens=_next_opening(weekly, local, holidays))


def _intervals(
    weekly: dict[str, list[str]], day: dt.date, holidays: set[dt.date]
) -> list[tuple[dt.datetime, dt.datetime]]:
    if day in holidays:
        return []
    found = []
    for span in weekly.get(DAYS[day.weekday()], []):
        opens, closes = (dt.time.fromisoformat(part) for part in span.split("-"))
        # Wall-clock times in London: zoneinfo applies GMT or BST for that date.
        found.append((dt.datetime.combine(day, opens, LONDON), dt.datetime.combine(day, closes, LONDON)))
    return found


def _next_opening(weekly: dict[str, list[str]], local: dt.datetime, holidays: set[dt.date]) -> dt.datetime | None:
    for offset in range(LOOK_AHEAD_DAYS + 1):
        day = local.date() + dt.timedelta(days=offset)
        for start, _ in _intervals(weekly, day, holidays):
            if start > local:
                return start
    return None


def describe(opening: OpeningStatus, now: dt.datetime) -> str:
    """ "Open now", "Closed now: opens tomorrow at 10am", or "" when the hours are not confirmed."""
    if not opening.known:
        return ""
    if opening.always_open:
        return "Open now, any time"
    if opening.open_now:
        return "Open now"
    if opening.next_opens is None:
        return "Closed now"
    return f"Closed now: opens {_when(opening.next_opens, now.astimezone(LONDON))}"


def _when(moment: dt.datetime, local_now: dt.datetime) -> str:
    clock = moment.strftime("%-I:%M%p").lower().replace(":00", "")
    days_ahead = (moment.date() - local_now.date()).days
    if days_ahead == 0:
        return f"today at {clock}"
    if days_ahead == 1:
        return f"tomorrow at {clock}"
    if days_ahead < 7:
        return f"{moment:%A} at {clock}"
    return f"{moment:%A} {moment.day} {moment:%B} at {clock}"
