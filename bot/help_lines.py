"""Helpline lines for the messages our channels send by themselves (the technical-problem fallback),
read from data/services/core.yml so their numbers and hours are never a second copy."""

from __future__ import annotations

from functools import cache
from typing import Any

import yaml

from bot.settings import ROOT

CORE_SERVICES = ROOT / "data" / "services" / "core.yml"
# Who each line is for, said where the person's age is not known (labels match data/content/handoff.yml).
WHO = {"childline": " (under 19)", "revenge_porn_helpline": " (adults)"}


@cache
def core_services() -> dict[str, dict[str, Any]]:
    services = yaml.safe_load(CORE_SERVICES.read_text(encoding="utf-8"))["services"]
    return {service["id"]: service for service in services}


def hours_phrase(service: dict[str, Any]) -> str:
    """ "Free, any time, day or night" for a 24/7 line; otherwise the hours exactly as recorded."""
    if (service.get("opening_hours") or {}).get("always"):
        return "Free, any time, day or night"
    return str(service["hours"])[:1].upper() + str(service["hours"])[1:]


def help_line(service_id: str, labelled: bool = False) -> str:
    """ "- Samaritans: 116 123. Free, any time, day or night." ("text 85258" for a text-only line)."""
    service = core_services()[service_id]
    who = WHO.get(service_id, "") if labelled else ""
    contact = service.get("phone") or f"text {service['sms']}"
    return f"- {service['name']}{who}: {contact}. {hours_phrase(service)}."


@cache  # read once: the lines come from data files that do not change while the server runs
def fallback_lines() -> dict[str, str]:
    """Placeholders for bot/channels/fallback_responses.yml: {childline}, {samaritans}, ... and the
    labelled forms {childline_labelled}, ... for when the person's age is not known."""
    lines: dict[str, str] = {}
    for service_id, service in core_services().items():
        if not (service.get("phone") or service.get("sms")):
            continue  # online services have no line to call
        lines[service_id] = help_line(service_id)
        lines[f"{service_id}_labelled"] = help_line(service_id, labelled=True)
    return lines
