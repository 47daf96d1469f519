"""The tracker store keeps no words a person typed: messages are redacted, slots keep only canonical
values, and the dialogue still works from what is stored (intents and canonical slots)."""

from __future__ import annotations

import json
import re
import sqlite3
from pathlib import Path

import pytest
import yaml
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, SessionStarted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.tracker_store import REDACTED, ErasingSQLTrackerStore, SlotAllowList

ROOT = Path(__file__).resolve().parents[3]
DOMAIN = Domain.load(str(ROOT / "bot/domain"))
SECRETS = ["07700 900123", "07700900123", "sam.jones@example.com", "cf10 1aa", "samira okonkwo", "£500", "i'm 19"]


@pytest.fixture
def store(tmp_path: Path) -> ErasingSQLTrackerStore:
    return ErasingSQLTrackerStore(domain=DOMAIN, dialect="sqlite", db=str(tmp_path / "t.db"), purge_schedule=False)


def stored(store: ErasingSQLTrackerStore, sender: str) -> list[dict]:
    with sqlite3.connect(store.engine.url.database) as connection:
        rows = connection.execute("select data from events where sender_id = ? order by id", (sender,)).fetchall()
    return [json.loads(data) for (data,) in rows]


def message(text: str, intent: str, entities: list[dict] | None = None, metadata: dict | None = None) -> UserUttered:
    parse_data = {
        "text": text,
        "intent": {"name": intent, "confidence": 0.9},
        "intent_ranking": [{"name": intent, "confidence": 0.9}, {"name": "greet", "confidence": 0.1}],
        "entities": entities or [],
    }
    return UserUttered(
        text,
        parse_data["intent"],
        entities or [],
        parse_data,
        input_channel="widget",
        message_id="m-1",
        metadata=metadata,
    )


async def test_a_message_keeps_its_intent_and_entity_positions_but_not_its_words(store: ErasingSQLTrackerStore) -> None:
    text = "my ex is Samira Okonkwo, I'm 19, 07700 900123, sam.jones@example.com, CF10 1AA, wants £500"
    entities = [
        {"entity": "age", "start": 30, "end": 36, "value": "I'm 19", "extractor": "RegexEntityExtractor"},
        {"entity": "demand", "start": 90, "end": 94, "value": "£500", "extractor": "RegexEntityExtractor"},
    ]
    tracker = DialogueStateTracker.from_events("s", [ActionExecuted("action_listen")], DOMAIN.slots)
    tracker.update(
        message(text, "report_threat", entities, metadata={"tenant": "demo", "ip": "203.0.113.9", "name": "x"})
    )
    await store.save(tracker)

    user = [event for event in stored(store, "s") if event["event"] == "user"][0]
    assert user["text"] == REDACTED and user["parse_data"]["text"] == REDACTED
    assert user["parse_data"]["intent"]["name"] == "report_threat"
    assert [i["name"] for i in user["parse_data"]["intent_ranking"]] == ["report_threat", "greet"]
    assert [(e["entity"], e["start"], e["end"], e["value"]) for e in user["parse_data"]["entities"]] == [
        ("age", 30, 36, REDACTED),
        ("demand", 90, 94, REDACTED),
    ]
    assert user["metadata"] == {"tenant": "demo"}
    assert user["input_channel"] == "widget" and user["message_id"] == "m-1" and user["timestamp"]
    raw = json.dumps(stored(store, "s")).lower()
    for secret in SECRETS:
        assert secret.lower() not in raw, secret


INJECTED = {
    "tenant": "x",
    "ip": "203.0.113.9",
    "client_key": "a1b2c3d4e5f6a7b8c9d0e1",
    "note": "my name is Samira",
    "tenant_extra": {"tenant": "y"},
}


