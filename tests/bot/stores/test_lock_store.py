"""Two Rasa servers sharing one Redis lock store take turns on a conversation, in arrival order.

Each AtomicRedisLockStore here stands for one Rasa server (its own Redis connection)."""

from __future__ import annotations

import asyncio
import threading

import redis
from rasa.utils.endpoints import EndpointConfig

from bot.lock_store import AtomicRedisLockStore
from tests.bot.shared_stores import REDIS_HOST, REDIS_PORT

CONVERSATION = "conversation-1"


def server(prefix: str) -> AtomicRedisLockStore:
    return AtomicRedisLockStore(host=REDIS_HOST, port=REDIS_PORT, db=0, key_prefix=prefix, wait_seconds=0.005)


def lock_key(prefix: str) -> str:
    return f"{prefix}:lock:{CONVERSATION}"


def test_tickets_taken_at_the_same_moment_on_two_servers_are_all_different(redis_prefix: str) -> None:
    servers = [server(redis_prefix), server(redis_prefix)]
    tickets: list[int] = []
    start = threading.Barrier(16)

    def take(store: AtomicRedisLockStore) -> None:
        start.wait()
        for _ in range(10):
            tickets.append(store.issue_ticket(CONVERSATION))

    threads = [threading.Thread(target=take, args=(servers[i % 2],)) for i in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # Two messages with one ticket would be handled at the same time.
    assert sorted(tickets) == list(range(160))


async def test_messages_split_across_two_servers_are_handled_one_at_a_time_in_order(redis_prefix: str) -> None:
    servers = [server(redis_prefix), server(redis_prefix)]
    log: list[str] = []

    async def handle(number: int) -> None:
        async with servers[number % 2].lock(CONVERSATION):
            log.append(f"start {number}")
            await asyncio.sleep(0.02)  # the message being handled
            log.append(f"end {number}")

    tasks = []
    for number in range(8):
        tasks.append(asyncio.create_task(handle(number)))
        await asyncio.sleep(0.002)  # arrival order 0, 1, 2, ...
    await asyncio.gather(*tasks)

    assert log == [f"{step} {number}" for number in range(8) for step in ("start", "end")]
    # Nothing is left behind once the last message is done.
    assert not redis.StrictRedis(host=REDIS_HOST, port=REDIS_PORT).exists(lock_key(redis_prefix))


def test_finishing_on_one_server_keeps_the_lock_for_a_message_queued_on_the_other(redis_prefix: str) -> None:
    first, second = server(redis_prefix), server(redis_prefix)
    mine = first.issue_ticket(CONVERSATION)
    queued = second.issue_ticket(CONVERSATION)

    first.cleanup(CONVERSATION, mine)

    lock = second.get_lock(CONVERSATION)
    assert lock is not None and not lock.is_locked(queued)  # the queued message goes next
    second.cleanup(CONVERSATION, queued)
    assert second.get_lock(CONVERSATION) is None


def test_the_lock_key_expires_if_a_server_dies_holding_it(redis_prefix: str) -> None:
    store = server(redis_prefix)
    store.issue_ticket(CONVERSATION, lock_lifetime=5)
    ttl = redis.StrictRedis(host=REDIS_HOST, port=REDIS_PORT).ttl(lock_key(redis_prefix))
    assert 0 < ttl <= 5 + 60


def test_settings_come_from_the_endpoints_file(redis_prefix: str) -> None:
    # How Rasa builds a custom lock store: only endpoint_config, with every value a string from ${...}.
    config = EndpointConfig(
        url=REDIS_HOST,
        type="bot.lock_store.AtomicRedisLockStore",
        port=str(REDIS_PORT),
        db="0",
        password="",
        key_prefix=redis_prefix,
        wait_seconds="0.01",
    )
    store = AtomicRedisLockStore(endpoint_config=config)
    assert store.wait_seconds == 0.01
    assert store.key_prefix == f"{redis_prefix}:lock:"
    assert store.issue_ticket(CONVERSATION) == 0
