"""Typed "/intent{...}" messages: only what one of our buttons could send reaches Rasa as a payload.

Built from the real domain and data/privacy/canonical_slot_values.yml, and checked against every button
payload the bot can send (domain responses, the action server's questions, recorded conversations)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from rasa.shared.core.domain import Domain

from bot.channels.payloads import PayloadGuard

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture(scope="module")
def guard() -> PayloadGuard:
    return PayloadGuard.from_domain(Domain.load(str(ROOT / "bot" / "domain")))


def _payloads_in(node: object) -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "payload" and isinstance(value, str) and value.startswith("/"):
                yield value
            else:
                yield from _payloads_in(value)
    elif isinstance(node, list):
        for item in node:
            yield from _payloads_in(item)


def every_button_payload() -> list[str]:
    """Every button payload written anywhere in the bot's wording, plus one per law entry's offence id."""
    files = [*ROOT.glob("bot/domain/*.yml"), *ROOT.glob("data/content/*.yml")]
    payloads = {p for path in files for p in _payloads_in(yaml.safe_load(path.read_text(encoding="utf-8")))}
    # The "Tell me more" buttons of actions/explain.py: one per offence in data/law.
    for path in ROOT.glob("data/law/*.yml"):
        for offence in yaml.safe_load(path.read_text(encoding="utf-8"))["offences"]:
            payloads.add(f'/offence_detail{{"offence_id": "{offence["id"]}"}}')
    # What people pressed in the recorded conversations (tests/conversations.yml).
    recorded = yaml.safe_load((ROOT / "tests" / "conversations.yml").read_text(encoding="utf-8"))
    payloads |= {p for p in re.findall(r"/[a-z_]+(?:\{[^}]*\})?", str(recorded)) if p.count("/") == 1}
    return sorted(payloads)


def test_the_payload_list_is_not_empty() -> None:
    payloads = every_button_payload()
    assert len(payloads) > 40, payloads
    assert '/inform{"age_band": "under_13"}' in payloads


@pytest.mark.parametrize("payload", every_button_payload())
def test_every_button_the_bot_offers_still_works_when_pressed(guard: PayloadGuard, payload: str) -> None:
    assert guard.allows(payload)
    assert guard.screen(payload) == payload


@pytest.mark.parametrize(
    "typed",
    [
        '/inform{"young_person": true}',  # a slot, not an entity
        '/inform{"danger": "none"}',
        '/inform{"requested_slot": null}',
        '/inform{"age_band": "adult"}',  # not a canonical value
        '/inform{"age_band": "18_plus", "nation": "narnia"}',  # one good entity does not carry a bad one
        '/affirm{"age_band": "18_plus", "nation": "wales"}',  # no button answers two questions at once
        '/inform{"age": "12"}',  # raw words belong to NLU, which reads "I\'m 12" properly
        '/inform{"age_band": ["18_plus"]}',  # lists
        '/inform{"age_band": 18}',
        '/inform{"offence_id": "<script>alert(1)</script>"}',
        '/inform{"offence_id": "' + "a" * 65 + '"}',
        '/inform@1.0{"age_band": "18_plus"}',  # a confidence
        '/inform{"age_band": "18_plus"} and more',
        "/inform{not json}",
        "/inform[1]",
        "/session_start",  # Rasa's own intents
        "/restart",
        "/nlu_fallback",
        "/no_such_intent",
        "/",
        "//greet",
    ],
)
def test_hand_typed_payloads_that_no_button_sends_are_read_as_words(guard: PayloadGuard, typed: str) -> None:
    assert not guard.allows(typed)
    screened = guard.screen(typed)
    assert not screened.startswith("/")
    assert screened.strip()


def test_plain_words_pass_untouched(guard: PayloadGuard) -> None:
    for text in ["I'm 16 and in Scotland", "  hello  ", "what about 50/50?", "🙂"]:
        assert guard.screen(text) == text


def test_a_good_payload_with_spaces_around_it_is_honoured(guard: PayloadGuard) -> None:
    assert guard.screen('  /inform{"nation": "scotland"}\n') == '/inform{"nation": "scotland"}'


def test_an_entity_filling_no_slot_carries_only_an_identifier(guard: PayloadGuard) -> None:
    assert guard.allows('/offence_detail{"offence_id": "ew_sharing_intimate_image"}')
    assert not guard.allows('/offence_detail{"offence_id": "Ew Sharing"}')
