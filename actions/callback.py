"""Delivers a survivor's callback request to their charity's own webhook, then forgets it.

The request holds only what the charity needs to call back safely: how to reach the person, the times
they said are safe and whether a message may be left, plus the tenant and a coarse time. Never the
conversation id, never anything else they said. It is signed with the tenant's own secret so the charity
can tell it came from Reclaim and was not changed or replayed (docs/callback-webhook.md):

    X-Reclaim-Timestamp: <unix seconds>
    X-Reclaim-Signature: sha256=<hex HMAC-SHA256 of "<timestamp>.<body>" with the tenant's secret>
    X-Reclaim-Delivery: <random hex id, the same on every retry of one request>

Network errors, timeouts and 5xx answers are retried with exponential backoff; a 4xx is not (sending the
same request again would not help). Each attempt has a hard total time limit (httpx's own timeout is per
stage, so a webhook trickling bytes could hold one attempt far longer), and so does the whole delivery.
Nothing here logs the body or the contact: only the tenant, the status code and the attempt number.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import hmac
import json
import logging
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import httpx

from actions.handoff_config import Handoff, callback_secret

logger = logging.getLogger(__name__)

# The person waits for the answer, and the channel gives up after REPLY_DEADLINE_SECONDS (default 10,
# bot/channels/turns.py): the worst case here, 3 x 2s + 0.25s + 0.5s = 6.75s, stays well inside it.
TIMEOUT_SECONDS = 2.0
ATTEMPTS = 3
BACKOFF_SECONDS = 0.25  # then 0.5s: doubles each time
SIGNATURE_HEADER = "X-Reclaim-Signature"
TIMESTAMP_HEADER = "X-Reclaim-Timestamp"
DELIVERY_HEADER = "X-Reclaim-Delivery"

Sleep = Callable[[float], Awaitable[None]]


@dataclass(frozen=True)
class CallbackRequest:
    contact_method: str  # phone_call, text_message or email
    contact: str
    safe_times: tuple[str, ...]
    message_ok: bool


def request_body(tenant_id: str, request: CallbackRequest, now: dt.datetime) -> bytes:
    """The JSON the charity receives. `requested_at` is to the minute: no finer trace of the chat."""
    requested_at = now.astimezone(dt.UTC).replace(second=0, microsecond=0)
    body = {
        "tenant": tenant_id,
        "contact_method": request.contact_method,
        "contact": request.contact,
        "safe_times": list(request.safe_times),
        "message_ok": request.message_ok,
        "requested_at": requested_at.strftime("%Y-%m-%dT%H:%MZ"),
    }
    return json.dumps(body, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def signature(secret: bytes, timestamp: str, body: bytes) -> str:
    digest = hmac.new(secret, timestamp.encode("ascii") + b"." + body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def signed_headers(secret: bytes, body: bytes, unix_time: int, delivery_id: str) -> dict[str, str]:
    timestamp = str(unix_time)
    return {
        "Content-Type": "application/json",
        TIMESTAMP_HEADER: timestamp,
        SIGNATURE_HEADER: signature(secret, timestamp, body),
        # Random, not derived from the conversation: it only lets the charity see that two tries are one request.
        DELIVERY_HEADER: delivery_id,
        "User-Agent": "Reclaim-callback/1",
    }


def worst_case_seconds(
    attempts: int = ATTEMPTS, timeout: float = TIMEOUT_SECONDS, backoff: float = BACKOFF_SECONDS
) -> float:
    return attempts * timeout + sum(backoff * 2**n for n in range(attempts - 1))


async def deliver(
    handoff: Handoff,
    request: CallbackRequest,
    *,
    now: dt.datetime | None = None,
    transport: httpx.AsyncBaseTransport | None = None,
    sleep: Sleep = asyncio.sleep,
    attempts: int = ATTEMPTS,
    backoff: float = BACKOFF_SECONDS,
    timeout: float = TIMEOUT_SECONDS,
) -> bool:
    """True once the tenant's webhook answered 2xx. Only this tenant's URL and this tenant's secret.
    Whether a request may be sent at all (once per conversation, hourly limits) is callback_limits.py's job."""
    secret = callback_secret(handoff.tenant)
    webhook_url = handoff.webhook_url
    if webhook_url is None or secret is None:
        logger.warning("Callback for tenant %s not sent: no webhook or no secret configured.", handoff.tenant)
        return False
    body = request_body(handoff.tenant, request, now or dt.datetime.now(dt.UTC))
    delivery_id = uuid.uuid4().hex
    try:
        # A hard cap on the whole delivery too, so the person always hears back before the channel's deadline.
        return await asyncio.wait_for(
            _send(handoff, webhook_url, secret, body, delivery_id, transport, sleep, attempts, backoff, timeout),
            worst_case_seconds(attempts, timeout, backoff),
        )
    except TimeoutError:
        logger.warning("Callback for tenant %s: gave up after the time limit.", handoff.tenant)
        return False


async def _send(
    handoff: Handoff,
    webhook_url: str,
    secret: bytes,
    body: bytes,
    delivery_id: str,
    transport: httpx.AsyncBaseTransport | None,
    sleep: Sleep,
    attempts: int,
    backoff: float,
    timeout: float,
) -> bool:
    async with httpx.AsyncClient(transport=transport, timeout=timeout, follow_redirects=False) as client:
        for attempt in range(1, attempts + 1):
            # Signed afresh each attempt, so the timestamp is current; the delivery id stays the same.
            headers = signed_headers(secret, body, int(time.time()), delivery_id)
            try:
                # httpx's timeout is per stage (a byte every second never trips it): this bounds the attempt.
                answer = await asyncio.wait_for(client.post(webhook_url, content=body, headers=headers), timeout)
            except (TimeoutError, httpx.HTTPError) as error:
                logger.warning(
                    "Callback for tenant %s: attempt %d failed (%s).", handoff.tenant, attempt, type(error).__name__
                )
            else:
                if answer.is_success:
                    logger.info("Callback for tenant %s delivered (attempt %d).", handoff.tenant, attempt)
                    return True
                logger.warning(
                    "Callback for tenant %s: attempt %d got HTTP %d.", handoff.tenant, attempt, answer.status_code
                )
                if answer.status_code < 500:
                    return False  # the charity refused it: the same request again would not help
            if attempt < attempts:
                await sleep(backoff * 2 ** (attempt - 1))
    return False
