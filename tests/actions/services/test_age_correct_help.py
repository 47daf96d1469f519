"""Age-correct help from every entry point the action server answers, as a property.

For each entry point (talk to a person, a failed or unavailable call back, the summary and every page of
"more steps", and the answer to every common question), each age the person can be (under 13, 13 to 15,
16 or 17, 18 or over, rather not say, not asked yet), each nation and each role:
- no service is offered outside its age rule (data/services: age_min, age_max), and never outside the
  nations it serves;
- someone known to be 18 or over never gets Childline;
- someone under 18 gets Childline, before any other helpline;
- where the age is not known, a service with an age rule is labelled with it where it is named.
The same property for the Rasa server's own responses is in tests/bot/domain/test_age_correct_help.py.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from typing import Any

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions import answers, callback_form, content, facts, handoff, summary
from tests.actions.tracker_helpers import make_tracker
from tests.age_rules import (
    AGE_RANGE,
    SERVICES,
    assert_childline_as_the_age_says,
    assert_serves_nation,
    assert_within_age_rule,
    has_age_rule,
    named_in,
)

NOW = dt.datetime(2026, 11, 24, 12, 0, tzinfo=dt.UTC)  # a Tuesday at noon: office-hours lines open
AGE_GROUPS = ("under_13", "13_15", "16_17", "18_plus", "not_said", None)
# The youngest and oldest age in each group.
NATIONS = ("england", "wales", "scotland", "northern_ireland", "outside_uk", None)
ROLES = ("survivor", "supporter")
# Words that say who a service is for, next to its name.
AGE_LABEL = re.compile(
    r"under 1[89]|\badults?\b|18 (?:and|or) over|over 18|aged? \d+|young people|worried about a child", re.I
)


def slots_for(age_group: str | None, nation: str | None, role: str) -> dict[str, Any]:
    """The slots as the facts form leaves them for this age (young_person is set with age_group)."""
    slots: dict[str, Any] = {"age_group": age_group, "nation": nation, "role": role}
    if age_group is not None:
        slots["young_person"] = None if age_group == facts.NOT_SAID else facts.is_under_18(age_group)
    if facts.is_under_18(age_group):
        slots["age_at_image"] = "under_18"
    if role == "survivor":
        slots["situation"] = ["shared_without_consent"]
        slots["goal"] = "remove_images"
    return slots


CASES = list(itertools.product(AGE_GROUPS, NATIONS, ROLES))


def case_id(case: tuple[str | None, str | None, str]) -> str:
    return "-".join(str(part) for part in case)


def line_naming(text: str, service_id: str) -> str:
    service = SERVICES[service_id]
    return next(line for line in text.splitlines() if service["name"] in line or (service.get("phone") or "@") in line)


def check(offered: list[str], text: str, age_group: str | None, nation: str | None, where: str) -> None:
    """The property itself, for one message (or one conversation's pages)."""
    for service_id in offered:
        assert_within_age_rule(service_id, age_group, where)
        if age_group not in AGE_RANGE and has_age_rule(service_id) and text:
            assert AGE_LABEL.search(line_naming(text, service_id)), f"{where}: {service_id} offered without its age"
        assert_serves_nation(service_id, nation, where)
    assert_childline_as_the_age_says(offered, age_group, where)


def run(action: Any, slots: dict[str, Any], **tracker_options: Any) -> list[dict[str, Any]]:
    import asyncio

    dispatcher = CollectingDispatcher()
    tracker = make_tracker(before=slots, **tracker_options)
    asyncio.run(action.run(dispatcher, tracker, {}))
    return dispatcher.messages


@pytest.fixture(autouse=True)
def tuesday_noon(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(handoff, "london_now", lambda: NOW)
    monkeypatch.setattr(callback_form, "london_now", lambda: NOW)
    monkeypatch.setattr(answers, "london_now", lambda: NOW, raising=False)
    monkeypatch.setattr(summary, "london_now", lambda: NOW, raising=False)


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_talk_to_a_person(case: tuple[str | None, str | None, str]) -> None:
    age_group, nation, role = case
    (message,) = run(handoff.ActionTalkToPerson(), slots_for(*case))
    check(named_in(message["text"]), message["text"], age_group, nation, "talk to a person")


@pytest.mark.parametrize("outcome", [callback_form.FAILED, None], ids=["callback-failed", "callback-unavailable"])
@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_call_back_failed_or_unavailable(case: tuple[str | None, str | None, str], outcome: str | None) -> None:
    age_group, nation, role = case
    slots = {**slots_for(*case), "callback_contact": outcome, "callback_consent": "yes"}
    (message,) = run(callback_form.ActionCallbackOutcome(), slots)
    check(named_in(message["text"]), message["text"], age_group, nation, f"call back {outcome}")


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_summary_and_every_page_of_more_steps(case: tuple[str | None, str | None, str]) -> None:
    age_group, nation, role = case
    slots = slots_for(*case)
    messages = run(summary.ActionSummarise(), slots)
    shown = len(summary.routing_plan(make_tracker(before=slots)))
    pages = [messages[-1]]
    for start in range(summary.STEPS_AT_A_TIME, shown, summary.STEPS_AT_A_TIME):
        pages.append(run(summary.ActionMoreSteps(), {**slots, "steps_shown": float(start)})[-1])
    text = "\n".join(page["text"] for page in pages)
    offered = [s for page in pages for s in (page.get("custom") or {}).get("services", [])]
    assert offered, "the next steps should name services"
    check(list(dict.fromkeys(offered)), text, age_group, nation, "summary and more steps")


# Childline named as a place to turn to, not as where Report Remove comes from ("from Childline and the IWF").
CHILDLINE_AS_HELP = re.compile(r"(?<!from )(?<!\()\bChildline\b(?! and (?:the )?I(?:WF|nternet Watch))")


@pytest.mark.parametrize("question", sorted(content.faq()))
def test_every_answer_to_a_common_question(question: str) -> None:
    """The services listed under an answer follow the property; its prose never sends an adult to Childline."""
    for age_group, nation, role in CASES:
        message = {answers.QUESTION_KEY: {"id": question, "confidence": 1.0}}
        messages = run(
            answers.ActionAnswerQuestion(), slots_for(age_group, nation, role), intent="faq", message=message
        )
        answer = messages[0]["text"]
        listed = "\n".join(line for line in answer.splitlines() if line.startswith("- "))
        prose = "\n".join(line for line in answer.splitlines() if not line.startswith("- "))
        where = f"answer {question} ({age_group}, {nation}, {role})"
        offered = named_in(listed)
        for service_id in offered:  # an answer lists what fits the age; Childline is not needed in each one
            assert_within_age_rule(service_id, age_group, where)
            assert_serves_nation(service_id, nation, where)
        if age_group == "18_plus" and role == "survivor":
            assert "childline" not in offered and not CHILDLINE_AS_HELP.search(prose), where
