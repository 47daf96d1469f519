"""Turns what Rasa's CollectingOutputChannel gathered into the widget's message format.

The widget gets one shape only: {"text": str|None, "buttons": [{"title", "payload"}],
"links": [{"title", "url"}]}. Rasa sends text-with-buttons and a `custom` payload as separate
outputs; the action server's next steps put their tel: and web links in `custom.links`
(actions/summary.py send_steps), which belong with the text just before them.
"""

from __future__ import annotations

import re
from typing import Any

_SERVICE_ID = re.compile(r"^[a-z0-9_]{1,100}$")


def _buttons(raw: Any) -> list[dict[str, str]]:
    buttons = []
    for button in raw or []:
        if isinstance(button, dict) and button.get("title") and button.get("payload"):
            buttons.append({"title": str(button["title"]), "payload": str(button["payload"])})
    return buttons


def _links(raw: Any, services: Any = None) -> list[dict[str, str]]:
    services = services if isinstance(services, dict) else {}
    links = []
    for link in raw or []:
        if isinstance(link, dict) and link.get("title") and link.get("url"):
            links.append({"title": str(link["title"]), "url": str(link["url"])})
            # Which directory service the link is for, so the widget can count a click anonymously
            # (bot/channels/counts.py); from custom.link_services (actions/summary.py send_steps).
            service = services.get(link["url"])
            if isinstance(service, str) and _SERVICE_ID.match(service):
                links[-1]["service"] = service
    return links


def to_widget_messages(outputs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rasa's collected outputs, in order, as widget messages. Unknown output kinds are dropped."""
    messages: list[dict[str, Any]] = []
    for output in outputs:
        text = output.get("text")
        buttons = _buttons(output.get("buttons"))
        custom = output.get("custom")
        links = _links(custom.get("links"), custom.get("link_services")) if isinstance(custom, dict) else []
        if text or buttons:
            messages.append({"text": text or None, "buttons": buttons, "links": links})
        elif links:
            if messages:
                messages[-1]["links"].extend(links)
            else:
                messages.append({"text": None, "buttons": [], "links": links})
    return messages
