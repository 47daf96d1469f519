"""The action server's answers are checked exactly as Rasa checks them, but the schema only once."""

from __future__ import annotations

from typing import Any, Dict

import pytest
from jsonschema import ValidationError, validators
from rasa.core.actions.action import RemoteAction

import bot.tracker_store  # noqa: F401 - what installs the check in the Rasa server
from bot import action_validation

ANSWERS = [
    {"events": [{"event": "slot", "name": "nation", "value": "wales", "timestamp": None}],
     "responses": [{"text": "What has happened?", "buttons": [{"title": "Skip", "payload": "/skip"}]}]},
    {"events": [], "responses": []},
    {"events": [{"event": "active_loop", "name": None}, {"event": "followup", "name": "utter_ask_when"}]},
]
BROKEN = [
    {"events": "not a list", "responses": []},
    {"events": [{"event": "slot", "name": 5}], "responses": []},
    {"events": [{"event": "no_such_event"}]},
    {"events": [], "responses": "hello"},
]


def original(answer: Dict[str, Any]) -> Any:
    try:
        return action_validation._ORIGINAL(RemoteAction("action_x", None), answer)
    except ValidationError as error:
        return ("refused", error.message)


def ours(answer: Dict[str, Any]) -> Any:
    try:
        return RemoteAction("action_x", None)._validate_action_result(answer)
    except ValidationError as error:
        return ("refused", error.message)


def test_the_rasa_server_uses_the_cached_check() -> None:
    assert RemoteAction._validate_action_result is action_validation._validate_action_result


@pytest.mark.parametrize("answer", ANSWERS + BROKEN)
def test_it_accepts_and_refuses_exactly_what_rasa_does(answer: Dict[str, Any]) -> None:
    assert ours(answer) == original(answer)


def test_broken_answers_are_refused_with_rasas_explanation() -> None:
    for answer in BROKEN:
        verdict = ours(answer)
        assert verdict[0] == "refused" and "Failed to validate Action server response" in verdict[1]


def test_the_schema_is_checked_once_not_on_every_answer(monkeypatch: pytest.MonkeyPatch) -> None:
    ours(ANSWERS[0])
    calls = []
    cls = validators.validator_for(RemoteAction.action_response_format_spec())
    monkeypatch.setattr(cls, "check_schema", classmethod(lambda *args: calls.append(args)))
    for _ in range(20):
        ours(ANSWERS[0])
    assert calls == []
    original(ANSWERS[0])  # Rasa's own way checks it every time: the cost this module removes
    assert len(calls) == 1
