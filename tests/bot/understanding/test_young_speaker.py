"""bot/components/young_speaker.py: "I'm 15" said anywhere marks a young person; nothing else does."""

from __future__ import annotations

import pytest
from rasa.shared.nlu.training_data.message import Message

from bot.components.young_speaker import YoungSpeaker, young_speaker_spans


@pytest.mark.parametrize(
    "text",
    [
        "I'm 15",
        "im 16 and he is sharing my pics",
        "i am only 14, please help",
        "I'm 17 years old and I want to die",
        "my ex posted them. im 13",
        "I'M 12",
        "i'm just 15 and scared",
    ],
)
def test_a_first_person_age_under_18_is_a_young_person(text: str) -> None:
    assert [span["value"] for span in young_speaker_spans(text)] == [True]


@pytest.mark.parametrize(
    "text",
    [
        "I'm 18",
        "I'm 26 and he shared them",
        "im 45, my daughter is 15",  # a parent: their child's age is the form's to read, with the role
        "he's 15",  # someone else
        "I was 15 in the photos",  # the age in the images, not now
        "I'm 15 minutes from home",
        "I'm 10:30 at the station",
        "I'm 5",  # more likely a slip than a child this young typing
        "I'm 100% sure it was him",
        "my little sister is 14",
    ],
)
def test_anything_else_is_not(text: str) -> None:
    assert young_speaker_spans(text) == []


def test_the_component_adds_the_entity_beside_the_others() -> None:
    message = Message(data={"text": "I'm 15 and he shared them", "entities": [{"entity": "age", "value": "I'm 15"}]})
    (processed,) = YoungSpeaker().process([message])
    assert [entity["entity"] for entity in processed.get("entities")] == ["age", "young_person"]
    assert processed.get("entities")[1]["value"] is True
