"""The callback request (callback_form): only if the person chooses it, and they can stop at any step.

Order: consent, how to get in touch (call, text or email), safe times, whether a message may be left, and
LAST the phone number or email. Every answer but the last is one of a few fixed values (kept, like every
slot, only as data/privacy/canonical_slot_values.yml allows). The number or email never becomes a slot
value: it is read from the message, sent to the charity's webhook in that same turn (actions/callback.py)
and dropped; the slot only records "sent", "failed" or "limited" (the charity's hourly limit was reached,
counted in its figures). The tracker store redacts the message's text, so nothing of it is kept anywhere.
One request per conversation, a few per client, and a charity's hourly limit: actions/callback_limits.py.

Interruptions (stop, crisis, "talk to someone", delete, menu, goodbye) extract nothing here, so Rasa
rejects the form and the in-form rules in data/rules/callback.yml take over.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable
from typing import Any

import httpx
from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import FormValidationAction
from rasa_sdk.types import DomainDict

from actions import callback, callback_limits
from actions.handoff import callback_ready, decide, helpline_lines, london_now, wording, young_person_of
from actions.handoff_config import handoff_for
from actions.tenants import tenant_id_of

METHODS = ("phone_call", "text_message", "email")
TIMES = ("weekday_morning", "weekday_afternoon", "weekday_evening", "weekend", "any_time")
YES_NO = ("yes", "no")
SENT, FAILED = "sent", "failed"
# Not sent because the charity's hourly limit was reached: the person hears the same as for FAILED.
LIMITED = "limited"
# Each answer's only values: the extract_ methods never return others, and the validate_<slot> methods
# made from this table (below the form) keep these and nothing else. A list slot keeps its allowed items.
ANSWERS = {
    "callback_consent": YES_NO,
    "callback_method": METHODS,
    "callback_times": TIMES,
    "callback_message_ok": YES_NO,
    "callback_contact": (SENT, FAILED, LIMITED),
}
LIST_ANSWERS = ("callback_times",)
# The form's questions, in the order they are asked (bot/domain/callback.yml).
SLOTS = tuple(ANSWERS)
# Handled by rules (data/rules/callback.yml): the form must extract nothing, so it is rejected.
INTERRUPTIONS = {
    "stop",
    "crisis",
    "not_safe_now",
    "talk_to_someone",
    "delete_conversation",
    "start_again",
    "show_menu",
    "goodbye",
    "bot_challenge",
    "request_callback",
    "feeling_upset",
}
# When the number or email is there, only these win over it (a number can be misread as small talk).
CONTACT_INTERRUPTIONS = {"stop", "crisis", "not_safe_now", "talk_to_someone", "delete_conversation", "start_again"}
# "Skip" at any step, or "no" when asked for the number or email, ends the request: never any pressure.
DECLINE_INTENTS = {"skip"}

_METHOD_WORDS = (
    ("email", r"e-?mail"),
    ("text_message", r"\btext|\bsms\b|message me"),
    ("phone_call", r"\bcall|\bphone|\bring\b"),
)
_TIME_WORDS = (
    ("any_time", r"any ?time|whenever|doesn'?t matter"),
    ("weekday_morning", r"morning"),
    ("weekday_afternoon", r"afternoon|lunch"),
    ("weekday_evening", r"evening|night|after work|after school"),
    ("weekend", r"weekend|saturday|sunday"),
)
_EMAIL = re.compile(r"[A-Za-z0-9._%+'-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")
_PHONE = re.compile(r"\+?\d[\d ().-]{7,}\d")


def reset_events(tracker: Tracker) -> list[EventType]:
    """Clears every answer the request still holds (only those set, to keep the history short)."""
    return [SlotSet(slot, None) for slot in SLOTS if tracker.get_slot(slot) is not None]


def find_phone(text: str) -> str | None:
    """A phone number in what was typed, as digits (a leading + kept): 10 to 15 digits."""
    for candidate in _PHONE.findall(text):
        digits = re.sub(r"[^\d+]", "", candidate)
        if 10 <= len(digits.lstrip("+")) <= 15:
            return digits
    return None


def find_email(text: str) -> str | None:
    found = _EMAIL.search(text)
    return found.group() if found else None


def _intent(tracker: Tracker) -> str | None:
    return ((tracker.latest_message or {}).get("intent") or {}).get("name")


def _entity_values(tracker: Tracker, entity: str) -> list[str]:
    return [
        str(e.get("value")) for e in (tracker.latest_message or {}).get("entities") or [] if e.get("entity") == entity
    ]


def _text(tracker: Tracker) -> str:
    return str((tracker.latest_message or {}).get("text") or "")


def _metadata(tracker: Tracker) -> dict[str, Any]:
    return (tracker.latest_message or {}).get("metadata") or {}


def already_sent(tracker: Tracker) -> bool:
    """A request was sent earlier in this conversation (callback_limits.py says how that is known)."""
    return callback_limits.limits().already_sent(tracker.sender_id, tracker.events)


class ValidateCallbackForm(FormValidationAction):
    # Replaced in tests: a local receiver's transport, and no real waiting between attempts.
    transport: httpx.AsyncBaseTransport | None = None
    sleep = staticmethod(asyncio.sleep)

    def name(self) -> str:
        return "validate_callback_form"

    async def required_slots(
        self, domain_slots: list[str], dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[str]:
        if not callback_ready(handoff_for(tenant_id_of(tracker))):
            return []  # the form ends at once; action_callback_outcome says why
        if tracker.get_slot("callback_contact") is None and already_sent(tracker):
            return []  # one request per conversation: the outcome says it was already sent
        if tracker.get_slot("callback_consent") == "no":
            return ["callback_consent"]  # kept (so the outcome knows), and nothing more is asked
        return list(SLOTS)

    def _answering(self, tracker: Tracker, slot: str, interruptions: set[str] = INTERRUPTIONS) -> bool:
        """True when this message answers `slot`'s question (and is not an interruption for the rules)."""
        return (
            tracker.get_slot("requested_slot") == slot
            and tracker.get_slot(slot) is None
            and _intent(tracker) not in interruptions
        )

    def _again(self, dispatcher: CollectingDispatcher, slot: str) -> dict[str, Any]:
        dispatcher.utter_message(text=wording()["pick_an_option"])
        return {slot: None}

    async def extract_callback_consent(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if not self._answering(tracker, "callback_consent"):
            return {}
        intent = _intent(tracker)
        if intent == "affirm":
            return {"callback_consent": "yes"}
        if intent == "deny" or intent in DECLINE_INTENTS:
            return {"callback_consent": "no"}
        return self._again(dispatcher, "callback_consent")

    async def extract_callback_method(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if not self._answering(tracker, "callback_method"):
            return {}
        if _intent(tracker) in DECLINE_INTENTS:
            return {"callback_consent": "no"}
        chosen = [v for v in _entity_values(tracker, "callback_method") if v in METHODS]
        text = _text(tracker).lower()
        chosen += [method for method, pattern in _METHOD_WORDS if re.search(pattern, text)]
        return {"callback_method": chosen[0]} if chosen else self._again(dispatcher, "callback_method")

    async def extract_callback_times(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if not self._answering(tracker, "callback_times"):
            return {}
        if _intent(tracker) in DECLINE_INTENTS:
            return {"callback_consent": "no"}
        chosen = [v for v in _entity_values(tracker, "callback_time") if v in TIMES]
        text = _text(tracker).lower()
        chosen += [time for time, pattern in _TIME_WORDS if re.search(pattern, text)]
        chosen = list(dict.fromkeys(chosen))
        if "any_time" in chosen:
            chosen = ["any_time"]
        return {"callback_times": chosen} if chosen else self._again(dispatcher, "callback_times")

    async def extract_callback_message_ok(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if not self._answering(tracker, "callback_message_ok"):
            return {}
        intent = _intent(tracker)
        if intent in DECLINE_INTENTS:
            return {"callback_consent": "no"}
        if intent in ("affirm", "deny", "dont_know"):
            # Not sure whether a message is safe: then it is not.
            return {"callback_message_ok": "yes" if intent == "affirm" else "no"}
        return self._again(dispatcher, "callback_message_ok")

    async def extract_callback_contact(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """Reads the number or email, sends the request at once and keeps only whether it was sent."""
        if not self._answering(tracker, "callback_contact", CONTACT_INTERRUPTIONS):
            return {}
        method = tracker.get_slot("callback_method")
        text = _text(tracker)
        contact = find_email(text) if method == "email" else find_phone(text)
        if contact is None and _intent(tracker) in DECLINE_INTENTS | {"deny"}:
            return {"callback_consent": "no"}
        if contact is None and _intent(tracker) in INTERRUPTIONS:
            return {}  # small talk or "are you a bot?": the rules answer it
        if contact is None:
            kind = "email" if method == "email" else "phone"
            dispatcher.utter_message(text=wording()["contact_not_recognised"][kind])
            return {"callback_contact": None}
        handoff = handoff_for(tenant_id_of(tracker))
        if handoff is None:
            return {"callback_contact": FAILED}
        refusal = callback_limits.limits().refusal(handoff.tenant, callback_limits.client_key_of(_metadata(tracker)))
        if refusal is not None:
            return {"callback_contact": LIMITED if refusal == callback_limits.CHARITY_LIMIT else FAILED}
        request = callback.CallbackRequest(
            contact_method=method,
            contact=contact,
            safe_times=tuple(tracker.get_slot("callback_times") or ()),
            message_ok=tracker.get_slot("callback_message_ok") == "yes",
        )
        delivered = await callback.deliver(handoff, request, transport=self.transport, sleep=self.sleep)
        if delivered:
            callback_limits.limits().record_sent(tracker.sender_id)
        return {"callback_contact": SENT if delivered else FAILED}


def _keeping(slot: str, allowed: tuple[str, ...]) -> Callable[..., dict[str, Any]]:
    def validate(self: ValidateCallbackForm, value: Any, *_: Any) -> dict[str, Any]:
        if slot in LIST_ANSWERS:
            return {slot: [item for item in value or [] if item in allowed] or None}
        return {slot: value if value in allowed else None}

    return validate


for _slot, _allowed in ANSWERS.items():
    setattr(ValidateCallbackForm, f"validate_{_slot}", _keeping(_slot, _allowed))


class ActionAskCallbackConsent(Action):
    def name(self) -> str:
        return "action_ask_callback_consent"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list:
        handoff = handoff_for(tenant_id_of(tracker))
        words = wording()
        name = handoff.name if handoff else ""
        dispatcher.utter_message(text=words["consent"].format(name=name), buttons=list(words["consent_buttons"]))
        return []


class _AskCallback(Action):
    """One question of the callback request, always with a Cancel button. By default its text and buttons
    are the wording's `text_key` and `buttons_key` (data/content/handoff.yml)."""

    slot = ""
    text_key = buttons_key = ""

    def name(self) -> str:
        return f"action_ask_{self.slot}"

    def question(self, tracker: Tracker, words: dict[str, Any]) -> tuple[str, list[dict[str, str]]]:
        return words[self.text_key], list(words[self.buttons_key])

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list:
        words = wording()
        text, buttons = self.question(tracker, words)
        dispatcher.utter_message(text=text, buttons=[*buttons, words["cancel_button"]])
        return []


class ActionAskCallbackMethod(_AskCallback):
    slot, text_key, buttons_key = "callback_method", "ask_method", "method_buttons"


class ActionAskCallbackTimes(_AskCallback):
    slot, text_key, buttons_key = "callback_times", "ask_times", "time_buttons"


class ActionAskCallbackMessageOk(_AskCallback):
    slot = "callback_message_ok"

    def question(self, tracker: Tracker, words: dict[str, Any]) -> tuple[str, list[dict[str, str]]]:
        method = tracker.get_slot("callback_method")
        return words["ask_message_ok"].get(method, words["ask_message_ok"]["phone_call"]), list(
            words["message_ok_buttons"]
        )


class ActionAskCallbackContact(_AskCallback):
    slot = "callback_contact"

    def question(self, tracker: Tracker, words: dict[str, Any]) -> tuple[str, list[dict[str, str]]]:
        handoff = handoff_for(tenant_id_of(tracker))
        kind = "email" if tracker.get_slot("callback_method") == "email" else "phone"
        return words["ask_contact"][kind].format(name=handoff.name if handoff else "them"), []


def _helplines_message(dispatcher: CollectingDispatcher, tracker: Tracker, heading: str) -> None:
    """`heading`, then the helplines open now (the same ones "talk to a person" gives) and 999."""
    now = london_now()
    decision = decide(None, now, young_person=young_person_of(tracker), role=tracker.get_slot("role"))
    lines, links = helpline_lines(decision.helplines, now)
    words = wording()
    dispatcher.utter_message(
        text="\n".join([heading, *lines, words["danger"]]),
        buttons=[words["buttons"]["carry_on"], words["buttons"]["delete"]],
        json_message={"links": links} if links else None,
    )


class ActionCallbackOutcome(Action):
    """After the form: sent, not sent (with helplines), declined, or not available here."""

    def name(self) -> str:
        return "action_callback_outcome"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list:
        words = wording()
        handoff = handoff_for(tenant_id_of(tracker))
        name = handoff.name if handoff else ""
        contact = tracker.get_slot("callback_contact")
        buttons = [words["buttons"]["carry_on"], words["buttons"]["delete"]]
        if contact == SENT:
            dispatcher.utter_message(text=words["sent"].format(name=name), buttons=buttons)
        elif contact in (FAILED, LIMITED):
            _helplines_message(dispatcher, tracker, words["failed"].format(name=name))
        elif tracker.get_slot("callback_consent") == "no":
            dispatcher.utter_message(text=words["declined"], buttons=buttons)
        elif callback_ready(handoff) and already_sent(tracker):
            _helplines_message(dispatcher, tracker, words["already_sent"].format(name=name))
        else:
            _helplines_message(dispatcher, tracker, words["not_available"])
        return reset_events(tracker)


class ActionCallbackCancelled(Action):
    def name(self) -> str:
        return "action_callback_cancelled"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list:
        words = wording()
        dispatcher.utter_message(
            text=words["cancelled"], buttons=[words["buttons"]["carry_on"], words["buttons"]["delete"]]
        )
        return reset_events(tracker)


class ActionResetCallback(Action):
    """Before a new request: nothing from an earlier, unfinished one carries over."""

    def name(self) -> str:
        return "action_reset_callback"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list:
        return reset_events(tracker)
