"""Turns what Rasa's CollectingOutputChannel gathered into the widget's message format.

The widget gets one shape only: {"text": str|None, "buttons": [{"title", "payload"}],
"links": [{"title", "url"}]}. Rasa sends text-with-buttons and a `custom` payload as separate
outputs; the action server's next steps put their tel: and web links in `custom.links`
(actions/summary.py send_steps), which belong with the text just before them.
"""

from __future__ import annotations

from typing import Any


def _buttons(raw: Any) -> list[dict[str, str]]:
    buttons = []
    for button in raw or []:
        if isinstance(button, dict) and button.get("title") and button.get("payload"):
            buttons.append({"title": str(button["title"]), "payload": str(button["payload"])})
    return buttons


def _links(raw: Any) -> list[dict[str, str]]:
    links = []
    for link in raw or []:
        if isinstance(link, dict) and link.get("title") and link.get("url"):
            links.append({"title": str(link["title"]), "url": str(link["url"])})
    return links


def to_widget_messages(outputs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rasa's collected outputs, in order, as widget messages. Unknown output kinds are dropped."""
    messages: list[dict[str, Any]] = []
    for output in outputs:
        text = output.get("text")
        buttons = _buttons(output.get("buttons"))
        custom = output.get("custom")
        links = _links(custom.get("links")) if isinstance(custom, dict) else []
        if text or buttons:
            messages.append({"text": text or None, "buttons": buttons, "links": links})
        elif links:
            if messages:
                messages[-1]["links"].extend(links)
            else:
                messages.append({"text": None, "buttons": [], "links": links})
    return messages
