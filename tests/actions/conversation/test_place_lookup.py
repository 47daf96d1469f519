"""A postcode or a town the NLU does not know, in answer to "where do you live?", becomes a nation;
only the nation is stored, and a failed lookup simply asks again."""

from __future__ import annotations

from typing import Any

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.facts_form import ValidateFactsForm, place_in
from tests.actions.tracker_helpers import make_tracker


@pytest.fixture
def looked_up(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    asked: list[str] = []

    async def fake_lookup(place: str) -> str | None:
        asked.append(place)
        return {"CF10 1AA": "wales", "Tonypandy": "wales", "BT7 1NN": "northern_ireland"}.get(place)

    monkeypatch.setattr(ValidateFactsForm, "lookup_nation", staticmethod(fake_lookup))
    return asked


def answering_nation(text: str, intent: str = "inform", entities: list[dict[str, Any]] | None = None):
    tracker = make_tracker(requested_slot="nation", intent=intent)
    tracker.latest_message = {"intent": {"name": intent}, "entities": entities or [], "text": text}
    return tracker


@pytest.mark.parametrize(
    ("text", "place"),
    [
        ("CF10 1AA", "CF10 1AA"),
        ("my postcode is bt7 1nn thanks", "bt7 1nn"),
        ("I live in Tonypandy", "Tonypandy"),
        ("near Aberdare.", "Aberdare"),
    ],
)
def test_the_place_is_taken_out_of_the_answer(text: str, place: str) -> None:
    assert place_in(text) == place


async def test_a_postcode_becomes_only_a_nation(looked_up: list[str]) -> None:
    result = await ValidateFactsForm().extract_nation(CollectingDispatcher(), answering_nation("CF10 1AA"), {})
    assert result == {"nation": "wales"}
    assert "CF10" not in str(result)


async def test_a_town_the_nlu_does_not_know_is_looked_up(looked_up: list[str]) -> None:
    result = await ValidateFactsForm().extract_nation(
        CollectingDispatcher(), answering_nation("I live in Tonypandy"), {}
    )
    assert result == {"nation": "wales"}
    assert looked_up == ["Tonypandy"]


async def test_a_failed_lookup_sets_nothing_so_the_question_is_asked_again(looked_up: list[str]) -> None:
    dispatcher = CollectingDispatcher()
    assert await ValidateFactsForm().extract_nation(dispatcher, answering_nation("Narnia"), {}) == {}


@pytest.mark.parametrize(
    ("tracker_kwargs", "text"),
    [
        ({"intent": "skip"}, "I'd rather not say"),
        ({"intent": "inform", "entities": [{"entity": "nation", "value": "wales"}]}, "Cardiff"),
        ({"intent": "inform"}, '/inform{"nation": "wales"}'),
    ],
)
async def test_no_lookup_when_there_is_nothing_to_look_up(
    looked_up: list[str], tracker_kwargs: dict, text: str
) -> None:
    await ValidateFactsForm().extract_nation(CollectingDispatcher(), answering_nation(text, **tracker_kwargs), {})
    assert looked_up == []


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("he's outside my house right now", "crisis"),
        ("I feel awful about all of this honestly", "feeling_upset"),
        ("my ex put the pictures on a website last week", "inform"),
    ],
)
async def test_sentences_are_never_sent_to_the_lookup_service(looked_up: list[str], text: str, intent: str) -> None:
    await ValidateFactsForm().extract_nation(CollectingDispatcher(), answering_nation(text, intent=intent), {})
    assert looked_up == []


async def test_no_lookup_when_another_question_was_asked(looked_up: list[str]) -> None:
    tracker = make_tracker(requested_slot="perpetrator")
    tracker.latest_message = {"intent": {"name": "inform"}, "entities": [], "text": "CF10 1AA"}
    assert await ValidateFactsForm().extract_nation(CollectingDispatcher(), tracker, {}) == {}
    assert looked_up == []
