"""Answers to the questions survivors ask (data/faq): the variant that fits what the person has told
us, and the services it links, with their numbers, hours and links from data/services.

action_answer_question answers outside the questions; validate_facts_form uses `answer_question` to
answer in the middle of them, so the form keeps its place and asks its question again.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import acknowledge, content, facts, understanding
from actions.history import value_before_latest_message
from actions.opening_hours import describe, status
from actions.summary import london_now, service_links

# Set after every answer: the form is then never rejected for a message that only asked a question.
LAST_QUESTION_SLOT = "last_question"
QUESTION_KEY = "question"  # parse data written by bot/components/intent_classifier.py
FAQ_INTENT = "faq"
EMBEDDED_QUESTION_INTENTS = frozenset(
    {
        "report_shared",
        "report_threat",
        "report_fake",
        "report_taken_secretly",
        "report_cyberflashing",
        "report_unsure",
        "helping_someone",
        "inform",
        "feeling_upset",
        "dont_know",
        "out_of_scope",
        "nlu_fallback",
    }
)


def question_asked(tracker: Tracker) -> str | None:
    """The id of the question the latest message asks, if it is one we know."""
    message = tracker.latest_message or {}
    question = message.get(QUESTION_KEY) or {}
    question_id = question.get("id")
    if not question_id or question_id not in content.faq():
        return None
    intent = (message.get("intent") or {}).get("name")
    # A question found inside a message about something else is answered only beside what happened, a
    # fact or a feeling: safety and control requests (crisis, stop, delete, ...) go to their own rules.
    if intent != FAQ_INTENT and intent not in EMBEDDED_QUESTION_INTENTS:
        return None
    return str(question_id)


def implied_situation(question_id: str) -> str | None:
    """The situation a question tells us about ("I already paid him": a threat), from data/faq."""
    return content.faq().get(question_id, {}).get("implies_situation")


def known_facts(slots: dict[str, Any]) -> dict[str, Any]:
    """What the variant conditions can test: None where the person has not said."""
    group = facts.age_group(slots.get("age_group"))
    under_18 = facts.young_person(group)
    at_image = facts.age_at_image(slots.get("age_at_image"))
    if under_18:
        image_under_18: bool | None = True
    elif at_image in ("under_18", "18_plus"):
        image_under_18 = at_image == "under_18"
    else:
        image_under_18 = None
    nation = facts.nation(slots.get("nation"))
    return {
        "age_group": None if group == facts.NOT_SAID else group,
        "under_18": under_18,
        "image_under_18": image_under_18,
        "nation": None if nation == facts.NOT_SAID else nation,
        "supporter": slots.get("role") == "supporter",
    }


def _holds(conditions: dict[str, Any], known: dict[str, Any]) -> bool:
    for name, wanted in conditions.items():
        value = known.get(name)
        if value is None:
            return False
        if isinstance(wanted, list):
            if value not in wanted:
                return False
        elif value != wanted:
            return False
    return True


def choose(entry: dict[str, Any], known: dict[str, Any]) -> tuple[str, list[str]]:
    """The answer text and service ids: the first variant whose conditions all hold, else the default."""
    for variant in entry.get("variants") or []:
        if _holds(variant.get("when") or {}, known):
            return variant["text"], list(variant.get("services") or entry.get("services") or [])
    return entry["answer"], list(entry.get("services") or [])


def _fits_age(service: dict[str, Any], known: dict[str, Any]) -> bool:
    """A service is left out when the person is known to be outside its ages (data/services age_min,
    age_max). For a takedown service for adults' images (StopNCII.org) what counts is the age in the
    images: it is left out when they were under 18 in them, whatever their age now."""
    if service.get("kind") == "takedown" and (service.get("age_min") or 0) >= 18:
        return known["image_under_18"] is not True
    return facts.fits_age_rule(known["age_group"], service.get("age_min"), service.get("age_max")) is not False


def service_line(service: dict[str, Any], now: dt.datetime) -> str:
    """ "Childline: 0800 1111 (24/7)" or "StopNCII.org: https://stopncii.org", with whether it is open now."""
    parts = [service["name"] + ":"]
    if service.get("phone"):
        parts.append(service["phone"])
    elif service.get("web"):
        parts.append(service["web"])
    if service.get("hours") and service.get("phone"):
        parts.append(f"({service['hours']})")
    opening_hours = service.get("opening_hours") or {}
    if service.get("phone") and opening_hours and not opening_hours.get("always"):
        said = describe(status(opening_hours, now, content.bank_holidays()), now)
        if said:
            parts.append(f"{said}.")
    return " ".join(parts)


def answer_question(
    dispatcher: CollectingDispatcher,
    question_id: str,
    slots: dict[str, Any],
    buttons: list[dict[str, str]] | None = None,
    now: dt.datetime | None = None,
) -> None:
    """Sends the answer that fits the person, with its services listed under it."""
    entry = content.faq()[question_id]
    known = known_facts(slots)
    text, service_ids = choose(entry, known)
    # (id, service) pairs, so an id always names its own service once some are left out for age.
    shown = [(service_id, content.live_service(service_id)) for service_id in service_ids]
    shown = [(service_id, service) for service_id, service in shown if _fits_age(service, known)]
    moment = now or london_now()
    lines = [text.strip(), *(f"- {service_line(service, moment)}" for _, service in shown)]
    link_services = {link["url"]: service_id for service_id, service in shown for link in service_links(service)}
    custom: dict[str, Any] = {"question": question_id}
    if link_services:
        links = [link for _, service in shown for link in service_links(service)]
        custom.update(links=links, services=list(dict.fromkeys(link_services.values())), link_services=link_services)
    dispatcher.utter_message(text="\n".join(lines), buttons=buttons or [], json_message=custom)


def slots_of(tracker: Tracker) -> dict[str, Any]:
    return {name: tracker.get_slot(name) for name in ("age_group", "age_at_image", "nation", "role")}


class ActionAnswerQuestion(Action):
    """Answers a question outside the form's questions, then offers to carry on."""

    def name(self) -> str:
        return "action_answer_question"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list:
        wording = content.questions()["answers"]
        question_id = question_asked(tracker)
        if question_id is None:
            dispatcher.utter_message(text=wording["not_sure_which"], buttons=list(wording["after_buttons"]))
            return []
        # What happened, if the question says (a second situation named, or one the question implies):
        # kept for the questions, and acknowledged once, after the answer.
        # Rasa may already have put this message's situations in the slot (action_extract_slots runs
        # validate_facts_form on every message, and drops what it says): compare with the value before.
        before = facts.situations(value_before_latest_message(tracker, "situation") or [])
        named = facts.situations(tracker.get_slot("situation") or []) + understanding.situations_named(
            tracker.latest_message
        )
        implied = implied_situation(question_id)
        heard = facts.merge_situations(before, named + ([implied] if implied else []))
        new = [situation for situation in heard if situation not in before]
        buttons = wording["after_buttons_heard"] if heard else wording["after_buttons"]
        answer_question(dispatcher, question_id, slots_of(tracker), buttons=list(buttons))
        acknowledge.acknowledge(dispatcher, tracker, new, first_steps=implied != "threat_to_share")
        events = [SlotSet(LAST_QUESTION_SLOT, question_id)]
        if new:
            events.append(SlotSet("situation", heard))
        complied = understanding.complied_named(tracker.latest_message)
        if complied:
            events.append(SlotSet("complied", understanding.merge(tracker.get_slot("complied"), complied)))
        return events
