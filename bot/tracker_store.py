"""The tracker store: Rasa's SQL tracker store, redacted, erasable and with a retention limit.

- **Redaction.** Every event is rewritten before it is saved (`_additional_events`, a private method of
  Rasa 3.6's SQLTrackerStore: Rasa is pinned and tests/bot/stores/test_redaction.py covers it). A person's
  message keeps its intent, intent ranking, entity types and positions, timestamp, message id and input
  channel; its text and entity values become "<redacted>" and its metadata (the event's and any copy in
  its parse data) keeps only the widget's `tenant` (never the channel's per-turn `client_key`). A slot
  keeps a value only if it is one of the canonical values in data/vocabulary.yml or
  data/privacy/canonical_slot_values.yml (or a value of a categorical slot in the domain); a few raw values
  are stored as their canonical form ("£500" as "money"); any other raw words an entity was read from
  ("i'm 19") are stored as empty. The dialogue runs on intents and canonical slots, so it works the same
  on the redacted history.
- **Erasure.** When the person confirms "delete this conversation", the dialogue runs
  `utter_conversation_deleted` and restarts. Rasa alone would keep every earlier event; this store
  deletes every row of that conversation and stores nothing from the turn that asked for it.
- **Retention.** Conversations whose latest event is older than CONVERSATION_RETENTION_HOURS (default
  24) are deleted: by `make purge-conversations` (bot/retention.py) and, inside the running Rasa server,
  every PURGE_INTERVAL_MINUTES (default 30; 0 turns the schedule off) by a background task started the
  first time the store is used. Only counts are logged, never conversation ids or text.

Configured in bot/endpoints.yml as `type: bot.tracker_store.ErasingSQLTrackerStore`.
"""

from __future__ import annotations

import asyncio
import copy
import logging
import re
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import sqlalchemy as sa
import yaml
from rasa.core.tracker_store import SQLTrackerStore, create_engine_kwargs
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, Event, SlotSet, UserUttered
from rasa.shared.core.slots import CategoricalSlot
from rasa.shared.core.trackers import DialogueStateTracker

from bot import rasa_patches, vocabulary
from bot.settings import ROOT, settings

logger = logging.getLogger(__name__)

CANONICAL_SLOT_VALUES = ROOT / "data" / "privacy" / "canonical_slot_values.yml"

# The action that marks a confirmed deletion (bot/domain/responses.yml, data/rules/conversation.yml).
ERASE_MARKER_ACTION = "utter_conversation_deleted"
REDACTED = "<redacted>"
# The only metadata a person's message keeps: which charity's widget it came through.
KEPT_METADATA = ("tenant",)
# Rasa copies the first message's metadata into this slot when a session starts.
SESSION_METADATA_SLOT = "session_started_metadata"
_IDENTIFIER = re.compile(r"^[a-z0-9_]{1,100}$")


class SlotAllowList:
    """Which slot values may be stored: canonical values only, default deny."""

    def __init__(
        self,
        allowed: dict[str, set[str]],
        identifier_slots: Iterable[str] = (),
        rewrite: dict[str, list[tuple[re.Pattern[str], str]]] | None = None,
        keep_matching: dict[str, re.Pattern[str]] | None = None,
    ) -> None:
        self.allowed = allowed
        self.identifier_slots = set(identifier_slots)
        self.rewrite = rewrite or {}
        self.keep_matching = keep_matching or {}

    @classmethod
    def load(cls, domain: Domain | None = None, path: Path = CANONICAL_SLOT_VALUES) -> SlotAllowList:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        # The vocabulary's slots, then what the file adds: the other slots, and raw words the NLU gives.
        allowed = {slot: set(values) for slot, values in vocabulary.SLOT_VALUES.items()}
        for slot, values in (data.get("slots") or {}).items():
            allowed.setdefault(slot, set()).update(str(value) for value in values)
        for slot in domain.slots if domain else []:
            if isinstance(slot, CategoricalSlot):
                values = {str(value) for value in slot.values if str(value) != "__other__"}
                allowed.setdefault(slot.name, set()).update(values)
        rewrite = {
            slot: [(re.compile(rule["match"]), str(rule["to"])) for rule in rules]
            for slot, rules in (data.get("rewrite") or {}).items()
        }
        keep_matching = {slot: re.compile(pattern) for slot, pattern in (data.get("keep_matching") or {}).items()}
        return cls(allowed, data.get("identifier_slots") or [], rewrite, keep_matching)

    def stored_value(self, slot: str, value: Any) -> Any:
        """The value as it may be stored: itself, its canonical form, or None. In a list, each item."""
        if value is None or isinstance(value, (bool, int, float)):
            return value
        if isinstance(value, (list, tuple)):
            kept = [item for item in (self.stored_value(slot, item) for item in value) if item is not None]
            return kept or None
        if not isinstance(value, str):
            return None  # dicts and anything else: never stored from a slot
        if slot in self.allowed and value in self.allowed[slot]:
            return value
        if slot in self.identifier_slots and _IDENTIFIER.match(value):
            return value
        if slot in self.keep_matching and self.keep_matching[slot].match(value):
            return value
        for pattern, canonical in self.rewrite.get(slot, ()):
            if pattern.search(value):
                return canonical
        return None

    def keeps(self, slot: str, value: Any) -> bool:
        return self.stored_value(slot, value) == value


