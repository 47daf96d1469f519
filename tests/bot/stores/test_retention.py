"""Conversations are deleted CONVERSATION_RETENTION_HOURS after their latest event, on a fake clock;
the running server purges on its own schedule without blocking; only counts are logged."""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from pathlib import Path

import pytest
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot import retention
from bot.tracker_store import ErasingSQLTrackerStore

ROOT = Path(__file__).resolve().parents[3]
DOMAIN = Domain.load(str(ROOT / "bot/domain"))
HOUR = 3600.0
NOW = 1_800_000_000.0  # a fixed clock: 2027-01-15


@pytest.fixture
def store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> ErasingSQLTrackerStore:
    monkeypatch.setenv("CONVERSATION_RETENTION_HOURS", "24")
    return ErasingSQLTrackerStore(domain=DOMAIN, dialect="sqlite", db=str(tmp_path / "t.db"), purge_schedule=False)


def rows(store: ErasingSQLTrackerStore, sender: str) -> int:
    with sqlite3.connect(store.engine.url.database) as connection:
        return connection.execute("select count(*) from events where sender_id = ?", (sender,)).fetchone()[0]


async def save_turns(store: ErasingSQLTrackerStore, sender: str, *ages_in_hours: float) -> None:
    """One turn (user message, bot reply, listen) at each age, oldest first."""
    tracker = DialogueStateTracker.from_events(sender, [], DOMAIN.slots)
    for age in ages_in_hours:
        at = NOW - age * HOUR
        tracker.update(UserUttered("hello", {"name": "greet", "confidence": 1.0}, timestamp=at))
        tracker.update(BotUttered("Hi", timestamp=at + 1))
        tracker.update(ActionExecuted("action_listen", timestamp=at + 2))
    await store.save(tracker)


async def test_old_conversations_go_and_recent_ones_stay(store: ErasingSQLTrackerStore) -> None:
    await save_turns(store, "old", 30)
    await save_turns(store, "very-old", 24 * 40, 24 * 39)
    await save_turns(store, "recent", 2)
    await save_turns(store, "started-long-ago-but-active", 24 * 10, 24 * 5, 0.5)

    assert store.purge_expired(now=NOW) == (2, 9)

    assert rows(store, "old") == 0 and rows(store, "very-old") == 0
    assert rows(store, "recent") == 3
    # Judged by its latest event: every event is kept, even the ones from ten days ago.
    assert rows(store, "started-long-ago-but-active") == 9
    assert await store.retrieve("old") is None


