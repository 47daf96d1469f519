"""What Reclaim says when it first hears that something happened: one acknowledgement per situation,
and for a threat the first steps, worded for what the person has already done."""

from __future__ import annotations

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import content, understanding


def threat_first_steps(tracker: Tracker) -> dict[str, str]:
    """The first steps for someone being threatened, for what they have already done: never "don't pay"
    to someone who has paid, as if it were news."""
    done = set(understanding.complied_named(tracker.latest_message)) | set(tracker.get_slot("complied") or [])
    wording = content.questions()
    if "paid" in done:
        return wording["threat_first_steps_paid"]
    if "sent_more" in done:
        return wording["threat_first_steps_sent_more"]
    return wording["threat_first_steps"]


def acknowledge(
    dispatcher: CollectingDispatcher, tracker: Tracker, new_situations: list[str], first_steps: bool = True
) -> None:
    """One line per situation heard for the first time. `first_steps` is False when an answer about the
    threat is being given in the same turn (it says the same, at more length)."""
    role = tracker.get_slot("role")
    wording = content.questions()
    for situation in new_situations:
        dispatcher.utter_message(text=content.for_role(wording["acknowledgements"][situation], role))
        if situation == "threat_to_share" and first_steps:
            dispatcher.utter_message(text=content.for_role(threat_first_steps(tracker), role))
