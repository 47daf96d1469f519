"""The record of erased widget conversation ids (bot/channels/erased_ids.py): kept until the id would be
refused for its age anyway, bounded in memory, shared through the lock store's Redis in the production
profile, and a Redis that cannot be reached is reported, never read as "not erased"."""

from __future__ import annotations

import redis
from rasa.core.lock_store import InMemoryLockStore

from bot.channels.erased_ids import (
    EXPIRY_MARGIN_SECONDS,
    ErasedIdsUnavailable,
    MemoryErasedIds,
    RedisErasedIds,
    erased_ids_for,
)
from bot.lock_store import AtomicRedisLockStore
from tests.bot.shared_stores import REDIS_HOST, REDIS_PORT, redis_prefix  # noqa: F401 - fixture

ID = "default.69a1b2c3.0123456789abcdef01234567.signature"
OTHER = "default.69a1b2c3.76543210fedcba9876543210.signature"


class Clock:
    def __init__(self) -> None:
        self.now = 1_790_000_000.0

    def __call__(self) -> float:
        return self.now


async def test_in_memory_an_erased_id_is_refused_until_it_is_too_old_anyway() -> None:
    clock = Clock()
    erased = MemoryErasedIds(clock=clock)
    await erased.add(ID, expires_at=clock.now + 3600)
    assert await erased.contains(ID) and not await erased.contains(OTHER)
    clock.now += 3600 + EXPIRY_MARGIN_SECONDS + 1
    assert not await erased.contains(ID)


async def test_in_memory_the_record_stays_bounded_and_drops_those_nearest_to_expiring() -> None:
    clock = Clock()
    erased = MemoryErasedIds(max_entries=100, clock=clock)
    for n in range(100):
        await erased.add(f"id-{n}", expires_at=clock.now + 1000 + n)
    await erased.add("newest", expires_at=clock.now + 5000)
    assert len(erased) <= 100
    assert await erased.contains("newest") and await erased.contains("id-99") and not await erased.contains("id-0")
    assert "id-" not in repr(erased._expiry)  # only hashes are kept


def test_the_record_follows_the_lock_store(redis_prefix: str) -> None:  # noqa: F811 - fixture
    assert isinstance(erased_ids_for(InMemoryLockStore()), MemoryErasedIds)
    assert isinstance(erased_ids_for(None), MemoryErasedIds)
    shared = erased_ids_for(AtomicRedisLockStore(host=REDIS_HOST, port=REDIS_PORT, db=0, key_prefix=redis_prefix))
    assert isinstance(shared, RedisErasedIds) and shared.key_prefix == f"{redis_prefix}:"


async def test_in_redis_two_servers_share_it_and_the_key_expires_with_the_id(redis_prefix: str) -> None:  # noqa: F811
    def server() -> RedisErasedIds:
        lock_store = AtomicRedisLockStore(host=REDIS_HOST, port=REDIS_PORT, db=0, key_prefix=redis_prefix)
        found = erased_ids_for(lock_store)
        assert isinstance(found, RedisErasedIds)
        return found

    first, second = server(), server()
    await first.add(ID, expires_at=first._clock() + 3600)
    assert await second.contains(ID) and not await second.contains(OTHER)
    client = redis.StrictRedis(host=REDIS_HOST, port=REDIS_PORT, db=0)
    [key] = list(client.scan_iter(f"{redis_prefix}:widget:erased:*"))
    assert ID.encode() not in key and 3600 < client.ttl(key) <= 3600 + EXPIRY_MARGIN_SECONDS


async def test_a_redis_that_cannot_be_reached_is_reported_not_taken_as_not_erased() -> None:
    dead = redis.StrictRedis(host="127.0.0.1", port=1, socket_timeout=0.5, socket_connect_timeout=0.5)
    erased = RedisErasedIds(dead, "reclaim:")
    for call in (erased.contains(ID), erased.add(ID, expires_at=2e9)):
        try:
            await call
        except ErasedIdsUnavailable as error:
            assert "ConnectionError" in str(error)
        else:
            raise AssertionError("an unreachable Redis must raise ErasedIdsUnavailable")
