"""Age-correct help in what the Rasa server says by itself, as a property: the crisis response, the
fallbacks (not understood, not caught), stopping and goodbye, and the technical-problem fallback our
channels send. Each is rendered by Rasa's own response generator, as in a conversation, for every age
the facts form can record (young_person true, false, or not known) and every nation:
- someone known to be 18 or over never gets Childline, nor any service outside its age rule;
- someone under 18 gets Childline, before any other helpline;
- where the age is not known, each service with an age rule is labelled with it.
The action server's entry points are checked the same way in tests/actions/services/test_age_correct_help.py.
"""

from __future__ import annotations

import asyncio
import re
from pathlib import Path
from typing import Any

import pytest
from rasa.core.nlg import TemplatedNaturalLanguageGenerator
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import SlotSet
from rasa.shared.core.trackers import DialogueStateTracker

from bot.channels.turns import FALLBACK_RESPONSE, LAST_RESORT, TurnRunner
from bot.help_lines import fallback_lines
from tests.age_rules import (
    AGE_RANGE,
    SERVICES,
    assert_childline_as_the_age_says,
    assert_within_age_rule,
    has_age_rule,
    named_in,
)

ROOT = Path(__file__).resolve().parents[3]
DOMAIN = Domain.load(str(ROOT / "bot" / "domain"))
# Where the person can meet a helpline without the action server.
ENTRY_POINTS = ["utter_crisis", "utter_default", "utter_rephrase", "utter_stop", "utter_goodbye", "utter_check_stop"]
# young_person as the facts form sets it with age_group: under 13 to 17, 18 or over, rather not say, not asked.
AGES = {"under_13": True, "13_15": True, "16_17": True, "18_plus": False, "not_said": None, None: None}
NATIONS = ["england", "wales", "scotland", "northern_ireland", "outside_uk", None]
AGE_LABEL = re.compile(r"under 1[89]|\badults?\b|18 (?:and|or) over|any age", re.I)


def tracker_for(age_group: str | None, nation: str | None) -> DialogueStateTracker:
    tracker = DialogueStateTracker("age-property", DOMAIN.slots)
    tracker.update(SlotSet("age_group", age_group))
    tracker.update(SlotSet("young_person", AGES[age_group]))
    tracker.update(SlotSet("nation", nation))
    return tracker


def check(text: str, age_group: str | None, where: str) -> None:
    offered = named_in(text)
    assert offered, f"{where}: no one to talk to"
    for service_id in offered:
        assert_within_age_rule(service_id, age_group, where)
        if age_group not in AGE_RANGE and has_age_rule(service_id):
            line = next(line for line in text.splitlines() if SERVICES[service_id]["name"] in line)
            assert AGE_LABEL.search(line.split(SERVICES[service_id]["name"], 1)[1][:40]), (
                f"{where}: {service_id} unlabelled"
            )
    assert_childline_as_the_age_says(offered, age_group, where)


def rendered(
    generator: TemplatedNaturalLanguageGenerator, response: str, tracker: DialogueStateTracker, **extra: Any
) -> str:
    message = asyncio.run(generator.generate(response, tracker, "rest", **extra))
    assert message and message.get("text"), response
    return str(message["text"])


@pytest.mark.parametrize("nation", NATIONS)
@pytest.mark.parametrize("age_group", list(AGES))
@pytest.mark.parametrize("response", ENTRY_POINTS)
def test_domain_responses_offer_help_for_the_persons_age(
    response: str, age_group: str | None, nation: str | None
) -> None:
    generator = TemplatedNaturalLanguageGenerator(DOMAIN.responses)
    text = rendered(generator, response, tracker_for(age_group, nation))
    if response == "utter_check_stop" and AGES[age_group] is not True:
        assert "Talk to a person" in str(DOMAIN.responses[response]), "the person can still ask for a helpline"
        return
    check(text, age_group, response)


@pytest.mark.parametrize("nation", NATIONS)
@pytest.mark.parametrize("age_group", list(AGES))
def test_the_technical_problem_fallback_offers_help_for_the_persons_age(
    age_group: str | None, nation: str | None
) -> None:
    runner = TurnRunner("rest")
    text = rendered(runner.fallback_generator, FALLBACK_RESPONSE, tracker_for(age_group, nation), **fallback_lines())
    assert "{" not in text, text
    check(text, age_group, "technical problem")


def test_the_last_resort_labels_every_line_because_it_knows_no_age() -> None:
    check(LAST_RESORT, None, "last resort")


def test_the_technical_fallback_states_each_services_hours_from_data_services() -> None:
    """The Revenge Porn Helpline's hours once lost "not bank holidays" in a copy: now they are read."""
    runner = TurnRunner("rest")
    text = rendered(runner.fallback_generator, FALLBACK_RESPONSE, tracker_for("18_plus", "england"), **fallback_lines())
    assert SERVICES["revenge_porn_helpline"]["hours"] in text
    assert "bank holidays" in SERVICES["revenge_porn_helpline"]["hours"]
