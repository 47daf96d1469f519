"""The data the action server states as fact: every service is sourced and dated, and every next step
names a service that exists, with the details its wording needs."""

from __future__ import annotations

import datetime as dt
import string
from typing import Any

import pytest
import yaml

from actions import content, facts
from actions.routing import Facts
from actions.routing import plan as next_steps
from actions.settings import settings
from actions.summary import describe_step

with open(settings().reclaim_data_dir / "services" / "core.yml", encoding="utf-8") as _file:
    SERVICE_IDS = [entry["id"] for entry in yaml.safe_load(_file)["services"]]
SERVICES = content.services()
STEP_TEMPLATES = content.summary()["steps"]

# The steps next_steps produces over a spread of answers that reaches every branch.
REACHABLE_STEPS = {
    step
    for situations in [(s,) for s in facts.SITUATIONS] + [("fake_images", "shared_without_consent"), ()]
    for group in [*facts.AGE_GROUPS, None]
    for image in [*facts.AGES_AT_IMAGE, None]
    for nation in ("england", "outside_uk")
    for goal in ("report_police", None)
    for supporter in (False, True)
    for extra in (
        {},
        {"danger": True},
        {"platforms": ("instagram", "google"), "platform_refused": True},
        {"perpetrator": "partner_or_ex", "audiences": ("men", "lgbt")},
        {"perpetrator": "partner_or_ex"},
    )
    for step in next_steps(
        Facts(
            situations=situations,
            age_group=group,
            age_at_image=image,
            nation=nation,
            goal=goal,
            supporter=supporter,
            **extra,
        )
    )
}
# Filled in from the moment of asking, not from the service entry.
COMPUTED_FIELDS = {"open_now"}


def placeholders(template: str) -> set[str]:
    return {field for _, field, _, _ in string.Formatter().parse(template) if field}


@pytest.mark.parametrize("service_id", sorted(SERVICES))
def test_every_service_is_named_sourced_dated_and_confirmed_or_not(service_id: str) -> None:
    service = SERVICES[service_id]
    assert isinstance(service["name"], str) and service["name"].strip()
    assert isinstance(service["sources"], list) and service["sources"]
    assert all(isinstance(source, str) and source.strip() for source in service["sources"])
    assert isinstance(service["last_reviewed"], dt.date)
    assert service["last_reviewed"] <= dt.date.today()
    assert isinstance(service["confirmed"], bool)


def test_service_ids_are_unique_words() -> None:
    assert all(isinstance(service_id, str) and service_id.isidentifier() for service_id in SERVICE_IDS)
    assert len(SERVICE_IDS) == len(set(SERVICE_IDS))


def test_every_template_is_used_and_every_used_template_exists() -> None:
    assert {step.template for step in REACHABLE_STEPS} == set(STEP_TEMPLATES)


@pytest.mark.parametrize("step", sorted(REACHABLE_STEPS, key=str), ids=lambda step: f"{step.template}-{step.service}")
def test_every_step_names_a_confirmed_service_with_the_details_its_wording_needs(step: Any) -> None:
    needed = placeholders(STEP_TEMPLATES[step.template])
    if step.platform is not None:
        assert needed == {"platform", "how"}
        return
    if step.service is None:
        assert needed == set(), "a step without a service cannot fill in a service's details"
        return
    assert step.service in SERVICES, f"{step.template} names {step.service}, which is not in data/services/core.yml"
    service = SERVICES[step.service]
    assert service["confirmed"] is True, "the bot must not state an unconfirmed service as fact"
    assert needed, "a step routed to a service should give its name, number or address"
    text = describe_step(step, content.summary())
    for field in needed - COMPUTED_FIELDS:
        assert service.get(field), f"{step.service} has no {field} for the {step.template} step"
        assert str(service[field]) in text


# The values each slot can hold, and so the ones the summary must put into words ("not_said" is
# always "you chose not to say"; platforms are named from data/platforms).
SLOT_VALUES = {
    "situation": facts.SITUATIONS,
    "age_group": facts.AGE_GROUPS,
    "age_at_image": facts.AGES_AT_IMAGE,
    "nation": facts.NATIONS,
    "when": facts.WHEN,
    "perpetrator": facts.PERPETRATORS,
    "platforms": facts.PLATFORM_ANSWERS,
    "goal": facts.GOALS,
}


@pytest.mark.parametrize("slot", sorted(SLOT_VALUES))
def test_the_summary_has_words_for_every_value(slot: str) -> None:
    # Read as the action server reads it: YAML 1.1 would turn the id 13_15 into the number 1315.
    described = content.summary()["values"][slot]
    assert set(described) == set(SLOT_VALUES[slot]) - {facts.NOT_SAID}
    assert all(isinstance(words, str) and words for words in described.values())
