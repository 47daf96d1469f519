"""The production profile's tracker store on PostgreSQL (bot/endpoints.production.yml): the same
redaction, erasure and retention as on SQLite, the database created through `login_db`, and the
connection pool limited as configured so several servers cannot exhaust PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import psycopg2
import pytest
from rasa.core.utils import AvailableEndpoints
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, Restarted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.tracker_store import ERASE_MARKER_ACTION, ErasingSQLTrackerStore
from tests.bot.shared_stores import PostgresDatabase

ROOT = Path(__file__).resolve().parents[3]
DOMAIN = Domain.load(str(ROOT / "bot/domain"))
PROFILE = ROOT / "bot" / "endpoints.production.yml"
SECRET_TEXT = "I'm Samira Okonkwo, 07700 900123, my ex shared my photos"
NOW = 1_800_000_000.0
HOUR = 3600.0


@pytest.fixture
def store(postgres_database: PostgresDatabase, monkeypatch: pytest.MonkeyPatch) -> ErasingSQLTrackerStore:
    """The store exactly as a production Rasa server builds it from the profile and the environment."""
    settings = {
        "ACTION_SERVER_URL": "http://127.0.0.1:1/webhook",
        "TRACKER_PG_HOST": postgres_database.host,
        "TRACKER_PG_PORT": str(postgres_database.port),
        "TRACKER_PG_DB": postgres_database.name,
        "TRACKER_PG_USER": postgres_database.user,
        "TRACKER_PG_PASSWORD": postgres_database.password,
        "TRACKER_PG_LOGIN_DB": postgres_database.login_db,
        "REDIS_HOST": "127.0.0.1",
        "REDIS_PORT": "6379",
        "REDIS_LOCK_DB": "1",
        "REDIS_PASSWORD": "",
        "REDIS_KEY_PREFIX": "",
        "SQL_POOL_SIZE": "3",
        "SQL_MAX_OVERFLOW": "2",
        "CONVERSATION_RETENTION_HOURS": "24",
    }
    for name, value in settings.items():
        monkeypatch.setenv(name, value)
    config = AvailableEndpoints.read_endpoints(str(PROFILE)).tracker_store
    assert config is not None and config.type == "bot.tracker_store.ErasingSQLTrackerStore"
    # As Rasa builds a custom tracker store (rasa.core.tracker_store._load_from_module_name_in_endpoint_config).
    store = ErasingSQLTrackerStore(host=config.url, domain=DOMAIN, purge_schedule=False, **config.kwargs)
    yield store
    store.engine.dispose()  # so the database can be dropped


def rows(database: PostgresDatabase, sender: str) -> list[str]:
    with (
        psycopg2.connect(
            host=database.host, port=database.port, user=database.user, password=database.password, dbname=database.name
        ) as connection,
        connection.cursor() as cursor,
    ):
        cursor.execute("select data from events where sender_id = %s order by id", (sender,))
        result = [data for (data,) in cursor.fetchall()]
    connection.close()
    return result


def turn(sender: str, at: float = NOW) -> DialogueStateTracker:
    tracker = DialogueStateTracker.from_events(sender, [], DOMAIN.slots)
    tracker.update(ActionExecuted("action_listen", timestamp=at))
    tracker.update(UserUttered(SECRET_TEXT, {"name": "report_shared", "confidence": 0.9}, timestamp=at + 1))
    tracker.update(SlotSet("age_group", "Samira Okonkwo", timestamp=at + 2))
    tracker.update(BotUttered("I'm so sorry. This is not your fault.", timestamp=at + 3))
    tracker.update(ActionExecuted("action_listen", timestamp=at + 4))
    return tracker


def test_the_profile_is_postgresql_with_the_configured_pool(store: ErasingSQLTrackerStore) -> None:
    # login_db: the store created the database itself, and kept the pool limits while doing so.
    assert store.engine.dialect.name == "postgresql"
    assert store.engine.url.database.startswith("reclaim_test_")
    assert store.engine.pool.size() == 3
    assert store.engine.pool._max_overflow == 2


async def test_what_is_stored_on_postgresql_is_redacted(
    store: ErasingSQLTrackerStore, postgres_database: PostgresDatabase
) -> None:
    await store.save(turn("redacted"))
    stored = "\n".join(rows(postgres_database, "redacted"))
    assert "<redacted>" in stored and "report_shared" in stored
    for secret in ("Samira", "Okonkwo", "07700", "photos"):
        assert secret not in stored
    assert "not your fault" in stored  # what the bot said is kept
    again = await store.retrieve("redacted")
    assert again is not None and again.latest_message.intent["name"] == "report_shared"


async def test_deleting_a_conversation_erases_its_rows_on_postgresql(
    store: ErasingSQLTrackerStore, postgres_database: PostgresDatabase
) -> None:
    await store.save(turn("to-delete"))
    await store.save(turn("someone-else"))
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

    assert rows(postgres_database, "to-delete") == []
    assert await store.retrieve("to-delete") is None
    assert len(rows(postgres_database, "someone-else")) == 5


async def test_the_retention_purge_works_on_postgresql(
    store: ErasingSQLTrackerStore, postgres_database: PostgresDatabase
) -> None:
    await store.save(turn("old", at=NOW - 30 * HOUR))
    await store.save(turn("recent", at=NOW - 2 * HOUR))

    assert store.purge_expired(now=NOW) == (1, 5)
    assert rows(postgres_database, "old") == []
    assert len(rows(postgres_database, "recent")) == 5