async def test_metadata_keeps_only_the_tenant_at_the_top_and_inside_the_parse_data(
    store: ErasingSQLTrackerStore,
) -> None:
    """Whatever a channel (or someone crafting a message) puts in metadata, only the tenant is stored."""
    event = message("my name is Samira, call me on 07700 900123", "inform", metadata=dict(INJECTED))
    event.parse_data["metadata"] = dict(INJECTED)  # as Rasa's NLU message can carry it
    tracker = DialogueStateTracker.from_events("s", [ActionExecuted("action_listen")], DOMAIN.slots)
    tracker.update(event)
    tracker.update(SlotSet("session_started_metadata", dict(INJECTED)))
    await store.save(tracker)

    events = stored(store, "s")
    user = [e for e in events if e["event"] == "user"][0]
    assert user["metadata"] == {"tenant": "x"}
    assert user["parse_data"]["metadata"] == {"tenant": "x"}
    assert [e["value"] for e in events if e["event"] == "slot"] == [{"tenant": "x"}]
    raw = json.dumps(events)
    for leaked in ("203.0.113.9", "a1b2c3d4e5f6a7b8c9d0e1", "Samira", "900123", "note", "client_key", '"y"'):
        assert leaked not in raw, leaked
    restored = await store.retrieve("s")
    assert restored.latest_message.metadata == {"tenant": "x"}


async def test_raw_slot_values_are_not_stored_but_canonical_ones_are(store: ErasingSQLTrackerStore) -> None:
    tracker = DialogueStateTracker.from_events("s", [ActionExecuted("action_listen")], DOMAIN.slots)
    for event in [
        message("i'm 19 and he wants £500", "report_threat"),
        SlotSet("age_group", "i'm 19"),  # as extracted, before the action server normalises it
        SlotSet("demand", "£500"),
        SlotSet("nation", "CF10 1AA"),
        SlotSet("platforms", ["instagram", "samira's page"]),  # the known platform stays
        SlotSet("when", "2019"),  # a year on its own is kept: the action server reads it later
        SlotSet("when", "since I met Samira"),
        SlotSet("situation", ["threat_to_share"]),
        SlotSet("age_group", "18_plus"),  # normalised by validate_facts_form
        SlotSet("demand", "money"),
        SlotSet("role", "supporter"),  # a categorical slot: its values come from the domain
        SlotSet("young_person", False),
        SlotSet("steps_shown", 3.0),
        SlotSet("requested_slot", "nation"),
        SlotSet("offences_explained", ["ew_soa2003_s66b4_threat"]),
        SlotSet("session_started_metadata", {"tenant": "demo", "ip": "203.0.113.9"}),
        BotUttered("Thank you."),
    ]:
        tracker.update(event)
    await store.save(tracker)

    slots = [(e["name"], e["value"]) for e in stored(store, "s") if e["event"] == "slot"]
    assert slots == [
        ("age_group", None),
        ("demand", "money"),
        ("nation", None),
        ("platforms", ["instagram"]),
        ("when", "2019"),
        ("when", None),
        ("situation", ["threat_to_share"]),
        ("age_group", "18_plus"),
        ("demand", "money"),
        ("role", "supporter"),
        ("young_person", False),
        ("steps_shown", 3.0),
        ("requested_slot", "nation"),
        ("offences_explained", ["ew_soa2003_s66b4_threat"]),
        ("session_started_metadata", {"tenant": "demo"}),
    ]
    # The conversation carries on from what was stored: the canonical facts are all there.
    restored = await store.retrieve("s")
    assert restored.get_slot("age_group") == "18_plus"
    assert restored.get_slot("demand") == "money"
    assert restored.get_slot("situation") == ["threat_to_share"]
    assert restored.latest_message.intent["name"] == "report_threat"


async def test_redaction_does_not_stop_later_turns_or_deletion_from_being_saved(store: ErasingSQLTrackerStore) -> None:
    tracker = DialogueStateTracker.from_events("s", [SessionStarted(), ActionExecuted("action_listen")], DOMAIN.slots)
    tracker.update(message("hi I'm Samira", "greet"))
    await store.save(tracker)
    tracker = await store.retrieve("s")
    tracker.update(BotUttered("Hello"))
    tracker.update(message("my number is 07700 900123", "inform"))
    await store.save(tracker)
    assert len(stored(store, "s")) == 5  # each event stored once: redaction keeps the count in step
    assert all(e.get("text") in (REDACTED, "Hello", None) for e in stored(store, "s"))


