"""A sliding-window rate limit per key (a conversation, or a client address), kept in memory.

Stops one conversation or one client (a script, or a stuck key) from flooding the bot. In memory on
purpose: it needs no extra service, and with several Rasa processes each enforces its own share, which
is enough to stop floods. It forgets keys whose window has passed, so memory stays bounded; nothing else
resets a key (deleting a conversation must not be a way round its limit).
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable


class SlidingWindowLimiter:
    def __init__(
        self,
        limit: int,
        window_seconds: float = 60.0,
        clock: Callable[[], float] = time.monotonic,
        max_keys: int = 100_000,
    ) -> None:
        if limit < 1 or window_seconds <= 0:
            raise ValueError("limit must be at least 1 and the window positive")
        self.limit = limit
        self.window = window_seconds
        self._clock = clock
        self._max_keys = max_keys
        self._hits: dict[str, deque[float]] = {}

    def allow(self, key: str) -> bool:
        """Counts one request for `key`; False if it already had `limit` requests in the window."""
        now = self._clock()
        hits = self._hits.get(key)
        if hits is None:
            if len(self._hits) >= self._max_keys:
                self._forget_idle(now)
            hits = self._hits[key] = deque()
        while hits and hits[0] <= now - self.window:
            hits.popleft()
        if len(hits) >= self.limit:
            return False
        hits.append(now)
        return True

    def _forget_idle(self, now: float) -> None:
        for key in [k for k, hits in self._hits.items() if not hits or hits[-1] <= now - self.window]:
            del self._hits[key]
        if len(self._hits) >= self._max_keys:
            # Still full of active keys: drop the oldest so memory stays bounded.
            oldest = sorted(self._hits, key=lambda k: self._hits[k][-1])[: len(self._hits) // 10 or 1]
            for key in oldest:
                del self._hits[key]
