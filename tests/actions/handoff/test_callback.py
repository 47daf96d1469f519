"""actions/callback.py: the callback request reaches only its own charity's webhook, signed with that
charity's secret, with only what the charity needs; retried with backoff on network errors and 5xx, not
on 4xx; and neither the contact nor the body is ever logged."""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import hmac
import logging
import re
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from actions import callback
from actions.callback import CallbackRequest, deliver, request_body, signature
from actions.handoff_config import parse_handoff, secret_variable
from tests.actions.handoff.handoff_helpers import Receiver, handoff

CONTACT = "07700 900123"
REQUEST = CallbackRequest("phone_call", CONTACT, ("weekday_evening", "weekend"), False)
NOW = dt.datetime(2026, 11, 24, 14, 7, 42, 123456, tzinfo=dt.UTC)
SECRET_A, SECRET_B = "callback-secret-for-charity-a-32-bytes", "callback-secret-for-charity-b-32-bytes"
CHARITY_A = parse_handoff("charity-a", handoff("callback", callback={"webhook_url": "https://a.example.org/hook"}))
CHARITY_B = parse_handoff("charity-b", handoff("callback", callback={"webhook_url": "https://b.example.org/hook"}))


@pytest.fixture(autouse=True)
def secrets(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(secret_variable("charity-a"), SECRET_A)
    monkeypatch.setenv(secret_variable("charity-b"), SECRET_B)


class Sleeps:
    """Records the backoff instead of waiting, so the tests are fast."""

    def __init__(self) -> None:
        self.waits: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)


def verify(request: httpx.Request, secret: str) -> bool:
    """The charity's side of it, as docs/callback-webhook.md tells them to check it."""
    timestamp = request.headers["X-Reclaim-Timestamp"]
    expected = (
        "sha256=" + hmac.new(secret.encode(), f"{timestamp}.".encode() + request.content, hashlib.sha256).hexdigest()
    )
    return (
        hmac.compare_digest(expected, request.headers["X-Reclaim-Signature"])
        and abs(time.time() - int(timestamp)) < 300
    )


async def test_the_body_holds_only_what_the_charity_needs() -> None:
    receiver = Receiver(200)
    assert await deliver(CHARITY_A, REQUEST, now=NOW, transport=receiver.transport, sleep=Sleeps())
    [sent] = receiver.requests
    assert str(sent.url) == "https://a.example.org/hook" and sent.method == "POST"
    assert sent.headers["content-type"] == "application/json"
    assert receiver.bodies() == [
        {
            "tenant": "charity-a",
            "contact_method": "phone_call",
            "contact": CONTACT,
            "safe_times": ["weekday_evening", "weekend"],
            "message_ok": False,
            "requested_at": "2026-11-24T14:07Z",  # to the minute: no finer trace of the chat
        }
    ]


async def test_the_signature_verifies_with_the_tenants_secret_only() -> None:
    receiver = Receiver(200)
    await deliver(CHARITY_A, REQUEST, now=NOW, transport=receiver.transport, sleep=Sleeps())
    [sent] = receiver.requests
    assert sent.headers["X-Reclaim-Signature"].startswith("sha256=")
    assert verify(sent, SECRET_A)
    assert not verify(sent, SECRET_B)


def test_signature_is_hmac_sha256_of_timestamp_dot_body() -> None:
    body = request_body("charity-a", REQUEST, NOW)
    expected = hmac.new(b"k", b"1700000000." + body, hashlib.sha256).hexdigest()
    assert signature(b"k", "1700000000", body) == f"sha256={expected}"
    # Any change to the body or the timestamp breaks it.
    assert signature(b"k", "1700000001", body) != signature(b"k", "1700000000", body)
    assert signature(b"k", "1700000000", body.replace(b"0770", b"0771")) != signature(b"k", "1700000000", body)


async def test_tenant_isolation_each_request_goes_only_to_its_own_charity() -> None:
    receiver = Receiver(200)
    await deliver(CHARITY_A, REQUEST, now=NOW, transport=receiver.transport, sleep=Sleeps())
    await deliver(
        CHARITY_B,
        CallbackRequest("email", "b@example.com", ("any_time",), True),
        now=NOW,
        transport=receiver.transport,
        sleep=Sleeps(),
    )
    first, second = receiver.requests
    assert first.url.host == "a.example.org" and verify(first, SECRET_A) and not verify(first, SECRET_B)
    assert second.url.host == "b.example.org" and verify(second, SECRET_B) and not verify(second, SECRET_A)
    assert [body["tenant"] for body in receiver.bodies()] == ["charity-a", "charity-b"]
    assert "b@example.com" not in first.content.decode() and CONTACT not in second.content.decode()


