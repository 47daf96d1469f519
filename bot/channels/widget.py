"""The web widget's channel: what charities' embedded chat talks to, under /webhooks/widget/.

Why not the REST channel: there the browser picks the sender id, so anyone who learns one can read
and continue that conversation. Here the server issues signed ids (signed_ids.py) bound to a tenant,
checks each tenant's allowed sites (CORS), limits message size and rate, and lets the person erase
their conversation from the tracker store. Nothing the person types is ever logged here.
Ids older than the retention period, and erased ids (bot/channels/erased_ids.py), get the same answer as
forged ones. Rate limits: per conversation, and per client address (an IPv6 /64) for starts and messages;
erasing a conversation resets none of them.
Each turn goes through bot/channels/turns.py: typed "/intent{...}" payloads are screened, and if the
action server is down or slow the person still gets a reply with helplines (never a 500).

Routes (all JSON unless noted; errors are {"error": "<friendly sentence>"}):
  GET    /                                   health
  GET    /widget.js                          the loader the charity embeds (web/widget/loader.js)
  GET    /frame?tenant=<tenant_id>           the chat's frame (web/widget/frame.html), embeddable by the
                                             tenant's sites only
  GET    /frame.js, /frame.css               the frame's script and styles
  GET    /tenants/<tenant_id>                a tenant's public config
  POST   /conversations                      {"tenant"} -> 201 {"conversation_id", "messages"}
  POST   /conversations/<id>/messages        {"message"} -> 200 {"messages"}
  DELETE /conversations/<id>                 204: every stored event erased, the id refused from then on
Registered in bot/credentials.yml as `bot.channels.widget.WidgetInput:`. This module reads the settings
and holds the route table; the handlers are in widget_conversations.py (the JSON routes), widget_frame.py
(the browser's files) and widget_cors.py (which pages may read the answers, and every answer's headers).
"""

from __future__ import annotations

import logging
import secrets
from pathlib import Path
from typing import Any

from rasa.core.channels.channel import InputChannel
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.channels.erased_ids import ErasedIds
from bot.channels.rate_limit import SlidingWindowLimiter
from bot.channels.signed_ids import ConversationSigner
from bot.channels.turns import OnNewMessage, TurnRunner
from bot.channels.widget_conversations import ConversationRoutes
from bot.channels.widget_cors import finish
from bot.channels.widget_frame import frame_file, frame_page, loader_script
from bot.secret_length import require_long_secret
from bot.settings import settings
from bot.tenants import load_tenants

logger = logging.getLogger(__name__)


