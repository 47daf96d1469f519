"""Open now, and when next open, in Europe/London time: weekends, evenings, bank holidays, and the
changes between GMT and BST (clocks go forward on 29 March 2026 and back on 25 October 2026)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from actions import content
from actions.opening_hours import LONDON, OpeningStatus, describe, status

UTC = ZoneInfo("UTC")
RPH = content.services()["revenge_porn_helpline"]["opening_hours"]  # Mon-Fri 10:00-16:00, closed bank holidays
BANK_HOLIDAYS = content.bank_holidays()


def at(year: int, month: int, day: int, hour: int, minute: int = 0, zone: ZoneInfo = LONDON) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=zone)


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        pytest.param(at(2026, 11, 24, 14), "Open now", id="tuesday-afternoon"),
        pytest.param(at(2026, 11, 24, 9, 59), "Closed now: opens today at 10am", id="tuesday-just-before-opening"),
        pytest.param(at(2026, 11, 24, 16, 0), "Closed now: opens tomorrow at 10am", id="tuesday-at-closing-time"),
        pytest.param(at(2026, 11, 24, 21), "Closed now: opens tomorrow at 10am", id="tuesday-evening"),
        pytest.param(at(2026, 11, 27, 16, 30), "Closed now: opens Monday at 10am", id="friday-after-closing"),
        pytest.param(at(2026, 11, 28, 12), "Closed now: opens Monday at 10am", id="saturday"),
        pytest.param(at(2026, 11, 29, 23, 30), "Closed now: opens tomorrow at 10am", id="sunday-night"),
        pytest.param(
            at(2026, 12, 24, 17), "Closed now: opens Tuesday at 10am", id="christmas-eve-then-two-bank-holidays"
        ),
        pytest.param(at(2026, 5, 25, 11), "Closed now: opens tomorrow at 10am", id="spring-bank-holiday-monday"),
    ],
)
def test_revenge_porn_helpline_hours(now: dt.datetime, expected: str) -> None:
    assert describe(status(RPH, now, BANK_HOLIDAYS), now) == expected


def test_after_clocks_go_forward_opening_is_10am_bst_not_10am_gmt() -> None:
    # Monday 30 March 2026 is in BST: 09:30 UTC is 10:30 in London, so the helpline is open.
    assert status(RPH, at(2026, 3, 30, 9, 30, UTC), BANK_HOLIDAYS).open_now
    # 08:30 UTC is 09:30 BST: not yet open, and it opens at 10:00 London time (09:00 UTC).
    closed = status(RPH, at(2026, 3, 30, 8, 30, UTC), BANK_HOLIDAYS)
    assert not closed.open_now
    assert closed.next_opens == at(2026, 3, 30, 10)
    assert closed.next_opens.astimezone(UTC).hour == 9


def test_across_the_weekend_the_clocks_go_back() -> None:
    # Friday 23 October 2026 evening (BST) to Monday 26 October (GMT).
    closed = status(RPH, at(2026, 10, 23, 18), BANK_HOLIDAYS)
    assert closed.next_opens == at(2026, 10, 26, 10)
    assert closed.next_opens.astimezone(UTC).hour == 10  # GMT again
    assert status(RPH, at(2026, 10, 26, 10, 30, UTC), BANK_HOLIDAYS).open_now


def test_bank_holidays_only_count_for_services_closed_on_them() -> None:
    weekdays_without_holiday_rule = {"weekly": RPH["weekly"]}
    assert status(weekdays_without_holiday_rule, at(2026, 5, 25, 11), BANK_HOLIDAYS).open_now


def test_always_open_services() -> None:
    samaritans = content.services()["samaritans"]["opening_hours"]
    opening = status(samaritans, at(2026, 12, 25, 3), BANK_HOLIDAYS)
    assert opening.open_now and opening.always_open
    assert describe(opening, at(2026, 12, 25, 3)) == "Open now, any time"


def test_unconfirmed_hours_are_never_described() -> None:
    opening = status(None, at(2026, 11, 24, 14), BANK_HOLIDAYS)
    assert opening == OpeningStatus(known=False)
    assert describe(opening, at(2026, 11, 24, 14)) == ""


def test_every_service_has_hours_the_code_can_read() -> None:
    now = at(2026, 11, 24, 14)
    for service_id, service in content.services().items():
        opening = status(service.get("opening_hours"), now, BANK_HOLIDAYS)
        assert opening.known == (service.get("opening_hours") is not None), service_id


def test_a_time_without_a_zone_is_refused() -> None:
    with pytest.raises(ValueError):
        status(RPH, dt.datetime(2026, 11, 24, 14), BANK_HOLIDAYS)
