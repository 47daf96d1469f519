"""The REST channel, hardened: POST /webhooks/rest/webhook {"sender": "...", "message": "..."}.

Same URL and reply format as Rasa's own `rest` channel (a JSON list of the bot's messages), so scripts,
load tests and integrations work unchanged. What differs, and why:
- Rasa's channel logs the message text when handling fails, and answers a body that is not a JSON
  object with a 500. Here every bad request gets a 4xx with {"error": "<friendly sentence>"}, and
  nothing a person typed is ever logged.
- Turns go through bot/channels/turns.py: typed "/intent{...}" payloads are screened, and when the
  action server is down or slow the reply is the fallback with helplines.
- The client may not set metadata or the input channel (metadata carries the tenant, which decides
  which charity's services are shown and counted), and `?stream=true` is not offered.

The sender id is chosen by the client, so this channel is for trusted integrations; browsers use the
widget channel, whose ids are signed (docs/deploy/nginx.conf shows what a reverse proxy exposes).
Registered in bot/credentials.yml as `bot.channels.rest.HardenedRestInput:`.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.channels.http import error, json_object, max_body_bytes, media_type
from bot.channels.text import is_unicode_text
from bot.channels.turns import TurnRunner
from bot.settings import settings

logger = logging.getLogger(__name__)

# Sender ids are ours to look up and delete by: printable, no spaces, not too long. No dots: every widget
# conversation id has them (bot/channels/signed_ids.py), so one that leaked cannot be continued over REST,
# where there is no origin check or rate limit.
_SENDER = re.compile(r"^[A-Za-z0-9_:@-]{1,128}$")

UNREADABLE = 'Send a JSON object: {"sender": "<id>", "message": "<text>"}.'
WRONG_TYPE = "Send the message as JSON (Content-Type: application/json)."
BAD_SENDER = "The sender must be 1 to 128 characters: letters, digits, dashes, underscores, colons or @."
EMPTY = "Please type a message before sending."
TOO_LONG = "That message is too long. Could you send it in shorter parts?"


class HardenedRestInput(RestInput):
    """Rasa's REST channel with validated input, no logged text and a fallback that names helplines."""

    @classmethod
    def name(cls) -> str:
        return "rest"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> HardenedRestInput:
        return cls()

    def __init__(self, max_message_chars: int | None = None) -> None:
        self.max_message_chars = max_message_chars or settings().rest_max_message_chars
        self.turns = TurnRunner(self.name())

    def _read(self, request: Request) -> HTTPResponse | tuple:
        """(sender, text) from a valid request, or the 4xx response that explains what is wrong."""
        if media_type(request) != "application/json":
            return error(415, WRONG_TYPE)
        if len(request.body or b"") > max_body_bytes(self.max_message_chars):
            return error(413, TOO_LONG)
        body = json_object(request.body)
        if body is None or not isinstance(body.get("message"), str):
            return error(400, UNREADABLE)
        sender = body.get("sender")
        if not isinstance(sender, str) or not _SENDER.match(sender):
            return error(400, BAD_SENDER)
        text = body["message"]
        if not is_unicode_text(text):
            return error(400, UNREADABLE)
        if len(text) > self.max_message_chars:
            return error(413, TOO_LONG)
        if not text.strip():
            return error(400, EMPTY)
        return sender, text

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        bp = Blueprint("hardened_rest_channel", __name__)

        @bp.route("/", methods=["GET"])
        async def health(request: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @bp.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            read = self._read(request)
            if isinstance(read, HTTPResponse):
                return read
            sender, text = read
            turn = await self.turns.run(request.app.ctx.agent, on_new_message, sender, text)
            return response.json(turn.outputs)

        return bp