class WidgetInput(ConversationRoutes, InputChannel):
    """Custom Rasa input channel for the embeddable web widget."""

    @classmethod
    def name(cls) -> str:
        return "widget"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> WidgetInput:
        credentials = credentials or {}
        return cls(tenants_dir=credentials.get("tenants_dir"))

    def __init__(
        self,
        tenants_dir: str | None = None,
        secret: str | None = None,
        max_message_chars: int | None = None,
        rate_limit_per_minute: int | None = None,
        starts_per_minute: int | None = None,
        messages_per_minute_per_address: int | None = None,
        erased_ids: ErasedIds | None = None,
    ) -> None:
        config = settings()  # a wrong value stops start-up here, naming the setting
        # Fails loudly (naming the tenant and field) if any tenant file is wrong: see bot/tenants.py.
        self.tenants = load_tenants(Path(tenants_dir or config.widget_tenants_dir))
        secret = secret or config.widget_secret
        if not secret:
            secret = secrets.token_urlsafe(32)
            logger.warning(
                "WIDGET_SECRET is not set: using a random secret for this run only. Widget conversations "
                "will not survive a restart, and several servers will not accept each other's ids. "
                "Set WIDGET_SECRET (see .env.example)."
            )
        else:
            # A short secret could be found offline from one signed id: start-up stops, naming the setting.
            require_long_secret("WIDGET_SECRET", secret)
        # Ids are refused once their conversation would have been deleted for age anyway.
        self.max_age_seconds = config.conversation_retention_hours * 3600
        self.signer = ConversationSigner(secret, max_age_seconds=self.max_age_seconds)
        self._client_key_secret = secret.encode("utf-8")
        # Chosen from the server's lock store at the first request (erased_ids.py), unless given here.
        self.erased_ids = erased_ids
        self.max_message_chars = max_message_chars or config.widget_max_message_chars
        self.limiter = SlidingWindowLimiter(rate_limit_per_minute or config.widget_rate_limit_per_minute, 60.0)
        # Starts and messages per client address: a script can neither start conversations without end
        # (each runs a turn and is counted in a charity's figures) nor spread a flood over many of them.
        self.start_limiter = SlidingWindowLimiter(starts_per_minute or config.widget_starts_per_minute, 60.0)
        self.address_limiter = SlidingWindowLimiter(
            messages_per_minute_per_address or config.widget_messages_per_minute_per_address, 60.0
        )
        self.turns = TurnRunner(self.name())
        logger.info("Widget channel: %d tenant(s): %s.", len(self.tenants), ", ".join(sorted(self.tenants)))

    def blueprint(self, on_new_message: OnNewMessage) -> Blueprint:
        """The route table. Sanic sets attributes on its handlers, which bound methods refuse, so each
        route is a one-line function calling its handler."""
        bp = Blueprint("widget_channel", __name__)

        @bp.middleware("response")
        async def headers(request: Request, resp: HTTPResponse) -> None:
            if resp is not None:
                finish(request, resp, self.signer, self.tenants)

        @bp.route("/", methods=["GET"])
        async def health(request: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @bp.route("/widget.js", methods=["GET"])
        async def widget_script(request: Request) -> HTTPResponse:
            return loader_script(request)

        @bp.route("/frame", methods=["GET"])
        async def frame(request: Request) -> HTTPResponse:
            return frame_page(self.tenants.get(request.args.get("tenant") or ""))

        @bp.route("/frame.js", methods=["GET"])
        async def frame_script(request: Request) -> HTTPResponse:
            return frame_file("frame.js")

        @bp.route("/frame.css", methods=["GET"])
        async def frame_styles(request: Request) -> HTTPResponse:
            return frame_file("frame.css")

        @bp.route("/tenants/<tenant_id>", methods=["GET"])
        async def tenant_config(request: Request, tenant_id: str) -> HTTPResponse:
            return await self.tenant_config(request, tenant_id)

        @bp.route("/conversations", methods=["POST"])
        async def start_conversation(request: Request) -> HTTPResponse:
            return await self.start_conversation(request, on_new_message)

        @bp.route("/conversations/<conversation_id>/messages", methods=["POST"])
        async def send_message(request: Request, conversation_id: str) -> HTTPResponse:
            return await self.send_message(request, on_new_message, conversation_id)

        @bp.route("/conversations/<conversation_id>", methods=["DELETE"])
        async def delete_conversation(request: Request, conversation_id: str) -> HTTPResponse:
            return await self.delete_conversation(request, conversation_id)

        # Preflights. Rasa's app-wide sanic-cors usually answers them first; `headers` then makes the
        # answer ours. These routes make sure our blueprint (and so `headers`) owns these paths.
        async def preflight(request: Request, **_: str) -> HTTPResponse:
            return response.empty(status=204)

        bp.add_route(preflight, "/", methods=["OPTIONS"], name="preflight_root")
        bp.add_route(preflight, "/widget.js", methods=["OPTIONS"], name="preflight_script")
        bp.add_route(preflight, "/tenants/<tenant_id>", methods=["OPTIONS"], name="preflight_tenant")
        bp.add_route(preflight, "/conversations", methods=["OPTIONS"], name="preflight_start")
        bp.add_route(preflight, "/conversations/<conversation_id>", methods=["OPTIONS"], name="preflight_delete")
        bp.add_route(
            preflight, "/conversations/<conversation_id>/messages", methods=["OPTIONS"], name="preflight_messages"
        )
        return bp
