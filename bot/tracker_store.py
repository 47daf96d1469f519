"""The tracker store: Rasa's SQL tracker store, plus real erasure when a person deletes their chat.

When the person confirms "delete this conversation", the dialogue runs `utter_conversation_deleted`
and restarts. Rasa alone would keep every earlier event in the database; this store instead deletes
every row of that conversation and stores nothing from the turn that asked for it.
Configured in bot/endpoints.yml as `type: bot.tracker_store.ErasingSQLTrackerStore`.
"""

from __future__ import annotations

import logging
from typing import Text

from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.events import ActionExecuted
from rasa.shared.core.trackers import DialogueStateTracker

logger = logging.getLogger(__name__)

# The action that marks a confirmed deletion (bot/domain/responses.yml, data/rules/conversation.yml).
ERASE_MARKER_ACTION = "utter_conversation_deleted"


class ErasingSQLTrackerStore(SQLTrackerStore):
    async def save(self, tracker: DialogueStateTracker) -> None:
        if self._erase_requested(tracker):
            await self.erase(tracker.sender_id)
            return
        await super().save(tracker)

    async def erase(self, sender_id: Text) -> int:
        """Deletes every stored event of one conversation. Returns how many rows went."""
        with self.session_scope() as session:
            deleted = session.query(self.SQLEvent).filter(self.SQLEvent.sender_id == sender_id).delete()
            session.commit()
        # The conversation id is random and says nothing about the person; the text is never logged.
        logger.info("Erased a conversation at the person's request (%d events).", deleted)
        return deleted

    def _erase_requested(self, tracker: DialogueStateTracker) -> bool:
        with self.session_scope() as session:
            unsaved = list(self._additional_events(session, tracker))
        return any(isinstance(event, ActionExecuted) and event.action_name == ERASE_MARKER_ACTION for event in unsaved)
