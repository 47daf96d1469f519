"""The Redis tracker store option keeps the SQL store's privacy rules: redacted, erasable, expiring."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, Restarted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.redis_tracker_store import ErasingRedisTrackerStore
from bot.tracker_store import ERASE_MARKER_ACTION
from tests.bot.shared_stores import REDIS_HOST, REDIS_PORT

ROOT = Path(__file__).resolve().parents[3]
DOMAIN = Domain.load(str(ROOT / "bot/domain"))
SECRET_TEXT = "I'm Samira Okonkwo, 07700 900123, my ex shared my photos"


@pytest.fixture
def store(redis_prefix: str, monkeypatch: pytest.MonkeyPatch) -> ErasingRedisTrackerStore:
    monkeypatch.setenv("CONVERSATION_RETENTION_HOURS", "24")
    return ErasingRedisTrackerStore(domain=DOMAIN, host=REDIS_HOST, port=REDIS_PORT, db=0, key_prefix=redis_prefix)


def raw(store: ErasingRedisTrackerStore, sender: str) -> str | None:
    return store.red.get(store.key_prefix + sender)


def turn(tracker: DialogueStateTracker, text: str = SECRET_TEXT) -> None:
    tracker.update(UserUttered(text, {"name": "report_shared", "confidence": 0.9}))
    tracker.update(SlotSet("age_group", "Samira Okonkwo"))
    tracker.update(BotUttered("I'm so sorry. This is not your fault."))
    tracker.update(ActionExecuted("action_listen"))


async def test_what_redis_holds_is_redacted_and_expires_after_the_retention(store: ErasingRedisTrackerStore) -> None:
    tracker = DialogueStateTracker.from_events("person", [ActionExecuted("action_listen")], DOMAIN.slots)
    turn(tracker)
    await store.save(tracker)
    stored = raw(store, "person")
    assert stored is not None and "<redacted>" in stored and "not your fault" in stored
    for secret in ("Samira", "Okonkwo", "07700", "photos"):
        assert secret not in stored
    assert 23 * 3600 < store.red.ttl(store.key_prefix + "person") <= 24 * 3600


async def test_a_second_turn_adds_its_events_once(store: ErasingRedisTrackerStore) -> None:
    tracker = DialogueStateTracker.from_events("person", [ActionExecuted("action_listen")], DOMAIN.slots)
    turn(tracker)
    await store.save(tracker)
    again = await store.retrieve("person")
    turn(again, "and my address is 1 High Street")
    await store.save(again)
    events = json.loads(raw(store, "person"))["events"]
    assert len(events) == 9  # listen + two turns of four: nothing doubled by Rasa's merge
    assert "High Street" not in raw(store, "person")


async def test_deleting_a_conversation_removes_it_from_redis(store: ErasingRedisTrackerStore) -> None:
    for sender in ("to-delete", "someone-else"):
        tracker = DialogueStateTracker.from_events(sender, [ActionExecuted("action_listen")], DOMAIN.slots)
        turn(tracker)
        await store.save(tracker)
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
    assert raw(store, "to-delete") is None and await store.retrieve("to-delete") is None
    assert raw(store, "someone-else") is not None
    assert await store.erase("someone-else") == 1 and raw(store, "someone-else") is None


def test_the_redis_profile_builds_this_store(redis_prefix: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from rasa.core.utils import AvailableEndpoints

    for name, value in {
        "ACTION_SERVER_URL": "http://127.0.0.1:1/webhook",
        "REDIS_HOST": REDIS_HOST,
        "REDIS_PORT": str(REDIS_PORT),
        "REDIS_LOCK_DB": "0",
        "REDIS_TRACKER_DB": "0",
        "REDIS_PASSWORD": "",
        "REDIS_KEY_PREFIX": redis_prefix,
        "CONVERSATION_RETENTION_HOURS": "2",
    }.items():
        monkeypatch.setenv(name, value)
    endpoints = AvailableEndpoints.read_endpoints(str(ROOT / "bot" / "endpoints.production-redis.yml"))
    config = endpoints.tracker_store
    # As Rasa builds a custom tracker store.
    store = ErasingRedisTrackerStore(host=config.url, domain=DOMAIN, **config.kwargs)
    assert store.record_exp == 2 * 3600
    assert store.key_prefix == f"{redis_prefix}:tracker:"
    assert endpoints.lock_store.type == "bot.lock_store.AtomicRedisLockStore"


async def test_a_deletion_is_counted_in_the_figures(redis_prefix: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """As with the SQL store: Rasa streams nothing for an erased turn, so the store reports it."""
    published: list[dict] = []

    class Broker:
        def publish(self, event: dict) -> None:
            published.append(event)

    monkeypatch.setenv("CONVERSATION_RETENTION_HOURS", "24")
    store = ErasingRedisTrackerStore(
        domain=DOMAIN, host=REDIS_HOST, port=REDIS_PORT, db=0, key_prefix=redis_prefix, event_broker=Broker()
    )
    tracker = DialogueStateTracker.from_events("to-delete", [ActionExecuted("action_listen")], DOMAIN.slots)
    await store.save(tracker)
    published.clear()  # what Rasa's own saving streamed is not the point here
    assert await store.erase("to-delete") == 1
    assert [(event["name"], event.get("reclaim_erased")) for event in published] == [(ERASE_MARKER_ACTION, True)]
    assert await store.erase("to-delete") == 0 and len(published) == 1  # nothing erased, nothing counted
