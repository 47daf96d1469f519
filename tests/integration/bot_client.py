"""A small client for talking to the bot over the REST channel in tests."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from pathlib import Path

import httpx


@dataclass
class Bot:
    rest_url: str
    tracker_db: Path
    # The action server's base URL, e.g. http://127.0.0.1:5055 (tests/integration/test_exposure.py).
    action_url: str = ""

    def say(self, sender: str, message: str) -> list[dict]:
        response = httpx.post(self.rest_url, json={"sender": sender, "message": message}, timeout=30)
        response.raise_for_status()
        return response.json()

    def conversation(self) -> Conversation:
        return Conversation(self, f"test-{uuid.uuid4().hex}")

    @property
    def widget_url(self) -> str:
        """Where the web widget's channel is mounted (bot/channels/widget.py)."""
        return self.rest_url.replace("/webhooks/rest/webhook", "/webhooks/widget")

    @property
    def base_url(self) -> str:
        """The Rasa server's root, e.g. http://127.0.0.1:5005."""
        return self.rest_url.replace("/webhooks/rest/webhook", "")

    @property
    def rasa_log(self) -> Path:
        """The Rasa server's log (the fixture writes it next to the tracker database)."""
        return self.tracker_db.parent / "rasa.log"

    @property
    def actions_log(self) -> Path:
        """The action server's log (written next to the tracker database too)."""
        return self.tracker_db.parent / "actions.log"


@dataclass
class Conversation:
    bot: Bot
    sender: str

    def say(self, message: str) -> list[dict]:
        return self.bot.say(self.sender, message)

    def say_text(self, message: str) -> str:
        """Everything the bot replied, as one string."""
        return "\n".join(reply.get("text", "") for reply in self.say(message))
