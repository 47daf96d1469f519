"""validate_facts_form hears everything a message says, whenever it says it (issue 12): other situations
named beside the main one, what someone being blackmailed has already done, a question asked in the
middle of answering one, facts given out of order; and it leaves safety requests to their rules."""

from __future__ import annotations

from typing import Any

import pytest
import yaml
from rasa_sdk.executor import CollectingDispatcher

from actions.facts_form import ValidateFactsForm
from tests.actions.tracker_helpers import ROOT, make_tracker, texts


def domain() -> dict[str, Any]:
    merged: dict[str, Any] = {"slots": {}, "forms": {}}
    for path in (ROOT / "bot" / "domain").glob("*.yml"):
        part = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        merged["slots"].update(part.get("slots") or {})
        merged["forms"].update(part.get("forms") or {})
    return merged


def entities(*names: str) -> dict[str, Any]:
    return {"entities": [{"entity": name, "value": "…"} for name in names]}


def slots_set(events: list[dict[str, Any]]) -> dict[str, Any]:
    return {event["name"]: event["value"] for event in events if event.get("event") == "slot"}


async def test_a_second_situation_in_the_same_message_is_added_and_acknowledged(form: ValidateFactsForm) -> None:
    dispatcher = CollectingDispatcher()
    tracker = make_tracker(
        intent="report_taken_secretly",
        now={"situation": ["taken_without_consent"]},
        requested_slot=None,
        message=entities("cue_taken", "cue_shared"),
    )
    events = await form.run(dispatcher, tracker, domain())
    assert slots_set(events)["situation"] == ["taken_without_consent", "shared_without_consent"]
    said = " ".join(texts(dispatcher))
    assert "Nobody had the right to take those images" in said
    assert "Having private images shared" in said


async def test_someone_who_already_paid_is_not_told_dont_pay_as_if_it_were_news(form: ValidateFactsForm) -> None:
    dispatcher = CollectingDispatcher()
    tracker = make_tracker(
        intent="report_threat", now={"situation": ["threat_to_share"]}, message=entities("complied_paid")
    )
    events = await form.run(dispatcher, tracker, domain())
    said = " ".join(texts(dispatcher))
    assert "You've already paid. That is not your fault" in said
    assert "please don't pay and don't send anything" not in said
    assert slots_set(events)["complied"] == ["paid"]


async def test_someone_who_already_sent_more_is_told_it_is_not_their_fault(form: ValidateFactsForm) -> None:
    dispatcher = CollectingDispatcher()
    tracker = make_tracker(
        intent="report_threat", now={"situation": ["threat_to_share"]}, message=entities("complied_sent_more")
    )
    await form.run(dispatcher, tracker, domain())
    assert "You've already sent more. That is not your fault" in " ".join(texts(dispatcher))


async def test_a_question_mid_form_is_answered_and_keeps_the_forms_place(form: ValidateFactsForm) -> None:
    dispatcher = CollectingDispatcher()
    tracker = make_tracker(
        intent="faq",
        before={"situation": ["shared_without_consent"], "more_situations": "done"},
        requested_slot="age_group",
        message={"question": {"id": "find_out_employer", "confidence": 0.9, "embedded": False}},
    )
    events = await form.run(dispatcher, tracker, domain())
    assert slots_set(events) == {"last_question": "find_out_employer"}  # so the form is not rejected
    assert len(dispatcher.messages) == 1  # the answer; Rasa then asks the age question again


async def test_an_answer_and_a_question_in_one_message_both_count(form: ValidateFactsForm) -> None:
    dispatcher = CollectingDispatcher()
    tracker = make_tracker(
        intent="inform",
        before={"situation": ["threat_to_share"], "more_situations": "done"},
        requested_slot="age_group",
        now={"age_group": "15"},
        message={"question": {"id": "find_out_parents", "confidence": 0.8, "embedded": True}},
    )
    events = await form.run(dispatcher, tracker, domain())
    heard = slots_set(events)
    assert heard["age_group"] == "13_15" and heard["age_at_image"] == "under_18"
    assert heard["last_question"] == "find_out_parents"
    assert "Childline" in texts(dispatcher)[-1]  # the answer for someone aged 15


@pytest.mark.parametrize(
    "intent", ["crisis", "stop", "end_chat", "not_safe_now", "talk_to_someone", "delete_conversation"]
)
async def test_safety_and_control_requests_are_left_to_their_rules(form: ValidateFactsForm, intent: str) -> None:
    dispatcher = CollectingDispatcher()
    tracker = make_tracker(
        intent=intent,
        before={"situation": ["shared_without_consent"]},
        requested_slot="more_situations",
        now={"age_group": "19"},
        message={"question": {"id": "cost", "confidence": 0.9, "embedded": True}},
    )
    assert await form.run(dispatcher, tracker, domain()) == []
    assert dispatcher.messages == []


async def test_facts_given_at_anything_else_count_as_thats_all(form: ValidateFactsForm) -> None:
    dispatcher = CollectingDispatcher()
    tracker = make_tracker(
        intent="inform",
        before={"situation": ["shared_without_consent"]},
        requested_slot="more_situations",
        now={"age_group": "I'm 24", "nation": "england"},
    )
    heard = slots_set(await form.run(dispatcher, tracker, domain()))
    assert heard["age_group"] == "18_plus" and heard["nation"] == "england"
    assert heard["more_situations"] == "done"


async def test_who_did_it_said_earlier_is_not_replaced_by_a_later_mention(form: ValidateFactsForm) -> None:
    dispatcher = CollectingDispatcher()
    tracker = make_tracker(
        intent="inform",
        before={"situation": ["shared_without_consent"], "perpetrator": "partner_or_ex"},
        requested_slot="platforms",
        now={"perpetrator": "someone_known", "platforms": ["instagram"]},
    )
    heard = slots_set(await form.run(dispatcher, tracker, domain()))
    assert heard["perpetrator"] == "partner_or_ex"
    assert heard["platforms"] == ["instagram"]


async def test_a_place_someone_lives_is_heard_at_another_question(
    form: ValidateFactsForm, monkeypatch: pytest.MonkeyPatch
) -> None:
    looked_up: list[str] = []

    async def lookup(place: str) -> str | None:
        looked_up.append(place)
        return "wales" if place.lower() == "tonypandy" else None

    monkeypatch.setattr(ValidateFactsForm, "lookup_nation", staticmethod(lookup))
    dispatcher = CollectingDispatcher()
    tracker = make_tracker(
        intent="inform",
        before={"situation": ["shared_without_consent"], "more_situations": "done"},
        requested_slot="age_group",
        now={"age_group": "I'm 20"},
        message={"text": "I'm 20 and I live in Tonypandy"},
    )
    heard = slots_set(await form.run(dispatcher, tracker, domain()))
    assert heard["nation"] == "wales" and heard["age_group"] == "18_plus"
    assert looked_up == ["Tonypandy"]  # only the place, never the sentence


def test_the_slot_mappings_and_the_form_agree_on_what_interrupts() -> None:
    from actions.facts_form import INTERRUPTING_INTENTS

    slots = yaml.safe_load((ROOT / "bot" / "domain" / "slots.yml").read_text(encoding="utf-8"))
    assert set(slots["x-interrupting"]) == INTERRUPTING_INTENTS
    perpetrator = next(m for m in slots["slots"]["perpetrator"]["mappings"] if m.get("entity") == "perpetrator")
    assert set(perpetrator["not_intent"]) == INTERRUPTING_INTENTS | {"helping_someone"}
