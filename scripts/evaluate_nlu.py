"""Measures the trained model on the held-out messages in tests/nlu/heldout/ (never used for training)
and, with --check, fails when a target is missed. `make test` runs it with --check.

    python -m scripts.evaluate_nlu --model models/reclaim.tar.gz [--out results/nlu-heldout] [--check]

What it reports (results/nlu-heldout/report.json and report.md):
- intent level: per-intent precision, recall and F1, macro F1, and the most common confusion pairs. A
  question counts as `faq`; `nlu_fallback` counts as `out_of_scope` (both get the menu and a helpline);
- question level: for each question in data/faq, how many of its held-out phrasings select it;
- safety: crisis recall on crisis.yml, and how many ordinary sad messages (sad_not_crisis.yml) were
  escalated as a crisis;
- out of scope: how many out_of_scope.yml messages get the menu rather than a wrong intent.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import sys
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
HELDOUT = ROOT / "tests" / "nlu" / "heldout"

# Targets (issue 12). make test fails below these.
MIN_MACRO_F1 = 0.90
MIN_CRISIS_RECALL = 1.0
MAX_SAD_ESCALATED = 0.02
MIN_OUT_OF_SCOPE_MENU = 0.90
MIN_PHRASINGS_PER_QUESTION = 3

MENU_INTENTS = ("out_of_scope", "nlu_fallback")
RETRIEVAL_INTENT = "faq"


def load_heldout(folder: Path = HELDOUT) -> dict[str, list[tuple[str, str]]]:
    """{file stem: [(text, label), ...]} with labels as written (intent, or faq/<id>)."""
    import yaml

    sets: dict[str, list[tuple[str, str]]] = {}
    for path in sorted(folder.glob("*.yml")):
        rows: list[tuple[str, str]] = []
        for block in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("nlu") or []:
            for line in str(block.get("examples") or "").splitlines():
                text = line.strip()
                if text.startswith("- "):
                    rows.append((text[2:].strip(), str(block["intent"])))
        sets[path.stem] = rows
    return sets


def predicted_label(parse: dict[str, Any]) -> str:
    """The label a parse amounts to: faq/<id> for a question, else the intent (nlu_fallback as out_of_scope)."""
    intent = (parse.get("intent") or {}).get("name") or "nlu_fallback"
    if intent == RETRIEVAL_INTENT:
        question = (parse.get("question") or {}).get("id")
        return f"{RETRIEVAL_INTENT}/{question}" if question else RETRIEVAL_INTENT
    return "out_of_scope" if intent in MENU_INTENTS else intent


def intent_level(label: str) -> str:
    return RETRIEVAL_INTENT if label.startswith(f"{RETRIEVAL_INTENT}/") else label


async def parse_all(model: Path, texts: list[str]) -> list[dict[str, Any]]:
    from rasa.core.agent import Agent

    agent = Agent.load(str(model))
    return [await agent.parse_message(text) for text in texts]


def per_label_scores(pairs: list[tuple[str, str]]) -> dict[str, dict[str, float]]:
    labels = sorted({expected for expected, _ in pairs})
    scores: dict[str, dict[str, float]] = {}
    for label in labels:
        true_positive = sum(1 for e, p in pairs if e == label and p == label)
        predicted = sum(1 for _, p in pairs if p == label)
        actual = sum(1 for e, _ in pairs if e == label)
        precision = true_positive / predicted if predicted else 0.0
        recall = true_positive / actual if actual else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        scores[label] = {
            "precision": round(precision, 3),
            "recall": round(recall, 3),
            "f1": round(f1, 3),
            "support": actual,
        }
    return scores


def evaluate(sets: dict[str, list[tuple[str, str]]], parses: list[dict[str, Any]]) -> dict[str, Any]:
    rows = [(name, text, label) for name, items in sets.items() for text, label in items]
    predicted = [predicted_label(parse) for parse in parses]
    intent_pairs = [
        (intent_level(label), intent_level(guess)) for (_, _, label), guess in zip(rows, predicted, strict=True)
    ]
    scores = per_label_scores(intent_pairs)
    macro_f1 = sum(score["f1"] for score in scores.values()) / len(scores)
    confusions = Counter((e, p) for e, p in intent_pairs if e != p)

    question_hits: dict[str, list[int]] = {}
    for (_, _, label), guess in zip(rows, predicted, strict=True):
        if label.startswith(f"{RETRIEVAL_INTENT}/"):
            hits = question_hits.setdefault(label.split("/", 1)[1], [0, 0])
            hits[0] += guess == label
            hits[1] += 1
    question_confusions = Counter(
        (label, guess)
        for (_, _, label), guess in zip(rows, predicted, strict=True)
        if label.startswith("faq/") and guess != label
    )

    def share(set_name: str, ok: Any) -> float:
        results = [ok(guess) for (name, _, _), guess in zip(rows, predicted, strict=True) if name == set_name]
        return sum(results) / len(results) if results else 0.0

    crisis_recall = share("crisis", lambda guess: guess == "crisis")
    sad_escalated = share("sad_not_crisis", lambda guess: guess == "crisis")
    out_of_scope_menu = share("out_of_scope", lambda guess: guess == "out_of_scope")
    missed_crisis = [
        text for (name, text, _), guess in zip(rows, predicted, strict=True) if name == "crisis" and guess != "crisis"
    ]
    questions_short = sorted(q for q, (hit, _) in question_hits.items() if hit < MIN_PHRASINGS_PER_QUESTION)
    return {
        "messages": len(rows),
        "macro_f1": round(macro_f1, 3),
        "accuracy": round(sum(e == p for e, p in intent_pairs) / len(intent_pairs), 3),
        "per_intent": scores,
        "confusion_pairs": [{"expected": e, "predicted": p, "count": n} for (e, p), n in confusions.most_common(20)],
        "questions": {q: {"selected": hit, "phrasings": total} for q, (hit, total) in sorted(question_hits.items())},
        "question_accuracy": round(
            sum(h for h, _ in question_hits.values()) / max(1, sum(t for _, t in question_hits.values())), 3
        ),
        "question_confusions": [
            {"expected": e, "predicted": p, "count": n} for (e, p), n in question_confusions.most_common(15)
        ],
        "questions_below_target": questions_short,
        "crisis_recall": round(crisis_recall, 3),
        # Counted, never the words: the held-out texts are in the repository already.
        "crisis_missed": len(missed_crisis),
        "sad_escalated": round(sad_escalated, 3),
        "out_of_scope_menu": round(out_of_scope_menu, 3),
    }


def failures(report: dict[str, Any]) -> list[str]:
    found = []
    if report["macro_f1"] < MIN_MACRO_F1:
        found.append(f"held-out macro F1 {report['macro_f1']} is below {MIN_MACRO_F1}")
    if report["crisis_recall"] < MIN_CRISIS_RECALL:
        found.append(f"crisis recall {report['crisis_recall']} is below {MIN_CRISIS_RECALL}")
    if report["sad_escalated"] > MAX_SAD_ESCALATED:
        found.append(
            f"{report['sad_escalated']:.1%} of ordinary sad messages escalated (at most {MAX_SAD_ESCALATED:.0%})"
        )
    if report["out_of_scope_menu"] < MIN_OUT_OF_SCOPE_MENU:
        found.append(f"out-of-scope menu rate {report['out_of_scope_menu']} is below {MIN_OUT_OF_SCOPE_MENU}")
    if report["questions_below_target"]:
        found.append(
            f"questions reached by fewer than {MIN_PHRASINGS_PER_QUESTION} held-out phrasings: "
            + ", ".join(report["questions_below_target"])
        )
    return found


def markdown(report: dict[str, Any]) -> str:
    lines = [
        f"Held-out messages: {report['messages']}. Macro F1 {report['macro_f1']}, accuracy {report['accuracy']}. "
        f"Questions: {report['question_accuracy']:.0%} select the right answer. "
        f"Crisis recall {report['crisis_recall']:.0%}; "
        f"ordinary sad messages escalated {report['sad_escalated']:.1%}; "
        f"out of scope to the menu {report['out_of_scope_menu']:.0%}.",
        "",
        "| intent | precision | recall | F1 | messages |",
        "| --- | --- | --- | --- | --- |",
        *(
            f"| {label} | {s['precision']:.2f} | {s['recall']:.2f} | {s['f1']:.2f} | {s['support']} |"
            for label, s in report["per_intent"].items()
        ),
        "",
        "Most common confusions (expected → predicted, count): "
        + "; ".join(f"{c['expected']} → {c['predicted']} ({c['count']})" for c in report["confusion_pairs"][:10]),
    ]
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", type=Path, default=ROOT / "models" / "reclaim.tar.gz")
    parser.add_argument("--out", type=Path, default=ROOT / "results" / "nlu-heldout")
    parser.add_argument("--check", action="store_true", help="exit 1 if a target is missed")
    parser.add_argument(
        "--messages", type=Path, default=HELDOUT, help="folder of held-out messages (tests/nlu/blind: the blind set)"
    )
    arguments = parser.parse_args()
    logging.disable(logging.WARNING)
    import structlog  # Rasa 3.6 logs every parse at debug level through structlog

    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.WARNING))
    sets = load_heldout(arguments.messages)
    texts = [text for items in sets.values() for text, _ in items]
    parses = asyncio.run(parse_all(arguments.model, texts))
    report = evaluate(sets, parses)
    arguments.out.mkdir(parents=True, exist_ok=True)
    (arguments.out / "report.json").write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    (arguments.out / "report.md").write_text(markdown(report), encoding="utf-8")
    print(markdown(report))
    missed = failures(report)
    for failure in missed:
        print(f"FAILED: {failure}", file=sys.stderr)
    return 1 if arguments.check and missed else 0


if __name__ == "__main__":
    sys.exit(main())