def _tenant_only(metadata: Any) -> dict[str, Any]:
    if not isinstance(metadata, dict):
        return {}
    return {key: metadata[key] for key in KEPT_METADATA if isinstance(metadata.get(key), str)}


def redact_event(event: Event, allow: SlotAllowList) -> Event:
    """The event as it may be stored: no words from the person, no slot value outside the allow-list."""
    if isinstance(event, UserUttered):
        data = copy.deepcopy(event.as_dict())
        data["text"] = REDACTED if data.get("text") is not None else None
        data["metadata"] = _tenant_only(data.get("metadata"))
        parse_data = data.get("parse_data") or {}
        if "text" in parse_data:
            parse_data["text"] = REDACTED
        if "metadata" in parse_data:
            # Rasa's NLU message can carry the channel's metadata too: the same rule as the event's own.
            parse_data["metadata"] = _tenant_only(parse_data["metadata"])
        for entity in parse_data.get("entities") or []:
            entity["value"] = REDACTED
            entity.pop("text", None)
            entity.pop("additional_info", None)
        return Event.from_parameters(data)
    if isinstance(event, SlotSet):
        if event.key == SESSION_METADATA_SLOT:
            return SlotSet(event.key, _tenant_only(event.value), timestamp=event.timestamp, metadata=event.metadata)
        value = allow.stored_value(event.key, event.value)
        if value != event.value:
            return SlotSet(event.key, value, timestamp=event.timestamp, metadata=event.metadata)
    return event


def count_erasure(event_broker: Any, sender_id: str) -> None:
    """One "conversation deleted" in the anonymous figures (bot/metrics/counting.py).

    Rasa streams nothing for an erased turn, so every erasing store says it here; the broker keeps only
    the count, never the conversation id.
    """
    if event_broker is None:
        return
    try:
        event_broker.publish(
            {
                "sender_id": sender_id,
                "event": "action",
                "name": ERASE_MARKER_ACTION,
                "reclaim_erased": True,
                "timestamp": time.time(),
            }
        )
    except Exception as error:  # noqa: BLE001 - counting never stops an erasure
        logger.warning("Could not count an erasure (%s).", type(error).__name__)


def _sqlite_secure_delete(connection: Any, _record: Any) -> None:
    connection.execute("PRAGMA secure_delete = ON")


