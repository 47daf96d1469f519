"""Bad input on both channels (REST and the widget) against the real servers: every request gets a
clear answer or a 4xx with a sentence, never a 500, and the conversation carries on where it was.
Typed button payloads (`/intent{...}`) cannot set slots no button sets."""

from __future__ import annotations

import sqlite3
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field

import httpx
import pytest

from tests.integration.bot_client import Bot
from tests.integration.test_widget_channel import Widget

TECHNICAL_PROBLEM = "technical problem"
WHAT_HAPPENED = "What has happened?"
ANYTHING_ELSE = "anything else"


@dataclass
class Channel:
    """One chat channel as a test talks to it: start a conversation, send words, send raw bodies."""

    name: str
    start: Callable[[], str]
    send: Callable[[str, str], httpx.Response]
    post_raw: Callable[[str, bytes, str], httpx.Response]
    replies: Callable[[httpx.Response], str]
    log: str = field(default="")


def rest_channel(bot: Bot) -> Channel:
    client = httpx.Client(timeout=60)

    def start() -> str:
        sender = f"bad-input-{uuid.uuid4().hex}"
        assert client.post(bot.rest_url, json={"sender": sender, "message": "hi"}).status_code == 200
        return sender

    def send(sender: str, text: str) -> httpx.Response:
        return client.post(bot.rest_url, json={"sender": sender, "message": text})

    def post_raw(sender: str, content: bytes, content_type: str) -> httpx.Response:
        return client.post(bot.rest_url, content=content, headers={"Content-Type": content_type})

    def replies(answer: httpx.Response) -> str:
        return "\n".join(reply.get("text") or "" for reply in answer.json())

    return Channel("rest", start, send, post_raw, replies)


def widget_channel(bot: Bot) -> Channel:
    widget = Widget(bot)

    def replies(answer: httpx.Response) -> str:
        return "\n".join(message["text"] or "" for message in answer.json()["messages"])

    return Channel("widget", widget.new_id, widget.send, widget.post_raw, replies)


@pytest.fixture(params=["rest", "widget"])
def channel(request: pytest.FixtureRequest, bot: Bot) -> Channel:
    return rest_channel(bot) if request.param == "rest" else widget_channel(bot)


def at_the_first_question(channel: Channel) -> str:
    """A conversation that has said it is safe to talk and is asked what happened."""
    conversation = channel.start()
    answer = channel.send(conversation, "/affirm")
    assert WHAT_HAPPENED in channel.replies(answer)
    return conversation


def assert_carries_on(channel: Channel, conversation: str) -> None:
    """The next real answer is taken as the answer to the question the bot was asking."""
    answer = channel.send(conversation, "/report_shared")
    assert answer.status_code == 200
    text = channel.replies(answer)
    assert "not your fault" in text and ANYTHING_ELSE in text, text


# Rejected before the dialogue sees them: the conversation is untouched.
REFUSED_TEXT = [
    pytest.param("", 400, id="empty"),
    pytest.param("  \n\t ", 400, id="whitespace"),
    pytest.param("a" * 50_000, 413, id="50,000 characters"),
]


@pytest.mark.parametrize("text, status", REFUSED_TEXT)
def test_refused_messages_get_a_sentence_and_lose_nothing(channel: Channel, text: str, status: int) -> None:
    conversation = at_the_first_question(channel)
    answer = channel.send(conversation, text)
    assert answer.status_code == status
    assert answer.json()["error"][-1] in ".?"
    assert_carries_on(channel, conversation)


RAW_BODIES = [
    pytest.param(b'{"message": "hi"', "application/json", 400, id="malformed JSON"),
    pytest.param(b"message=hi", "application/x-www-form-urlencoded", None, id="form body"),
    pytest.param(b'{"message": "hi"}', "text/plain", None, id="wrong content type"),
    pytest.param(b'["hi"]', "application/json", 400, id="a list"),
    pytest.param(b'{"message": ["hi"]}', "application/json", 400, id="message not text"),
    pytest.param(b'{"message": null}', "application/json", 400, id="null message"),
    pytest.param(b"\xff\xfe\x00", "application/json", 400, id="not UTF-8"),
    pytest.param(b'{"message": "\\ud83d"}', "application/json", 400, id="lone surrogate"),
    pytest.param(b"", "application/json", 400, id="no body"),
]


@pytest.mark.parametrize("content, content_type, status", RAW_BODIES)
def test_unreadable_bodies_get_a_4xx_and_lose_nothing(
    channel: Channel, content: bytes, content_type: str, status: int | None
) -> None:
    conversation = at_the_first_question(channel)
    if channel.name == "rest":
        # The REST sender is in the body, so a broken body has no conversation; give it one where it can.
        content = content.replace(b'{"message"', f'{{"sender": "{conversation}", "message"'.encode())
    answer = channel.post_raw(conversation, content, content_type)
    # REST says 415 for a wrong content type; the widget, which browsers use, says 400.
    expected = status or (415 if channel.name == "rest" else 400)
    assert answer.status_code == expected, answer.text
    assert answer.json()["error"][-1] in ".?"
    assert_carries_on(channel, conversation)


