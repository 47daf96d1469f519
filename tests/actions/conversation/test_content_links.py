"""No wording puts punctuation straight after a link: link detection (in the widget and in many apps a
person might paste the text into) would take the "." as part of the address, and the link would break."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

CONTENT = Path(__file__).resolve().parents[3] / "data" / "content"
# Placeholders that can hold a web address.
LINK_THEN_PUNCTUATION = re.compile(r"\{(?:web|web_chat_url|contact|url)\}[.,;:!?]")


def strings(value: Any, where: str) -> Iterator[tuple[str, str]]:
    if isinstance(value, str):
        yield where, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from strings(item, f"{where}.{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from strings(item, f"{where}[{index}]")


def test_no_link_is_followed_by_punctuation() -> None:
    files = sorted(CONTENT.glob("*.yml"))
    assert files
    found = [
        f"{where}: {text}"
        for path in files
        for where, text in strings(yaml.safe_load(path.read_text(encoding="utf-8")), path.name)
        if LINK_THEN_PUNCTUATION.search(text)
    ]
    assert found == []
