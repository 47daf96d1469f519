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
  GET    /frame?tenant=<tenant_id>           the chat's frame (web/widget/frame.html), embeddable by the tenant's sites only
  GET    /frame.js, /frame.css               the frame's script and styles
  GET    /tenants/<tenant_id>                a tenant's public config
  POST   /conversations                      {"tenant"} -> 201 {"conversation_id", "messages"}
  POST   /conversations/<id>/messages        {"message"} -> 200 {"messages"}
  DELETE /conversations/<id>                 204: every stored event erased, the id refused from then on
Registered in bot/credentials.yml as `bot.channels.widget.WidgetInput:`.
"""

from __future__ import annotations

import inspect
import json
import logging
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Awaitable, Callable, Dict, Optional, Text

from rasa.core.channels.channel import InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.channels.address_groups import client_key
from bot.channels.erased_ids import ErasedIds, ErasedIdsUnavailable, erased_ids_for
from bot.channels.metrics import client_address
from bot.channels.rate_limit import SlidingWindowLimiter
from bot.channels.replies import to_widget_messages
from bot.channels.signed_ids import ConversationId, ConversationSigner
from bot.channels.text import is_unicode_text
from bot.channels.turns import TurnRunner
from bot.channels.widget_frame import LOADER, frame_file, frame_page
from bot.help_lines import help_line
from bot.secret_length import require_long_secret
from bot.settings import settings
from bot.tenants import Tenant, load_tenants

logger = logging.getLogger(__name__)

WIDGET_SCRIPT = LOADER  # what the charity's one line loads: the launcher and the chat's frame
# The message that opens every conversation: the greeting, how to leave quickly, is it safe to talk.
OPENING_MESSAGE = "/greet"

NOT_FOUND = "This conversation can't be found."
TOO_LONG = "That message is too long. Could you send it in shorter parts?"
TOO_FAST = "You're sending messages very fast. Please wait a moment."
EMPTY = "Please type a message before sending."
UNREADABLE = "Sorry, that couldn't be read. Please try again."
UNKNOWN_TENANT = "This chat isn't set up for that organisation."
ORIGIN_REFUSED = "This website isn't set up to use this chat."
ERASE_FAILED = "Sorry, this chat couldn't be deleted just now. Please try again in a moment."
NO_ERASE = "Deleting conversations isn't supported by this server's storage."
# Erased ids could not be checked (Redis down): the message is refused, and the person is told so.
NOT_SENT = (
    "Sorry, your message wasn't sent because of a technical problem. Please try again in a few minutes. "
    f"You can talk to someone now: {help_line('samaritans').lstrip('- ')} If you are in danger, call 999."
)

SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}
PREFLIGHT_HEADERS = {
    "Access-Control-Allow-Methods": "GET, POST, DELETE, OPTIONS",
    "Access-Control-Allow-Headers": "Content-Type",
    "Access-Control-Max-Age": "600",
}


def _same_origin(request: Request, origin: str) -> bool:
    """True for a request from a page this server served (the chat's frame): its Origin names this host.
    A browser never lets another site send this Origin."""
    host = (request.headers.get("host") or "").lower()
    return bool(host) and origin.lower().split("://", 1)[-1] == host


def _error(status: int, message: str) -> HTTPResponse:
    return response.json({"error": message}, status=status)


@dataclass
class _Conversation:
    id: ConversationId
    tenant: Tenant


class WidgetInput(InputChannel):
    """Custom Rasa input channel for the embeddable web widget."""

    @classmethod
    def name(cls) -> Text:
        return "widget"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> "WidgetInput":
        credentials = credentials or {}
        return cls(tenants_dir=credentials.get("tenants_dir"))

    def __init__(
        self,
        tenants_dir: Optional[str] = None,
        secret: Optional[str] = None,
        max_message_chars: Optional[int] = None,
        rate_limit_per_minute: Optional[int] = None,
        starts_per_minute: Optional[int] = None,
        messages_per_minute_per_address: Optional[int] = None,
        erased_ids: Optional[ErasedIds] = None,
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

    # --- request helpers -------------------------------------------------------------------------

    def _max_body_bytes(self) -> int:
        # UTF-8 is at most 4 bytes a character, JSON escapes at most 6; plus room for the wrapper.
        return self.max_message_chars * 6 + 1024

    @staticmethod
    def _json_body(request: Request) -> Optional[Dict[str, Any]]:
        """The body as a JSON object, or None if it is not one (never raises, never logs it)."""
        content_type = (request.headers.get("content-type") or "").split(";")[0].strip().lower()
        if content_type != "application/json":
            return None
        try:
            body = json.loads(request.body or b"")
        except (ValueError, UnicodeDecodeError):
            return None
        return body if isinstance(body, dict) else None

    @staticmethod
    def _allow_origin(request: Request, tenant: Tenant) -> bool:
        """True if the request may act for `tenant`. Requests without Origin (not from a browser page) may."""
        origin = request.headers.get("origin")
        if origin is None or _same_origin(request, origin):
            return True  # the chat's own frame, served by this server (bot/channels/widget_frame.py)
        if tenant.allows_origin(origin):
            request.ctx.widget_cors_origin = origin
            return True
        return False

    def _conversation(self, request: Request, conversation_id: str) -> Optional[_Conversation]:
        """The conversation if its id is genuine, its tenant exists and the page may use it; else None.

        Forged ids, other tenants' ids and refused sites get the same answer, so none is revealed.
        """
        verified = self.signer.verify(conversation_id)
        tenant = self.tenants.get(verified.tenant) if verified else None
        if verified is None or tenant is None or not self._allow_origin(request, tenant):
            return None
        return _Conversation(verified, tenant)

    def _erased(self, request: Request) -> ErasedIds:
        if self.erased_ids is None:
            self.erased_ids = erased_ids_for(getattr(request.app.ctx.agent, "lock_store", None))
        return self.erased_ids

    async def _refuse_if_erased(self, request: Request, conversation: _Conversation) -> Optional[HTTPResponse]:
        """None if the conversation was not erased. An erased one gets the forged ids' answer; if that
        cannot be checked, a 503 saying the message was not sent, so nothing is lost without a word."""
        try:
            erased = await self._erased(request).contains(conversation.id.value)
        except ErasedIdsUnavailable as error:
            logger.error("Widget channel: erased conversations cannot be checked (%s); message refused.", error)
            return _error(503, NOT_SENT)
        return _error(403, NOT_FOUND) if erased else None

    def _client_key(self, request: Request) -> str:
        """The anonymous per-client key the action server limits callbacks by (address_groups.py)."""
        return client_key(self._client_key_secret, client_address(request))

    def _preflight_origin(self, request: Request) -> Optional[str]:
        """The origin to allow for an OPTIONS preflight, worked out from the path alone."""
        origin = request.headers.get("origin")
        if not origin:
            return None
        parts = [part for part in request.path.split("/") if part]
        # ["webhooks", "widget", ...]
        rest = parts[2:] if len(parts) >= 2 else []
        if rest[:1] == ["conversations"] and len(rest) >= 2:
            verified = self.signer.verify(rest[1])
            tenant = self.tenants.get(verified.tenant) if verified else None
            return origin if tenant and tenant.allows_origin(origin) else None
        if rest[:1] == ["tenants"] and len(rest) == 2:
            tenant = self.tenants.get(rest[1])
            return origin if tenant and tenant.allows_origin(origin) else None
        # /conversations: the tenant is in the body, which a preflight does not carry; the POST checks it.
        return origin if any(t.allows_origin(origin) for t in self.tenants.values()) else None

    def _finish(self, request: Request, resp: HTTPResponse) -> None:
        """Last word on every widget response: our CORS decision and the security headers.

        Runs after Rasa's app-wide CORS (sanic-cors), whose headers are removed here so a server
        started with --cors cannot widen who may use a tenant's conversations.
        """
        for header in [h for h in resp.headers if h.lower().startswith("access-control-")]:
            del resp.headers[header]
        if request.method == "OPTIONS":
            # sanic-cors answers preflights before any route runs; this turns its answer into ours.
            resp.status = 204
            resp.body = b""
            resp.headers.update(PREFLIGHT_HEADERS)
            allowed = self._preflight_origin(request)
        else:
            allowed = getattr(request.ctx, "widget_cors_origin", None)
        if allowed:
            resp.headers["Access-Control-Allow-Origin"] = allowed
        resp.headers["Vary"] = "Origin"
        for key, value in SECURITY_HEADERS.items():
            # The frame's page sets its own Content-Security-Policy (widget_frame.py); the rest get ours.
            if key not in resp.headers:
                resp.headers[key] = value

    async def _send(
        self,
        request: Request,
        on_new_message: Callable[[UserMessage], Awaitable[Any]],
        conversation: ConversationId,
        text: str,
        trusted: bool = False,
    ) -> list:
        """The bot's replies to `text` as widget messages: the fallback with helplines if anything failed."""
        turn = await self.turns.run(
            request.app.ctx.agent, on_new_message, conversation.value, text,
            # Only the tenant is ever stored (bot/tracker_store.py); client_key is for this turn's actions.
            metadata={"tenant": conversation.tenant, "client_key": self._client_key(request)}, trusted=trusted,
        )
        return to_widget_messages(turn.outputs)

    # --- routes ------------------------------------------------------------------------------------

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        bp = Blueprint("widget_channel", __name__)

        @bp.middleware("response")
        async def finish(request: Request, resp: HTTPResponse) -> None:
            if resp is not None:
                self._finish(request, resp)

        @bp.route("/", methods=["GET"])
        async def health(request: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @bp.route("/widget.js", methods=["GET"])
        async def widget_script(request: Request) -> HTTPResponse:
            if not WIDGET_SCRIPT.is_file():
                return _error(404, "The widget script is not installed.")
            # Public, cookie-free and the same for everyone: any page may load it, as a module too.
            request.ctx.widget_cors_origin = "*"
            return response.raw(
                WIDGET_SCRIPT.read_bytes(),
                content_type="application/javascript; charset=utf-8",
                headers={"Cross-Origin-Resource-Policy": "cross-origin"},
            )

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
            tenant = self.tenants.get(tenant_id)
            if tenant is None:
                return _error(404, UNKNOWN_TENANT)
            # Public data: a page that is not allowed still gets it, but its browser may not read it.
            self._allow_origin(request, tenant)
            return response.json(tenant.public_config())

        @bp.route("/conversations", methods=["POST"])
        async def start_conversation(request: Request) -> HTTPResponse:
            if not self.start_limiter.allow(client_address(request)):
                return _error(429, TOO_FAST)
            body = self._json_body(request)
            if body is None or not isinstance(body.get("tenant"), str):
                return _error(400, UNREADABLE)
            tenant = self.tenants.get(body["tenant"])
            if tenant is None:
                return _error(404, UNKNOWN_TENANT)
            if not self._allow_origin(request, tenant):
                return _error(403, ORIGIN_REFUSED)
            conversation = self.signer.issue(tenant.id)
            messages = await self._send(request, on_new_message, conversation, OPENING_MESSAGE, trusted=True)
            return response.json({"conversation_id": conversation.value, "messages": messages}, status=201)

        @bp.route("/conversations/<conversation_id>/messages", methods=["POST"])
        async def send_message(request: Request, conversation_id: str) -> HTTPResponse:
            conversation = self._conversation(request, conversation_id)
            if conversation is None:
                return _error(403, NOT_FOUND)
            refused = await self._refuse_if_erased(request, conversation)
            if refused is not None:
                return refused
            # Counted before the body is read, so a flood of junk is limited as well as real messages.
            if not self.limiter.allow(conversation.id.value) or not self.address_limiter.allow(client_address(request)):
                return _error(429, TOO_FAST)
            if len(request.body or b"") > self._max_body_bytes():
                return _error(413, TOO_LONG)
            body = self._json_body(request)
            if body is None or not isinstance(body.get("message"), str) or not is_unicode_text(body["message"]):
                return _error(400, UNREADABLE)
            text = body["message"]
            if len(text) > self.max_message_chars:
                return _error(413, TOO_LONG)
            if not text.strip():
                return _error(400, EMPTY)
            messages = await self._send(request, on_new_message, conversation.id, text)
            return response.json({"messages": messages})

        @bp.route("/conversations/<conversation_id>", methods=["DELETE"])
        async def delete_conversation(request: Request, conversation_id: str) -> HTTPResponse:
            conversation = self._conversation(request, conversation_id)
            if conversation is None:
                return _error(403, NOT_FOUND)
            # Never rate-limited: someone leaving in a hurry must always be able to erase their conversation.
            agent = request.app.ctx.agent
            store = agent.tracker_store
            # Rasa wraps custom stores in AwaitableTrackerStore; the erasing store is inside.
            while not hasattr(store, "erase") and hasattr(store, "_tracker_store"):
                store = store._tracker_store
            erase = getattr(store, "erase", None)
            if erase is None:
                return _error(501, NO_ERASE)
            sender = conversation.id.value
            # Recorded before erasing, so no message is taken under this id once its events are gone, on any
            # server. An erased id may be deleted again: that is how the widget retries a failed erasure.
            try:
                await self._erased(request).add(sender, conversation.id.issued + self.max_age_seconds)
            except ErasedIdsUnavailable as error:
                logger.error("Widget channel: an erased id could not be recorded (%s); nothing erased.", error)
                return _error(503, ERASE_FAILED)
            try:
                async with agent.lock_store.lock(sender):
                    result = erase(sender)
                    if inspect.isawaitable(result):
                        await result
            except Exception as error:  # noqa: BLE001 - a friendly answer, and the widget can retry
                logger.error("Widget channel: erasing a conversation failed (%s).", type(error).__name__)
                return _error(503, ERASE_FAILED)
            # The rate limits are not reset: erasing must not be a way round them.
            return response.empty(status=204)

        # Preflights. Rasa's app-wide sanic-cors usually answers them first; `finish` then makes the
        # answer ours. These routes make sure our blueprint (and so `finish`) owns these paths.
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
