"""Signed-out dashboard sessions: once a charity signs out, its session cookie is refused by every server.

A session cookie is signed, not stored (auth.py), so without this any server would accept a copy of it
until it expires. Signing out records the session's random id until the session would have expired:
- one Rasa server (bot/endpoints.yml): in this process's memory;
- several (the production profiles, whose lock store is Redis): in that same Redis, so it uses
  REDIS_HOST, REDIS_PORT, REDIS_PASSWORD and database REDIS_LOCK_DB, under the key
  `<REDIS_KEY_PREFIX>:dashboard:revoked:<session id>`, expiring with the session.
Only random ids are kept: no tenant, no address, nothing about who signed in.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from typing import Any, Protocol

from rasa.core.lock_store import DEFAULT_REDIS_LOCK_STORE_KEY_PREFIX, LockStore, RedisLockStore

KEY = "dashboard:revoked:"


class Revocations(Protocol):
    def revoke(self, session_id: str, expiry: float) -> None:
        """Refuse `session_id` from now until `expiry` (Unix time, when the session ends anyway)."""

    def is_revoked(self, session_id: str) -> bool: ...


class MemoryRevocations:
    """For one server. Bounded by sign-outs of live sessions, which need a valid token to create."""

    def __init__(self, clock: Callable[[], float] = time.time) -> None:
        self._until: dict[str, float] = {}
        self._lock = threading.Lock()
        self._clock = clock

    def revoke(self, session_id: str, expiry: float) -> None:
        now = self._clock()
        with self._lock:
            for stale in [k for k, until in self._until.items() if until <= now]:
                del self._until[stale]
            self._until[session_id] = expiry

    def is_revoked(self, session_id: str) -> bool:
        with self._lock:
            until = self._until.get(session_id)
        return until is not None and until > self._clock()


class RedisRevocations:
    """Shared by every server using the same Redis and key prefix."""

    def __init__(self, client: Any, key_prefix: str = "", clock: Callable[[], float] = time.time) -> None:
        self._red = client
        self._prefix = key_prefix + KEY
        self._clock = clock

    def revoke(self, session_id: str, expiry: float) -> None:
        seconds = max(1, math.ceil(expiry - self._clock()))
        self._red.set(self._prefix + session_id, b"1", ex=seconds)

    def is_revoked(self, session_id: str) -> bool:
        return bool(self._red.exists(self._prefix + session_id))


def sharing_lock_store(lock_store: LockStore | None) -> RedisRevocations | None:
    """Revocations in the Rasa server's own Redis lock store (the production profiles), or None when its
    lock store is not in Redis (one server: keep them in memory)."""
    if not isinstance(lock_store, RedisLockStore):
        return None
    # Rasa's lock keys are "<REDIS_KEY_PREFIX>:lock:<conversation>" (or "lock:<conversation>" without one).
    prefix = lock_store.key_prefix
    if prefix.endswith(DEFAULT_REDIS_LOCK_STORE_KEY_PREFIX):
        prefix = prefix[: -len(DEFAULT_REDIS_LOCK_STORE_KEY_PREFIX)]
    return RedisRevocations(lock_store.red, prefix)
