"""The canonical values the action server shares with the Rasa server (data/vocabulary.yml), as typed
constants: what happened, ages and their bounds, nations and their law, periods, who did it, goals,
platforms, and the tenant-id rule.

Read once, at import, from the repository rather than RECLAIM_DATA_DIR: the NLU, the domain and the code
are built on these ids, so they belong to the program, not to a deployment's data. bot/vocabulary.py reads
the same file for the Rasa server (the two processes share no code).
"""

from __future__ import annotations

import re
from typing import Any, Final

import yaml

from actions.settings import PROJECT_ROOT

VOCABULARY_FILE: Final = PROJECT_ROOT / "data" / "vocabulary.yml"
# The answers the code itself branches on.
NOT_SURE: Final = "not_sure"
NOT_SAID: Final = "not_said"
NOT_ONLINE: Final = "none"  # the platforms answer "the images are not online"
OUTSIDE_UK: Final = "outside_uk"
ADULT_AGE: Final = 18

Years = tuple[int | None, int | None]  # first and last; None: no limit
_ID = re.compile(r"[a-z0-9_]+")


def _ids(slot: str, values: Any) -> tuple[str, ...]:
    """A slot's values: a list's items or a mapping's keys. A YAML slip ("13_15" unquoted is a number)
    stops the server here, rather than losing every answer with that value."""
    if not isinstance(values, (list, dict)) or not all(isinstance(v, str) and _ID.fullmatch(v) for v in values):
        raise ValueError(f"{VOCABULARY_FILE}: slot {slot!r} must list ids (quote any YAML reads as a number)")
    return tuple(values)


_RAW: Final[dict[str, Any]] = yaml.safe_load(VOCABULARY_FILE.read_text(encoding="utf-8"))
_SLOTS: Final[dict[str, Any]] = _RAW["slots"]

# Slot name -> its canonical values, in the order the questions offer them.
SLOT_VALUES: Final[dict[str, tuple[str, ...]]] = {slot: _ids(slot, values) for slot, values in _SLOTS.items()}

SITUATIONS: Final = SLOT_VALUES["situation"]
# The situations a person can add to; not_sure and not_said are placeholders for "nothing specific".
SPECIFIC_SITUATIONS: Final = tuple(s for s in SITUATIONS if s not in (NOT_SURE, NOT_SAID))

AGE_GROUPS: Final = SLOT_VALUES["age_group"]
# The youngest and oldest age in each band, to check a service's age rule (data/services age_min, age_max).
AGE_BOUNDS: Final[dict[str, tuple[int, int]]] = {
    group: (bounds[0], bounds[1]) for group, bounds in _SLOTS["age_group"].items() if bounds
}
UNDER_18_AGE_GROUPS: Final = tuple(group for group, (_, oldest) in AGE_BOUNDS.items() if oldest < ADULT_AGE)
AGES_AT_IMAGE: Final = SLOT_VALUES["age_at_image"]

NATIONS: Final = SLOT_VALUES["nation"]
# Each UK nation's jurisdiction (the `jurisdiction` of data/law): England and Wales share one.
JURISDICTION_OF_NATION: Final[dict[str, str]] = {nation: law for nation, law in _SLOTS["nation"].items() if law}
UK_NATIONS: Final = tuple(JURISDICTION_OF_NATION)

WHEN: Final = SLOT_VALUES["when"]
# Each period's first and last year (a year on a boundary counts as the later period).
PERIOD_YEARS: Final[dict[str, Years]] = {
    period: (years[0], years[1]) for period, years in _SLOTS["when"].items() if years
}

PERPETRATORS: Final = SLOT_VALUES["perpetrator"]
GOALS: Final = SLOT_VALUES["goal"]
DEMANDS: Final = SLOT_VALUES["demand"]
COMPLIED: Final = SLOT_VALUES["complied"]
AUDIENCES: Final = SLOT_VALUES["audiences"]

# What a person can answer instead of naming platforms, and the platform ids (data/platforms has each one).
PLATFORM_ANSWERS: Final = (NOT_ONLINE, NOT_SURE, NOT_SAID)
PLATFORMS: Final = tuple(p for p in SLOT_VALUES["platforms"] if p not in PLATFORM_ANSWERS)

# A tenant id, matched whole (re.fullmatch): the same rule as the Rasa server's (bot/vocabulary.py).
TENANT_ID: Final = re.compile(_RAW["tenant_id"])

if not set(PLATFORM_ANSWERS) <= set(SLOT_VALUES["platforms"]) or OUTSIDE_UK not in NATIONS:
    raise ValueError(f"{VOCABULARY_FILE}: the answers the code branches on must stay listed")
