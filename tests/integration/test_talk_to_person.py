"""Issue 8, "Talk to a person", on the real Rasa server and action server over the widget channel:
"talk to a person" -> ask for a call back -> the charity's webhook (a local receiver) gets a correctly
signed request with only what it needs, and the bot confirms. Then: the number is nowhere in the tracker
database or the logs. Another tenant's conversation never reaches this charity's webhook."""

from __future__ import annotations

import hashlib
import hmac
import json
import sqlite3
import time
from collections.abc import Iterator

import httpx
import pytest

from tests.integration.bot_client import Bot
from tests.integration.callback_receiver import SECRET, CallbackReceiver

PHONE = "07700 900456"
NEEDLES = [PHONE, PHONE.replace(" ", "")]
# Six digits alone are checked in this conversation's rows only: the shared database and the logs hold
# thousands of random ids and timestamps, which can contain any six digits.
SHORT_NEEDLES = ["900456"]


class WidgetChat:
    """One conversation over the widget channel, for a tenant."""

    def __init__(self, bot: Bot, tenant: str) -> None:
        self.client = httpx.Client(timeout=60)
        self.url = bot.widget_url
        started = self.client.post(f"{self.url}/conversations", json={"tenant": tenant})
        assert started.status_code == 201, started.text
        self.id = started.json()["conversation_id"]

    def say(self, message: str) -> list[dict]:
        answer = self.client.post(f"{self.url}/conversations/{self.id}/messages", json={"message": message})
        assert answer.status_code == 200, answer.text
        return answer.json()["messages"]


def text_of(messages: list[dict]) -> str:
    return "\n".join(message.get("text") or "" for message in messages)


def payloads(messages: list[dict]) -> list[str]:
    return [button["payload"] for message in messages for button in message.get("buttons") or []]


@pytest.fixture
def receiver(callback_receiver: CallbackReceiver) -> Iterator[CallbackReceiver]:
    callback_receiver.received.clear()
    callback_receiver.status = 200
    yield callback_receiver
    callback_receiver.status = 200


def test_talk_to_a_person_then_a_signed_callback_request_and_nothing_kept(bot: Bot, receiver: CallbackReceiver) -> None:
    chat = WidgetChat(bot, "example-charity")
    offer = chat.say("I want to talk to someone")
    assert "/request_callback" in payloads(offer), text_of(offer)
    assert "call 999" in text_of(offer)

    consent = text_of(chat.say("/request_callback"))
    assert "I can ask Example Support Charity's support team (EXAMPLE) to contact you." in consent
    assert "How would you like them to get in touch?" in text_of(chat.say("/affirm"))
    assert "When is it safe" in text_of(chat.say('/inform{"callback_method": "phone_call"}'))
    assert "leave a voicemail" in text_of(chat.say("weekday evenings or weekends"))
    assert "what number should they use" in text_of(chat.say("/deny"))
    assert receiver.received == []  # nothing is sent before the last answer

    done = text_of(chat.say(f"my number is {PHONE}"))
    assert "Done. I've sent your request to Example Support Charity's support team (EXAMPLE)." in done
    assert "I haven't kept your details." in done

    [request] = receiver.received
    assert request.path == "/reclaim/callback"
    headers = {key.lower(): value for key, value in request.headers.items()}
    timestamp = headers["x-reclaim-timestamp"]
    expected = hmac.new(SECRET.encode(), f"{timestamp}.".encode() + request.body, hashlib.sha256).hexdigest()
    assert hmac.compare_digest(headers["x-reclaim-signature"], f"sha256={expected}")
    assert abs(time.time() - int(timestamp)) < 120
    body = json.loads(request.body)
    assert set(body) == {"tenant", "contact_method", "contact", "safe_times", "message_ok", "requested_at"}
    assert body["tenant"] == "example-charity" and body["contact_method"] == "phone_call"
    assert body["contact"] == PHONE.replace(" ", "")
    assert body["safe_times"] == ["weekday_evening", "weekend"] and body["message_ok"] is False
    assert chat.id not in request.body.decode()  # no conversation id goes to the charity

    # The conversation carries on as normal afterwards.
    assert "call 999" in text_of(chat.say("/talk_to_someone"))
    # One request per conversation: asking again sends nothing, says so kindly, and gives helplines.
    again = text_of(chat.say("/request_callback"))
    assert "You've already asked Example Support Charity's support team (EXAMPLE) to contact you" in again
    assert "Samaritans: 116 123" in again and len(receiver.received) == 1

    time.sleep(1)  # let both servers flush their logs
    with sqlite3.connect(bot.tracker_db) as connection:
        rows = connection.execute("select data from events where sender_id = ?", (chat.id,)).fetchall()
    stored = [json.loads(data) for (data,) in rows]
    contact_slots = [
        event["value"] for event in stored if event.get("event") == "slot" and event.get("name") == "callback_contact"
    ]
    assert "sent" in contact_slots and set(contact_slots) <= {"sent", None}
    for needle in NEEDLES + SHORT_NEEDLES:
        assert not any(needle in data for (data,) in rows), f"{needle!r} found in this conversation's events"
    # The per-client key the action server limited by is never stored; nor is the address it came from.
    assert not any("client_key" in data or "127.0.0.1" in data for (data,) in rows)
    for path in [bot.tracker_db, bot.rasa_log, bot.actions_log, *bot.tracker_db.parent.glob("trackers.db-*")]:
        content = path.read_bytes().decode("utf-8", errors="replace")
        for needle in NEEDLES:
            assert needle not in content, f"{needle!r} found in {path.name}"


