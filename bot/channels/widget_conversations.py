"""The widget channel's JSON routes: a tenant's public config, and starting, continuing and erasing a
conversation. Mixed into WidgetInput (widget.py), which builds everything declared at the top of the class.

  GET    /tenants/<tenant_id>                a tenant's public config
  POST   /conversations                      {"tenant"} -> 201 {"conversation_id", "messages"}
  POST   /conversations/<id>/messages        {"message"} -> 200 {"messages"}
  DELETE /conversations/<id>                 204: every stored event erased, the id refused from then on

Forged ids, other tenants' ids, ids too old or erased, and refused sites all get the same 403, so none is
revealed. Errors are {"error": "<friendly sentence>"}; nothing the person types is ever logged.
"""

from __future__ import annotations

import inspect
import logging
from dataclasses import dataclass
from typing import Any

from sanic import response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.channels.address_groups import client_key
from bot.channels.erased_ids import ErasedIds, ErasedIdsUnavailable, erased_ids_for
from bot.channels.http import client_address, error, json_body, max_body_bytes
from bot.channels.rate_limit import SlidingWindowLimiter
from bot.channels.replies import to_widget_messages
from bot.channels.signed_ids import ConversationId, ConversationSigner
from bot.channels.text import is_unicode_text
from bot.channels.turns import OnNewMessage, TurnRunner
from bot.channels.widget_cors import allow_origin
from bot.help_lines import help_line
from bot.tenants import Tenant

logger = logging.getLogger(__name__)

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


@dataclass
class _Conversation:
    id: ConversationId
    tenant: Tenant


