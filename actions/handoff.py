"""action_talk_to_person: "I want to talk to someone", at any point.

If the conversation's own charity (its tenant) has a live service and it is open now, the person is
handed over by the charity's route: a phone number, a web chat link, or a callback request. Otherwise
they get the helplines from the directory, open ones first. Young people always hear about Childline
first; supporters get the lines for them; 999 is always there, first if they said they are in danger.
A charity that takes callback requests is offered even when closed: it calls back at a time the person
chose, and only if they choose it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache
from typing import Any

import yaml
from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import content
from actions.content import SUPPORTER
from actions.handoff_config import Handoff, callback_secret, handoff_for, load_handoffs
from actions.opening_hours import LONDON, OpeningStatus, describe, status
from actions.person import Facts
from actions.settings import settings
from actions.tenants import tenant_id_of

# Who to talk to, best first, from data/services/. Childline (under 19) comes first for young people, is
# never offered to someone known to be an adult, and is offered, labelled, when the age is not known.
YOUNG_LINES = ("childline", "samaritans")
ADULT_LINES = ("revenge_porn_helpline", "samaritans")
AGE_UNKNOWN_LINES = ("revenge_porn_helpline", "samaritans", "childline")
SUPPORTER_OF_YOUNG_PERSON_LINES = ("childline", "nspcc_helpline", "samaritans")
SUPPORTER_OF_ADULT_LINES = ("revenge_porn_helpline", "samaritans")
SUPPORTER_LINES = ("revenge_porn_helpline", "nspcc_helpline", "childline", "samaritans")


@cache
def wording() -> dict[str, Any]:
    with open(settings().reclaim_data_dir / "content" / "handoff.yml", encoding="utf-8") as file:
        return yaml.safe_load(file)


def london_now() -> dt.datetime:
    return dt.datetime.now(LONDON)


@dataclass(frozen=True)
class Decision:
    """What to offer. `handoff_open`: hand over now by the tenant's route. `offer_callback`: show the
    "Ask for a call back" button. `helplines`: service ids, in the order to show them."""

    handoff: Handoff | None
    opening: OpeningStatus | None
    handoff_open: bool
    offer_callback: bool
    helplines: tuple[str, ...]
    danger_first: bool


def helplines_for(young_person: bool | None, role: str | None) -> tuple[str, ...]:
    """`young_person`: True under 18, False 18 or over, None when the age is not known."""
    if role == SUPPORTER:
        if young_person is None:
            return SUPPORTER_LINES
        return SUPPORTER_OF_YOUNG_PERSON_LINES if young_person else SUPPORTER_OF_ADULT_LINES
    if young_person is None:
        return AGE_UNKNOWN_LINES
    return YOUNG_LINES if young_person else ADULT_LINES


def young_person_of(tracker: Tracker) -> bool | None:
    """True under 18, False 18 or over, None while not known (actions/person.py: Facts.young_person)."""
    return Facts.from_tracker(tracker).young_person


def callback_ready(handoff: Handoff | None) -> bool:
    """A callback can be offered only when the charity's webhook and its own secret are both set."""
    return bool(handoff and handoff.webhook_url and callback_secret(handoff.tenant))


def decide(
    handoff: Handoff | None,
    now: dt.datetime,
    *,
    young_person: bool | None = None,
    role: str | None = None,
    danger: bool = False,
    bank_holidays: Any = (),
) -> Decision:
    lines = helplines_for(young_person, role)
    if handoff is None:
        return Decision(None, None, False, False, lines, danger)
    opening = status(handoff.opening_hours, now, bank_holidays)
    can_call_back = callback_ready(handoff)
    # A callback route without a configured secret cannot hand over: helplines instead.
    route_works = handoff.route != "callback" or can_call_back
    handoff_open = opening.open_now and route_works
    # Handed over by phone or web chat: only Childline stays, first, for young people. A call back is not
    # straight away, so with it the person still sees who they can talk to now.
    if handoff_open and handoff.route != "callback":
        lines = ("childline",) if young_person is True else ()
    return Decision(handoff, opening, handoff_open, can_call_back, lines, danger)


def _tel_link(phone: str) -> str:
    from actions.summary import tel_link  # the same tel: links as the next steps

    return tel_link(phone)


