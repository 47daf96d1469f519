"""Who may send a callback request now: so a script cannot use up a charity's hourly quota and block
real survivors, and one person's conversation cannot send request after request.

- **Once per conversation.** A request sent in this conversation is seen in its history (the
  `callback_contact` slot set to "sent"), whichever action server handled it; and each action server
  process also remembers, for CONVERSATION_RETENTION_HOURS, a hash of the conversations it sent one for,
  because "Start again" or an hour of silence begins a new session whose history starts empty.
- **Per client.** CALLBACK_LIMIT_PER_ADDRESS_PER_HOUR (default 3) requests per `client_key` per hour. The
  widget channel puts that key in each message's metadata: a keyed hash of the person's address (an
  IPv6 /64), never the address, and never stored (bot/channels/address_groups.py). Generous enough for a
  shelter or library where several people share one address. Messages without a key (the REST channel,
  open only to a deployment's own integrations) are limited by the next check only.
- **Per charity.** CALLBACK_LIMIT_PER_HOUR (default 20) per tenant per hour. When it is reached the log
  says so, naming the tenant (never the person), and the request's outcome "limited" is counted in the
  charity's figures (bot/metrics: "Callback requests not sent: hourly limit reached").

Each action server process counts on its own, so M action servers allow up to M times each limit.
"""

from __future__ import annotations

import hashlib
import logging
import re
import time
from collections import deque
from collections.abc import Callable, Iterable
from typing import Any

from actions.settings import settings

logger = logging.getLogger(__name__)

HOUR = 3600.0
MAX_REMEMBERED = 100_000
SENT = "sent"
CLIENT_KEY = re.compile(r"[A-Za-z0-9_-]{1,64}")

# Why a request was not sent (None: it may be sent).
CLIENT_LIMIT = "client_limit"
CHARITY_LIMIT = "charity_limit"


class HourlyLimit:
    """At most `limit` requests per key in any hour, in this process. Bounded: idle keys are dropped first."""

    def __init__(self, limit: int, clock: Callable[[], float] = time.monotonic, max_keys: int = MAX_REMEMBERED) -> None:
        self.limit = limit
        self.clock = clock
        self.max_keys = max_keys
        self._sent: dict[str, deque[float]] = {}

    def allow(self, key: str) -> bool:
        now = self.clock()
        if key not in self._sent and len(self._sent) >= self.max_keys:
            self._sent = {k: times for k, times in self._sent.items() if times and now - times[-1] < HOUR}
            if len(self._sent) >= self.max_keys:
                # Still full of active keys (a flood of clients): the oldest tenth go, so memory stays bounded.
                for old in list(self._sent)[: max(1, self.max_keys // 10)]:
                    del self._sent[old]
        recent = self._sent.setdefault(key, deque())
        while recent and now - recent[0] >= HOUR:
            recent.popleft()
        if len(recent) >= self.limit:
            return False
        recent.append(now)
        return True


class SentConversations:
    """Hashes of the conversations this process sent a request for, each forgotten after the retention
    period (the conversation and its id are gone by then). Bounded: the oldest go first."""

    def __init__(
        self, keep_seconds: float, clock: Callable[[], float] = time.monotonic, max_entries: int = MAX_REMEMBERED
    ) -> None:
        self.keep_seconds = keep_seconds
        self.clock = clock
        self.max_entries = max_entries
        self._sent: dict[str, float] = {}  # insertion order is time order

    @staticmethod
    def _key(sender_id: str) -> str:
        return hashlib.sha256(sender_id.encode("utf-8")).hexdigest()[:32]

    def add(self, sender_id: str) -> None:
        self._sent.pop(self._key(sender_id), None)
        self._sent[self._key(sender_id)] = self.clock()
        while len(self._sent) > self.max_entries:
            del self._sent[next(iter(self._sent))]

    def __contains__(self, sender_id: str) -> bool:
        at = self._sent.get(self._key(sender_id))
        return at is not None and self.clock() - at < self.keep_seconds


def sent_in_history(events: Iterable[Any]) -> bool:
    """True if the conversation's history (as Rasa sends it) holds a request that was sent."""
    return any(
        isinstance(event, dict)
        and event.get("event") == "slot"
        and event.get("name") == "callback_contact"
        and event.get("value") == SENT
        for event in events or ()
    )


def client_key_of(metadata: Any) -> str | None:
    value = metadata.get("client_key") if isinstance(metadata, dict) else None
    return value if isinstance(value, str) and CLIENT_KEY.fullmatch(value) else None


class CallbackLimits:
    def __init__(
        self,
        per_charity: HourlyLimit | None = None,
        per_client: HourlyLimit | None = None,
        sent: SentConversations | None = None,
    ) -> None:
        config = settings()
        self.per_charity = per_charity or HourlyLimit(config.callback_limit_per_hour)
        self.per_client = per_client or HourlyLimit(config.callback_limit_per_address_per_hour)
        self.sent = sent or SentConversations(config.conversation_retention_hours * HOUR)

    def already_sent(self, sender_id: str, events: Iterable[Any]) -> bool:
        return sender_id in self.sent or sent_in_history(events)

    def refusal(self, tenant: str, client_key: str | None) -> str | None:
        """Counts one request; None if it may be sent, else why not. The per-client check comes first,
        so a client over its own limit never uses up the charity's allowance."""
        if client_key is not None and not self.per_client.allow(client_key):
            logger.warning(
                "Callback for tenant %s not sent: one client's limit (CALLBACK_LIMIT_PER_ADDRESS_PER_HOUR=%d) "
                "is reached on this action server.",
                tenant,
                self.per_client.limit,
            )
            return CLIENT_LIMIT
        if not self.per_charity.allow(tenant):
            logger.warning(
                "Callback for tenant %s not sent: the charity's hourly limit (CALLBACK_LIMIT_PER_HOUR=%d) is "
                "reached on this action server. Real requests may be refused until it frees up.",
                tenant,
                self.per_charity.limit,
            )
            return CHARITY_LIMIT
        return None

    def record_sent(self, sender_id: str) -> None:
        self.sent.add(sender_id)


_limits: CallbackLimits | None = None


def limits() -> CallbackLimits:
    """This process's limits, made at the first request (so a wrong setting is reported then at the latest)."""
    global _limits
    if _limits is None:
        _limits = CallbackLimits()
    return _limits


def check_settings() -> None:
    """Raises ValueError naming a wrong setting: called when the action server loads, so it stops there."""
    settings()


check_settings()
