"""NLU component: a lexicon safety net that forces the `crisis` intent when a crisis phrase appears.

It runs after the intent classifier and the FallbackClassifier, so it overrides both: detecting a
crisis does not depend on how well the classifier was trained. Without a lexicon match, a crisis
guess from the classifier stands only when it is confident (`classifier_min_confidence`). The lexicon
is read from YAML at training time, its named word sets spelt out, and stored in the model, so a running
server never depends on files outside the model.
The message's metadata records only which category matched, never the words.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Optional

import rasa.shared.utils.io
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.shared.nlu.constants import INTENT, INTENT_NAME_KEY, INTENT_RANKING_KEY, PREDICTED_CONFIDENCE_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.components.crisis_matcher import CrisisMatcher, expand_word_sets

LEXICON_FILE_NAME = "crisis_lexicon.json"
# Key added to the parse data: {"category": "..."} when the net fired.
PARSE_DATA_KEY = "crisis_safety_net"


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class CrisisSafetyNet(GraphComponent, IntentClassifier):
    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {
            "lexicon_path": "data/safety/crisis_lexicon.yml",
            "intent": "crisis",
            # Below this, a crisis guess by the classifier alone is replaced by its next guess: the
            # lexicon carries recall, and a false alarm ("I want to report it" read as a crisis)
            # would interrupt someone for nothing. Chosen from cross-validation (README).
            "classifier_min_confidence": 0.95,
        }

    def __init__(
        self,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        lexicon: Optional[dict[str, list[str]]] = None,
    ) -> None:
        self._config = config
        self._model_storage = model_storage
        self._resource = resource
        self._lexicon = lexicon or {}
        self._matcher = CrisisMatcher.from_lexicon(self._lexicon)

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> CrisisSafetyNet:
        return cls(config, model_storage, resource)

    def train(self, training_data: TrainingData) -> Resource:
        lexicon = rasa.shared.utils.io.read_yaml_file(Path(self._config["lexicon_path"]))
        categories = lexicon.get("categories") or {}
        if not categories or not all(isinstance(phrases, list) and phrases for phrases in categories.values()):
            raise ValueError(f"The crisis lexicon {self._config['lexicon_path']} has an empty category.")
        # Named word sets ("@victim") are spelt out here, so the model holds plain phrases only.
        self._lexicon = expand_word_sets(categories, lexicon.get("word_sets") or {})
        self._matcher = CrisisMatcher.from_lexicon(self._lexicon)
        with self._model_storage.write_to(self._resource) as directory:
            rasa.shared.utils.io.dump_obj_as_json_to_file(directory / LEXICON_FILE_NAME, self._lexicon)
        return self._resource

    @classmethod
    def load(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> CrisisSafetyNet:
        # Failing loudly is deliberate: a bot without its safety net must not start.
        with model_storage.read_from(resource) as directory:
            lexicon = rasa.shared.utils.io.read_json_file(directory / LEXICON_FILE_NAME)
        return cls(config, model_storage, resource, lexicon)

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            text = message.get(TEXT)
            match = self._matcher.find(text) if text else None
            if match is None:
                self._demote_unsure_crisis_guess(message)
                continue
            crisis = {INTENT_NAME_KEY: self._config["intent"], PREDICTED_CONFIDENCE_KEY: 1.0}
            others = [
                ranked
                for ranked in message.get(INTENT_RANKING_KEY) or []
                if ranked.get(INTENT_NAME_KEY) != self._config["intent"]
            ]
            message.set(INTENT, crisis, add_to_output=True)
            message.set(INTENT_RANKING_KEY, [crisis] + others, add_to_output=True)
            message.set(PARSE_DATA_KEY, {"category": match.category}, add_to_output=True)
        return messages

    def _demote_unsure_crisis_guess(self, message: Message) -> None:
        intent = message.get(INTENT) or {}
        if intent.get(INTENT_NAME_KEY) != self._config["intent"]:
            return
        if intent.get(PREDICTED_CONFIDENCE_KEY, 0.0) >= self._config["classifier_min_confidence"]:
            return
        others = [r for r in message.get(INTENT_RANKING_KEY) or [] if r.get(INTENT_NAME_KEY) != self._config["intent"]]
        if others:
            message.set(INTENT, others[0], add_to_output=True)
            message.set(INTENT_RANKING_KEY, others, add_to_output=True)
