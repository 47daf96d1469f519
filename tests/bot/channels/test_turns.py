"""A turn always ends with something to read: the bot's replies, or helplines when something failed.

The real servers are in tests/integration/test_resilience.py (stopping and freezing the action
server); these pin each failure path with a stand-in for Rasa's agent."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path
from typing import Any

import pytest
from rasa.core.channels.channel import UserMessage
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import SlotSet
from rasa.shared.core.trackers import DialogueStateTracker

from bot.channels.turns import LAST_RESORT, TurnRunner

ROOT = Path(__file__).resolve().parents[3]
DOMAIN = Domain.load(str(ROOT / "bot" / "domain"))
SECRET_WORDS = "my name is Jo Bloggs and my number is 07700 900123"


class FakeStore:
    def __init__(self, tracker: DialogueStateTracker | None = None, fails: bool = False) -> None:
        self.tracker, self.fails = tracker, fails

    async def retrieve(self, sender_id: str) -> DialogueStateTracker | None:
        if self.fails:
            raise ConnectionError("database is down")
        return self.tracker


class FakeAgent:
    def __init__(self, store: FakeStore | None = None) -> None:
        self.domain = DOMAIN
        self.tracker_store = store or FakeStore()


def young_persons_tracker() -> DialogueStateTracker:
    tracker = DialogueStateTracker("young", DOMAIN.slots)
    tracker.update(SlotSet("young_person", True))
    return tracker


def bot_says(*texts: str):
    async def on_new_message(message: UserMessage) -> None:
        for text in texts:
            await message.output_channel.send_text_message(message.sender_id, text)

    return on_new_message


async def raises(message: UserMessage) -> None:
    raise RuntimeError(f"boom: {message.text}")


async def says_nothing(message: UserMessage) -> None:
    """What Rasa does when the action server is down: logs the failed action and replies nothing."""


def run(runner: TurnRunner, on_new_message: Any, agent: FakeAgent | None = None, text: str = SECRET_WORDS):
    return asyncio.run(runner.run(agent or FakeAgent(), on_new_message, "someone", text))


def test_replies_pass_through() -> None:
    turn = run(TurnRunner("widget"), bot_says("Hello.", "Is it safe to talk?"))
    assert [output["text"] for output in turn.outputs] == ["Hello.", "Is it safe to talk?"]
    assert not turn.fell_back


@pytest.mark.parametrize("failure", [raises, says_nothing], ids=["handling raises", "no reply (action server down)"])
def test_a_failed_turn_gets_the_helplines(failure: Any, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    turn = run(TurnRunner("widget"), failure)
    assert turn.fell_back
    [reply] = turn.outputs
    assert "technical problem" in reply["text"]
    for line in ["Revenge Porn Helpline (adults): 0345 6000 459", "Samaritans: 116 123", "call 999"]:
        assert line in reply["text"]
    assert reply["recipient_id"] == "someone"
    assert "Jo Bloggs" not in caplog.text and "07700" not in caplog.text


def test_a_failed_action_after_a_reply_still_adds_the_helplines() -> None:
    """Rasa logs a failed custom action and carries on: what the bot said stays, the helplines follow."""

    async def says_then_an_action_fails(message: UserMessage) -> None:
        await message.output_channel.send_text_message(message.sender_id, "I'm so sorry.")
        try:
            raise ConnectionError("action server unreachable")
        except ConnectionError:
            logging.getLogger("rasa.core.processor").exception(
                "Encountered an exception while running action 'action_summarise'.Bot will continue, ..."
            )

    turn = run(TurnRunner("widget"), says_then_an_action_fails)
    assert turn.fell_back
    assert turn.outputs[0]["text"] == "I'm so sorry."
    assert "technical problem" in turn.outputs[1]["text"] and "116 123" in turn.outputs[1]["text"]


def test_another_turns_failure_is_not_this_turns() -> None:
    """Two turns at once: only the one whose action failed gets the fallback."""

    async def fails(message: UserMessage) -> None:
        await asyncio.sleep(0.01)
        logging.getLogger("rasa.core.processor").error("Encountered an exception while running action 'x'.")
        await message.output_channel.send_text_message(message.sender_id, "partial")

    async def fine(message: UserMessage) -> None:
        await asyncio.sleep(0.02)
        await message.output_channel.send_text_message(message.sender_id, "all good")

    async def both() -> Any:
        runner = TurnRunner("widget")
        return await asyncio.gather(runner.run(FakeAgent(), fails, "a", "hi"), runner.run(FakeAgent(), fine, "b", "hi"))

    failed, good = asyncio.run(both())
    assert failed.fell_back and not good.fell_back
    assert [output["text"] for output in good.outputs] == ["all good"]


def test_a_young_person_gets_childline_first() -> None:
    agent = FakeAgent(FakeStore(young_persons_tracker()))
    [reply] = run(TurnRunner("widget"), says_nothing, agent).outputs
    assert reply["text"].split("\n")[2].startswith("- Childline: 0800 1111")
    assert "Revenge Porn Helpline" not in reply["text"]


def test_the_fallback_still_comes_when_the_tracker_store_is_down_too() -> None:
    [reply] = run(TurnRunner("widget"), says_nothing, FakeAgent(FakeStore(fails=True))).outputs
    assert "Samaritans: 116 123" in reply["text"]


def test_last_resort_when_the_fallback_cannot_be_rendered() -> None:
    runner = TurnRunner("widget")

    class Broken:
        async def generate(self, *args: Any, **kwargs: Any) -> None:
            raise KeyError("no such response")

    runner.fallback_generator = Broken()
    [reply] = run(runner, says_nothing).outputs
    assert reply["text"] == LAST_RESORT


def test_a_slow_turn_gets_the_fallback_in_time_and_still_finishes_in_the_background(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    finished: list[str] = []

    async def slow(message: UserMessage) -> None:
        await asyncio.sleep(0.3)
        await message.output_channel.send_text_message(message.sender_id, "late answer")
        finished.append(message.text)

    async def scenario() -> Any:
        runner = TurnRunner("rest", deadline_seconds=0.05)
        loop = asyncio.get_running_loop()
        started = loop.time()
        turn = await runner.run(FakeAgent(), slow, "someone", SECRET_WORDS)
        waited = loop.time() - started
        await asyncio.sleep(0.5)  # the shielded turn is not cancelled: the conversation stays whole
        return turn, waited

    turn, waited = asyncio.run(scenario())
    assert turn.fell_back and "technical problem" in turn.outputs[0]["text"]
    assert waited < 0.25
    assert finished == [SECRET_WORDS]
    assert "late answer" not in str(turn.outputs)
    assert "Jo Bloggs" not in caplog.text


def test_typed_payloads_are_screened_but_the_channels_own_opening_is_trusted() -> None:
    seen: list[str] = []

    async def record(message: UserMessage) -> None:
        seen.append(message.text)
        await message.output_channel.send_text_message(message.sender_id, "ok")

    runner = TurnRunner("widget")
    asyncio.run(runner.run(FakeAgent(), record, "a", '/inform{"young_person": false}'))
    asyncio.run(runner.run(FakeAgent(), record, "a", '/inform{"nation": "wales"}'))
    asyncio.run(runner.run(FakeAgent(), record, "a", "/greet", trusted=True))
    assert seen == ['inform{"young_person": false}', '/inform{"nation": "wales"}', "/greet"]


@pytest.mark.parametrize("value", ["0", "-1", "soon"])
def test_a_nonsense_deadline_stops_start_up(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv("REPLY_DEADLINE_SECONDS", value)
    with pytest.raises(ValueError):
        TurnRunner("rest")