ODD_BUT_REAL = [
    pytest.param("\x00\x01\x1b[31mhello\x7f\u200b", id="control characters"),
    pytest.param("😭😭😭", id="emoji only"),
    pytest.param("Mae rhywun wedi rhannu fy lluniau heb ganiatâd", id="Welsh"),
    pytest.param("Alguien compartió mis fotos íntimas", id="Spanish"),
    pytest.param("صور خاصة", id="Arabic"),
    pytest.param("/", id="a slash"),
    pytest.param("{}", id="braces"),
]


@pytest.mark.parametrize("text", ODD_BUT_REAL)
def test_odd_messages_get_a_real_answer(channel: Channel, text: str) -> None:
    conversation = at_the_first_question(channel)
    answer = channel.send(conversation, text)
    assert answer.status_code == 200
    reply = channel.replies(answer)
    assert reply.strip() and TECHNICAL_PROBLEM not in reply
    # The bot never goes back to its greeting: the conversation is the same one.
    assert "automated helper" not in reply


def test_odd_messages_one_after_another_leave_the_question_open(channel: Channel) -> None:
    conversation = at_the_first_question(channel)
    for text in ["\x00\x01", "😭", "{}", "/", "?"]:
        assert channel.send(conversation, text).status_code == 200
    assert_carries_on(channel, conversation)


@pytest.mark.parametrize("sender", ["", " ", "a" * 129, "../../etc/passwd", "x y", 42, None, ["a"]])
def test_rest_refuses_senders_it_could_not_store_safely(bot: Bot, sender: object) -> None:
    answer = httpx.post(bot.rest_url, json={"sender": sender, "message": "hi"}, timeout=30)
    assert answer.status_code == 400
    assert "sender" in answer.json()["error"]


def test_rest_ignores_metadata_and_channel_the_client_sends(bot: Bot) -> None:
    """The tenant in metadata decides which charity's services appear: a REST client cannot pick one."""
    sender = f"bad-input-{uuid.uuid4().hex}"
    body = {"sender": sender, "message": "hi", "metadata": {"tenant": "example-charity"}, "input_channel": "widget"}
    assert httpx.post(bot.rest_url, json=body, timeout=30).status_code == 200
    with sqlite3.connect(bot.tracker_db) as connection:
        rows = [row[0] for row in connection.execute("select data from events where sender_id = ?", (sender,))]
    assert rows and not any("example-charity" in row for row in rows)
    assert any('"input_channel": "rest"' in row for row in rows)


# --- typed payloads ---------------------------------------------------------------------------------

AGE_QUESTION = "How old are you now?"


def at_the_age_question(channel: Channel) -> str:
    conversation = at_the_first_question(channel)
    assert ANYTHING_ELSE in channel.replies(channel.send(conversation, "/report_shared"))
    assert AGE_QUESTION in channel.replies(channel.send(conversation, "/deny"))
    return conversation


def slot_events(bot: Bot, sender: str) -> list[str]:
    """Every stored slot event of a conversation, as its JSON."""
    with sqlite3.connect(bot.tracker_db) as connection:
        return [
            row[0]
            for row in connection.execute(
                "select data from events where sender_id = ? and type_name = 'slot' order by id", (sender,)
            )
        ]


@pytest.mark.parametrize(
    "typed",
    [
        '/inform{"age_band": "adult", "young_person": false}',
        '/inform{"young_person": true, "requested_slot": "goal"}',
        '/inform@1.0{"age_band": "16_17"}',
        '/inform{"age_band": "16_17", "nation": "atlantis"}',
    ],
)
def test_a_typed_payload_no_button_sends_sets_nothing(bot: Bot, channel: Channel, typed: str) -> None:
    conversation = at_the_age_question(channel)
    slots_before = slot_events(bot, conversation)
    reply = channel.replies(channel.send(conversation, typed))
    # Nothing new in the conversation's memory: no age, no young_person, no skipping ahead.
    new_slots = slot_events(bot, conversation)[len(slots_before) :]
    for name in ("age_group", "young_person", "danger"):
        assert not any(f'"name": "{name}"' in event and '"value": null' not in event for event in new_slots), new_slots
    # Not taken as an age: the same question is asked again, kindly.
    assert "didn't get an age" in reply or AGE_QUESTION in reply, reply
    # And a real answer still works afterwards.
    assert "under 18 in the images" in channel.replies(channel.send(conversation, '/inform{"age_band": "18_plus"}'))


def test_a_typed_payload_a_button_could_send_works_like_the_button(channel: Channel) -> None:
    conversation = at_the_age_question(channel)
    reply = channel.replies(channel.send(conversation, '/inform{"age_band": "16_17"}'))
    # 16 or 17 now: the images were of someone under 18, so the next question is where they live.
    assert "Where do you live" in reply, reply


def test_a_widget_conversation_cannot_be_continued_over_rest(bot: Bot) -> None:
    """REST has no origin check or rate limit, so a widget id that leaked must not work there."""
    widget_id = Widget(bot).new_id()
    answer = httpx.post(bot.rest_url, json={"sender": widget_id, "message": "hi"}, timeout=30)
    assert answer.status_code == 400 and "sender" in answer.json()["error"]
