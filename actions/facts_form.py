"""validate_facts_form: checks and normalises every answer to the questions, and decides which
questions apply. An answer that cannot be used is never stored: the person is told kindly and the
question is asked again."""

from __future__ import annotations

import datetime as dt
from typing import Any, Callable
from zoneinfo import ZoneInfo

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import FormValidationAction
from rasa_sdk.types import DomainDict

import os
import re

from actions import content, facts, postcodes
from actions.history import value_before_latest_message

LONDON = ZoneInfo("Europe/London")
# Where postcodes and towns are looked up; empty turns the lookup off (then the nation buttons are used).
POSTCODE_LOOKUP_URL = os.environ.get("POSTCODE_LOOKUP_URL", "https://api.postcodes.io")
# "I live in Tonypandy", "near Leeds", "it's CF10 1AA": the words around a place that are not the place.
_PLACE_PREFIX = re.compile(r"^(?:(?:i\s*(?:'m|am)?\s*)?(?:live|living|based|from|in|near|at|it'?s|its|my postcode is)\s+)+", re.I)
_POSTCODE_IN_TEXT = re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}\b", re.I)
# The value of `more_situations` once the person has nothing to add (bot/domain/slots.yml).
MORE_SITUATIONS_DONE = "done"


def london_today() -> dt.date:
    return dt.datetime.now(LONDON).date()


PLACE_ANSWER_INTENTS = ("inform", "nlu_fallback")
MAX_PLACE_WORDS = 3


def looks_like_a_place(place: str) -> bool:
    """A postcode, an outward code, or up to three words: "Tonypandy", "Milton Keynes", "St Davids"."""
    return (
        postcodes.looks_like_uk_postcode(place)
        or postcodes.looks_like_uk_outcode(place)
        or len(place.split()) <= MAX_PLACE_WORDS
    )


def place_in(text: str) -> str | None:
    """The postcode or place a person typed in answer to "where do you live?", without the words around it."""
    postcode = _POSTCODE_IN_TEXT.search(text)
    if postcode:
        return postcode.group()
    place = _PLACE_PREFIX.sub("", text.strip()).strip(" .!?,")
    return place or None


