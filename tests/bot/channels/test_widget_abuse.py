"""The widget channel resists abuse (bot/channels/widget.py), request by request: expired and erased ids get
the forged ids' answer (on every server, when they share Redis); erasing resets no rate limit; messages
are limited per client address too, an IPv6 client by its /64; if erased ids cannot be checked the person
is told their message was not sent; and the action server gets a keyed hash of the client, never its
address. Turns are stood in for: what is tested is what the channel answers and passes on."""

from __future__ import annotations

import json
import logging
from types import SimpleNamespace
from typing import Any

import pytest
from rasa.core.lock_store import InMemoryLockStore

from bot.channels.erased_ids import MemoryErasedIds, RedisErasedIds
from bot.channels.widget import WidgetInput
from bot.channels.widget_conversations import NOT_FOUND, NOT_SENT, TOO_FAST
from bot.lock_store import AtomicRedisLockStore
from bot.settings import Settings
from tests.bot.shared_stores import REDIS_HOST, REDIS_PORT, redis_prefix  # noqa: F401 - fixture

SECRET = "widget-test-secret-of-at-least-32-bytes"
ADDRESS = "203.0.113.9"


class Turns:
    """Stands in for bot/channels/turns.py: notes what the channel passed on, answers "ok"."""

    def __init__(self) -> None:
        self.metadata: list[dict] = []

    async def run(
        self,
        agent: Any,
        on_new_message: Any,
        sender: str,
        text: str,
        metadata: dict | None = None,
        trusted: bool = False,
    ) -> Any:
        self.metadata.append(dict(metadata or {}))
        return SimpleNamespace(outputs=[{"recipient_id": sender, "text": "ok"}])


class Store:
    """The tracker store's erase, as the widget's DELETE reaches it."""

    def __init__(self) -> None:
        self.erased: list[str] = []

    async def erase(self, sender: str) -> int:
        self.erased.append(sender)
        return 1


class Server:
    """One Rasa server's widget channel, with its agent's stores."""

    def __init__(self, lock_store: Any = None, **settings: Any) -> None:
        self.channel = WidgetInput(secret=SECRET, **settings)
        self.channel.turns = self.turns = Turns()
        self.store = Store()
        self.agent = SimpleNamespace(lock_store=lock_store or InMemoryLockStore(), tracker_store=self.store)
        self.routes = {
            (r.uri, method): r.handler
            for r in self.channel.blueprint(lambda m: None)._future_routes
            for method in r.methods
        }

    def request(self, body: Any = None, ip: str = ADDRESS) -> Any:
        return SimpleNamespace(
            body=json.dumps(body).encode() if body is not None else b"",
            headers={"content-type": "application/json"},
            ip=ip,
            ctx=SimpleNamespace(),
            app=SimpleNamespace(ctx=SimpleNamespace(agent=self.agent)),
        )

    async def start(self, ip: str = ADDRESS) -> str:
        answer = await self.routes[("/conversations", "POST")](self.request({"tenant": "default"}, ip))
        assert answer.status == 201, answer.body
        return json.loads(answer.body)["conversation_id"]

    async def send(self, conversation_id: str, ip: str = ADDRESS) -> tuple[int, dict]:
        route = self.routes[("/conversations/<conversation_id>/messages", "POST")]
        answer = await route(self.request({"message": "hello"}, ip), conversation_id)
        return answer.status, json.loads(answer.body)

    async def delete(self, conversation_id: str, ip: str = ADDRESS) -> int:
        answer = await self.routes[("/conversations/<conversation_id>", "DELETE")](self.request(ip=ip), conversation_id)
        return answer.status


FORGED = (403, {"error": NOT_FOUND})


