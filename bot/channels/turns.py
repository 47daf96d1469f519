"""One turn of a conversation for our channels: the person's message in, the bot's replies out.

Whatever fails, the person gets an answer with people they can talk to:
- the action server is down: Rasa logs the failed action, drops its events and carries on, often saying
  nothing. A turn in which an action failed, or with no reply at all, gets the fallback (after anything
  the bot did say). Rasa reports the failure only in its log, so a filter on its processor's logger
  notes it for the turn it happened in (a context variable: each turn runs in its own task);
- the action server (or anything else) is slow: after REPLY_DEADLINE_SECONDS the person gets the
  fallback and the turn carries on in the background (shielded, so the conversation stays in order:
  Rasa's lock store holds the next message until it is done). Its late replies are dropped;
- handling the message raises: the fallback, and only the exception's type is logged (its text or
  traceback could carry what the person typed).

The fallback is the response `fallback_technical_problem` in bot/channels/fallback_responses.yml (Rasa's
response format, rendered by Rasa's own generator) with the conversation's slots when the tracker store
can give them, so a young person gets Childline first. If even that fails, LAST_RESORT below is sent.
"""

from __future__ import annotations

import asyncio
import contextvars
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.nlg import TemplatedNaturalLanguageGenerator
from rasa.shared.core.trackers import DialogueStateTracker

from bot.channels.payloads import PayloadGuard
from bot.help_lines import fallback_lines, help_line
from bot.settings import settings

logger = logging.getLogger(__name__)

FALLBACK_RESPONSES = Path(__file__).with_name("fallback_responses.yml")
FALLBACK_RESPONSE = "fallback_technical_problem"
# How long the fallback may spend asking the tracker store for the slots that choose its wording.
TRACKER_LOOKUP_SECONDS = 2.0
# Used only if the fallback cannot be rendered: read once, when the server starts, from data/services.
LAST_RESORT = (
    "Sorry, I'm having a technical problem and can't answer properly right now. Please try again in a few "
    f"minutes.\nYou can talk to a person:\n{help_line('samaritans', labelled=True)}\n"
    f"{help_line('childline', labelled=True)}\nIf you are in danger, call 999."
)

OnNewMessage = Callable[[UserMessage], Awaitable[Any]]

# Rasa 3.6 (rasa/core/processor.py, _run_action) logs this when a custom action raises, then goes on.
ACTION_FAILED_LOG = "Encountered an exception while running action"
_failed_actions: contextvars.ContextVar[list[str] | None] = contextvars.ContextVar(
    "reclaim_failed_actions", default=None
)


class _ActionFailureFilter(logging.Filter):
    """Notes Rasa's "an action failed" log record on the turn it belongs to. Never drops a record."""

    def filter(self, record: logging.LogRecord) -> bool:
        failed = _failed_actions.get()
        if failed is not None and str(record.msg).startswith(ACTION_FAILED_LOG):
            failed.append(record.name)
        return True


def _watch_rasa_for_failed_actions() -> None:
    processor_logger = logging.getLogger("rasa.core.processor")
    if not any(isinstance(existing, _ActionFailureFilter) for existing in processor_logger.filters):
        processor_logger.addFilter(_ActionFailureFilter())


@dataclass
class Turn:
    """What the bot said (Rasa's collected outputs) and whether that is the fallback."""

    outputs: list[dict[str, Any]]
    fell_back: bool = False


