"""NLU component: Reclaim's intent classifier. One model decides what a message is (an intent, or one
of the questions in data/faq) and finds a question asked inside a longer message ("my husband filmed us
... is that even illegal if we're married?").

Why not Rasa's featurizers and LogisticRegressionClassifier: on our data they train in about 3 minutes
(raw counts converge slowly) and cannot pick the question. Here each intent and each question
(`faq/<id>`, written from data/faq by scripts/build_question_nlu.py) is one class of a logistic
regression over TF-IDF word and character n-grams: it trains in seconds, and the held-out comparison is
in README.md ("Understanding messages").

Output, in the parse data:
- `intent` and `intent_ranking`: the questions count together as `faq`, with the sum of their
  probabilities, so the FallbackClassifier's threshold means the same for every intent;
- `response_selector`, in Rasa's own format, when the intent is `faq`;
- `question`: {"id", "confidence", "embedded"} for the question to answer (actions/answers.py reads it).
  `embedded` is true when one clause of a message with another intent asks it. Only the id is kept.
"""

from __future__ import annotations

import re
from typing import Any, Optional

import joblib
import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.nlu.constants import (
    RESPONSE_SELECTOR_PREDICTION_KEY,
    RESPONSE_SELECTOR_PROPERTY_NAME,
    RESPONSE_SELECTOR_RANKING_KEY,
    RESPONSE_SELECTOR_RETRIEVAL_INTENTS,
)
from rasa.shared.nlu.constants import (
    INTENT,
    INTENT_NAME_KEY,
    INTENT_RANKING_KEY,
    INTENT_RESPONSE_KEY,
    PREDICTED_CONFIDENCE_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from scipy.sparse import hstack
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression, SGDClassifier
from sklearn.svm import LinearSVC

MODEL_FILE_NAME = "intent_classifier.joblib"
QUESTION_KEY = "question"
RANKING_LENGTH = 10
# A clause that asks something: it ends with a question mark, or starts with a question word.
_QUESTION_START = re.compile(
    r"^(?:is|isn'?t|are|will|would|wil|can|could|cud|do|does|did|should|shud|how|what|wat|who|why|when|where|am|has|have)\b",
    re.I,
)
_CLAUSE_BREAK = re.compile(
    r"(?<=[?.!])\s+|\n+|,\s*|\s+(?:but|and|so)\s+(?=(?:is|will|can|could|do|does|should|how|what|am)\b)", re.I
)


def clauses_asking(text: str) -> list[str]:
    """The parts of a message that ask something, for finding a question inside a longer message."""
    clauses = [clause.strip() for clause in _CLAUSE_BREAK.split(text) if clause and clause.strip()]
    return [clause for clause in clauses if clause.endswith("?") or _QUESTION_START.match(clause)]


def _classifier(config: dict[str, Any]) -> Any:
    if config["classifier"] == "logistic":
        return LogisticRegression(C=config["C"], max_iter=1000, class_weight="balanced", random_state=42)
    if config["classifier"] == "sgd_logistic":
        return SGDClassifier(
            loss="log_loss", alpha=config["alpha"], class_weight="balanced", max_iter=50, tol=1e-4, random_state=42
        )
    if config["classifier"] == "linear_svm":
        return LinearSVC(C=config["C"], class_weight="balanced", random_state=42)
    raise ValueError(f"Unknown classifier {config['classifier']!r}: linear_svm, sgd_logistic or logistic.")


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class ReclaimIntentClassifier(GraphComponent, IntentClassifier):
    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {
            "retrieval_intent": "faq",
            # A question inside a message with another intent is answered only above this confidence.
            "embedded_min_confidence": 0.6,
            # "linear_svm" (a linear SVM, scores turned into probabilities by a softmax), "sgd_logistic"
            # or "logistic" (lbfgs: the most exact probabilities, but minutes to train on this data).
            "classifier": "linear_svm",
            # Inverse regularisation strength (linear_svm, logistic); alpha for sgd_logistic.
            "C": 1.0,
            "alpha": 1e-5,
            # linear_svm: how sharply scores become probabilities (higher: more confident).
            "temperature": 5.0,
            "word_ngrams": [1, 2],
            "char_ngrams": [2, 5],
        }

    def __init__(
        self,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        model: Optional[dict[str, Any]] = None,
    ) -> None:
        self._config = {**self.get_default_config(), **config}
        self._model_storage = model_storage
        self._resource = resource
        self._model = model

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> ReclaimIntentClassifier:
        return cls(config, model_storage, resource)

    # ---- training -------------------------------------------------------------------------------

    def _label(self, message: Message) -> Optional[str]:
        """The class a training example teaches: its intent, or faq/<id> for a question."""
        intent = message.get(INTENT)
        if not intent or not message.get(TEXT):
            return None
        if intent == self._config["retrieval_intent"]:
            key = message.get(INTENT_RESPONSE_KEY) or ""
            return key if "/" in key else None
        return str(intent)

    def train(self, training_data: TrainingData) -> Resource:
        texts: list[str] = []
        labels: list[str] = []
        for message in training_data.intent_examples:
            label = self._label(message)
            if label is not None:
                texts.append(message.get(TEXT))
                labels.append(label)
        self._model = self.fit(texts, labels, self._config)
        with self._model_storage.write_to(self._resource) as directory:
            joblib.dump(self._model, directory / MODEL_FILE_NAME)
        return self._resource

    @staticmethod
    def fit(texts: list[str], labels: list[str], config: dict[str, Any]) -> dict[str, Any]:
        words = TfidfVectorizer(ngram_range=tuple(config["word_ngrams"]), sublinear_tf=True)
        chars = TfidfVectorizer(analyzer="char_wb", ngram_range=tuple(config["char_ngrams"]), sublinear_tf=True)
        features = hstack([words.fit_transform(texts), chars.fit_transform(texts)]).tocsr()
        classifier = _classifier(config)
        classifier.fit(features, labels)
        return {"words": words, "chars": chars, "classifier": classifier}

    @classmethod
    def load(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> ReclaimIntentClassifier:
        with model_storage.read_from(resource) as directory:
            model = joblib.load(directory / MODEL_FILE_NAME)
        return cls(config, model_storage, resource, model)

    # ---- prediction ------------------------------------------------------------------------------

    def probabilities(self, texts: list[str]) -> list[dict[str, float]]:
        """For each text, the probability of every class (intents and faq/<id> questions)."""
        assert self._model is not None
        features = hstack([self._model["words"].transform(texts), self._model["chars"].transform(texts)]).tocsr()
        classifier = self._model["classifier"]
        classes = list(classifier.classes_)
        if hasattr(classifier, "predict_proba"):
            rows = np.asarray(classifier.predict_proba(features))
        else:
            scores = np.asarray(classifier.decision_function(features)) * self._config["temperature"]
            scores = np.exp(scores - scores.max(axis=1, keepdims=True))
            rows = scores / scores.sum(axis=1, keepdims=True)
        return [dict(zip(classes, map(float, row), strict=True)) for row in rows]

    def _has_a_known_word(self, text: str) -> bool:
        words = self._model["words"] if self._model else None
        if words is None:
            return False
        vocabulary = words.vocabulary_
        return any(token in vocabulary for token in words.build_analyzer()(text))

    def _is_question(self, label: str) -> bool:
        return label.startswith(self._config["retrieval_intent"] + "/")

    def _intents(self, probabilities: dict[str, float]) -> list[tuple[str, float]]:
        """Intent ranking, with the questions standing together as the retrieval intent. Its score is the
        best question's, not their sum: an unclear message spreads a little over many questions, and
        the sum would make it look like a confident question."""
        scores = {label: p for label, p in probabilities.items() if not self._is_question(label)}
        questions = [p for label, p in probabilities.items() if self._is_question(label)]
        if questions:
            scores[self._config["retrieval_intent"]] = max(questions)
        total = sum(scores.values()) or 1.0
        return sorted(((name, p / total) for name, p in scores.items()), key=lambda item: -item[1])

    def _questions(self, probabilities: dict[str, float]) -> list[tuple[str, float]]:
        """Question ranking, renormalised over the questions only."""
        questions = {label: p for label, p in probabilities.items() if self._is_question(label)}
        total = sum(questions.values()) or 1.0
        return sorted(((label, p / total) for label, p in questions.items()), key=lambda item: -item[1])

    def _embedded_question(self, text: str) -> Optional[tuple[str, float]]:
        asking = clauses_asking(text)
        if not asking:
            return None
        best: Optional[tuple[str, float]] = None
        for probabilities in self.probabilities(asking):
            label = max(probabilities, key=probabilities.__getitem__)
            confidence = probabilities[label]
            if (
                self._is_question(label)
                and confidence >= self._config["embedded_min_confidence"]
                and (best is None or confidence > best[1])
            ):
                best = (label, confidence)
        return best

    def process(self, messages: list[Message]) -> list[Message]:
        if self._model is None:
            return messages
        for message in messages:
            text = message.get(TEXT) or ""
            if not text.strip():
                continue
            probabilities = self.probabilities([text])[0]
            ranking = self._intents(probabilities)
            if not self._has_a_known_word(text):
                # Nothing it has ever seen ("ocelotcanary0dc", keyboard mashing): the character n-grams
                # alone would still pick something, so the FallbackClassifier gets confidence 0 instead.
                ranking = [(name, 0.0) for name, _ in ranking]
            intent, confidence = ranking[0]
            message.set(INTENT, {INTENT_NAME_KEY: intent, PREDICTED_CONFIDENCE_KEY: confidence}, add_to_output=True)
            message.set(
                INTENT_RANKING_KEY,
                [{INTENT_NAME_KEY: name, PREDICTED_CONFIDENCE_KEY: p} for name, p in ranking[:RANKING_LENGTH]],
                add_to_output=True,
            )
            if confidence == 0.0:
                continue
            if intent == self._config["retrieval_intent"]:
                questions = self._questions(probabilities)
                self._set_response_selector(message, questions)
                label, question_confidence = questions[0]
                self._set_question(message, label, question_confidence, embedded=False)
                continue
            embedded = self._embedded_question(text)
            if embedded:
                self._set_question(message, embedded[0], embedded[1], embedded=True)
        return messages

    @staticmethod
    def _set_question(message: Message, label: str, confidence: float, embedded: bool) -> None:
        question = {"id": label.split("/", 1)[1], "confidence": confidence, "embedded": embedded}
        message.set(QUESTION_KEY, question, add_to_output=True)

    def _set_response_selector(self, message: Message, questions: list[tuple[str, float]]) -> None:
        retrieval_intent = self._config["retrieval_intent"]
        label, confidence = questions[0]
        message.set(
            RESPONSE_SELECTOR_PROPERTY_NAME,
            {
                RESPONSE_SELECTOR_RETRIEVAL_INTENTS: [retrieval_intent],
                retrieval_intent: {
                    RESPONSE_SELECTOR_PREDICTION_KEY: {
                        "responses": [],
                        PREDICTED_CONFIDENCE_KEY: confidence,
                        INTENT_RESPONSE_KEY: label,
                        "utter_action": f"utter_{label}",
                    },
                    RESPONSE_SELECTOR_RANKING_KEY: [
                        {PREDICTED_CONFIDENCE_KEY: p, INTENT_RESPONSE_KEY: name}
                        for name, p in questions[:RANKING_LENGTH]
                    ],
                },
            },
            add_to_output=True,
        )