async def test_an_id_older_than_the_retention_period_gets_the_forged_ids_answer(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("CONVERSATION_RETENTION_HOURS", "2")
    server = Server()
    conversation_id = await server.start()
    assert (await server.send(conversation_id))[0] == 200
    later = server.channel.signer._clock() + 2 * 3600
    monkeypatch.setattr(server.channel.signer, "_clock", lambda: later)
    assert await server.send(conversation_id) == FORGED
    assert await server.delete(conversation_id) == 403 and server.store.erased == []


async def test_an_erased_id_is_refused_from_then_on_and_may_be_deleted_again() -> None:
    server = Server()
    conversation_id = await server.start()
    assert await server.delete(conversation_id) == 204 and server.store.erased == [conversation_id]
    assert await server.send(conversation_id) == FORGED
    assert await server.delete(conversation_id) == 204  # a retry of a failed erasure works
    assert (await server.send(await server.start()))[0] == 200  # other conversations carry on


async def test_an_id_erased_on_one_server_is_refused_by_another_sharing_redis(redis_prefix: str) -> None:  # noqa: F811
    def server() -> Server:
        return Server(AtomicRedisLockStore(host=REDIS_HOST, port=REDIS_PORT, db=0, key_prefix=redis_prefix))

    first, second = server(), server()
    conversation_id = await first.start()
    assert (await second.send(conversation_id))[0] == 200
    assert await first.delete(conversation_id) == 204
    assert await second.send(conversation_id) == FORGED
    assert isinstance(second.channel.erased_ids, RedisErasedIds)


async def test_without_a_shared_lock_store_the_record_is_in_memory() -> None:
    server = Server()
    await server.send(await server.start())
    assert isinstance(server.channel.erased_ids, MemoryErasedIds)


async def test_when_erased_ids_cannot_be_checked_the_person_is_told_the_message_was_not_sent(
    caplog: pytest.LogCaptureFixture,
) -> None:
    dead = AtomicRedisLockStore(host="127.0.0.1", port=1, db=0, socket_timeout=0.5)
    server = Server(dead)
    conversation_id = await server.start()
    with caplog.at_level(logging.ERROR):
        status, body = await server.send(conversation_id)
    assert status == 503 and body == {"error": NOT_SENT}
    assert "wasn't sent" in NOT_SENT and "116 123" in NOT_SENT and "999" in NOT_SENT
    assert server.turns.metadata[1:] == []  # the message did not reach the bot
    assert "cannot be checked" in caplog.text and conversation_id not in caplog.text
    # Nothing is erased unless the id can be recorded first: the person is told, and can try again.
    assert await server.delete(conversation_id) == 503 and server.store.erased == []


async def test_deleting_does_not_reset_the_rate_limits() -> None:
    server = Server(rate_limit_per_minute=3, messages_per_minute_per_address=5)
    first = await server.start()
    assert [(await server.send(first))[0] for _ in range(3)] == [200, 200, 200]
    assert await server.delete(first) == 204
    assert server.channel.limiter.allow(first) is False  # the conversation's window is still full
    second = await server.start()
    # The address used 3 of its 5 messages: two more, then it waits like anyone else.
    ok = (200, {"messages": [{"text": "ok", "buttons": [], "links": []}]})
    assert [await server.send(second) for _ in range(2)] == [ok, ok]
    assert await server.send(second) == (429, {"error": TOO_FAST})


async def test_deleting_is_never_refused_for_speed() -> None:
    """Someone leaving in a hurry must always be able to erase, however fast they were typing."""
    server = Server(rate_limit_per_minute=2, messages_per_minute_per_address=2)
    conversation_id = await server.start()
    assert [(await server.send(conversation_id))[0] for _ in range(3)] == [200, 200, 429]
    assert await server.delete(conversation_id) == 204 and server.store.erased == [conversation_id]


async def test_messages_are_limited_per_address_across_conversations() -> None:
    server = Server(messages_per_minute_per_address=4)
    conversations = [await server.start() for _ in range(3)]
    statuses = [(await server.send(conversations[n % 3]))[0] for n in range(5)]
    assert statuses == [200, 200, 200, 200, 429]
    assert (await server.send(conversations[0], ip="198.51.100.7"))[0] == 200  # another address is not held up


async def test_an_ipv6_client_is_limited_by_its_64_for_starts_and_messages() -> None:
    server = Server(starts_per_minute=2, messages_per_minute_per_address=2)
    rotating = [f"2001:db8:aa:bb:{n:x}::1" for n in range(1, 9)]
    first = await server.start(rotating[0])
    await server.start(rotating[1])
    refused = await server.routes[("/conversations", "POST")](server.request({"tenant": "default"}, rotating[2]))
    assert refused.status == 429
    assert [(await server.send(first, ip))[0] for ip in rotating[3:6]] == [200, 200, 429]
    assert await server.start("2001:db8:aa:cc::1")  # the next /64 is another client


async def test_the_action_server_gets_a_keyed_hash_of_the_client_never_its_address() -> None:
    server = Server()
    conversation_id = await server.start()
    await server.send(conversation_id)
    await server.send(conversation_id, ip="198.51.100.7")
    opening, first, other = server.turns.metadata
    assert set(first) == {"tenant", "client_key"} and first["tenant"] == "default"
    assert first["client_key"] == opening["client_key"] != other["client_key"]
    assert ADDRESS not in json.dumps(server.turns.metadata) and "198.51.100.7" not in json.dumps(server.turns.metadata)


def test_a_short_widget_secret_stops_start_up_naming_the_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WIDGET_SECRET", "x" * 31)
    with pytest.raises(ValueError, match="WIDGET_SECRET") as error:
        WidgetInput()
    assert "x" * 31 not in str(error.value)
    monkeypatch.setenv("WIDGET_SECRET", "x" * 32)
    assert WidgetInput().signer.verify(WidgetInput().signer.issue("default").value) is not None


def test_the_per_address_message_limit_is_a_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    assert WidgetInput(secret=SECRET).address_limiter.limit == Settings().widget_messages_per_minute_per_address == 120
    monkeypatch.setenv("WIDGET_MESSAGES_PER_MINUTE_PER_ADDRESS", "7")
    assert WidgetInput(secret=SECRET).address_limiter.limit == 7
    monkeypatch.setenv("WIDGET_MESSAGES_PER_MINUTE_PER_ADDRESS", "0")
    with pytest.raises(ValueError, match="WIDGET_MESSAGES_PER_MINUTE_PER_ADDRESS"):
        WidgetInput(secret=SECRET)
