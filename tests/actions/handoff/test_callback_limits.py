"""actions/callback_limits.py: who may send a callback request now. One per conversation (from its history,
or this process's memory of it), a few per client key, and each charity's hourly allowance; a wrong
setting stops the action server."""

from __future__ import annotations

import logging

import pytest

from actions import callback_limits
from actions.callback_limits import CHARITY_LIMIT, CLIENT_LIMIT, CallbackLimits, HourlyLimit, SentConversations


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_an_hourly_limit_per_key_slides_and_keys_are_independent() -> None:
    clock = Clock()
    limit = HourlyLimit(2, clock=clock)
    assert [limit.allow("a") for _ in range(3)] == [True, True, False]
    assert limit.allow("b")
    clock.now = 3600.0
    assert limit.allow("a")


def test_an_hourly_limit_stays_bounded() -> None:
    clock = Clock()
    limit = HourlyLimit(1, clock=clock, max_keys=50)
    for n in range(500):
        clock.now += 10
        limit.allow(f"key-{n}")
    assert len(limit._sent) <= 50


def test_the_client_limit_is_checked_first_so_it_never_uses_the_charitys_allowance(
    caplog: pytest.LogCaptureFixture,
) -> None:
    limits = CallbackLimits(per_charity=HourlyLimit(3), per_client=HourlyLimit(1))
    with caplog.at_level(logging.WARNING):
        assert limits.refusal("charity-a", "client") is None
        assert [limits.refusal("charity-a", "client") for _ in range(5)] == [CLIENT_LIMIT] * 5
    assert limits.refusal("charity-a", "other") is None and limits.refusal("charity-a", None) is None
    assert limits.refusal("charity-a", "third") == CHARITY_LIMIT
    assert "tenant charity-a" in caplog.text and "client" not in caplog.text.replace("one client's", "")


def test_a_conversation_that_sent_one_is_remembered_for_the_retention_period_only() -> None:
    clock = Clock()
    sent = SentConversations(keep_seconds=24 * 3600, clock=clock)
    sent.add("widget-id-1")
    assert "widget-id-1" in sent and "widget-id-2" not in sent
    assert "widget-id-1" not in repr(sent._sent)  # only a hash
    clock.now = 24 * 3600
    assert "widget-id-1" not in sent


def test_already_sent_reads_the_history_or_this_process_memory() -> None:
    limits = CallbackLimits(per_charity=HourlyLimit(3), per_client=HourlyLimit(3))
    assert not limits.already_sent("c", [])
    assert limits.already_sent("c", [{"event": "slot", "name": "callback_contact", "value": "sent"}])
    assert not limits.already_sent("c", [{"event": "slot", "name": "callback_contact", "value": "limited"}])
    limits.record_sent("c")
    assert limits.already_sent("c", []) and not limits.already_sent("d", [])


@pytest.mark.parametrize(
    ("metadata", "key"),
    [
        ({"client_key": "AbC_12-x"}, "AbC_12-x"),
        ({"client_key": "203.0.113.9"}, None),
        ({"client_key": 5}, None),
        ({}, None),
        (None, None),
        ({"client_key": "a" * 65}, None),
    ],
)
def test_only_a_well_formed_client_key_is_read(metadata: object, key: str | None) -> None:
    assert callback_limits.client_key_of(metadata) == key


@pytest.mark.parametrize(
    "name", ["CALLBACK_LIMIT_PER_HOUR", "CALLBACK_LIMIT_PER_ADDRESS_PER_HOUR", "CONVERSATION_RETENTION_HOURS"]
)
@pytest.mark.parametrize("value", ["0", "-3", "lots"])
def test_a_nonsense_setting_stops_start_up(monkeypatch: pytest.MonkeyPatch, name: str, value: str) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(ValueError):
        callback_limits.check_settings()


def test_the_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("CALLBACK_LIMIT_PER_HOUR", "CALLBACK_LIMIT_PER_ADDRESS_PER_HOUR", "CONVERSATION_RETENTION_HOURS"):
        monkeypatch.delenv(name, raising=False)
    limits = CallbackLimits()
    assert (limits.per_charity.limit, limits.per_client.limit, limits.sent.keep_seconds) == (20, 3, 24 * 3600)
