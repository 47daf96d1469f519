"""The lock store for several Rasa servers: Rasa's Redis lock store, with every change made atomically.

Why: each Rasa server takes a ticket from the conversation's lock in Redis before it handles a message,
so two messages of one conversation are handled one at a time, in the order they arrived, whichever
server they reach. Rasa 3.6's RedisLockStore changes a lock by reading it, changing it in Python and
writing it back. Two servers doing that at the same moment can both take the same ticket (and handle
two messages at once), or one can delete the lock while the other has just queued on it (that message
then fails with a LockError). Here each read-change-write is a Redis transaction (WATCH/MULTI), retried
if another server changed the lock in between, so no change is lost.

A waiting message also checks the lock every `wait_seconds` (default 0.05), not every second as Rasa
does, so a quick second message is not held back a whole second.

Configured in bot/endpoints.production.yml as `type: bot.lock_store.AtomicRedisLockStore`.
"""

from __future__ import annotations

import json
import time
from collections.abc import AsyncGenerator, Callable
from contextlib import asynccontextmanager
from typing import Any

from rasa.core.lock import TicketLock
from rasa.core.lock_store import LOCK_LIFETIME, RedisLockStore
from rasa.utils.endpoints import EndpointConfig

DEFAULT_WAIT_SECONDS = 0.05
# A lock key outlives its last ticket by this long, so a crashed server never leaves keys forever.
KEY_GRACE_SECONDS = 60

# What a change returns: the lock to save (None deletes the key) and a value for the caller.
Change = Callable[[TicketLock | None], tuple[TicketLock | None, Any]]


class AtomicRedisLockStore(RedisLockStore):
    def __init__(
        self,
        endpoint_config: EndpointConfig | None = None,
        wait_seconds: float = DEFAULT_WAIT_SECONDS,
        **kwargs: Any,
    ) -> None:
        # Rasa makes a custom lock store with only `endpoint_config`; tests may pass the settings directly.
        if endpoint_config is not None:
            settings = dict(endpoint_config.kwargs)
            wait_seconds = float(settings.pop("wait_seconds", wait_seconds))
            kwargs = {"host": endpoint_config.url or "localhost", **settings, **kwargs}
        super().__init__(**kwargs)
        self.wait_seconds = wait_seconds

    # ---- one atomic read-change-write --------------------------------------------------------

    def _atomically(self, conversation_id: str, change: Change) -> Any:
        key = self.key_prefix + conversation_id

        def transaction(pipe: Any) -> Any:
            raw = pipe.get(key)  # runs at once: the key is being watched
            lock = TicketLock.from_dict(json.loads(raw)) if raw else None
            new_lock, result = change(lock)
            pipe.multi()
            if new_lock is None or not new_lock.tickets:
                pipe.delete(key)
            else:
                last_expiry = max(ticket.expires for ticket in new_lock.tickets)
                ttl = max(1, int(last_expiry - time.time()) + KEY_GRACE_SECONDS)
                pipe.set(key, new_lock.dumps(), ex=ttl)
            return result

        # Retries the whole function if another server changed the key before EXEC.
        return self.red.transaction(transaction, key, value_from_callable=True)

    # ---- the LockStore operations that change a lock -----------------------------------------

    def issue_ticket(self, conversation_id: str, lock_lifetime: float = LOCK_LIFETIME) -> int:
        def take(lock: TicketLock | None) -> tuple[TicketLock, int]:
            lock = lock or TicketLock(conversation_id)
            return lock, lock.issue_ticket(lock_lifetime)

        return self._atomically(conversation_id, take)

    def update_lock(self, conversation_id: str) -> None:
        def drop_expired(lock: TicketLock | None) -> tuple[TicketLock | None, None]:
            if lock is not None:
                lock.remove_expired_tickets()
            return lock, None

        self._atomically(conversation_id, drop_expired)

    def finish_serving(self, conversation_id: str, ticket_number: int) -> None:
        self.cleanup(conversation_id, ticket_number)

    def cleanup(self, conversation_id: str, ticket_number: int) -> None:
        """Gives the ticket back; the key goes when no ticket is left (in the same transaction)."""

        def give_back(lock: TicketLock | None) -> tuple[TicketLock | None, None]:
            if lock is not None:
                lock.remove_ticket_for(ticket_number)
            return lock, None

        self._atomically(conversation_id, give_back)

    @asynccontextmanager
    async def lock(
        self,
        conversation_id: str,
        lock_lifetime: float = LOCK_LIFETIME,
        wait_time_in_seconds: float | None = None,
    ) -> AsyncGenerator[TicketLock, None]:
        wait = self.wait_seconds if wait_time_in_seconds is None else wait_time_in_seconds
        async with super().lock(conversation_id, lock_lifetime, wait) as ticket_lock:
            yield ticket_lock
