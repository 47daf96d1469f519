"""Widget conversation ids that were erased (DELETE), refused from then on by every server.

After a DELETE the conversation's events are gone, but its signed id would still verify: whoever holds
it (a shared device, a copied link) could carry on, and a server would start a fresh conversation under
it. So the id is recorded here and the channel refuses it like a forged one. An entry is needed only until
the id is too old to verify anyway (signed_ids.py: the retention period), so each one expires then.

Where the record lives follows the lock store in the endpoints file, so it is shared exactly when
conversations are shared:
- a Redis lock store (the production profiles, bot/lock_store.py): one key per erased id in the same
  Redis and database, "<REDIS_KEY_PREFIX>:widget:erased:<hash of the id>", expiring with the id. Every server
  sees it. If Redis cannot be reached, `ErasedIdsUnavailable` is raised and the channel answers with a
  clear error: it never lets an id through unchecked, and never drops a message without saying so;
- otherwise (one server, bot/endpoints.yml): in this process's memory, bounded.
Only a hash of the id is kept, never the id itself.
"""

from __future__ import annotations

import asyncio
import hashlib
import heapq
import logging
import time
from collections.abc import Callable
from typing import Any, Protocol

from rasa.core.lock_store import DEFAULT_REDIS_LOCK_STORE_KEY_PREFIX, RedisLockStore

logger = logging.getLogger(__name__)

ERASED_KEY_PART = "widget:erased:"
# Short, so a message waits at most this long on a Redis that does not answer.
REDIS_TIMEOUT_SECONDS = 2.0
# Entries outlive their id by this much, for servers whose clocks differ a little.
EXPIRY_MARGIN_SECONDS = 600
DEFAULT_MAX_ENTRIES = 200_000


class ErasedIdsUnavailable(Exception):
    """The shared record could not be read or written (Redis is down or does not answer)."""


def _digest(conversation_id: str) -> str:
    return hashlib.sha256(conversation_id.encode("utf-8")).hexdigest()[:32]


class ErasedIds(Protocol):
    async def add(self, conversation_id: str, expires_at: float) -> None: ...

    async def contains(self, conversation_id: str) -> bool: ...


class MemoryErasedIds:
    """One process's record. Bounded: when full, the entries closest to expiring go first."""

    def __init__(self, max_entries: int = DEFAULT_MAX_ENTRIES, clock: Callable[[], float] = time.time) -> None:
        self.max_entries = max_entries
        self._clock = clock
        self._expiry: dict[str, float] = {}

    def __len__(self) -> int:
        return len(self._expiry)

    async def add(self, conversation_id: str, expires_at: float) -> None:
        now = self._clock()
        if len(self._expiry) >= self.max_entries:
            self._expiry = {key: at for key, at in self._expiry.items() if at > now}
        if len(self._expiry) >= self.max_entries:
            # Still full: a tenth goes at once (not one by one), those nearest to being refused for age.
            soonest: list[tuple[float, str]] = heapq.nsmallest(
                max(1, self.max_entries // 10), ((at, key) for key, at in self._expiry.items())
            )
            for _, key in soonest:
                del self._expiry[key]
        self._expiry[_digest(conversation_id)] = expires_at + EXPIRY_MARGIN_SECONDS

    async def contains(self, conversation_id: str) -> bool:
        expires_at = self._expiry.get(_digest(conversation_id))
        return expires_at is not None and expires_at > self._clock()


class RedisErasedIds:
    """The record shared by every server, in Redis. Calls run in a thread so a slow Redis never holds
    up the server's other conversations."""

    def __init__(self, client: Any, key_prefix: str, clock: Callable[[], float] = time.time) -> None:
        self.client = client
        self.key_prefix = key_prefix
        self._clock = clock

    def _key(self, conversation_id: str) -> str:
        return f"{self.key_prefix}{ERASED_KEY_PART}{_digest(conversation_id)}"

    async def _call(self, method: str, *args: Any, **kwargs: Any) -> Any:
        try:
            return await asyncio.to_thread(getattr(self.client, method), *args, **kwargs)
        except Exception as error:  # noqa: BLE001 - any Redis failure means "cannot tell"
            raise ErasedIdsUnavailable(type(error).__name__) from None

    async def add(self, conversation_id: str, expires_at: float) -> None:
        seconds = max(1, int(expires_at - self._clock()) + EXPIRY_MARGIN_SECONDS)
        await self._call("set", self._key(conversation_id), b"1", ex=seconds)

    async def contains(self, conversation_id: str) -> bool:
        return bool(await self._call("exists", self._key(conversation_id)))


def _redis_copy(client: Any) -> Any:
    """A client for the same Redis, database and credentials as the lock store's, with short timeouts."""
    import redis

    pool = client.connection_pool
    settings = dict(pool.connection_kwargs)
    settings.update(socket_timeout=REDIS_TIMEOUT_SECONDS, socket_connect_timeout=REDIS_TIMEOUT_SECONDS)
    return redis.Redis(connection_pool=redis.ConnectionPool(connection_class=pool.connection_class, **settings))


def erased_ids_for(lock_store: Any | None) -> ErasedIds:
    """The record that fits the server's lock store: shared in Redis if the lock store is in Redis."""
    if not isinstance(lock_store, RedisLockStore):
        logger.info("Widget channel: erased conversation ids are kept in this server's memory.")
        return MemoryErasedIds()
    # Rasa's lock keys are "<REDIS_KEY_PREFIX>:lock:<conversation>" (or "lock:<conversation>" without one).
    prefix = lock_store.key_prefix
    if prefix.endswith(DEFAULT_REDIS_LOCK_STORE_KEY_PREFIX):
        prefix = prefix[: -len(DEFAULT_REDIS_LOCK_STORE_KEY_PREFIX)]
    logger.info("Widget channel: erased conversation ids are shared through the lock store's Redis.")
    return RedisErasedIds(_redis_copy(lock_store.red), prefix)