async def test_the_limit_is_the_retention_setting(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CONVERSATION_RETENTION_HOURS", "1")
    store = ErasingSQLTrackerStore(domain=DOMAIN, dialect="sqlite", db=str(tmp_path / "t.db"), purge_schedule=False)
    await save_turns(store, "ninety-minutes", 1.5)
    await save_turns(store, "thirty-minutes", 0.5)
    assert store.purge_expired(now=NOW) == (1, 3)
    assert rows(store, "thirty-minutes") == 3
    # Time passes on the fake clock: the other one goes too.
    assert store.purge_expired(now=NOW + HOUR) == (1, 3)


async def test_defaults_and_bad_settings(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("CONVERSATION_RETENTION_HOURS", raising=False)
    monkeypatch.delenv("PURGE_INTERVAL_MINUTES", raising=False)
    store = ErasingSQLTrackerStore(domain=DOMAIN, dialect="sqlite", db=str(tmp_path / "t.db"))
    assert (store.retention_hours, store.purge_interval_minutes) == (24, 30)
    for bad in ("0", "-1", "a day"):
        monkeypatch.setenv("CONVERSATION_RETENTION_HOURS", bad)
        with pytest.raises(ValueError, match="CONVERSATION_RETENTION_HOURS"):
            ErasingSQLTrackerStore(domain=DOMAIN, dialect="sqlite", db=str(tmp_path / "t.db"))


async def test_the_server_purges_on_its_own_schedule_without_blocking(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setenv("CONVERSATION_RETENTION_HOURS", "24")
    monkeypatch.setenv("PURGE_INTERVAL_MINUTES", "0.001")  # 60 ms, for the test
    store = ErasingSQLTrackerStore(domain=DOMAIN, dialect="sqlite", db=str(tmp_path / "t.db"))
    caplog.set_level(logging.INFO, logger="bot.tracker_store")
    # Written straight to the database: the schedule starts on the store's first use, below.
    writer = ErasingSQLTrackerStore(domain=DOMAIN, dialect="sqlite", db=str(tmp_path / "t.db"), purge_schedule=False)
    import time as real_time

    real_now = real_time.time()
    tracker = DialogueStateTracker.from_events("secret-conversation-id", [], DOMAIN.slots)
    tracker.update(
        UserUttered("my name is Samira", {"name": "inform", "confidence": 1.0}, timestamp=real_now - 48 * HOUR)
    )
    await writer.save(tracker)
    assert rows(store, "secret-conversation-id") == 1

    assert await store.retrieve("someone") is None  # first use: the schedule starts
    task = store._purge_task
    assert task is not None and not task.done()
    for _ in range(100):
        if rows(store, "secret-conversation-id") == 0:
            break
        await asyncio.sleep(0.05)
    assert rows(store, "secret-conversation-id") == 0
    await store.retrieve("someone")
    assert store._purge_task is task  # started once, not once per message
    task.cancel()

    logged = caplog.text
    assert "deleted 1 conversation(s), 1 event(s)" in logged
    assert "secret-conversation-id" not in logged and "Samira" not in logged


async def test_no_schedule_when_the_interval_is_zero(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PURGE_INTERVAL_MINUTES", "0")
    store = ErasingSQLTrackerStore(domain=DOMAIN, dialect="sqlite", db=str(tmp_path / "t.db"))
    await store.retrieve("someone")
    assert store._purge_task is None


async def test_the_command_reads_the_tracker_database_from_the_settings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    db = tmp_path / "trackers.db"
    monkeypatch.setenv("TRACKER_DB", str(db))
    monkeypatch.setenv("ACTION_SERVER_URL", "http://127.0.0.1:1/webhook")
    monkeypatch.setenv("CONVERSATION_RETENTION_HOURS", "24")
    store = ErasingSQLTrackerStore(domain=DOMAIN, dialect="sqlite", db=str(db), purge_schedule=False)
    import time as real_time

    tracker = DialogueStateTracker.from_events("old", [], DOMAIN.slots)
    tracker.update(UserUttered("hi", {"name": "greet", "confidence": 1.0}, timestamp=real_time.time() - 25 * HOUR))
    await store.save(tracker)
    tracker = DialogueStateTracker.from_events("new", [], DOMAIN.slots)
    tracker.update(UserUttered("hi", {"name": "greet", "confidence": 1.0}))
    await store.save(tracker)

    assert retention.main([]) == 0
    out = capsys.readouterr().out
    assert "Deleted 1 conversation(s) (1 events)" in out and "old" not in out.replace("older", "")
    assert rows(store, "old") == 0 and rows(store, "new") == 1


async def test_deleted_rows_do_not_linger_in_the_sqlite_file(store: ErasingSQLTrackerStore) -> None:
    tracker = DialogueStateTracker.from_events("gone", [], DOMAIN.slots)
    tracker.update(BotUttered("a-marker-that-must-not-linger", timestamp=NOW - 48 * HOUR))
    await store.save(tracker)
    path = Path(store.engine.url.database)
    assert b"a-marker-that-must-not-linger" in path.read_bytes()
    store.purge_expired(now=NOW)
    store.engine.dispose()
    assert b"a-marker-that-must-not-linger" not in path.read_bytes()


def test_the_command_connects_to_the_production_profiles_database_host(monkeypatch: pytest.MonkeyPatch) -> None:
    """The endpoints file's `url` is the database host (as Rasa passes it to a custom store): a cron purge
    against PostgreSQL on another machine must not connect to the local socket instead."""
    for name, value in {
        "TRACKER_PG_HOST": "db.example.internal",
        "TRACKER_PG_PORT": "5433",
        "TRACKER_PG_DB": "reclaim",
        "TRACKER_PG_USER": "reclaim",
        "TRACKER_PG_PASSWORD": "",
        "TRACKER_PG_LOGIN_DB": "",
        "REDIS_HOST": "127.0.0.1",
        "REDIS_PORT": "6379",
        "REDIS_LOCK_DB": "1",
        "REDIS_PASSWORD": "",
        "REDIS_KEY_PREFIX": "x",
        "ACTION_SERVER_URL": "http://127.0.0.1:1/webhook",
    }.items():
        monkeypatch.setenv(name, value)
    built: dict = {}

    class Recording:
        def __init__(self, **kwargs: object) -> None:
            built.update(kwargs)

    monkeypatch.setattr(retention, "ErasingSQLTrackerStore", Recording)
    retention.open_store(retention.ROOT / "bot" / "endpoints.production.yml")
    assert built["host"] == "db.example.internal" and str(built["port"]) == "5433"
    assert built["dialect"] == "postgresql" and built["purge_schedule"] is False
