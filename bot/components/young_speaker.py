"""NLU component: notices when the person says they are under 18 ("I'm 15", "im 16 years old").

It adds a `young_person` entity (value True) that fills the `young_person` slot on any message, before
any rule runs. So Childline comes first in the crisis response, the fallbacks and the goodbye even when
the age was said outside the questions, where the action server has not yet checked it. Only ages under
18 said in the first person count: a young person is young whoever they are helping, while an adult's age
("I'm 45", perhaps a parent) says nothing about the person they are helping, so "known adult" is left to
the facts form, which knows the person's role.
"""

from __future__ import annotations

import re
from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message

ENTITY = "young_person"
# "I'm 15", "i am only 14", "im 16 years old", "I'm 17yo". Not "I'm 15 minutes away" or "I'm 12:30".
FIRST_PERSON_AGE = re.compile(
    r"\b(?:i'?m|i am|im|i'm)\s+(?:only\s+|just\s+|now\s+|aged\s+)?(?P<age>\d{1,2})\b"
    r"(?!\s*(?::|\.\d|%|minutes?|mins?|hours?|hrs?|days?|weeks?|months?|miles?|km|am\b|pm\b|o'?clock|th\b|st\b|nd\b|rd\b))",
    re.IGNORECASE,
)
# Younger than this is more likely a slip than a child typing; they still get Childline by other routes.
YOUNGEST = 8
ADULT_AGE = 18


def young_speaker_spans(text: str) -> list[dict[str, Any]]:
    """The first-person statements of an age under 18 in the text, as Rasa entities."""
    found = []
    for match in FIRST_PERSON_AGE.finditer(text):
        if YOUNGEST <= int(match["age"]) < ADULT_AGE:
            found.append(
                {
                    "entity": ENTITY,
                    "value": True,
                    "start": match.start(),
                    "end": match.end(),
                    "extractor": "YoungSpeaker",
                }
            )
    return found


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR, is_trainable=False)
class YoungSpeaker(GraphComponent):
    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> YoungSpeaker:
        return cls()

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            spans = young_speaker_spans(message.get(TEXT) or "")
            if spans:
                message.set(ENTITIES, [*(message.get(ENTITIES) or []), *spans], add_to_output=True)
        return messages