class ConversationRoutes:
    """The route handlers; WidgetInput sets these attributes from the settings when it starts."""

    tenants: dict[str, Tenant]
    signer: ConversationSigner
    # Chosen from the server's lock store at the first request (erased_ids.py), unless given.
    erased_ids: ErasedIds | None
    max_age_seconds: float
    max_message_chars: int
    limiter: SlidingWindowLimiter  # messages per conversation
    start_limiter: SlidingWindowLimiter  # starts per client address
    address_limiter: SlidingWindowLimiter  # messages per client address
    turns: TurnRunner
    _client_key_secret: bytes

    # --- routes ------------------------------------------------------------------------------------

    async def tenant_config(self, request: Request, tenant_id: str) -> HTTPResponse:
        tenant = self.tenants.get(tenant_id)
        if tenant is None:
            return error(404, UNKNOWN_TENANT)
        # Public data: a page that is not allowed still gets it, but its browser may not read it.
        allow_origin(request, tenant)
        return response.json(tenant.public_config())

    async def start_conversation(self, request: Request, on_new_message: OnNewMessage) -> HTTPResponse:
        if not self.start_limiter.allow(client_address(request)):
            return error(429, TOO_FAST)
        body = json_body(request)
        if body is None or not isinstance(body.get("tenant"), str):
            return error(400, UNREADABLE)
        tenant = self.tenants.get(body["tenant"])
        if tenant is None:
            return error(404, UNKNOWN_TENANT)
        if not allow_origin(request, tenant):
            return error(403, ORIGIN_REFUSED)
        conversation = self.signer.issue(tenant.id)
        messages = await self._send(request, on_new_message, conversation, OPENING_MESSAGE, trusted=True)
        return response.json({"conversation_id": conversation.value, "messages": messages}, status=201)

    async def send_message(self, request: Request, on_new_message: OnNewMessage, conversation_id: str) -> HTTPResponse:
        conversation = self._conversation(request, conversation_id)
        if conversation is None:
            return error(403, NOT_FOUND)
        refused = await self._refuse_if_erased(request, conversation)
        if refused is not None:
            return refused
        # Counted before the body is read, so a flood of junk is limited as well as real messages.
        if not self.limiter.allow(conversation.id.value) or not self.address_limiter.allow(client_address(request)):
            return error(429, TOO_FAST)
        if len(request.body or b"") > max_body_bytes(self.max_message_chars):
            return error(413, TOO_LONG)
        body = json_body(request)
        if body is None or not isinstance(body.get("message"), str) or not is_unicode_text(body["message"]):
            return error(400, UNREADABLE)
        text = body["message"]
        if len(text) > self.max_message_chars:
            return error(413, TOO_LONG)
        if not text.strip():
            return error(400, EMPTY)
        messages = await self._send(request, on_new_message, conversation.id, text)
        return response.json({"messages": messages})

    async def delete_conversation(self, request: Request, conversation_id: str) -> HTTPResponse:
        conversation = self._conversation(request, conversation_id)
        if conversation is None:
            return error(403, NOT_FOUND)
        # Never rate-limited: someone leaving in a hurry must always be able to erase their conversation.
        agent = request.app.ctx.agent
        store = agent.tracker_store
        # Rasa wraps custom stores in AwaitableTrackerStore; the erasing store is inside.
        while not hasattr(store, "erase") and hasattr(store, "_tracker_store"):
            store = store._tracker_store
        erase = getattr(store, "erase", None)
        if erase is None:
            return error(501, NO_ERASE)
        sender = conversation.id.value
        # Recorded before erasing, so no message is taken under this id once its events are gone, on any
        # server. An erased id may be deleted again: that is how the widget retries a failed erasure.
        try:
            await self._erased(request).add(sender, conversation.id.issued + self.max_age_seconds)
        except ErasedIdsUnavailable as problem:
            logger.error("Widget channel: an erased id could not be recorded (%s); nothing erased.", problem)
            return error(503, ERASE_FAILED)
        try:
            async with agent.lock_store.lock(sender):
                result = erase(sender)
                if inspect.isawaitable(result):
                    await result
        except Exception as problem:  # noqa: BLE001 - a friendly answer, and the widget can retry
            logger.error("Widget channel: erasing a conversation failed (%s).", type(problem).__name__)
            return error(503, ERASE_FAILED)
        # The rate limits are not reset: erasing must not be a way round them.
        return response.empty(status=204)

    # --- what the routes share ---------------------------------------------------------------------

    def _conversation(self, request: Request, conversation_id: str) -> _Conversation | None:
        """The conversation if its id is genuine, its tenant exists and the page may use it; else None."""
        verified = self.signer.verify(conversation_id)
        tenant = self.tenants.get(verified.tenant) if verified else None
        if verified is None or tenant is None or not allow_origin(request, tenant):
            return None
        return _Conversation(verified, tenant)

    def _erased(self, request: Request) -> ErasedIds:
        if self.erased_ids is None:
            self.erased_ids = erased_ids_for(getattr(request.app.ctx.agent, "lock_store", None))
        return self.erased_ids

    async def _refuse_if_erased(self, request: Request, conversation: _Conversation) -> HTTPResponse | None:
        """None if the conversation was not erased. An erased one gets the forged ids' answer; if that
        cannot be checked, a 503 saying the message was not sent, so nothing is lost without a word."""
        try:
            erased = await self._erased(request).contains(conversation.id.value)
        except ErasedIdsUnavailable as problem:
            logger.error("Widget channel: erased conversations cannot be checked (%s); message refused.", problem)
            return error(503, NOT_SENT)
        return error(403, NOT_FOUND) if erased else None

    def _client_key(self, request: Request) -> str:
        """The anonymous per-client key the action server limits callbacks by (address_groups.py)."""
        return client_key(self._client_key_secret, client_address(request))

    async def _send(
        self,
        request: Request,
        on_new_message: OnNewMessage,
        conversation: ConversationId,
        text: str,
        trusted: bool = False,
    ) -> list[dict[str, Any]]:
        """The bot's replies to `text` as widget messages: the fallback with helplines if anything failed."""
        turn = await self.turns.run(
            request.app.ctx.agent,
            on_new_message,
            conversation.value,
            text,
            # Only the tenant is ever stored (bot/tracker_store.py); client_key is for this turn's actions.
            metadata={"tenant": conversation.tenant, "client_key": self._client_key(request)},
            trusted=trusted,
        )
        return to_widget_messages(turn.outputs)