class ErasingSQLTrackerStore(SQLTrackerStore):
    engine: sa.engine.Engine  # made by Rasa's SQLTrackerStore, and again in _create_database_and_update_engine

    def __init__(self, *args: Any, purge_schedule: bool = True, **kwargs: Any) -> None:
        # Rasa builds the tracker store once, before the first message: our start-up hook (bot/rasa_patches.py).
        rasa_patches.install()
        super().__init__(*args, **kwargs)
        if self.engine.dialect.name == "sqlite":
            # Deleted rows are overwritten with zeros, not left in the file's free pages.
            sa.event.listen(self.engine, "connect", _sqlite_secure_delete)
        self._allow_list: tuple[Any, SlotAllowList] | None = None
        self.retention_hours = settings().conversation_retention_hours
        self.purge_interval_minutes = settings().purge_interval_minutes if purge_schedule else 0.0
        self._purge_task: asyncio.Task | None = None

    def _create_database_and_update_engine(self, db: str, engine_url: Any) -> None:
        """With `login_db`, Rasa 3.6 creates the database, then makes a new engine without the pool
        settings (SQL_POOL_SIZE, SQL_MAX_OVERFLOW). Made again here with them, so several servers
        never open more PostgreSQL connections than planned (docs/deploy/scale-out.md)."""
        super()._create_database_and_update_engine(db, engine_url)
        url = self.engine.url
        self.engine.dispose()
        self.engine = sa.create_engine(url, **create_engine_kwargs(url))

    @property
    def slot_allow_list(self) -> SlotAllowList:
        """Built from the current domain: the server sets the domain after the store is made, when the
        model loads (and again when another model is loaded)."""
        domain = self.domain if isinstance(self.domain, Domain) else None
        if self._allow_list is None or self._allow_list[0] is not domain:
            self._allow_list = (domain, SlotAllowList.load(domain))
        return self._allow_list[1]

    # ---- saving and erasing --------------------------------------------------------------------

    async def save(self, tracker: DialogueStateTracker) -> None:
        self._start_purge_schedule()
        if self._erase_requested(tracker):
            await self.erase(tracker.sender_id)
            return
        await super().save(tracker)

    async def retrieve(self, sender_id: str) -> DialogueStateTracker | None:
        self._start_purge_schedule()
        return await super().retrieve(sender_id)

    def _additional_events(self, session: Any, tracker: DialogueStateTracker) -> Iterator:
        for event in super()._additional_events(session, tracker):
            yield redact_event(event, self.slot_allow_list)

    async def erase(self, sender_id: str) -> int:
        """Deletes every stored event of one conversation. Returns how many rows went."""
        with self.session_scope() as session:
            deleted = session.query(self.SQLEvent).filter(self.SQLEvent.sender_id == sender_id).delete()
            session.commit()
        # The conversation id is random and says nothing about the person; the text is never logged.
        logger.info("Erased a conversation at the person's request (%d events).", deleted)
        if deleted:
            count_erasure(self.event_broker, sender_id)
        return deleted

    @staticmethod
    def _erase_requested(tracker: DialogueStateTracker) -> bool:
        # The marker is never stored (its conversation is erased instead), so if the tracker holds it,
        # it came in this turn: no need to ask the database which events are new (faster on every save).
        return any(
            isinstance(event, ActionExecuted) and event.action_name == ERASE_MARKER_ACTION for event in tracker.events
        )

    # ---- retention -----------------------------------------------------------------------------

    def purge_expired(self, now: float | None = None) -> tuple[int, int]:
        """Deletes every event of each conversation whose latest event is older than the retention.

        Returns (conversations, events) deleted. `now` is a Unix time, for tests."""
        cutoff = (time.time() if now is None else now) - self.retention_hours * 3600
        events = self.SQLEvent
        expired = sa.select(events.sender_id).group_by(events.sender_id).having(sa.func.max(events.timestamp) < cutoff)
        with self.session_scope() as session:
            senders = [sender for (sender,) in session.execute(expired)]
            deleted = 0
            for start in range(0, len(senders), 500):
                chunk = senders[start : start + 500]
                deleted += session.query(events).filter(events.sender_id.in_(chunk)).delete(synchronize_session=False)
            session.commit()
        if senders:
            logger.info("Retention: deleted %d conversation(s), %d event(s).", len(senders), deleted)
        return len(senders), deleted

    def _start_purge_schedule(self) -> None:
        if self.purge_interval_minutes <= 0 or self._purge_task is not None:
            return
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return
        self._purge_task = loop.create_task(self._purge_periodically(loop.run_in_executor))

    async def _purge_periodically(self, run_in_executor: Callable) -> None:
        logger.info(
            "Retention: conversations are deleted %g hours after their last message; checking every %g minutes.",
            self.retention_hours,
            self.purge_interval_minutes,
        )
        while True:
            try:
                # The database work runs in a thread: the server keeps answering meanwhile.
                await run_in_executor(None, self.purge_expired)
            except asyncio.CancelledError:
                raise
            except Exception as error:  # never let a failed purge stop the schedule
                logger.warning("Retention: the purge failed (%s); trying again later.", type(error).__name__)
            await asyncio.sleep(self.purge_interval_minutes * 60)
