"""validate_facts_form: checks and normalises every answer to the questions, and decides which
questions apply. An answer that cannot be used is never stored: the person is told kindly and the
question is asked again."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import FormValidationAction
from rasa_sdk.types import DomainDict

from actions import acknowledge, answers, content, facts, postcodes, understanding
from actions.history import value_before_latest_message
from actions.settings import LONDON, settings

# "I live in Tonypandy", "near Leeds", "it's CF10 1AA": the words around a place that are not the place.
_PLACE_PREFIX = re.compile(
    r"^(?:(?:i\s*(?:'m|am)?\s*)?(?:live|living|based|from|in|near|at|it'?s|its|my postcode is)\s+)+", re.I
)
_POSTCODE_IN_TEXT = re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}\b", re.I)
# "... and I live in Tonypandy": a place named while answering another question.
_PLACE_IN_SENTENCE = re.compile(
    r"\b(?:i\s*(?:'m|am)?\s*(?:live|living|based)\s+in|i'?m\s+from|i\s+am\s+from|we\s+live\s+in)\s+([a-z][a-z'-]*(?:\s+[a-z][a-z'-]*){0,2}?)(?=\s*(?:$|[,.!?;]|\s+(?:and|but|so|if|it|he|she|they|my|im|i)\b))",
    re.I,
)
# Requests that must reach their own rules (data/rules): the form hears no fact in these messages, so it
# is rejected and the rule runs (the slot mappings exclude the same intents: bot/domain/slots.yml).
INTERRUPTING_INTENTS = frozenset(
    {
        "crisis",
        "not_safe_now",
        "stop",
        "end_chat",
        "talk_to_someone",
        "request_callback",
        "delete_conversation",
        "start_again",
        "show_menu",
        "goodbye",
        "thanks",
        "bot_challenge",
        "ask_law",
        "more_steps",
        "offence_detail",
    }
)
FACT_SLOTS = ("age_group", "age_at_image", "nation", "when", "perpetrator", "platforms", "goal")
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
        return await postcodes.nation_for_place(place, base_url=settings().postcode_lookup_url)

    def name(self) -> str:
        return "validate_facts_form"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        message = tracker.latest_message or {}
        intent = (message.get("intent") or {}).get("name")
        if intent in INTERRUPTING_INTENTS:
            return []  # nothing heard: the form is rejected and the request's own rule answers it
        events = await super().run(dispatcher, tracker, domain)
        events += self._heard_beside_the_answer(dispatcher, tracker, events)
        return events

    def _heard_beside_the_answer(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, events: list[EventType]
    ) -> list[EventType]:
        """What else the message said: what was already done under blackmail, a question to answer now
        (the form then asks its question again), facts given instead of answering "anything else?"."""
        message = tracker.latest_message or {}
        extra: list[EventType] = []
        complied = understanding.complied_named(message)
        if complied:
            extra.append(SlotSet("complied", understanding.merge(tracker.get_slot("complied"), complied)))
        set_now = {event["name"]: event.get("value") for event in events if event.get("event") == "slot"}
        if (
            tracker.get_slot("requested_slot") == "more_situations"
            and "more_situations" not in set_now
            and "situation" not in set_now
            and any(set_now.get(slot) is not None for slot in FACT_SLOTS)
        ):
            # They moved on to other facts instead of adding a situation: take that as "that's all".
            extra.append(SlotSet("more_situations", MORE_SITUATIONS_DONE))
        if (message.get("intent") or {}).get("name") == "personal_details" and set_now:
            dispatcher.utter_message(response="utter_no_personal_details")
        question_id = answers.question_asked(tracker)
        if question_id:
            slots = {**answers.slots_of(tracker), **{k: v for k, v in set_now.items() if v is not None}}
            answers.answer_question(dispatcher, question_id, slots)
            extra.append(SlotSet(answers.LAST_QUESTION_SLOT, question_id))
        return extra

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

    async def extract_situation(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """Other situations named in the same message ("filmed without me knowing and showed his mates")
        are added to the one the intent gave."""
        named = understanding.situations_named(tracker.latest_message)
        question_id = answers.question_asked(tracker)
        implied = answers.implied_situation(question_id) if question_id else None
        if implied:
            named.append(implied)  # "I already paid him and he wants more": a threat, asked as a question
        if not named:
            return {}
        current = facts.situations(tracker.get_slot("situation") or [])
        merged = facts.merge_situations(current, named)
        return {"situation": merged} if merged != current else {}

    async def extract_nation(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """A UK postcode or a town the NLU lookups do not know, answering "where do you live?", is
        looked up (postcodes.io). Only the nation is kept: never the postcode or the place. If the
        lookup fails, nothing is set and the question is asked again, with the nation buttons."""
        if tracker.get_slot("nation"):
            return {}
        message = tracker.latest_message or {}
        if any(entity.get("entity") == "nation" for entity in message.get("entities") or []):
            return {}  # the NLU already knew the place
        intent = (message.get("intent") or {}).get("name")
        text = message.get("text") or ""
        if tracker.get_slot("requested_slot") != "nation":
            # Another question was asked: only a place the person plainly says they live in is looked up.
            said = _PLACE_IN_SENTENCE.search(text)
            # An empty POSTCODE_LOOKUP_URL turns the lookup off: then the nation buttons are used.
            if not said or text.startswith("/") or not settings().postcode_lookup_url:
                return {}
            nation = await self.lookup_nation(said.group(1))
            return {"nation": nation} if nation else {}
        # Only an answer that looks like a place is sent to the lookup service: never a sentence about
        # what happened or how they feel, never a crisis message.
        if intent not in PLACE_ANSWER_INTENTS or text.startswith("/"):
            return {}
        place = place_in(text)
        if not place or not settings().postcode_lookup_url or not looks_like_a_place(place):
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
        question_id = answers.question_asked(tracker)
        answered_threat = bool(question_id and answers.implied_situation(question_id) == "threat_to_share")
        acknowledge.acknowledge(
            dispatcher, tracker, [item for item in merged if item not in previous], first_steps=not answered_threat
        )
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
        said = [
            e.get("value")
            for e in (tracker.latest_message or {}).get("entities") or []
            if e.get("entity") in ("age", "number")
        ]
        value = facts.age_for_role(said or [value], supporter=tracker.get_slot("role") == "supporter")
        result = self._checked("age_group", facts.age_group, value, dispatcher, tracker)
        group = result["age_group"]
        if group is not None:
            # Derived from the age group (actions/person.py: Facts.young_person). A slot of its own only
            # because Rasa's conditional responses (bot/domain/responses.yml) can test slots, not facts.
            result["young_person"] = facts.young_person(group)
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

    def validate_when(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        today = self.today()
        return self._checked("when", lambda raw: facts.when(raw, today), value, dispatcher, tracker)

    def validate_perpetrator(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        earlier = facts.perpetrator(value_before_latest_message(tracker, "perpetrator"))
        if earlier and tracker.get_slot("requested_slot") != "perpetrator":
            # "my friend saw it" later on does not replace who they said did it.
            return {"perpetrator": earlier}
        return self._checked("perpetrator", facts.perpetrator, value, dispatcher, tracker)

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


# Answers that are only normalised and checked: validate_<slot> for each is made from this table, as
# ValidateFactsForm._checked(slot, normaliser, ...). The other slots' validators above do more.
CHECKED = {"nation": facts.nation, "platforms": facts.platforms, "goal": facts.goal}


def _checking(slot: str, normalise: Callable[[Any], Any]) -> Callable[..., dict[str, Any]]:
    def validate(
        self: ValidateFactsForm, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        return self._checked(slot, normalise, value, dispatcher, tracker)

    return validate


for _slot, _normalise in CHECKED.items():
    setattr(ValidateFactsForm, f"validate_{_slot}", _checking(_slot, _normalise))
