"""action_explain_offences and action_explain_offence_detail: the law, in short plain messages."""

from __future__ import annotations

import dataclasses
from functools import cache
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import content, facts
from actions.law import JURISDICTION_NAMES, Explanation, Offence, explain, load_offences, long_date
from actions.person import Facts
from actions.settings import settings

MAX_OFFENCES_SHOWN = 3


@cache
def offences() -> tuple[Offence, ...]:
    return load_offences(settings().reclaim_data_dir / "law")


def offences_by_id() -> dict[str, Offence]:
    return {offence.id: offence for offence in offences()}


def case_from_tracker(tracker: Tracker) -> Facts:
    """The person's facts, with the place named in the question ("is this illegal in Scotland?") before
    where they live."""
    person = Facts.from_tracker(tracker)
    asked_about = facts.nation(next(tracker.get_latest_entity_values("nation"), None))
    return dataclasses.replace(person, nation=asked_about) if asked_about else person


def _sentence_case(text: str) -> str:
    return text[:1].lower() + text[1:]


def describe_offence(item_offence: Offence, conditions: tuple[str, ...], wording: dict[str, Any]) -> str:
    """Title and the law's name (with its conditions), what it covers, and what has to be shown about
    motive. The law is named from the first mention, so the person can quote it to the police or a platform."""
    title = item_offence.title
    if item_offence.citation:
        title += f" ({item_offence.citation})"
    if conditions:
        title += ": " + ", and ".join(
            condition if index == 0 else _sentence_case(condition) for index, condition in enumerate(conditions)
        )
    lines = [title, item_offence.covers, item_offence.basis_plain]
    if item_offence.status == "enacted_commencement_unconfirmed":
        lines.append(wording["not_confirmed_in_force"])
    return "\n".join(lines)


def explanation_messages(explanation: Explanation, role: str | None) -> list[dict[str, Any]]:
    """The messages to send, as dispatcher keyword arguments."""
    wording = content.law_wording()
    if explanation.cannot_say:
        text = wording["cannot_say"][explanation.cannot_say]
        buttons = {
            "nation_unknown": wording["nation_buttons"],
            "no_situation": [wording["tell_what_happened_button"]],
        }.get(explanation.cannot_say, [])
        return [{"text": text, "buttons": list(buttons)}]

    place = JURISDICTION_NAMES[explanation.jurisdiction or ""]
    messages: list[dict[str, Any]] = [{"text": content.for_role(wording["intro"], role).format(place=place)}]
    for item in explanation.offences[:MAX_OFFENCES_SHOWN]:
        messages.append(
            {
                "text": describe_offence(item.offence, item.conditions, wording),
                "buttons": [
                    {
                        "title": wording["tell_me_more"],
                        "payload": f'/offence_detail{{"offence_id": "{item.offence.id}"}}',
                    }
                ],
            }
        )
    notes = [
        wording["too_early"].format(title=o.title, date=long_date(o.in_force_from))
        for o in explanation.too_early
        if o.in_force_from
    ]
    notes += [wording["proposed"].format(title=o.title, covers=o.covers) for o in explanation.proposed]
    if not explanation.offences:
        notes.append(wording["no_offence_found"])
    elif explanation.none_clearly_applies:
        notes.append(wording["none_clearly_applies"])
    elif len(explanation.offences) > MAX_OFFENCES_SHOWN:
        notes.append(wording["more_laws"])
    if notes:
        messages.append({"text": "\n".join(notes)})
    return messages


def detail_messages(offence: Offence) -> str:
    wording = content.law_wording()["detail"]
    lines = [wording["heading"].format(title=offence.title, statute=offence.statute, section=offence.section)]
    if offence.must_show:
        lines += [wording["must_show"], *(f"- {point}" for point in offence.must_show)]
    lines.append(
        wording["penalty"].format(penalty=offence.max_penalty)
        if offence.max_penalty_confirmed
        else wording["penalty_not_confirmed"]
    )
    lines.append(
        wording["anonymity"].format(anonymity=offence.anonymity)
        if offence.anonymity_confirmed
        else wording["anonymity_not_confirmed"]
    )
    lines.append(wording["report"].format(how_to_report=offence.how_to_report))
    lines.append(wording["checked"].format(date=long_date(offence.last_reviewed)))
    return "\n".join(lines)


class ActionExplainOffences(Action):
    def name(self) -> str:
        return "action_explain_offences"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list:
        explanation = explain(case_from_tracker(tracker), offences())
        for message in explanation_messages(explanation, tracker.get_slot("role")):
            dispatcher.utter_message(**message)
        shown = [item.offence.id for item in explanation.offences[:MAX_OFFENCES_SHOWN]]
        return [SlotSet("offences_explained", shown)]


class ActionExplainOffenceDetail(Action):
    """ "Tell me more": the button names the offence; typed without one, the first explained is used."""

    def name(self) -> str:
        return "action_explain_offence_detail"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list:
        known = offences_by_id()
        asked = next(tracker.get_latest_entity_values("offence_id"), None)
        explained = tracker.get_slot("offences_explained") or []
        offence_id = asked if asked is not None else next(iter(explained), None)
        offence = known.get(str(offence_id)) if offence_id is not None else None
        if offence is None or offence.status == "proposed":
            # A forged or stale id gets a plain answer, and the person still gets the explanation.
            if asked is not None:
                dispatcher.utter_message(text=content.law_wording()["detail"]["unknown"])
            return [*await ActionExplainOffences().run(dispatcher, tracker, domain)]
        dispatcher.utter_message(text=detail_messages(offence))
        return []
