"""actions/history.py: a slot's value before the person's latest message, never from an earlier
conversation ("Start again") or an earlier session (someone else on a shared device)."""

from __future__ import annotations

from typing import Any

import pytest
from rasa_sdk import Tracker

from actions.history import value_before_latest_message
from tests.actions.tracker_helpers import slot_event, user_event


def tracker_with(events: list[dict[str, Any]]) -> Tracker:
    return Tracker("test", {}, {}, events, False, None, {}, "action_listen")


@pytest.mark.parametrize(
    ("events", "expected"),
    [
        pytest.param(
            [slot_event("nation", "wales"), user_event(), slot_event("nation", "narnia")],
            "wales",
            id="before-latest-message",
        ),
        pytest.param([user_event(), slot_event("nation", "narnia")], None, id="nothing-before"),
        pytest.param(
            [
                slot_event("nation", "wales"),
                user_event(),
                slot_event("nation", "england"),
                user_event(),
                slot_event("nation", "narnia"),
            ],
            "england",
            id="most-recent-before-latest",
        ),
        pytest.param(
            [slot_event("nation", "wales"), user_event(), slot_event("nation", None), user_event()],
            None,
            id="cleared-value-counts",
        ),
        pytest.param([slot_event("goal", "remove"), user_event()], None, id="other-slot-ignored"),
        pytest.param(
            [slot_event("nation", "wales"), {"event": "restart"}, user_event(), slot_event("nation", "narnia")],
            None,
            id="not-across-start-again",
        ),
        pytest.param(
            [slot_event("nation", "wales"), {"event": "session_started"}, {"event": "action"}, user_event()],
            None,
            id="not-across-a-new-session",
        ),
        pytest.param(
            [slot_event("nation", "wales"), {"event": "reset_slots"}, user_event()],
            None,
            id="not-across-a-slot-reset",
        ),
        pytest.param(
            [
                slot_event("nation", "wales"),
                {"event": "session_started"},
                slot_event("nation", "england"),
                user_event(),
            ],
            "england",
            id="value-set-in-the-new-session",
        ),
    ],
)
def test_value_before_latest_message(events: list[dict[str, Any]], expected: Any) -> None:
    assert value_before_latest_message(tracker_with(events), "nation") == expected
