"""Writes data/nlu/questions.yml from the paraphrases in data/faq/*.yml, as Rasa retrieval intents
(`faq/<id>`). data/faq is the one source: edit the paraphrases there, then run `make questions-nlu`.

    python scripts/build_question_nlu.py          write the file
    python scripts/build_question_nlu.py --check  exit 1 if the file is out of date (make test runs this)
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
FAQ_DIR = ROOT / "data" / "faq"
OUTPUT = ROOT / "data" / "nlu" / "questions.yml"
RETRIEVAL_INTENT = "faq"
HEADER = (
    "# Written by scripts/build_question_nlu.py from data/faq/*.yml: do not edit by hand.\n"
    "# Each question survivors ask is a retrieval intent faq/<id>: the intent classifier learns `faq`,\n"
    "# bot/components/intent_classifier.py learns each question as a class of its own.\n"
)


def load_questions(faq_dir: Path = FAQ_DIR) -> list[dict[str, Any]]:
    questions: list[dict[str, Any]] = []
    for path in sorted(faq_dir.glob("*.yml")):
        with open(path, encoding="utf-8") as file:
            questions += (yaml.safe_load(file) or {}).get("questions") or []
    return questions


def _yaml_line(text: str) -> str:
    """One example as a YAML block-list line: Rasa's reader takes the text after '- ' literally."""
    return " ".join(str(text).split())


def render(questions: list[dict[str, Any]]) -> str:
    parts = [HEADER, 'version: "3.1"\n\nnlu:\n']
    for question in questions:
        parts.append(f"  - intent: {RETRIEVAL_INTENT}/{question['id']}\n    examples: |\n")
        parts += [f"      - {_yaml_line(text)}\n" for text in question["paraphrases"]]
    return "".join(parts)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--check", action="store_true", help="fail if data/nlu/questions.yml is out of date")
    arguments = parser.parse_args()
    wanted = render(load_questions())
    if arguments.check:
        current = OUTPUT.read_text(encoding="utf-8") if OUTPUT.exists() else ""
        if current != wanted:
            print("data/nlu/questions.yml is out of date: run `make questions-nlu`.", file=sys.stderr)
            return 1
        return 0
    OUTPUT.write_text(wanted, encoding="utf-8")
    print(f"Wrote {OUTPUT.relative_to(ROOT)} ({len(load_questions())} questions).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