def test_cancel_at_any_step_sends_nothing(bot: Bot, receiver: CallbackReceiver) -> None:
    chat = WidgetChat(bot, "example-charity")
    chat.say("/request_callback")
    chat.say("/affirm")
    stopped = text_of(chat.say("/stop"))
    assert "OK, I've stopped. Nothing has been sent and nothing is kept." in stopped
    # A new request starts from the beginning, with consent.
    assert "Would you like that?" in text_of(chat.say("/request_callback"))
    assert "OK, no problem. Nothing has been sent." in text_of(chat.say("/deny"))
    assert receiver.received == []


def test_another_tenant_never_reaches_this_charitys_webhook(bot: Bot, receiver: CallbackReceiver) -> None:
    chat = WidgetChat(bot, "default")
    offer = chat.say("/talk_to_someone")
    assert "/request_callback" not in payloads(offer)
    assert "Samaritans: 116 123" in text_of(offer)  # open any time, so always listed
    refused = text_of(chat.say("/request_callback"))
    assert "Sorry, asking for a call back isn't possible here." in refused and "Samaritans" in refused
    chat.say(PHONE)
    assert receiver.received == []


def test_a_crisis_during_the_call_back_questions_comes_first_and_stops_them(
    bot: Bot, receiver: CallbackReceiver
) -> None:
    chat = WidgetChat(bot, "example-charity")
    chat.say("/request_callback")
    chat.say("/affirm")
    chat.say('/inform{"callback_method": "text_message"}')
    crisis = chat.say("/crisis")
    assert "call 999 now" in text_of(crisis)
    assert "/carry_on" in payloads(crisis)
    # The questions stopped: a number typed now is not taken as an answer, and nothing is sent.
    chat.say(PHONE)
    assert receiver.received == []


def test_when_the_charitys_system_is_down_the_person_is_told_kindly_with_helplines(
    bot: Bot, receiver: CallbackReceiver
) -> None:
    receiver.status = 503
    chat = WidgetChat(bot, "example-charity")
    for message in (
        "/request_callback",
        "/affirm",
        '/inform{"callback_method": "email"}',
        '/inform{"callback_time": "any_time"}',
        "/affirm",
    ):
        chat.say(message)
    failed = text_of(chat.say("sam.jones@example.com"))
    assert (
        "I'm sorry, I couldn't send your request to Example Support Charity's support team (EXAMPLE) just now."
        in failed
    )
    assert "Nothing has been kept." in failed and "Samaritans: 116 123" in failed and "call 999" in failed
    assert len(receiver.received) == 3  # tried three times
    assert {json.loads(r.body)["contact"] for r in receiver.received} == {"sam.jones@example.com"}
