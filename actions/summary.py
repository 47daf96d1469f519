"""action_summarise: the closing summary of what the person told Reclaim, and first next steps."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import content, facts
from actions.next_steps import Step, facts_from_slots, next_steps

FACT_SLOTS = ("situation", "age_group", "age_at_image", "nation", "when", "perpetrator", "platforms", "goal")


def describe_facts(slots: dict[str, Any], wording: dict[str, Any]) -> list[str]:
    """One line per fact the person answered or skipped; questions never asked are left out."""
    lines = []
    for slot in FACT_SLOTS:
        value = slots.get(slot)
        if value in (None, []):
            continue
        lines.append(f"- {wording['labels'][slot]}: {_describe(slot, value, wording)}")
    return lines


def _describe(slot: str, value: Any, wording: dict[str, Any]) -> str:
    values = value if isinstance(value, list) else [value]
    if facts.NOT_SAID in values:
        return wording["not_said"]
    names = wording["values"].get(slot, {})
    described = [names.get(item) or facts.PLATFORM_NAMES.get(item) or str(item) for item in values]
    return ", ".join(described)


def describe_step(step: Step, wording: dict[str, Any]) -> str:
    template = wording["steps"][step.template]
    if step.service is None:
        return template
    service = content.services()[step.service]
    return template.format(
        name=service["name"],
        phone=service.get("phone") or "",
        web=service.get("web") or "",
        hours=service.get("hours") or "",
    )


class ActionSummarise(Action):
    def name(self) -> str:
        return "action_summarise"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list:
        wording = content.summary()
        role = tracker.get_slot("role")
        slots = {slot: tracker.get_slot(slot) for slot in FACT_SLOTS}
        understood = [content.for_role(wording["intro"], role), *describe_facts(slots, wording), wording["correction"]]
        dispatcher.utter_message(text="\n".join(understood))

        steps = [describe_step(step, wording) for step in next_steps(facts_from_slots({**slots, "role": role}))]
        if steps:
            dispatcher.utter_message(text="\n".join([wording["next_steps_heading"], *(f"- {s}" for s in steps)]))
        dispatcher.utter_message(text=content.for_role(wording["closing"], role), buttons=list(wording["buttons"]))
        return []