def test_every_canonical_value_the_action_server_uses_is_allowed() -> None:
    """The allow-list must know every value of data/vocabulary.yml (the values actions/facts.py writes), or
    real answers would be lost. Read here straight from the file, not through bot/vocabulary.py."""
    vocabulary = yaml.safe_load((ROOT / "data/vocabulary.yml").read_text())["slots"]
    allow = SlotAllowList.load(DOMAIN)
    assert {
        "situation",
        "age_group",
        "age_at_image",
        "nation",
        "when",
        "perpetrator",
        "goal",
        "demand",
        "platforms",
    } <= set(vocabulary)
    for slot, values in vocabulary.items():
        assert all(isinstance(value, str) for value in values), slot  # "13_15" unquoted is a number
        for value in values:
            assert allow.keeps(slot, value) and allow.keeps(slot, [value]), (slot, value)
    assert len(vocabulary["platforms"]) > 10


def test_the_privacy_file_adds_to_the_vocabulary_and_never_copies_it() -> None:
    """data/privacy/canonical_slot_values.yml lists only what the vocabulary does not: a value in both would
    be a second copy that could drift."""
    vocabulary = yaml.safe_load((ROOT / "data/vocabulary.yml").read_text())["slots"]
    privacy = yaml.safe_load((ROOT / "data/privacy/canonical_slot_values.yml").read_text())["slots"]
    for slot, values in privacy.items():
        assert not set(map(str, values)) & set(vocabulary.get(slot) or ()), slot


def test_every_synonym_the_nlu_gives_a_slot_entity_is_allowed() -> None:
    """Entity synonyms (data/nlu/lookups.yml, each after its entity's lookup) are what an entity slot holds
    before the action server normalises it: they must be kept, or a fact found outside the form is lost."""
    allow = SlotAllowList.load(DOMAIN)
    slots_of_entity: dict[str, set[str]] = {}
    for slot in DOMAIN.slots:
        for mapping in slot.mappings:
            if mapping.get("type") == "from_entity" and "value" not in mapping:
                slots_of_entity.setdefault(mapping["entity"], set()).add(slot.name)
    entity, checked = None, 0
    for item in yaml.safe_load((ROOT / "data/nlu/lookups.yml").read_text())["nlu"]:
        if "lookup" in item:
            entity = item["lookup"]
        elif "synonym" in item and entity:
            for slot in slots_of_entity.get(entity, ()):
                synonym = str(item["synonym"])
                assert allow.keeps(slot, synonym) and allow.keeps(slot, [synonym]), (slot, synonym)
                checked += 1
    assert checked >= 25


def test_no_response_echoes_what_the_person_typed() -> None:
    """Bot messages are stored as they are: no response may contain a slot or entity placeholder."""
    responses = yaml.safe_load((ROOT / "bot/domain/responses.yml").read_text())["responses"]
    for name, variants in responses.items():
        for variant in variants:
            text = json.dumps(variant)
            assert not re.search(r"\{[A-Za-z_][A-Za-z0-9_]*\}", text), name
    content = "\n".join(path.read_text() for path in (ROOT / "data/content").rglob("*.yml"))
    assert not re.search(r"\{(?:text|message|user_text|latest_message)\}", content)


async def test_categorical_values_come_from_the_domain_the_server_sets_after_start(tmp_path: Path) -> None:
    """Rasa makes the tracker store before the model loads, then sets its domain."""
    store = ErasingSQLTrackerStore(domain=None, dialect="sqlite", db=str(tmp_path / "t.db"), purge_schedule=False)
    assert not store.slot_allow_list.keeps("role", "supporter")
    store.domain = DOMAIN
    assert store.slot_allow_list.keeps("role", "supporter")
    tracker = DialogueStateTracker.from_events("s", [ActionExecuted("action_listen")], DOMAIN.slots)
    tracker.update(message("I'm helping my daughter", "helping_someone"))
    tracker.update(SlotSet("role", "supporter"))
    await store.save(tracker)
    assert (await store.retrieve("s")).get_slot("role") == "supporter"


def test_a_demand_in_pounds_is_stored_as_money_only() -> None:
    allow = SlotAllowList.load(DOMAIN)
    assert allow.stored_value("demand", "£200") == "money"
    assert allow.stored_value("demand", "£ 1,500") == "money"
    assert allow.stored_value("demand", "more_images") == "more_images"
    assert allow.stored_value("demand", "07700 900123") is None
    assert allow.stored_value("when", "2019") == "2019"
    assert allow.stored_value("when", "2019 when I met Sam") is None
