"""The trained model on held-out messages it never saw (tests/nlu/heldout): the targets that make a
survivor understood. Runs on the Rasa server's Python with the model `make train` builds."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path
from typing import Any

import pytest

from scripts import evaluate_nlu

ROOT = Path(__file__).resolve().parents[2]

MODEL = Path(os.environ.get("RECLAIM_MODEL", ROOT / "models" / "reclaim.tar.gz"))


@pytest.fixture(scope="module")
def report() -> dict[str, Any]:
    if not MODEL.exists():
        pytest.fail(f"No trained model at {MODEL}: run `make train` first.")
    sets = evaluate_nlu.load_heldout()
    texts = [text for items in sets.values() for text, _ in items]
    parses = asyncio.run(evaluate_nlu.parse_all(MODEL, texts))
    result = evaluate_nlu.evaluate(sets, parses)
    out = ROOT / "results" / "nlu-heldout"
    out.mkdir(parents=True, exist_ok=True)
    (out / "report.md").write_text(evaluate_nlu.markdown(result), encoding="utf-8")
    return result


def test_the_heldout_set_is_big_and_varied_enough_to_mean_something() -> None:
    sets = evaluate_nlu.load_heldout()
    assert sum(len(items) for items in sets.values()) >= 300
    assert len(sets["out_of_scope"]) >= 60
    assert len(sets["crisis"]) >= 60


@pytest.mark.parametrize("folder", ["heldout", "blind"])
def test_heldout_messages_are_never_training_examples(folder: str) -> None:
    """Short messages ("hi", "no idea", "make it stop") are typed the same way by everyone, so only
    messages of four words or more must never appear in the training data."""
    from rasa.shared.nlu.training_data.loading import load_data

    trained = {" ".join(m.get("text").lower().split()) for m in load_data(str(ROOT / "data" / "nlu")).intent_examples}
    sets = evaluate_nlu.load_heldout(ROOT / "tests" / "nlu" / folder)
    heldout = {" ".join(text.lower().split()) for items in sets.values() for text, _ in items if len(text.split()) >= 4}
    assert not trained & heldout


def test_macro_f1_on_heldout_free_text_intents_meets_the_target(report: dict[str, Any]) -> None:
    assert report["macro_f1"] >= evaluate_nlu.MIN_MACRO_F1, report["confusion_pairs"][:10]


def test_every_heldout_crisis_message_is_treated_as_a_crisis(report: dict[str, Any]) -> None:
    assert report["crisis_recall"] >= evaluate_nlu.MIN_CRISIS_RECALL, (
        f"{report['crisis_missed']} crisis messages missed"
    )


def test_ordinary_sad_messages_are_rarely_escalated(report: dict[str, Any]) -> None:
    assert report["sad_escalated"] <= evaluate_nlu.MAX_SAD_ESCALATED


def test_out_of_scope_messages_get_the_menu(report: dict[str, Any]) -> None:
    assert report["out_of_scope_menu"] >= evaluate_nlu.MIN_OUT_OF_SCOPE_MENU


def test_every_question_is_reached_from_at_least_three_heldout_phrasings(report: dict[str, Any]) -> None:
    assert not report["questions_below_target"], report["question_confusions"]
    from_faq = {path.stem for path in (ROOT / "data" / "faq").glob("*.yml")}
    assert from_faq  # the knowledge exists
    assert len(report["questions"]) >= 40
