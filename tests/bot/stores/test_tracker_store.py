"""Deleting a conversation erases it from the database; other conversations are untouched."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, Restarted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.tracker_store import ERASE_MARKER_ACTION, ErasingSQLTrackerStore

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
def store(tmp_path: Path) -> ErasingSQLTrackerStore:
    return ErasingSQLTrackerStore(
        domain=Domain.load(str(ROOT / "bot/domain")), dialect="sqlite", db=str(tmp_path / "t.db")
    )


def rows(store: ErasingSQLTrackerStore, sender: str) -> int:
    with sqlite3.connect(store.engine.url.database) as connection:
        return connection.execute("select count(*) from events where sender_id = ?", (sender,)).fetchone()[0]


def conversation(sender: str) -> DialogueStateTracker:
    tracker = DialogueStateTracker.from_events(
        sender,
        [
            ActionExecuted("action_listen"),
            UserUttered("my ex shared my pictures", {"name": "report_shared", "confidence": 0.9}),
            ActionExecuted("facts_form"),
            BotUttered("I'm so sorry."),
            ActionExecuted("action_listen"),
        ],
    )
    return tracker


async def test_a_confirmed_deletion_erases_every_row_of_that_conversation(store: ErasingSQLTrackerStore) -> None:
    tracker = conversation("to-delete")
    await store.save(tracker)
    await store.save(conversation("someone-else"))
    assert rows(store, "to-delete") == 5

    tracker = await store.retrieve("to-delete")
    for event in [
        UserUttered("yes", {"name": "affirm", "confidence": 1.0}),
        ActionExecuted(ERASE_MARKER_ACTION),
        BotUttered("Done. This conversation has been deleted."),
        ActionExecuted("action_restart"),
        Restarted(),
    ]:
        tracker.update(event)
    await store.save(tracker)

    assert rows(store, "to-delete") == 0
    assert await store.retrieve("to-delete") is None
    assert rows(store, "someone-else") == 5


async def test_ordinary_turns_are_saved_as_usual(store: ErasingSQLTrackerStore) -> None:
    tracker = conversation("keep")
    await store.save(tracker)
    tracker.update(UserUttered("hi", {"name": "greet", "confidence": 1.0}))
    await store.save(tracker)
    assert rows(store, "keep") == 6


async def test_the_erase_marker_is_a_real_response_in_the_domain() -> None:
    # Renaming the response without updating the store would silently stop deletions.
    domain = Domain.load(str(ROOT / "bot/domain"))
    assert ERASE_MARKER_ACTION in domain.responses
