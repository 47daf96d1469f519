"""The canonical values the Rasa server shares with the action server (data/vocabulary.yml): each slot's
values (for the tracker store's allow-list and the figures), the UK nations, and the tenant-id rule.

Read once, at import, from the repository: the NLU, the domain and the code are built on these ids.
actions/vocabulary.py reads the same file for the action server (the two processes share no code).
"""

from __future__ import annotations

import re
from typing import Any, Final

import yaml

from bot.settings import ROOT

VOCABULARY_FILE: Final = ROOT / "data" / "vocabulary.yml"
_ID = re.compile(r"[a-z0-9_]+")


def _ids(slot: str, values: Any) -> tuple[str, ...]:
    """A slot's values: a list's items or a mapping's keys. A YAML slip ("13_15" unquoted is a number)
    stops the server here, rather than every answer with that value being dropped as raw words."""
    if not isinstance(values, (list, dict)) or not all(isinstance(v, str) and _ID.fullmatch(v) for v in values):
        raise ValueError(f"{VOCABULARY_FILE}: slot {slot!r} must list ids (quote any YAML reads as a number)")
    return tuple(values)


_RAW: Final[dict[str, Any]] = yaml.safe_load(VOCABULARY_FILE.read_text(encoding="utf-8"))

# Slot name -> its canonical values: the only values the tracker store keeps for these slots.
SLOT_VALUES: Final[dict[str, tuple[str, ...]]] = {slot: _ids(slot, values) for slot, values in _RAW["slots"].items()}
# The nations a charity can serve: those with a UK jurisdiction.
UK_NATIONS: Final = tuple(nation for nation, jurisdiction in _RAW["slots"]["nation"].items() if jurisdiction)
# A tenant id, matched whole (re.fullmatch): the same rule as the action server's (actions/vocabulary.py).
TENANT_ID: Final = re.compile(_RAW["tenant_id"])
