"""Helpers for the action server's tests: trackers shaped like the ones Rasa sends.

A module of its own (not conftest.py) so test modules can import it by a name no other suite uses."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import yaml
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

ROOT = Path(__file__).resolve().parents[2]
TODAY = dt.date(2026, 11, 22)

_SLOTS_YML = yaml.safe_load((ROOT / "bot" / "domain" / "slots.yml").read_text(encoding="utf-8"))
# Every slot in bot/domain/slots.yml, with the value it starts with.
ALL_SLOTS: dict[str, Any] = {name: spec.get("initial_value") for name, spec in _SLOTS_YML["slots"].items()}
# The form's questions, in the order they are asked.
FORM_SLOTS: list[str] = _SLOTS_YML["forms"]["facts_form"]["required_slots"]


def slot_event(name: str, value: Any) -> dict[str, Any]:
    return {"event": "slot", "name": name, "value": value}


def user_event(intent: str = "inform", text: str = "") -> dict[str, Any]:
    return {"event": "user", "text": text, "parse_data": {"intent": {"name": intent}, "entities": []}}


def make_tracker(
    *,
    before: dict[str, Any] | None = None,
    now: dict[str, Any] | None = None,
    requested_slot: str | None = None,
    role: str = "survivor",
    intent: str = "inform",
    events_before: list[dict[str, Any]] | None = None,
    message: dict[str, Any] | None = None,
) -> Tracker:
    """A tracker as the action server receives it during the form.

    `before`: slot values set before the person's latest message. `now`: values taken from the latest
    message, which Rasa has already put in the slots and appends as the last events (the candidates
    a FormValidationAction validates). `events_before` go first, e.g. a restart or a new session.
    `message`: more of the latest message's parse data (entities, the question it asks).
    """
    before = before or {}
    now = now or {}
    events = [
        *(events_before or []),
        *(slot_event(name, value) for name, value in before.items()),
        slot_event("requested_slot", requested_slot),
        user_event(intent),
        *(slot_event(name, value) for name, value in now.items()),
    ]
    slots = {**ALL_SLOTS, "role": role, **before, "requested_slot": requested_slot, **now}
    return Tracker(
        sender_id="test",
        slots=slots,
        latest_message={"intent": {"name": intent}, "entities": [], "text": "", **(message or {})},
        events=events,
        paused=False,
        followup_action=None,
        active_loop={"name": "facts_form"},
        latest_action_name="action_listen",
    )


def texts(dispatcher: CollectingDispatcher) -> list[str]:
    return [message["text"] for message in dispatcher.messages]


def button_titles(message: dict[str, Any]) -> list[str]:
    return [button["title"] for button in message["buttons"]]
