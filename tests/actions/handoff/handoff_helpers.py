"""Helpers for the "talk to a person" and callback tests: tenants written to a temporary directory
(WIDGET_TENANTS_DIR), and trackers whose messages came through a tenant's widget."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import yaml
from rasa_sdk import Tracker

from tests.actions.tracker_helpers import ALL_SLOTS

WEEKDAYS_9_TO_5 = {
    "weekly": {day: ["09:00-17:00"] for day in ("mon", "tue", "wed", "thu", "fri")},
    "bank_holidays": "closed",
}


def tenant_file(directory: Path, tenant_id: str, handoff: dict[str, Any] | None) -> None:
    raw: dict[str, Any] = {"id": tenant_id, "display_name": tenant_id}
    if handoff is not None:
        raw["handoff"] = handoff
    (directory / f"{tenant_id}.yml").write_text(yaml.safe_dump(raw), encoding="utf-8")


def handoff(route: str, **extra: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "name": f"Team {route}",
        "route": route,
        "hours": "Monday to Friday, 9am to 5pm",
        "opening_hours": WEEKDAYS_9_TO_5,
    }
    if route == "phone":
        base["phone"] = "029 2018 0999"
    if route == "webchat":
        base["web_chat_url"] = "https://chat.example.org/start"
    if route == "callback":
        base["callback"] = {"webhook_url": "https://hooks.example.org/reclaim"}
    base.update(extra)
    return base


def tracker(
    tenant: str | None,
    *,
    slots: dict[str, Any] | None = None,
    intent: str = "inform",
    text: str = "",
    entities: list[dict[str, Any]] | None = None,
    requested_slot: str | None = None,
    active_loop: str | None = None,
    sender_id: str = "test",
    client_key: str | None = None,
    events: list[dict[str, Any]] | None = None,
) -> Tracker:
    metadata: dict[str, Any] = {"tenant": tenant} if tenant else {}
    if client_key is not None:
        metadata["client_key"] = client_key  # as the widget channel adds it (bot/channels/address_groups.py)
    message = {"intent": {"name": intent}, "entities": entities or [], "text": text, "metadata": metadata}
    return Tracker(
        sender_id=sender_id,
        slots={**ALL_SLOTS, "role": "survivor", **(slots or {}), "requested_slot": requested_slot},
        latest_message=message,
        events=list(events or []),
        paused=False,
        followup_action=None,
        active_loop={"name": active_loop} if active_loop else {},
        latest_action_name="action_listen",
    )


class Receiver:
    """A local webhook receiver as an httpx transport: answers with the given statuses in turn (or raises
    a connection error for None), and records every request it got."""

    def __init__(self, *answers: int | None) -> None:
        self.answers = list(answers) or [200]
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        answer = self.answers[min(len(self.requests), len(self.answers)) - 1]
        if answer is None:
            raise httpx.ConnectError("refused", request=request)
        return httpx.Response(answer)

    @property
    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self)

    def bodies(self) -> list[dict[str, Any]]:
        return [json.loads(request.content) for request in self.requests]
