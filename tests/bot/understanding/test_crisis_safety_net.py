"""The Rasa component around the matcher: it overrides whatever the classifier said, survives being
saved into and loaded from a model, and records only the category, never the words."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.components.crisis_safety_net import LEXICON_FILE_NAME, PARSE_DATA_KEY, CrisisSafetyNet

ROOT = Path(__file__).resolve().parents[3]


def classified(text: str, intent: str, confidence: float = 0.9) -> Message:
    message = Message(data={"text": text})
    ranking = [{"name": intent, "confidence": confidence}, {"name": "inform", "confidence": 1 - confidence}]
    message.set("intent", ranking[0], add_to_output=True)
    message.set("intent_ranking", ranking, add_to_output=True)
    return message


@pytest.fixture
def trained_and_loaded(tmp_path: Path) -> CrisisSafetyNet:
    storage = LocalModelStorage(tmp_path)
    resource = Resource("crisis_safety_net")
    context = ExecutionContext(GraphSchema({}), "test")
    config = {**CrisisSafetyNet.get_default_config(), "lexicon_path": str(ROOT / "data/safety/crisis_lexicon.yml")}
    CrisisSafetyNet.create(config, storage, resource, context).train(TrainingData())
    return CrisisSafetyNet.load(config, storage, resource, context)


def test_overrides_the_classifier_after_a_save_and_load(trained_and_loaded: CrisisSafetyNet) -> None:
    [message] = trained_and_loaded.process([classified("he is outside my dor right now", "report_threat")])
    assert message.get("intent") == {"name": "crisis", "confidence": 1.0}
    assert message.get("intent_ranking")[0]["name"] == "crisis"
    assert [r["name"] for r in message.get("intent_ranking")[1:]] == ["report_threat", "inform"]
    assert message.get(PARSE_DATA_KEY) == {"category": "immediate_danger"}


def test_overrides_the_fallback_too(trained_and_loaded: CrisisSafetyNet) -> None:
    [message] = trained_and_loaded.process([classified("i wanna unalive myself", "nlu_fallback", 0.3)])
    assert message.get("intent")["name"] == "crisis"


def test_threats_in_any_contraction_are_caught_after_a_save_and_load(trained_and_loaded: CrisisSafetyNet) -> None:
    messages = [
        classified(text, "report_threat") for text in ["he said he'll kill me", "hed kill me", "he will kill me"]
    ]
    for message in trained_and_loaded.process(messages):
        assert message.get(PARSE_DATA_KEY) == {"category": "immediate_danger"}, message.get("text")


def test_the_model_holds_the_lexicon_with_its_word_sets_spelt_out(tmp_path: Path) -> None:
    storage = LocalModelStorage(tmp_path)
    resource = Resource("crisis_safety_net")
    config = {**CrisisSafetyNet.get_default_config(), "lexicon_path": str(ROOT / "data/safety/crisis_lexicon.yml")}
    CrisisSafetyNet.create(config, storage, resource, ExecutionContext(GraphSchema({}), "test")).train(TrainingData())
    with storage.read_from(resource) as directory:
        stored = json.loads((directory / LEXICON_FILE_NAME).read_text())
    assert set(stored) == {"suicide_or_self_harm", "immediate_danger"}
    assert not any("@" in phrase for phrases in stored.values() for phrase in phrases)


def test_training_fails_loudly_on_an_unknown_word_set(tmp_path: Path) -> None:
    lexicon = tmp_path / "lexicon.yml"
    lexicon.write_text(yaml.safe_dump({"categories": {"immediate_danger": ["@nobody will hurt me"]}}))
    config = {**CrisisSafetyNet.get_default_config(), "lexicon_path": str(lexicon)}
    component = CrisisSafetyNet.create(
        config, LocalModelStorage(tmp_path), Resource("x"), ExecutionContext(GraphSchema({}), "t")
    )
    with pytest.raises(ValueError):
        component.train(TrainingData())


def test_leaves_other_messages_alone(trained_and_loaded: CrisisSafetyNet) -> None:
    [message] = trained_and_loaded.process([classified("i feel so sad about it", "feeling_upset")])
    assert message.get("intent")["name"] == "feeling_upset"
    assert message.get(PARSE_DATA_KEY) is None


def test_an_unsure_crisis_guess_by_the_classifier_alone_gives_way(trained_and_loaded: CrisisSafetyNet) -> None:
    [message] = trained_and_loaded.process([classified("i want to report it to the police", "crisis", 0.6)])
    assert message.get("intent")["name"] == "inform"
    assert all(ranked["name"] != "crisis" for ranked in message.get("intent_ranking"))


def test_a_confident_crisis_guess_by_the_classifier_stands(trained_and_loaded: CrisisSafetyNet) -> None:
    [message] = trained_and_loaded.process([classified("everything feels pointless, i want out", "crisis", 0.97)])
    assert message.get("intent")["name"] == "crisis"


def test_training_fails_loudly_on_an_empty_category(tmp_path: Path) -> None:
    lexicon = tmp_path / "lexicon.yml"
    lexicon.write_text(yaml.safe_dump({"categories": {"suicide_or_self_harm": []}}))
    config = {**CrisisSafetyNet.get_default_config(), "lexicon_path": str(lexicon)}
    component = CrisisSafetyNet.create(
        config, LocalModelStorage(tmp_path), Resource("x"), ExecutionContext(GraphSchema({}), "t")
    )
    with pytest.raises(ValueError):
        component.train(TrainingData())


def test_the_safety_net_runs_last_in_the_pipeline() -> None:
    # Anything after it could overwrite the crisis intent.
    pipeline = yaml.safe_load((ROOT / "config.yml").read_text())["pipeline"]
    assert pipeline[-1]["name"] == "bot.components.crisis_safety_net.CrisisSafetyNet"