async def test_no_secret_means_nothing_is_sent(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(secret_variable("charity-a"))
    receiver = Receiver(200)
    assert not await deliver(CHARITY_A, REQUEST, transport=receiver.transport, sleep=Sleeps())
    assert receiver.requests == []  # never sent unsigned, never signed with another tenant's secret


async def test_network_errors_and_5xx_are_retried_with_exponential_backoff() -> None:
    receiver, sleeps = Receiver(None, 503, 200), Sleeps()
    assert await deliver(CHARITY_A, REQUEST, transport=receiver.transport, sleep=sleeps)
    assert len(receiver.requests) == 3
    assert sleeps.waits == [callback.BACKOFF_SECONDS, callback.BACKOFF_SECONDS * 2]
    assert all(verify(request, SECRET_A) for request in receiver.requests)  # each attempt signed afresh


async def test_gives_up_after_three_attempts() -> None:
    receiver, sleeps = Receiver(500, 502, 504, 200), Sleeps()
    assert not await deliver(CHARITY_A, REQUEST, transport=receiver.transport, sleep=sleeps)
    assert len(receiver.requests) == callback.ATTEMPTS == 3
    assert sleeps.waits == [0.25, 0.5]


def test_the_worst_case_fits_well_inside_the_channels_reply_deadline() -> None:
    # The person is waiting: every try and every wait must end before the widget gives up on the turn.
    settings = (Path(__file__).resolve().parents[3] / ".env.example").read_text()
    deadline = float(re.search(r"^REPLY_DEADLINE_SECONDS=(\S+)$", settings, re.M).group(1))
    assert callback.worst_case_seconds() == 6.75
    assert callback.worst_case_seconds() <= deadline - 3


async def test_a_4xx_is_not_retried() -> None:
    receiver, sleeps = Receiver(401, 200), Sleeps()
    assert not await deliver(CHARITY_A, REQUEST, transport=receiver.transport, sleep=sleeps)
    assert len(receiver.requests) == 1 and sleeps.waits == []


async def test_a_timeout_is_retried() -> None:
    calls: list[httpx.Request] = []

    def slow_then_ok(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        if len(calls) == 1:
            raise httpx.ReadTimeout("slow", request=request)
        return httpx.Response(204)

    assert await deliver(CHARITY_A, REQUEST, transport=httpx.MockTransport(slow_then_ok), sleep=Sleeps())
    assert len(calls) == 2


async def test_redirects_are_not_followed() -> None:
    receiver = Receiver(302)
    assert not await deliver(CHARITY_A, REQUEST, transport=receiver.transport, sleep=Sleeps())
    assert len(receiver.requests) == 1


async def test_neither_the_contact_nor_the_body_is_logged(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    for answers in ((200,), (None, 500, 503), (400,)):
        await deliver(CHARITY_A, REQUEST, transport=Receiver(*answers).transport, sleep=Sleeps())
    logged = caplog.text
    assert "charity-a" in logged  # the logs say what happened...
    assert CONTACT not in logged and "900123" not in logged and "weekday_evening" not in logged  # ...never to whom


class TricklingWebhook:
    """A real local webhook that never finishes answering: it sends its status line one byte at a time,
    each well inside httpx's per-stage timeout, so only a limit on the whole attempt stops it."""

    def __init__(self, gap: float) -> None:
        self.gap = gap
        self.connections = 0
        self.server = socket.create_server(("127.0.0.1", 0))
        self.server.settimeout(0.2)
        self.port = self.server.getsockname()[1]
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        while not self.stopped.is_set():
            try:
                connection, _ = self.server.accept()
            except OSError:
                continue
            self.connections += 1
            threading.Thread(target=self._trickle, args=(connection,), daemon=True).start()

    def _trickle(self, connection: socket.socket) -> None:
        with connection:
            try:
                for byte in b"HTTP/1.1 200 OK\r\nX-Slow: " + b"a" * 10_000:
                    if self.stopped.is_set():
                        return
                    connection.sendall(bytes([byte]))
                    time.sleep(self.gap)
            except OSError:
                return  # the client gave up

    def close(self) -> None:
        self.stopped.set()
        self.server.close()
        self.thread.join(timeout=2)


@pytest.fixture
def trickling() -> Iterator[TricklingWebhook]:
    webhook = TricklingWebhook(gap=0.02)
    yield webhook
    webhook.close()


async def test_a_trickling_webhook_cannot_hold_the_person_past_the_worst_case(trickling: TricklingWebhook) -> None:
    slow = parse_handoff(
        "charity-a", handoff("callback", callback={"webhook_url": f"http://127.0.0.1:{trickling.port}/hook"})
    )
    timeout, backoff = 0.3, 0.05
    worst = callback.worst_case_seconds(3, timeout, backoff)
    started = time.monotonic()
    delivered = await deliver(slow, REQUEST, timeout=timeout, backoff=backoff)
    elapsed = time.monotonic() - started
    assert delivered is False
    assert elapsed <= worst + 0.3, f"took {elapsed:.2f}s, worst case {worst:.2f}s"
    assert trickling.connections >= 2  # a stalled attempt is retried like a network error


async def test_the_whole_delivery_is_capped_at_the_worst_case() -> None:
    """Even if waiting between tries were slow, the person hears back by the worst case."""

    async def slow_sleep(seconds: float) -> None:
        await asyncio.sleep(30)

    timeout, backoff = 0.2, 0.05
    started = time.monotonic()
    assert not await deliver(
        CHARITY_A, REQUEST, transport=Receiver(503).transport, sleep=slow_sleep, timeout=timeout, backoff=backoff
    )
    assert time.monotonic() - started <= callback.worst_case_seconds(3, timeout, backoff) + 0.3


async def test_every_retry_of_one_request_carries_the_same_random_delivery_id() -> None:
    receiver = Receiver(None, 503, 200)
    assert await deliver(CHARITY_A, REQUEST, now=NOW, transport=receiver.transport, sleep=Sleeps())
    ids = {request.headers["X-Reclaim-Delivery"] for request in receiver.requests}
    assert len(receiver.requests) == 3 and len(ids) == 1
    [delivery_id] = ids
    assert re.fullmatch(r"[0-9a-f]{32}", delivery_id)
    # A second request (even an identical one) gets a new id: the charity can tell them apart.
    again = Receiver(200)
    await deliver(CHARITY_A, REQUEST, now=NOW, transport=again.transport, sleep=Sleeps())
    assert again.requests[0].headers["X-Reclaim-Delivery"] != delivery_id
    assert again.requests[0].content == receiver.requests[0].content
