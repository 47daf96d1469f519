"""Answers to the questions survivors ask (data/faq, actions/answers.py): the knowledge is complete and
sourced, every age and nation variant is reached by the person it is written for, and the answer lists
the right services with their real numbers."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import answers, content
from tests.actions.tracker_helpers import make_tracker, texts

NOW = dt.datetime(2026, 11, 24, 12, 0, tzinfo=dt.UTC)  # a Tuesday at noon: office-hours lines open
FAQ = content.faq()
CONDITIONS = {"under_18", "image_under_18", "nation", "supporter"}
NATIONS = {"england", "wales", "scotland", "northern_ireland", "outside_uk"}
# A UK phone number in prose: numbers must come from data/services, never from answer text.
PHONE = re.compile(r"\b(?:0\d{2,4}\s?\d{3,4}\s?\d{3,4}|999|101|116\s?123|0800\s?1111)\b")
# The questions the issue names, by topic: each must exist.
REQUIRED = [
    "hashing_how_it_works", "hashing_who_sees", "hashing_which_service", "hashing_platforms", "hashing_what_next",
    "hashing_how_long", "report_remove_how", "take_it_down_how",
    "find_out_parents", "find_out_school", "find_out_employer", "find_out_partner", "find_out_perpetrator",
    "police_anonymity", "police_what_happens", "police_what_they_ask", "police_evidence_needed", "police_court",
    "police_withdraw", "under18_in_trouble",
    "sextortion_already_paid", "sextortion_sent_more", "sextortion_send_to_family",
    "evidence_what_to_keep", "evidence_under18_screenshots", "reposting", "removal_platform_time", "removal_google",
    "civil_routes", "cost", "chat_private", "can_he_see", "clear_history", "outside_uk",
    "crime_if_fake", "crime_if_married", "crime_if_sent_willingly", "crime_if_not_posted",
]  # fmt: skip


def all_texts(entry: dict[str, Any]) -> list[str]:
    return [entry["answer"], *(variant["text"] for variant in entry.get("variants") or [])]


def slots_meeting(conditions: dict[str, Any]) -> dict[str, Any]:
    """Slot values under which exactly these conditions hold, and nothing else is known."""
    slots: dict[str, Any] = {"role": "supporter" if conditions.get("supporter") else "survivor"}
    if "under_18" in conditions:
        slots["age_group"] = "13_15" if conditions["under_18"] else "18_plus"
    if "image_under_18" in conditions and not conditions.get("under_18"):
        slots["age_at_image"] = "under_18" if conditions["image_under_18"] else "18_plus"
    if "nation" in conditions:
        nation = conditions["nation"]
        slots["nation"] = nation[0] if isinstance(nation, list) else nation
    return slots


# ---- the knowledge ------------------------------------------------------------------------------


def test_at_least_forty_questions_including_every_one_the_issue_names() -> None:
    assert len(FAQ) >= 40
    assert not [question for question in REQUIRED if question not in FAQ]


@pytest.mark.parametrize("question_id", sorted(FAQ))
def test_each_question_is_complete_and_sourced(question_id: str) -> None:
    entry = FAQ[question_id]
    assert re.fullmatch(r"[a-z0-9_]+", question_id)
    assert entry["question"].strip()
    paraphrases = [" ".join(p.lower().split()) for p in entry["paraphrases"]]
    assert len(set(paraphrases)) >= 12, "at least 12 different paraphrases"
    assert entry["sources"] and all("shared/" not in str(source) for source in entry["sources"])
    assert isinstance(entry["last_reviewed"], dt.date)
    assert entry["confirmed"] in (True, False)
    for service_id in entry.get("services") or []:
        assert service_id in content.services(), service_id
    for variant in entry.get("variants") or []:
        assert set(variant["when"]) <= CONDITIONS
        assert set(variant["when"].get("nation") or []) <= NATIONS
        for service_id in variant.get("services") or []:
            assert service_id in content.services(), service_id


@pytest.mark.parametrize("question_id", sorted(FAQ))
def test_answers_are_short_and_name_no_number_of_their_own(question_id: str) -> None:
    for text in all_texts(FAQ[question_id]):
        assert len(text.split()) <= 110, "short answers"
        assert not PHONE.search(text), "numbers come from data/services"


def test_a_paraphrase_belongs_to_one_question_only() -> None:
    seen: dict[str, str] = {}
    for question_id, entry in FAQ.items():
        for paraphrase in entry["paraphrases"]:
            key = " ".join(paraphrase.lower().split())
            assert seen.setdefault(key, question_id) == question_id, paraphrase


def test_law_answers_say_they_are_not_legal_advice() -> None:
    for question_id in ("crime_if_fake", "crime_if_married", "crime_if_sent_willingly", "crime_if_not_posted"):
        for text in all_texts(FAQ[question_id]):
            assert "not legal advice" in text, question_id


# ---- the variant that fits the person ------------------------------------------------------------


VARIANTS = [
    (question_id, index)
    for question_id, entry in sorted(FAQ.items())
    for index, _ in enumerate(entry.get("variants") or [])
]


@pytest.mark.parametrize(("question_id", "index"), VARIANTS)
def test_every_variant_is_given_to_the_person_it_is_written_for(question_id: str, index: int) -> None:
    entry = FAQ[question_id]
    variant = entry["variants"][index]
    text, _ = answers.choose(entry, answers.known_facts(slots_meeting(variant["when"])))
    assert text == variant["text"]


@pytest.mark.parametrize("question_id", sorted(FAQ))
def test_someone_who_has_said_nothing_gets_the_default_answer(question_id: str) -> None:
    text, services = answers.choose(FAQ[question_id], answers.known_facts({"role": "survivor"}))
    assert text == FAQ[question_id]["answer"]
    assert services == list(FAQ[question_id].get("services") or [])


def test_nation_variants_differ_where_the_law_differs() -> None:
    entry = FAQ["police_anonymity"]
    by_nation = {
        n: answers.choose(entry, answers.known_facts({"nation": n, "role": "survivor"}))[0]
        for n in ("england", "scotland", "northern_ireland")
    }
    assert len(set(by_nation.values())) == 3


def test_which_hashing_service_depends_on_age_in_the_image() -> None:
    entry = FAQ["hashing_which_service"]
    young = answers.choose(entry, answers.known_facts({"age_group": "13_15", "nation": "england", "role": "survivor"}))[
        0
    ]
    adult_then_child = answers.choose(
        entry, answers.known_facts({"age_group": "18_plus", "age_at_image": "under_18", "role": "survivor"})
    )[0]
    adult = answers.choose(
        entry, answers.known_facts({"age_group": "18_plus", "age_at_image": "18_plus", "role": "survivor"})
    )[0]
    assert "Report Remove" in young
    assert "Take It Down" in adult_then_child
    assert "StopNCII" in adult


# ---- what the person sees ------------------------------------------------------------------------------


def answer_for(question_id: str, **slots: Any) -> dict[str, Any]:
    dispatcher = CollectingDispatcher()
    answers.answer_question(dispatcher, question_id, {"role": "survivor", **slots}, now=NOW)
    (message,) = dispatcher.messages
    return message


def test_services_are_listed_with_their_real_numbers_and_links() -> None:
    message = answer_for("sextortion_already_paid", age_group="18_plus")
    assert "Revenge Porn Helpline: 0345 6000 459" in message["text"]
    assert "Police non-emergency: 101" in message["text"]
    urls = [link["url"] for link in message["custom"]["links"]]
    assert "tel:+443456000459" in urls
    assert message["custom"]["question"] == "sextortion_already_paid"


def test_a_young_person_is_never_sent_to_an_adults_only_service() -> None:
    message = answer_for("hashing_how_it_works", age_group="13_15")
    assert "Report Remove" in message["text"]
    assert "StopNCII.org:" not in message["text"]  # for images taken at 18 or over


def test_an_adult_is_not_sent_to_a_service_for_under_18s() -> None:
    message = answer_for("hashing_how_it_works", age_group="18_plus", age_at_image="18_plus")
    assert "StopNCII.org:" in message["text"]
    assert "Report Remove (Childline and IWF):" not in message["text"]


def question_tracker(question_id: str | None, intent: str = "faq", embedded: bool = False, **kwargs: Any) -> Tracker:
    question = {"id": question_id, "confidence": 0.9, "embedded": embedded} if question_id else None
    tracker = make_tracker(intent=intent, message={"question": question} if question else {}, **kwargs)
    tracker.active_loop = {}
    return tracker


async def test_action_answers_and_offers_to_carry_on() -> None:
    dispatcher = CollectingDispatcher()
    events = await answers.ActionAnswerQuestion().run(dispatcher, question_tracker("cost"), {})
    assert dispatcher.messages[0]["text"].startswith(FAQ["cost"]["answer"].strip()[:40])
    assert [b["payload"] for b in dispatcher.messages[0]["buttons"]] == ["/carry_on", "/talk_to_someone"]
    assert events == [{"event": "slot", "timestamp": None, "name": "last_question", "value": "cost"}]


async def test_an_unknown_question_is_met_with_a_gentle_ask_again() -> None:
    dispatcher = CollectingDispatcher()
    events = await answers.ActionAnswerQuestion().run(dispatcher, question_tracker("no_such_question"), {})
    assert "not sure which question" in texts(dispatcher)[0]
    assert events == []


def test_a_question_inside_a_crisis_message_is_left_to_the_crisis_rule() -> None:
    assert answers.question_asked(question_tracker("police_court", intent="crisis", embedded=True)) is None
    assert (
        answers.question_asked(question_tracker("police_court", intent="report_shared", embedded=True))
        == "police_court"
    )


async def test_what_happened_in_a_question_is_acknowledged_once_and_kept() -> None:
    # Rasa's action_extract_slots may already have put this message's situations in the slot.
    message = {
        "question": {"id": "crime_if_married", "confidence": 0.9, "embedded": False},
        "entities": [{"entity": "cue_taken", "value": "…"}, {"entity": "cue_shared", "value": "…"}],
    }
    tracker = make_tracker(intent="faq", now={"situation": ["taken_without_consent"]}, message=message)
    tracker.active_loop = {}
    dispatcher = CollectingDispatcher()
    events = await answers.ActionAnswerQuestion().run(dispatcher, tracker, {})
    said = texts(dispatcher)
    assert "married" in said[0].lower()  # the answer first
    assert any("Nobody had the right to take those images" in text for text in said[1:])
    assert any("Having private images shared" in text for text in said[1:])
    assert {
        "event": "slot",
        "timestamp": None,
        "name": "situation",
        "value": ["taken_without_consent", "shared_without_consent"],
    } in events
    assert [b["title"] for b in dispatcher.messages[0]["buttons"]] == ["Carry on", "Talk to a person"]


async def test_a_question_about_paying_a_blackmailer_is_heard_as_a_threat() -> None:
    tracker = question_tracker("sextortion_already_paid")
    dispatcher = CollectingDispatcher()
    events = await answers.ActionAnswerQuestion().run(dispatcher, tracker, {})
    assert {"event": "slot", "timestamp": None, "name": "situation", "value": ["threat_to_share"]} in events
    said = " ".join(texts(dispatcher))
    assert "Being threatened like this is frightening" in said
    assert "please don't pay and don't send anything" not in said  # the answer already covers paying


def test_each_link_is_counted_for_its_own_service_when_some_are_left_out_for_age() -> None:
    message = answer_for("hashing_how_it_works", age_group="13_15")  # StopNCII.org left out
    link_services = message["custom"]["link_services"]
    for service_id in message["custom"]["services"]:
        service = content.services()[service_id]
        if service.get("web"):
            assert link_services[service["web"]] == service_id
    assert "stopncii" not in message["custom"]["services"]
