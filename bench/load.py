"""The load: simulated people walking real conversations, over HTTP, as fast as the servers answer.

Each simulated person holds one conversation at a time, sends a message, waits for the whole answer,
and sends the next: at once (no pause: the hardest case), or after a pause for reading and typing
(`think_seconds` on average, 0.5-1.5 times that, at random). Requests are spread round-robin over the
servers given, message by message, as a load balancer without sticky sessions would.
"""

from __future__ import annotations

import asyncio
import itertools
import random
import statistics
import time
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import aiohttp

REQUEST_TIMEOUT_SECONDS = 60


@dataclass(frozen=True)
class Step:
    message: str
    expect: str = ""  # a phrase the answer must contain (catches lost state under load), or "" for any answer


@dataclass(frozen=True)
class Flow:
    name: str
    channel: str  # "rest" or "widget"
    steps: tuple[Step, ...]


# Our bot: the facts form and the summary run in the action server (custom actions).
REPORT_STEPS = (
    Step("yes", "What has happened?"),
    Step("my ex put my nudes on twitter, I'm 19 and live in Cardiff", "not your fault"),
    Step("no that's all", "under 18"),
    Step("no", "when did it happen"),
    Step("last week", "What would help most"),
    Step("I want them taken down", "Where: Wales"),
)
RECLAIM_FLOWS = (
    Flow("reclaim-rest", "rest", (Step("hi", "safe to talk"), *REPORT_STEPS)),
    # The widget opens with the greeting itself (POST /conversations), then the same walk.
    Flow("reclaim-widget", "widget", REPORT_STEPS),
)
# The stock `rasa init` bot: its whole happy and sad paths.
STOCK_FLOWS = (
    Flow("stock-sad", "rest", (Step("hi"), Step("I am very sad"), Step("yes"), Step("bye"))),
    Flow("stock-happy", "rest", (Step("hello there"), Step("I am great"), Step("goodbye"))),
)


@dataclass
class Sample:
    seconds: float
    ok: bool
    wrong: bool = False  # answered, but not what that point of the conversation should say


@dataclass
class LevelResult:
    concurrency: int
    seconds: float
    samples: list[Sample] = field(default_factory=list)
    conversations: int = 0

    def summary(self) -> dict[str, Any]:
        good = sorted(sample.seconds for sample in self.samples if sample.ok)
        errors = sum(1 for sample in self.samples if not sample.ok)
        return {
            "concurrency": self.concurrency,
            "requests": len(self.samples),
            "conversations": self.conversations,
            "errors": errors,
            "wrong_answers": sum(1 for sample in self.samples if sample.wrong),
            "p50_ms": _percentile(good, 50),
            "p95_ms": _percentile(good, 95),
            "p99_ms": _percentile(good, 99),
            "mean_ms": round(statistics.fmean(good) * 1000, 1) if good else None,
            "throughput_rps": round(len(good) / self.seconds, 2),
            "duration_s": round(self.seconds, 1),
        }


def _percentile(sorted_seconds: Sequence[float], percent: float) -> float | None:
    if not sorted_seconds:
        return None
    rank = max(0, min(len(sorted_seconds) - 1, round(percent / 100 * len(sorted_seconds) + 0.5) - 1))
    return round(sorted_seconds[rank] * 1000, 1)


def _texts(payload: Any) -> str:
    """All text in an answer: REST (a list of replies) or widget ({"messages": [...]})."""
    if isinstance(payload, dict):
        payload = payload.get("messages", [])
    return "\n".join(str(reply.get("text") or "") for reply in payload if isinstance(reply, dict))


class Driver:
    def __init__(self, base_urls: Sequence[str], flows: Sequence[Flow], think_seconds: float = 0.0) -> None:
        self.think_seconds = think_seconds
        self.servers: Iterator[str] = itertools.cycle(base_urls)
        self.flows = itertools.cycle(flows)
        self.deadline = float("inf")  # no new message after this; a conversation under way is left there

    async def _post(
        self,
        session: aiohttp.ClientSession,
        path: str,
        body: dict[str, Any],
        expect: str,
        status: int,
        result: LevelResult,
        record: bool,
    ) -> Any | None:
        if record and self.think_seconds:
            await asyncio.sleep(self.think_seconds * random.uniform(0.5, 1.5))
        url = next(self.servers) + path
        started = time.perf_counter()
        try:
            async with session.post(url, json=body) as response:
                payload = await response.json(content_type=None)
                ok = response.status == status and bool(_texts(payload).strip())
        except (aiohttp.ClientError, asyncio.TimeoutError, ValueError):
            payload, ok = None, False
        elapsed = time.perf_counter() - started
        wrong = ok and bool(expect) and expect not in _texts(payload)
        if record:
            result.samples.append(Sample(elapsed, ok, wrong))
        return payload if ok else None

    async def conversation(
        self, session: aiohttp.ClientSession, flow: Flow, result: LevelResult, record: bool = True
    ) -> None:
        if flow.channel == "widget":
            started = await self._post(
                session, "/webhooks/widget/conversations", {"tenant": "default"}, "safe to talk", 201, result, record
            )
            if started is None:
                return
            path = f"/webhooks/widget/conversations/{started['conversation_id']}/messages"
            for step in flow.steps:
                if time.perf_counter() > self.deadline:
                    return
                if await self._post(session, path, {"message": step.message}, step.expect, 200, result, record) is None:
                    return
        else:
            sender = f"bench-{uuid.uuid4().hex}"
            for step in flow.steps:
                if time.perf_counter() > self.deadline:
                    return
                body = {"sender": sender, "message": step.message}
                if await self._post(session, "/webhooks/rest/webhook", body, step.expect, 200, result, record) is None:
                    return
        if record:
            result.conversations += 1

    async def run(self, concurrency: int, seconds: float) -> LevelResult:
        result = LevelResult(concurrency, seconds)
        timeout = aiohttp.ClientTimeout(total=REQUEST_TIMEOUT_SECONDS)
        connector = aiohttp.TCPConnector(limit=0)
        async with aiohttp.ClientSession(timeout=timeout, connector=connector) as session:
            # Warm up (not measured): the first answers load lazily.
            for flow in {flow.name: flow for flow in itertools.islice(self.flows, 2)}.values():
                await self.conversation(session, flow, result, record=False)
            began = time.perf_counter()
            self.deadline = began + seconds

            async def person() -> None:
                while time.perf_counter() < self.deadline:
                    await self.conversation(session, next(self.flows), result)

            await asyncio.gather(*(person() for _ in range(concurrency)))
            # The messages in flight at the deadline are answered and counted: measure the time actually taken.
            result.seconds = time.perf_counter() - began
        return result


def drive(
    base_urls: Sequence[str], flows: Sequence[Flow], concurrency: int, seconds: float, think_seconds: float = 0.0
) -> LevelResult:
    return asyncio.run(Driver(base_urls, flows, think_seconds).run(concurrency, seconds))
