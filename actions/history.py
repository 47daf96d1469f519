"""Reading a slot's earlier value from the conversation's events."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker

# Events after which earlier answers no longer count: "Start again" (restart), a reset of every slot,
# and a new session, whose slots start empty (bot/domain/actions.yml: session_config). Rasa sends the
# action server events from before these too: all of them to actions, and everything since the last
# restart (earlier sessions included) to a form's validation.
FRESH_START_EVENTS = ("restart", "reset_slots", "session_started")


def value_before_latest_message(tracker: Tracker, slot: str) -> Any:
    """The value `slot` had before the person's latest message was processed.

    Rasa sets slots from the latest message before the form validates them, so `tracker.get_slot`
    already holds the new value. Walking back past the latest user message finds the old one.
    """
    seen_latest_user_message = False
    for event in reversed(tracker.events):
        if event.get("event") in FRESH_START_EVENTS:
            return None
        if event.get("event") == "user":
            seen_latest_user_message = True
        elif seen_latest_user_message and event.get("event") == "slot" and event.get("name") == slot:
            return event.get("value")
    return None
