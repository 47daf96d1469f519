"""What a message says beyond its intent: the other situations it names, and what someone being
blackmailed has already done. Read from the cue entities the NLU finds (data/nlu/lookups.yml), so the
words themselves are never needed here."""

from __future__ import annotations

from typing import Any

# Cue entity -> situation (bot/domain/slots.yml: situation).
SITUATION_CUES = {
    "cue_shared": "shared_without_consent",
    "cue_threat": "threat_to_share",
    "cue_fake": "fake_images",
    "cue_taken": "taken_without_consent",
    "cue_cyberflashing": "cyberflashing",
}
# Cue entity -> what was already done (slot `complied`).
COMPLIED_CUES = {"complied_paid": "paid", "complied_sent_more": "sent_more"}


def _entity_names(message: dict[str, Any] | None) -> list[str]:
    return [str(entity.get("entity")) for entity in (message or {}).get("entities") or []]


def situations_named(message: dict[str, Any] | None) -> list[str]:
    """The situations a message names besides its intent, in the order they appear."""
    return list(dict.fromkeys(SITUATION_CUES[name] for name in _entity_names(message) if name in SITUATION_CUES))


def complied_named(message: dict[str, Any] | None) -> list[str]:
    """ "paid" and/or "sent_more" when the message says so ("I already paid him £200")."""
    return list(dict.fromkeys(COMPLIED_CUES[name] for name in _entity_names(message) if name in COMPLIED_CUES))


def merge(previous: list[str] | None, new: list[str]) -> list[str]:
    return list(dict.fromkeys([*(previous or []), *new]))