class ValidateFactsForm(FormValidationAction):
    # Replaced in tests to pin "now", and to look places up without the network.
    today: Callable[[], dt.date] = staticmethod(london_today)
    @staticmethod
    async def lookup_nation(place: str) -> str | None:
        return await postcodes.nation_for_place(place, base_url=POSTCODE_LOOKUP_URL)

    def name(self) -> str:
        return "validate_facts_form"

    async def required_slots(
        self,
        domain_slots: list[str],
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> list[str]:
        slots = list(domain_slots)
        # Rasa also asks this before validating, when the slot holds only what the latest message said
        # ("he sent me pictures too"): the earlier situations still count, or an answer given in the
        # same message (age_at_image) would skip validation and be stored as typed.
        situations = set(
            facts.merge_situations(
                facts.situations(value_before_latest_message(tracker, "situation") or []),
                facts.situations(tracker.get_slot("situation") or []),
            )
        )
        # A question that does not apply is dropped, unless the person already answered it: only the
        # form's required slots are validated, and an unvalidated answer would be stored as typed.
        if situations and situations <= {"cyberflashing"} and tracker.get_slot("age_at_image") is None:
            # The images were someone else's: the person's age in them does not arise.
            slots.remove("age_at_image")
        if tracker.get_slot("nation") in ("scotland", "outside_uk") and tracker.get_slot("when") is None:
            # The date matters for the law of England and Wales and of Northern Ireland only.
            slots.remove("when")
        return slots

    # ---- custom extraction -----------------------------------------------------------------------

    async def extract_nation(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """A UK postcode or a town the NLU lookups do not know, answering "where do you live?", is
        looked up (postcodes.io). Only the nation is kept: never the postcode or the place. If the
        lookup fails, nothing is set and the question is asked again, with the nation buttons."""
        if tracker.get_slot("requested_slot") != "nation" or tracker.get_slot("nation"):
            return {}
        message = tracker.latest_message or {}
        if any(entity.get("entity") == "nation" for entity in message.get("entities") or []):
            return {}  # the NLU already knew the place
        intent = (message.get("intent") or {}).get("name")
        text = message.get("text") or ""
        # Only an answer that looks like a place is sent to the lookup service: never a sentence about
        # what happened or how they feel, never a crisis message.
        if intent not in PLACE_ANSWER_INTENTS or text.startswith("/"):
            return {}
        place = place_in(text)
        if not place or not POSTCODE_LOOKUP_URL or not looks_like_a_place(place):
            return {}
        nation = await self.lookup_nation(place)
        return {"nation": nation} if nation else {}

    # ---- what happened ------------------------------------------------------------------------

    def validate_situation(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        previous = facts.situations(value_before_latest_message(tracker, "situation") or [])
        merged = facts.merge_situations(previous, facts.situations(value or []))
        if not merged:
            return {"situation": None}
        role = tracker.get_slot("role")
        wording = content.questions()
        for situation in (item for item in merged if item not in previous):
            dispatcher.utter_message(text=content.for_role(wording["acknowledgements"][situation], role))
            if situation == "threat_to_share":
                dispatcher.utter_message(text=content.for_role(wording["threat_first_steps"], role))
        result: dict[str, Any] = {"situation": merged}
        nothing_more_to_add = set(facts.SPECIFIC_SITUATIONS) <= set(merged)
        if nothing_more_to_add or not set(merged) & set(facts.SPECIFIC_SITUATIONS):
            result["more_situations"] = MORE_SITUATIONS_DONE
        elif tracker.get_slot("requested_slot") == "more_situations":
            # They added one in answer to "anything else?": ask again, offering what is left.
            result["more_situations"] = None
        return result

    def validate_more_situations(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        return {"more_situations": MORE_SITUATIONS_DONE if value == MORE_SITUATIONS_DONE else None}

    # ---- the facts that change the answer --------------------------------------------------------

    def validate_age_group(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        # All the ages in the message ("he's 40 and I'm 15"), so the one about the right person is used.
        said = [e.get("value") for e in (tracker.latest_message or {}).get("entities") or [] if e.get("entity") in ("age", "number")]
        value = facts.age_for_role(said or [value], supporter=tracker.get_slot("role") == "supporter")
        result = self._checked("age_group", facts.age_group, value, dispatcher, tracker)
        group = result["age_group"]
        if group is not None:
            result["young_person"] = facts.is_under_18(group)
        if facts.is_under_18(group):
            # Someone under 18 now was under 18 in the images too: no need to ask.
            result["age_at_image"] = "under_18"
        return result

    def validate_age_at_image(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if facts.is_under_18(tracker.get_slot("age_group")):
            return {"age_at_image": "under_18"}
        return self._checked("age_at_image", facts.age_at_image, value, dispatcher, tracker)

    def validate_nation(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        return self._checked("nation", facts.nation, value, dispatcher, tracker)

    def validate_when(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        today = self.today()
        return self._checked("when", lambda raw: facts.when(raw, today), value, dispatcher, tracker)

    def validate_perpetrator(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        return self._checked("perpetrator", facts.perpetrator, value, dispatcher, tracker)

    def validate_platforms(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        return self._checked("platforms", facts.platforms, value, dispatcher, tracker)

    def validate_goal(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        return self._checked("goal", facts.goal, value, dispatcher, tracker)

    def validate_demand(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        # Not a question of its own, so never an apology: an unusable value just keeps the earlier one.
        earlier = facts.demand(value_before_latest_message(tracker, "demand"))
        return {"demand": facts.demand(value) or earlier}

    # ---- helpers ----------------------------------------------------------------------------------

    @staticmethod
    def _checked(
        slot: str,
        normalise: Callable[[Any], Any],
        value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
    ) -> dict[str, Any]:
        """Stores the normalised answer. If it cannot be used, keeps the earlier usable answer (if any)
        and, when this was the question just asked, says sorry so the question can be asked again.
        A stray word elsewhere in a message is ignored without comment."""
        normalised = normalise(value)
        if normalised is not None:
            return {slot: normalised}
        if tracker.get_slot("requested_slot") == slot:
            dispatcher.utter_message(text=content.questions()["not_understood"][slot])
        return {slot: normalise(value_before_latest_message(tracker, slot))}
