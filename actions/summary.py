"""action_summarise and action_more_steps: what the person told Reclaim, and their next steps,
three at a time, with phone numbers as tel: links and whether each helpline is open now."""

from __future__ import annotations

import datetime as dt
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import content, facts, tenants
from actions.opening_hours import LONDON, describe, status
from actions.person import Facts
from actions.routing import Step, plan

FACT_SLOTS = ("situation", "age_group", "age_at_image", "nation", "when", "perpetrator", "platforms", "goal")
STEPS_AT_A_TIME = 3
# Never put anything before these.
SAFETY_TEMPLATES = ("danger_999", "threat_first")


def london_now() -> dt.datetime:
    return dt.datetime.now(LONDON)


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
    described = [names.get(item) or platform_name(item) for item in values]
    return ", ".join(described)


def platform_name(platform_id: Any) -> str:
    """A platform's name as data/platforms gives it ("X (Twitter)"), else the id as it is."""
    return str((content.platforms().get(platform_id) or {}).get("name") or platform_id)


def tel_link(phone: str) -> str:
    """tel: link for a UK number: "0345 6000 459" -> "tel:+443456000459"; short codes stay as dialled."""
    digits = "".join(ch for ch in phone if ch.isdigit())
    if digits.startswith("0") and len(digits) >= 10:
        return f"tel:+44{digits[1:]}"
    return f"tel:{digits}"


def describe_step(step: Step, wording: dict[str, Any], now: dt.datetime | None = None) -> str:
    template = wording["steps"][step.template]
    fields: dict[str, str] = {}
    if step.service is not None:
        service = content.live_service(step.service)
        opening = describe(
            status(service.get("opening_hours"), now or london_now(), content.bank_holidays()), now or london_now()
        )
        fields.update(
            name=service["name"],
            phone=service.get("phone") or "",
            web=service.get("web") or "",
            hours=service.get("hours") or "",
            open_now=f" {opening}." if opening and not (service.get("opening_hours") or {}).get("always") else "",
        )
    if step.platform is not None:
        platform = content.live_platform(step.platform) or {}
        fake = step.template == "platform_report_fake"
        fields.update(
            platform=platform.get("name") or platform_name(step.platform),
            how=(platform.get("report_fake") if fake else None)
            or platform.get("report_intimate")
            or wording["generic_platform_route"],
        )
    return template.format(**fields)


def service_links(service: dict[str, Any]) -> list[dict[str, str]]:
    """A service's tel: link and web link, as the next steps and the answers to questions show them."""
    links = []
    if service.get("phone"):
        links.append({"title": f"Call {service['name']}: {service['phone']}", "url": tel_link(service["phone"])})
    if service.get("web"):
        links.append({"title": service["name"], "url": service["web"]})
    return links


def step_links(step: Step) -> list[dict[str, str]]:
    links = []
    if step.service is not None:
        links += service_links(content.live_service(step.service))
    if step.platform is not None:
        platform = content.live_platform(step.platform) or {}
        url = (platform.get("report_fake_url") if step.template == "platform_report_fake" else None) or platform.get(
            "report_url"
        )
        if url:
            links.append({"title": f"Report on {platform_name(step.platform)}", "url": url})
    return links


def send_steps(
    dispatcher: CollectingDispatcher,
    steps: list[Step],
    heading: str,
    has_more: bool,
    footer: str | None = None,
    own_services: list[str] | None = None,
) -> None:
    """Safety steps first, then the charity's own services (if any), then the rest."""
    wording = content.summary()
    described = [describe_step(step, wording) for step in steps]
    safety = len([step for step in steps if step.template in SAFETY_TEMPLATES])
    described[safety:safety] = own_services or []
    lines = [heading, *(f"- {line}" for line in described), *([footer] if footer else [])]
    links = [link for step in steps for link in step_links(step)]
    buttons = ([wording["more_steps_button"]] if has_more else []) + list(wording["buttons"])
    # Service ids only (never the person's words), for the charity's anonymous figures (bot/metrics):
    # which services were suggested, and which service each link is for (the widget counts clicks).
    services = list(dict.fromkeys(step.service for step in steps if step.service is not None))
    link_services = {link["url"]: step.service for step in steps if step.service for link in step_links(step)}
    custom = {
        **({"links": links} if links else {}),
        **({"services": services, "link_services": link_services} if services else {}),
    }
    dispatcher.utter_message(text="\n".join(lines), buttons=buttons, json_message=custom or None)


def tenant_services(tracker: Tracker) -> list[str]:
    """The charity's own services, listed first (data/tenants/<id>.yml), for a conversation that came
    through its widget: the channel puts the tenant id in every message's metadata."""
    tenant = tenants.tenant(tenants.tenant_id_of(tracker))
    if tenant is None:
        return []
    template = content.summary()["tenant_service"]
    return [
        template.format(
            name=service["name"],
            description=service.get("description") or "",
            contact=", ".join(
                part for part in (service.get("phone"), service.get("web"), service.get("hours")) if part
            ),
        )
        for service in tenant.data.get("own_services") or []
    ]


def routing_plan(tracker: Tracker) -> list[Step]:
    return plan(Facts.from_tracker(tracker))


class ActionSummarise(Action):
    def name(self) -> str:
        return "action_summarise"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list:
        wording = content.summary()
        role = tracker.get_slot("role")
        slots = {slot: tracker.get_slot(slot) for slot in FACT_SLOTS}
        understood = [content.for_role(wording["intro"], role), *describe_facts(slots, wording), wording["correction"]]
        dispatcher.utter_message(text="\n".join(understood))
        steps = routing_plan(tracker)
        first = steps[:STEPS_AT_A_TIME]
        send_steps(
            dispatcher,
            first,
            wording["next_steps_heading"],
            has_more=len(steps) > len(first),
            footer=content.for_role(wording["closing"], role),
            own_services=tenant_services(tracker),
        )
        return [SlotSet("steps_shown", float(len(first)))]


class ActionMoreSteps(Action):
    def name(self) -> str:
        return "action_more_steps"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list:
        wording = content.summary()
        steps = routing_plan(tracker)
        shown = int(tracker.get_slot("steps_shown") or 0)
        following = steps[shown : shown + STEPS_AT_A_TIME]
        if not following:
            dispatcher.utter_message(text=wording["no_more_steps"], buttons=list(wording["buttons"]))
            return []
        send_steps(dispatcher, following, wording["more_steps_heading"], has_more=shown + len(following) < len(steps))
        return [SlotSet("steps_shown", float(shown + len(following)))]
