"""The widget's counts endpoint (bot/channels/metrics.py), request by request: only a known tenant from
one of its own sites, a fixed kind, a known service or "other"; limited per sender address."""

from __future__ import annotations

import json
from types import SimpleNamespace

from bot.channels.metrics import MetricsInput, client_address
from bot.metrics.counting import Increment

ORIGIN = "https://www.example.org"


def request(body: object, origin: str | None = ORIGIN, ip: str = "203.0.113.9", forwarded: str | None = None):
    headers = {k: v for k, v in (("origin", origin), ("x-forwarded-for", forwarded)) if v is not None}
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    return SimpleNamespace(body=raw, headers=headers, ip=ip, ctx=SimpleNamespace())


def test_only_allowed_counts_get_through() -> None:
    channel = MetricsInput()
    ok = channel.increment(request({"tenant": "example-charity", "kind": "link", "service": "childline"}))
    assert isinstance(ok, Increment) and (ok.tenant, ok.metric, ok.value) == ("example-charity", "link_clicked", "childline")
    other = channel.increment(request({"tenant": "example-charity", "kind": "link", "service": "Jane Smith"}))
    assert other.value == "other"
    assert channel.increment(request({"tenant": "example-charity", "kind": "quick_exit"})).value == "all"
    assert channel.increment(request({"tenant": "example-charity", "kind": "quick_exit"}, origin="https://evil.example")) == 403
    assert channel.increment(request({"tenant": "default", "kind": "quick_exit"})) == 403  # not default's site
    assert channel.increment(request({"tenant": "example-charity", "kind": "typed"})) == 400
    assert channel.increment(request({"tenant": "example-charity", "kind": "quick_exit", "text": "hi"})) == 400
    assert channel.increment(request(b"not json")) == 400
    assert channel.increment(request(["a list"])) == 400
    assert channel.increment(request({"tenant": "nope", "kind": "quick_exit"})) == 404
    assert channel.increment(request(b"{" + b" " * 300 + b"}")) == 413


def test_each_address_is_limited_and_a_local_proxy_passes_on_the_real_one() -> None:
    channel = MetricsInput(per_minute=3)
    body = {"tenant": "example-charity", "kind": "quick_exit"}
    assert [channel.increment(request(body)) == 429 for _ in range(4)] == [False, False, False, True]
    assert channel.increment(request(body, ip="198.51.100.1")) != 429
    # Behind nginx on this machine: the address nginx appended counts, not the proxy's.
    assert client_address(request(body, ip="127.0.0.1", forwarded="10.0.0.1, 192.0.2.7")) == "192.0.2.7"
    # From anywhere else the header could be forged: ignored.
    assert client_address(request(body, ip="203.0.113.9", forwarded="192.0.2.7")) == "203.0.113.9"
