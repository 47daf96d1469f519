"""Which typed "/intent{...}" messages the channels pass on to Rasa as button payloads.

Rasa reads any message starting with "/" as an intent with entities and skips NLU, so a person (or
anyone with curl) could type `/inform{"age_band": "18_plus", "danger": "x"}` and fill slots directly.
A payload is honoured only if it could have come from one of our buttons:

- the intent is one of ours (bot/domain/intents.yml), not one of Rasa's built-in ones;
- at most one entity, as on every button: several at once would answer several questions in one go;
- the entity is declared in the domain, and its value is a plain string that is a canonical value
  (data/privacy/canonical_slot_values.yml) of a slot filled from that entity; an entity that fills no
  slot (offence_id) may only carry a short identifier;
- nothing else: no "@confidence", no lists, no text after the JSON.

Anything else is read as ordinary words: the leading slashes are dropped and NLU decides, exactly as if
the person had typed the rest. Nothing here is logged.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from rasa.shared.core.constants import DEFAULT_INTENTS
from rasa.shared.core.domain import Domain

from bot.tracker_store import SlotAllowList

_PAYLOAD = re.compile(r"^/(?P<intent>[A-Za-z0-9_]+)(?P<entities>\{.*\})?$", re.DOTALL)
_IDENTIFIER = re.compile(r"^[a-z0-9_]{1,64}$")


@dataclass(frozen=True)
class PayloadGuard:
    """Decides, from the domain and the canonical slot values, what a typed payload may do."""

    intents: frozenset[str]
    # entity -> values it may carry; None means "a short identifier" (an entity that fills no slot)
    entity_values: Mapping[str, frozenset[str] | None]

    @classmethod
    def from_domain(cls, domain: Domain, allow: SlotAllowList | None = None) -> PayloadGuard:
        allow = allow or SlotAllowList.load(domain)
        intents = frozenset(domain.intents) - frozenset(DEFAULT_INTENTS)
        slots_by_entity: dict[str, set[str]] = {entity: set() for entity in domain.entities}
        for slot in domain.slots:
            for mapping in slot.mappings:
                entity = mapping.get("entity")
                if mapping.get("type") == "from_entity" and entity in slots_by_entity:
                    slots_by_entity[entity].add(slot.name)
        entity_values: dict[str, frozenset[str] | None] = {}
        for entity, slots in slots_by_entity.items():
            if not slots:
                entity_values[entity] = None
                continue
            values: set[str] = set()
            for slot in slots:
                values |= allow.allowed.get(slot, set())
            entity_values[entity] = frozenset(values)
        return cls(intents, entity_values)

    def allows(self, text: str) -> bool:
        """True if `text` is a payload one of our buttons could have sent."""
        match = _PAYLOAD.match(text)
        if match is None or match.group("intent") not in self.intents:
            return False
        raw = match.group("entities")
        if raw is None:
            return True
        try:
            entities: Any = json.loads(raw)
        except ValueError:
            return False
        if not isinstance(entities, dict) or len(entities) > 1:
            return False
        return all(self._allows_entity(name, value) for name, value in entities.items())

    def _allows_entity(self, name: str, value: Any) -> bool:
        if name not in self.entity_values or not isinstance(value, str):
            return False
        allowed = self.entity_values[name]
        return bool(_IDENTIFIER.match(value)) if allowed is None else value in allowed

    def screen(self, text: str) -> str:
        """The message as Rasa should see it: an allowed payload as it is, anything else as plain words."""
        stripped = text.strip()
        if not stripped.startswith("/"):
            return text
        if self.allows(stripped):
            return stripped
        words = stripped.lstrip("/").strip()
        # A message of slashes only has no words left; NLU still needs something to read.
        return words or "?"
