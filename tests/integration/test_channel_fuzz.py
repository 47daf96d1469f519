"""Property-based tests of both channels on the real servers: whatever arrives (any bytes, any JSON,
any text, any content type, forged ids), the answer is a readable reply or a 4xx with a sentence, never
a 500, nothing typed reaches the log, and the conversation still answers a plain message afterwards."""

from __future__ import annotations

import json
import uuid

import httpx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.integration.bot_client import Bot
from tests.integration.test_widget_channel import Widget

CANARY = f"ocelotcanary{uuid.uuid4().hex[:8]}"
ALLOWED_STATUSES = {200, 400, 403, 404, 413, 415, 429}
FUZZ = settings(
    max_examples=70,
    deadline=None,
    derandomize=True,  # the same examples on every run: a CI failure can be reproduced
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# Text with control characters, emoji, other scripts, lone surrogates and typed "/intent{...}" payloads.
odd_text = st.one_of(
    st.text(max_size=200),
    st.text(st.characters(codec=None, categories=None), max_size=50),
    st.builds(
        lambda intent, entities: f"/{intent}{json.dumps(entities)}",
        st.sampled_from(["inform", "greet", "session_start", "restart", "x", "offence_detail"]),
        st.dictionaries(st.text(max_size=15), st.one_of(st.none(), st.booleans(), st.text(max_size=15)), max_size=3),
    ),
    st.sampled_from(["", " ", "\n", "/", "//", "😭", "a" * 2001, "\x00"]),
)
json_value = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=20)),
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=10), inner, max_size=3)),
    max_leaves=8,
)
content_types = st.sampled_from(
    ["application/json", "application/json; charset=utf-8", "text/plain", "", "application/x-www-form-urlencoded"]
)


def message_body(sender_key: str | None, sender: str) -> st.SearchStrategy[bytes]:
    """A body as a client might send it: usually a JSON object with a message, sometimes anything."""
    fields = {"message": st.builds(lambda text: CANARY + text, odd_text) | odd_text | json_value}
    if sender_key:
        fields[sender_key] = st.just(sender) | json_value
    objects = st.fixed_dictionaries(fields, optional={"metadata": json_value, "input_channel": json_value})
    return st.one_of(
        objects.map(lambda body: json.dumps(body).encode()),
        json_value.map(lambda value: json.dumps(value).encode()),
        st.binary(max_size=300),
    )


def assert_answered(answer: httpx.Response, replies_key: str | None) -> None:
    assert answer.status_code in ALLOWED_STATUSES, (answer.status_code, answer.text[:300])
    body = answer.json()
    if answer.status_code == 200:
        replies = body[replies_key] if replies_key else body
        # On REST, links come as a reply of their own (`custom`, Rasa's format); every other reply has words.
        assert replies and any(reply.get("text") for reply in replies), body
        assert all(reply.get("text") or reply.get("custom") for reply in replies), body
    else:
        assert body["error"][-1] in ".?", body


def test_rest_channel_fuzz(bot: Bot) -> None:
    client = httpx.Client(timeout=60)
    sender = f"fuzz-{uuid.uuid4().hex}"
    assert client.post(bot.rest_url, json={"sender": sender, "message": "hi"}).status_code == 200

    @FUZZ
    @given(body=message_body("sender", sender), content_type=content_types)
    def any_request(body: bytes, content_type: str) -> None:
        answer = client.post(bot.rest_url, content=body, headers={"Content-Type": content_type})
        assert_answered(answer, None)

    any_request()
    # Nothing was lost: the same conversation still answers, and no text reached the log.
    after = client.post(bot.rest_url, json={"sender": sender, "message": "what can you do"})
    assert after.status_code == 200 and after.json()[0]["text"]
    assert CANARY not in bot.rasa_log.read_text(errors="replace")


def test_widget_channel_fuzz(bot: Bot) -> None:
    widget = Widget(bot)
    # A few conversations, so the per-conversation rate limit (30 a minute) is not all that is tested.
    conversations = [widget.new_id() for _ in range(4)]
    genuine = conversations[0]
    tampered = genuine[:-1] + ("B" if genuine.endswith("A") else "A")  # always differs from the genuine id
    forged = ["forged", tampered, "default." + "0" * 32 + "." + "A" * 43, "%00", "a" * 500]
    sent = {"count": 0}

    @FUZZ
    @given(
        body=message_body(None, ""),
        content_type=content_types,
        forge=st.one_of(st.none(), st.sampled_from(forged)),
    )
    def any_request(body: bytes, content_type: str, forge: str | None) -> None:
        sent["count"] += 1
        conversation_id = forge or conversations[sent["count"] % len(conversations)]
        answer = widget.client.post(
            f"{widget.url}/conversations/{conversation_id}/messages",
            content=body,
            headers={"Content-Type": content_type},
        )
        assert_answered(answer, "messages")
        if forge:
            assert answer.status_code in {403, 404}

    any_request()
    after = widget.send(conversations[1], "what can you do")
    assert after.status_code == 200 and after.json()["messages"][0]["text"]
    assert CANARY not in bot.rasa_log.read_text(errors="replace")
