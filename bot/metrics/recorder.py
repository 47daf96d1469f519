"""Collects counts in memory and writes them to the store in the background, so counting never
slows or breaks a conversation. One recorder per process, shared by the event broker and the
widget's counts endpoint.

A failed write keeps the counts for the next try (they are few: one number per tenant, day, metric
and value) and logs only the error's type. Counts still in memory when a server is killed are lost:
the figures are estimates, and losing a few is better than writing on every message.

A count for a week that is already final (suppression.py: an hour after the week ends) is dropped, not
written: a week the dashboard has published never changes afterwards.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import threading
from collections.abc import Callable, Iterable

from bot.metrics.counting import Increment
from bot.metrics.store import Key, MetricsStore
from bot.metrics.suppression import LATE_MARGIN, is_final
from bot.settings import settings

logger = logging.getLogger(__name__)

# Counts wait at most this long before a write, well inside the hour after which a week is final.
MAX_FLUSH_SECONDS = 600.0
# Beyond this many distinct keys waiting (a database down for a long time), new counts are dropped.
MAX_PENDING_KEYS = 100_000


def flush_seconds() -> float:
    value = settings().metrics_flush_seconds  # bot/settings.py has checked it is a number above 0
    if not 0 < value <= MAX_FLUSH_SECONDS:
        raise ValueError(
            f"METRICS_FLUSH_SECONDS must be more than 0 and at most {MAX_FLUSH_SECONDS:.0f}: counts must be written "
            f"well within the {LATE_MARGIN.total_seconds() / 60:.0f} minutes after which a week's figures are final"
        )
    return value


def _utc_now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


class Recorder:
    def __init__(
        self,
        store: MetricsStore | None = None,
        interval: float | None = None,
        now: Callable[[], dt.datetime] = _utc_now,
    ) -> None:
        self._store = store
        self.interval = interval or flush_seconds()
        self._now = now
        self._pending: dict[Key, int] = {}
        self._lock = threading.Lock()
        self._task: asyncio.Task | None = None

    @property
    def store(self) -> MetricsStore:
        if self._store is None:
            self._store = MetricsStore()
        return self._store

    def add(self, increments: Iterable[Increment]) -> None:
        with self._lock:
            for inc in increments:
                key = (inc.tenant, inc.day, inc.metric, inc.value)
                if key in self._pending or len(self._pending) < MAX_PENDING_KEYS:
                    self._pending[key] = self._pending.get(key, 0) + 1
        self._start()

    def flush(self) -> int:
        """Writes what is waiting. Returns how many keys were written (0 on failure, kept for later)."""
        with self._lock:
            batch, self._pending = self._pending, {}
        now = self._now()
        late = [key for key in batch if is_final(key[1], now)]
        for key in late:
            del batch[key]
        if late:
            logger.warning("Metrics: %d count(s) arrived after their week was final and were dropped.", len(late))
        if not batch:
            return 0
        try:
            self.store.add(batch)
        except Exception as error:  # noqa: BLE001 - keep the counts, never break the caller
            logger.warning("Metrics: writing counts failed (%s); will try again.", type(error).__name__)
            with self._lock:
                for key, n in batch.items():
                    self._pending[key] = self._pending.get(key, 0) + n
            return 0
        return len(batch)

    def _start(self) -> None:
        if self._task is not None and not self._task.done():
            return
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return  # no event loop (a script or a test): call flush() yourself
        self._task = loop.create_task(self._flush_periodically())

    async def _flush_periodically(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            await asyncio.sleep(self.interval)
            # The database work runs in a thread: the server keeps answering meanwhile.
            await loop.run_in_executor(None, self.flush)

    async def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
            self._task = None
        await asyncio.get_running_loop().run_in_executor(None, self.flush)


_shared: Recorder | None = None


def shared_recorder() -> Recorder:
    """The process's recorder (created on first use, from METRICS_DB_URL and METRICS_FLUSH_SECONDS)."""
    global _shared
    if _shared is None:
        _shared = Recorder()
    return _shared
