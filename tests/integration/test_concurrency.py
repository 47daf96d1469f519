"""Fifty conversations at once over the widget channel, on the real servers: every message is answered
once, with its own answer, and every conversation's history is stored whole and in order."""

from __future__ import annotations

import asyncio
import sqlite3

import httpx

from tests.integration.bot_client import Bot

CONVERSATIONS = 50
# Each step: what the person sends, and what only the answer to that message says.
SCRIPT = [
    ("/affirm", "What has happened?"),
    ("/report_shared", "anything else"),
    ("/deny", "How old are you now?"),
    ('/inform{"age_band": "18_plus"}', "under 18 in the images"),
]
EXPECTED_INTENTS = ["greet", "affirm", "report_shared", "deny", "inform"]
ALL_MARKERS = [marker for _, marker in SCRIPT]


async def one_conversation(client: httpx.AsyncClient, url: str) -> tuple[str, list[str]]:
    """Walks the script; returns the conversation id and the text of each answer, in order."""
    started = await client.post(f"{url}/conversations", json={"tenant": "default"})
    assert started.status_code == 201, started.text
    conversation_id = started.json()["conversation_id"]
    answers = []
    for message, _ in SCRIPT:
        answer = await client.post(f"{url}/conversations/{conversation_id}/messages", json={"message": message})
        assert answer.status_code == 200, answer.text
        answers.append("\n".join(reply["text"] or "" for reply in answer.json()["messages"]))
    return conversation_id, answers


async def fifty_at_once(url: str) -> list[tuple[str, list[str]]]:
    limits = httpx.Limits(max_connections=CONVERSATIONS)
    async with httpx.AsyncClient(timeout=120, limits=limits) as client:
        return await asyncio.gather(*(one_conversation(client, url) for _ in range(CONVERSATIONS)))


def stored_history(bot: Bot, sender: str) -> list[tuple[str, str]]:
    """(kind, intent or action) of each stored user and bot event of a conversation, in stored order."""
    with sqlite3.connect(bot.tracker_db) as connection:
        rows = connection.execute(
            "select type_name, intent_name, action_name from events where sender_id = ? order by id", (sender,)
        ).fetchall()
    history = []
    for type_name, intent, _action in rows:
        if type_name == "user":
            history.append(("user", intent))
        elif type_name == "bot":
            history.append(("bot", ""))
    return history


def test_fifty_conversations_at_once_each_message_answered_once_and_in_order(bot: Bot) -> None:
    results = asyncio.run(fifty_at_once(bot.widget_url))
    assert len({conversation_id for conversation_id, _ in results}) == CONVERSATIONS

    for conversation_id, answers in results:
        for (_, marker), answer in zip(SCRIPT, answers, strict=True):
            # Its own answer, exactly once, and no other step's answer (nothing repeated or crossed over).
            assert answer.count(marker) == 1, (marker, answer)
            assert "technical problem" not in answer, answer
            others = [other for other in ALL_MARKERS if other != marker]
            assert not any(other in answer for other in others), (marker, answer)

        history = stored_history(bot, conversation_id)
        intents = [name for kind, name in history if kind == "user"]
        assert intents == EXPECTED_INTENTS, intents
        # Every message is followed by the bot's reply before the next message is read.
        awaiting_reply = False
        for kind, _ in history:
            if kind == "user":
                assert not awaiting_reply, history
            awaiting_reply = kind == "user" or (awaiting_reply and kind != "bot")
        assert not awaiting_reply, history


async def two_at_once(url: str) -> tuple[str, list[str]]:
    """Two messages in flight in one conversation at once: the second sent 0.1 s after the first."""
    async with httpx.AsyncClient(timeout=120) as client:
        started = await client.post(f"{url}/conversations", json={"tenant": "default"})
        conversation_id = started.json()["conversation_id"]
        await client.post(f"{url}/conversations/{conversation_id}/messages", json={"message": "/affirm"})

        async def send(message: str, delay: float) -> str:
            await asyncio.sleep(delay)
            answer = await client.post(f"{url}/conversations/{conversation_id}/messages", json={"message": message})
            assert answer.status_code == 200, answer.text
            return "\n".join(reply["text"] or "" for reply in answer.json()["messages"])

        answers = await asyncio.gather(send("/report_shared", 0.0), send("/deny", 0.1))
        return conversation_id, list(answers)


def test_two_messages_at_once_in_one_conversation_are_handled_one_after_the_other(bot: Bot) -> None:
    conversation_id, (first, second) = asyncio.run(two_at_once(bot.widget_url))
    # The second waited for the first: it was read as the answer to the question the first one led to.
    assert "anything else" in first and "How old are you now?" not in first, first
    assert "How old are you now?" in second and "anything else" not in second, second
    intents = [name for kind, name in stored_history(bot, conversation_id) if kind == "user"]
    assert intents == ["greet", "affirm", "report_shared", "deny"]
