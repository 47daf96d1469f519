"""The Redis tracker store option: conversations in Redis, deleted by Redis itself after the retention time.

Rasa's RedisTrackerStore saves the whole tracker as it is in memory: message text, entity values and
raw slot values would all be stored, and it has no way to erase one conversation on request. This
subclass keeps the same privacy rules as the SQL store (bot/tracker_store.py):

- **Redaction.** The tracker is redacted (`redact_event`, the same rules and allow-list) before Rasa
  serialises it, so Redis only ever holds redacted events.
- **Erasure.** A confirmed "delete this conversation" deletes the conversation's key and stores nothing
  from that turn; `erase()` does the same for the widget's DELETE.
- **Retention.** Each save sets the key to expire CONVERSATION_RETENTION_HOURS after the last message
  (`record_exp`), so there is no purge job (`make purge-conversations` is for the SQL store only).

What is different from PostgreSQL: a Redis restart without persistence loses every open conversation,
and the whole conversation is rewritten on each message (fine for chat-length conversations).
Configured in bot/endpoints.production-redis.yml (docs/deploy/scale-out.md).
"""

from __future__ import annotations

import logging
from typing import Any

from rasa.core.tracker_store import RedisTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.trackers import DialogueStateTracker

from bot import rasa_patches
from bot.settings import settings
from bot.tracker_store import ErasingSQLTrackerStore, SlotAllowList, count_erasure, redact_event

logger = logging.getLogger(__name__)


class ErasingRedisTrackerStore(RedisTrackerStore):
    def __init__(self, *args: Any, record_exp: float | str | None = None, **kwargs: Any) -> None:
        # The start-up hook, as in ErasingSQLTrackerStore (bot/rasa_patches.py).
        rasa_patches.install()
        # ${...} values arrive as strings; empty means "the retention setting".
        # Redis wants whole seconds.
        retention_seconds = settings().conversation_retention_hours * 3600
        expiry = int(float(record_exp) if record_exp not in (None, "") else retention_seconds)
        super().__init__(*args, record_exp=expiry, **kwargs)
        self._allow_list: tuple[Any, SlotAllowList] | None = None

    @property
    def slot_allow_list(self) -> SlotAllowList:
        domain = self.domain if isinstance(self.domain, Domain) else None
        if self._allow_list is None or self._allow_list[0] is not domain:
            self._allow_list = (domain, SlotAllowList.load(domain))
        return self._allow_list[1]

    def _redacted(self, tracker: DialogueStateTracker) -> DialogueStateTracker:
        allow = self.slot_allow_list
        events = [redact_event(event, allow) for event in tracker.events]
        return DialogueStateTracker.from_events(tracker.sender_id, events, slots=self.domain.slots)

    async def save(self, tracker: DialogueStateTracker, timeout: float | None = None) -> None:
        if ErasingSQLTrackerStore._erase_requested(tracker):
            await self.erase(tracker.sender_id)
            return
        # Redacted before Rasa merges it with what is stored (also redacted), so the two compare equal.
        await super().save(self._redacted(tracker), timeout)

    async def erase(self, sender_id: str) -> int:
        """Deletes the conversation. Returns how many keys went (0 or 1)."""
        deleted = int(self.red.delete(self.key_prefix + sender_id))
        logger.info("Erased a conversation at the person's request.")
        if deleted:
            count_erasure(self.event_broker, sender_id)
        return deleted