class TurnRunner:
    """Runs turns for one channel: screens typed payloads, enforces the deadline, falls back."""

    def __init__(self, channel_name: str, deadline_seconds: float | None = None) -> None:
        self.channel_name = channel_name
        self.deadline_seconds = deadline_seconds or settings().reply_deadline_seconds
        responses = yaml.safe_load(FALLBACK_RESPONSES.read_text(encoding="utf-8"))["responses"]
        if FALLBACK_RESPONSE not in responses:  # caught at start-up, not when someone needs it
            raise ValueError(f"{FALLBACK_RESPONSES} has no {FALLBACK_RESPONSE!r} response")
        self.fallback_generator = TemplatedNaturalLanguageGenerator(responses)
        _watch_rasa_for_failed_actions()
        self._guard: PayloadGuard | None = None
        self._guard_domain: Any = None
        # Turns in progress, kept so one that outlives its request is not garbage-collected mid-way.
        self._running: set = set()

    def guard(self, agent: Any) -> PayloadGuard:
        """The payload guard for the agent's current domain (rebuilt if a new model was loaded)."""
        domain = agent.domain
        if self._guard is None or self._guard_domain is not domain:
            self._guard = PayloadGuard.from_domain(domain)
            self._guard_domain = domain
        return self._guard

    async def run(
        self,
        agent: Any,
        on_new_message: OnNewMessage,
        sender_id: str,
        text: str,
        metadata: dict[str, Any] | None = None,
        trusted: bool = False,
    ) -> Turn:
        """The bot's replies to `text`. `trusted` is for messages the channel itself sends (the opening)."""
        if not trusted:
            text = self.guard(agent).screen(text)
        collector = CollectingOutputChannel()
        message = UserMessage(text, collector, sender_id, input_channel=self.channel_name, metadata=metadata)
        failed_actions: list[str] = []
        # The task copies the context as it is now, so Rasa's log records in it land in this list.
        marker = _failed_actions.set(failed_actions)
        try:
            task = asyncio.ensure_future(on_new_message(message))
        finally:
            _failed_actions.reset(marker)
        self._running.add(task)
        task.add_done_callback(self._finished)
        try:
            await asyncio.wait_for(asyncio.shield(task), timeout=self.deadline_seconds)
        except asyncio.TimeoutError:
            logger.error(
                "%s channel: no reply within %.0f s (is the action server slow?); sent the fallback.",
                self.channel_name,
                self.deadline_seconds,
            )
            return Turn(await self.fallback(agent, sender_id), fell_back=True)
        except Exception as error:  # noqa: BLE001 - the person gets helplines, never an error page
            logger.error("%s channel: handling a message failed (%s).", self.channel_name, type(error).__name__)
            return Turn(await self.fallback(agent, sender_id), fell_back=True)
        if failed_actions or not collector.messages:
            # Rasa has already logged which action failed (without the message text).
            logger.warning(
                "%s channel: an action failed or the bot had no reply (is the action server down?); sent the fallback.",
                self.channel_name,
            )
            return Turn(collector.messages + await self.fallback(agent, sender_id), fell_back=True)
        return Turn(collector.messages)

    def _finished(self, task: asyncio.Future[Any]) -> None:
        self._running.discard(task)
        # Read the exception so a turn that failed after its deadline is not reported as "never retrieved".
        if not task.cancelled():
            task.exception()

    async def fallback(self, agent: Any, sender_id: str) -> list[dict[str, Any]]:
        """The fallback reply in Rasa's output format, worded for this conversation if possible."""
        try:
            tracker = await asyncio.wait_for(self._tracker(agent, sender_id), timeout=TRACKER_LOOKUP_SECONDS)
            rendered = await self.fallback_generator.generate(
                FALLBACK_RESPONSE, tracker, self.channel_name, **fallback_lines()
            )
            if rendered and rendered.get("text"):
                reply = {"recipient_id": sender_id, "text": rendered["text"]}
                if rendered.get("buttons"):
                    reply["buttons"] = rendered["buttons"]
                return [reply]
        except Exception as error:  # noqa: BLE001 - the last resort below still names helplines
            logger.error(
                "%s channel: the fallback could not be rendered (%s).", self.channel_name, type(error).__name__
            )
        return [{"recipient_id": sender_id, "text": LAST_RESORT}]

    @staticmethod
    async def _tracker(agent: Any, sender_id: str) -> DialogueStateTracker:
        """The stored conversation for its slots, or an empty one if the store has none or fails."""
        try:
            tracker = await agent.tracker_store.retrieve(sender_id)
        except Exception:  # noqa: BLE001 - the default wording is fine
            tracker = None
        return tracker or DialogueStateTracker(sender_id, agent.domain.slots)