def helpline_lines(service_ids: tuple[str, ...], now: dt.datetime) -> tuple[list[str], list[dict[str, str]]]:
    """One line per helpline, open ones first (keeping the order within each), and their tel: links."""
    words = wording()
    holidays = content.bank_holidays()
    entries = []
    for service_id in service_ids:
        service = content.live_service(service_id)
        opening = status(service.get("opening_hours"), now, holidays)
        said = describe(opening, now)
        entries.append((not opening.open_now, service, said))
    entries.sort(key=lambda entry: entry[0])  # stable: open first, order kept otherwise
    lines, links = [], []
    for _, service, said in entries:
        lines.append(
            "- "
            + words["helpline"].format(
                name=service["name"],
                who=words["who"].get(service["id"], ""),
                phone=service.get("phone") or "",
                open_now=f" {said}." if said else "",
            )
        )
        if service.get("phone"):
            links.append({"title": f"Call {service['name']}: {service['phone']}", "url": _tel_link(service["phone"])})
    return lines, links


def render(decision: Decision, now: dt.datetime, role: str | None) -> dict[str, Any]:
    """The message: text, buttons and links (json_message), as the widget and REST channels show them."""
    words = wording()
    text: list[str] = []
    links: list[dict[str, str]] = []
    if decision.danger_first:
        text.append(words["danger_first"])
    text.append(content.for_role(words["intro"], role))
    handoff = decision.handoff
    helplines, helpline_links = helpline_lines(decision.helplines, now) if decision.helplines else ([], [])
    if decision.handoff_open and handoff is not None and handoff.route != "callback":
        # Childline (young people) comes before the charity's own route.
        text += helplines
        links += helpline_links
        text.append(
            words["open_now"][handoff.route].format(
                name=handoff.name, phone=handoff.phone or "", web_chat_url=handoff.web_chat_url or ""
            )
        )
        if handoff.route == "phone" and handoff.phone:
            links.append({"title": f"Call {handoff.name}: {handoff.phone}", "url": _tel_link(handoff.phone)})
        if handoff.route == "webchat" and handoff.web_chat_url:
            links.append({"title": f"Chat with {handoff.name}", "url": handoff.web_chat_url})
    else:
        if handoff is not None and decision.opening is not None and handoff.route != "callback":
            if decision.opening.known:
                opens = decision.opening.next_opens
                when = describe(decision.opening, now).removeprefix("Closed now: opens ") if opens else ""
                text.append(
                    words["closed_now"].format(
                        name=handoff.name, next=words["closed_next"].format(when=when) if when else ""
                    )
                )
            else:
                # Hours not set in a way the bot can check: never "open now", but the person may try.
                contact = handoff.phone if handoff.route == "phone" else handoff.web_chat_url
                hours = words["hours_said"].format(hours=handoff.hours) if handoff.hours else ""
                text.append(words["hours_unknown"].format(name=handoff.name, contact=contact, hours=hours))
        text.append(words["helplines_heading"])
        text += helplines
        links += helpline_links
        if decision.offer_callback and handoff is not None:
            offer = words["open_now"]["callback"] if decision.handoff_open else words["callback_later"]
            text.append(offer.format(name=handoff.name))
    if not decision.danger_first:
        text.append(words["danger"])
    buttons = ([words["buttons"]["callback"]] if decision.offer_callback else []) + [
        words["buttons"]["carry_on"],
        words["buttons"]["delete"],
    ]
    return {"text": "\n".join(text), "buttons": buttons, "json_message": {"links": links} if links else None}


class ActionTalkToPerson(Action):
    def name(self) -> str:
        return "action_talk_to_person"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list:
        now = london_now()
        role = tracker.get_slot("role")
        decision = decide(
            handoff_for(tenant_id_of(tracker)),
            now,
            young_person=young_person_of(tracker),
            role=role,
            danger=bool(tracker.get_slot("danger")),
            bank_holidays=content.bank_holidays(),
        )
        dispatcher.utter_message(**render(decision, now, role))
        return []


# Checked when the action server starts: a wrong handoff section stops it, naming the tenant and field.
load_handoffs()
