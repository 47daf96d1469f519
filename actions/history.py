"""Reading a slot's earlier value from the conversation's events."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker


def value_before_latest_message(tracker: Tracker, slot: str) -> Any:
    """The value `slot` had before the person's latest message was processed.

    Rasa sets slots from the latest message before the form validates them, so `tracker.get_slot`
    already holds the new value. Walking back past the latest user message finds the old one.
    """
    seen_latest_user_message = False
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            seen_latest_user_message = True
        elif seen_latest_user_message and event.get("event") == "slot" and event.get("name") == slot:
            return event.get("value")
    return None
