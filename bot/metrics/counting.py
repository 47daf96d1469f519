"""Turns Rasa's events into anonymous counts: (tenant, day, metric, value) + 1. Nothing else survives.

An event is read for what kind it is and the few fields that say which allowed value it counts
(catalogue.py), then forgotten: no text, no conversation id, no time finer than a day is passed on.

Per conversation, a little state is kept IN MEMORY ONLY, bounded (least recently used dropped first)
and never written anywhere: its tenant, and which values were already counted, so a conversation
counts once per value (Rasa sets a slot again when a form re-validates it). With several Rasa
servers a conversation moving between them may count a value twice; the figures are estimates.

Tenant: taken only from a widget message's metadata (the widget channel puts the signed id's tenant
there), or from the conversation id itself for erasures, and only if it is a known tenant. Everything
else (the REST channel) counts under the default tenant.
"""

from __future__ import annotations

import datetime as dt
from collections import OrderedDict
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, field
from typing import Any

from bot.channels.signed_ids import tenant_of
from bot.metrics.catalogue import ALL, clean_value
from bot.settings import LONDON

DEFAULT_TENANT = "default"
WIDGET_CHANNEL = "widget"
# Rasa's name for the slot that holds the first message's metadata when a session starts.
SESSION_METADATA_SLOT = "session_started_metadata"
CRISIS_ACTION = "utter_crisis"
# The callback request's outcome when the charity's hourly limit refused it (actions/callback_form.py).
CALLBACK_LIMITED = "limited"
# The store publishes this action name when it erases a conversation (bot/tracker_store.py).
ERASE_ACTION = "utter_conversation_deleted"
DEFAULT_MAX_CONVERSATIONS = 50_000


@dataclass(frozen=True)
class Increment:
    tenant: str
    day: dt.date
    metric: str
    value: str


def day_of(timestamp: Any, now: Callable[[], float]) -> dt.date:
    """The calendar day in the UK of a Unix time (the event's own, else now)."""
    seconds = timestamp if isinstance(timestamp, (int, float)) and timestamp > 0 else now()
    return dt.datetime.fromtimestamp(seconds, LONDON).date()


@dataclass
class _Conversation:
    tenant: str | None = None
    counted: set[tuple[str, str]] = field(default_factory=set)
    # Counts seen before the tenant is known (a session starts before its first message is logged).
    waiting: list[tuple[dt.date, str, str]] = field(default_factory=list)


class EventCounter:
    def __init__(
        self,
        tenants: Collection[str],
        max_conversations: int = DEFAULT_MAX_CONVERSATIONS,
        now: Callable[[], float] = lambda: dt.datetime.now(dt.timezone.utc).timestamp(),
    ) -> None:
        self.tenants = frozenset(tenants) | {DEFAULT_TENANT}
        self.max_conversations = max_conversations
        self._now = now
        self._conversations: OrderedDict[str, _Conversation] = OrderedDict()

    def __len__(self) -> int:
        return len(self._conversations)

    def _conversation(self, sender: str) -> _Conversation:
        conversation = self._conversations.get(sender)
        if conversation is None:
            conversation = self._conversations[sender] = _Conversation()
            while len(self._conversations) > self.max_conversations:
                self._conversations.popitem(last=False)
        else:
            self._conversations.move_to_end(sender)
        return conversation

    def _known(self, tenant: Any) -> str | None:
        return tenant if isinstance(tenant, str) and tenant in self.tenants else None

    def count(self, event: dict[str, Any]) -> list[Increment]:
        """The counts one published event adds. Never raises for odd input: it returns []."""
        if not isinstance(event, dict) or not isinstance(event.get("sender_id"), str):
            return []
        sender = event["sender_id"]
        kind = event.get("event")
        day = day_of(event.get("timestamp"), self._now)
        conversation = self._conversation(sender)
        found: list[tuple[str, str, bool]] = []  # (metric, value, once per conversation)

        if kind == "user":
            metadata = event.get("metadata")
            if not isinstance(metadata, dict):
                metadata = {}
            tenant = self._known(metadata.get("tenant")) if event.get("input_channel") == WIDGET_CHANNEL else None
            if conversation.tenant is None or tenant is not None:
                conversation.tenant = tenant or DEFAULT_TENANT
        elif kind == "session_started":
            # Once per conversation id: "Start again", or coming back after a session expired, is the
            # same conversation continuing, not a new person.
            found.append(("conversations_started", ALL, True))
        elif kind == "slot":
            found.extend(self._slot_counts(event.get("name"), event.get("value")))
        elif kind == "action":
            name = event.get("name")
            if name == CRISIS_ACTION:
                found.append(("crisis_response", ALL, True))
            elif name == ERASE_ACTION and event.get("reclaim_erased") is True:
                found.append(("deletion", ALL, False))
                if conversation.tenant is None:
                    # Widget ids start with their tenant (bot/channels/signed_ids.py).
                    conversation.tenant = self._known(tenant_of(sender))
                    conversation.tenant = conversation.tenant or DEFAULT_TENANT
        elif kind == "bot":
            data = event.get("data")
            custom = data.get("custom") if isinstance(data, dict) else None
            services = custom.get("services") if isinstance(custom, dict) else None
            if not isinstance(services, list):
                services = []
            found.extend(("service_routed", s, True) for s in services if isinstance(s, str))

        for metric, raw_value, once in found:
            value = clean_value(metric, raw_value)
            if value is None:
                continue
            if once:
                if (metric, value) in conversation.counted:
                    continue
                conversation.counted.add((metric, value))
            conversation.waiting.append((day, metric, value))
        if conversation.tenant is None:
            return []
        ready = [Increment(conversation.tenant, d, m, v) for d, m, v in conversation.waiting]
        conversation.waiting.clear()
        if any(metric == "deletion" for metric, _, _ in found):
            # The person erased the conversation: forget what was counted for it here too.
            self._conversations.pop(sender, None)
        return ready

    @staticmethod
    def _slot_counts(name: Any, value: Any) -> Iterable[tuple[str, str, bool]]:
        values = value if isinstance(value, list) else [value]
        if name == "situation":
            return [("situation", v, True) for v in values if isinstance(v, str)]
        if name == "nation" and isinstance(value, str):
            return [("nation", value, True)]
        if name == "young_person" and value is True:
            return [("under_18", ALL, True)]
        if name == "offences_explained":
            return [("offence_explained", v, True) for v in values if isinstance(v, str)]
        if name == "callback_contact" and value == CALLBACK_LIMITED:
            return [("callback_limit_reached", ALL, True)]
        return []
