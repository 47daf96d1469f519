"""The widget's counts endpoint (bot/channels/counts.py), request by request: only a known tenant from
one of its own sites, a fixed kind, a known service or "other"; limited per sender address."""

from __future__ import annotations

import json
from types import SimpleNamespace

import pytest

from bot.channels.counts import CountsInput
from bot.channels.http import client_address
from bot.metrics.counting import Increment

ORIGIN = "https://www.example.org"


def request(body: object, origin: str | None = ORIGIN, ip: str = "203.0.113.9", forwarded: str | None = None):
    headers = {k: v for k, v in (("origin", origin), ("x-forwarded-for", forwarded)) if v is not None}
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    return SimpleNamespace(body=raw, headers=headers, ip=ip, ctx=SimpleNamespace())


def test_only_allowed_counts_get_through() -> None:
    channel = CountsInput()
    ok = channel.increment(request({"tenant": "example-charity", "kind": "link", "service": "childline"}))
    assert isinstance(ok, Increment) and (ok.tenant, ok.metric, ok.value) == (
        "example-charity",
        "link_clicked",
        "childline",
    )
    other = channel.increment(request({"tenant": "example-charity", "kind": "link", "service": "Jane Smith"}))
    assert other.value == "other"
    assert channel.increment(request({"tenant": "example-charity", "kind": "quick_exit"})).value == "all"
    assert (
        channel.increment(request({"tenant": "example-charity", "kind": "quick_exit"}, origin="https://evil.example"))
        == 403
    )
    assert channel.increment(request({"tenant": "default", "kind": "quick_exit"})) == 403  # not default's site
    assert channel.increment(request({"tenant": "example-charity", "kind": "typed"})) == 400
    assert channel.increment(request({"tenant": "example-charity", "kind": "quick_exit", "text": "hi"})) == 400
    assert channel.increment(request(b"not json")) == 400
    assert channel.increment(request(["a list"])) == 400
    assert channel.increment(request({"tenant": "nope", "kind": "quick_exit"})) == 404
    assert channel.increment(request(b"{" + b" " * 300 + b"}")) == 413


def test_each_address_is_limited_and_a_local_proxy_passes_on_the_real_one() -> None:
    channel = CountsInput(per_minute=3)
    body = {"tenant": "example-charity", "kind": "quick_exit"}
    assert [channel.increment(request(body)) == 429 for _ in range(4)] == [False, False, False, True]
    assert channel.increment(request(body, ip="198.51.100.1")) != 429
    # Behind nginx on this machine: the address nginx appended counts, not the proxy's.
    assert client_address(request(body, ip="127.0.0.1", forwarded="10.0.0.1, 192.0.2.7")) == "192.0.2.7"
    # From anywhere else the header could be forged: ignored.
    assert client_address(request(body, ip="203.0.113.9", forwarded="192.0.2.7")) == "203.0.113.9"


def test_trusted_proxies_on_other_machines_pass_on_the_real_address(monkeypatch: pytest.MonkeyPatch) -> None:
    """Rasa servers behind an nginx on another machine (docs/deploy/scale-out.md): its address is trusted."""
    monkeypatch.setenv("TRUSTED_PROXIES", "10.0.0.0/24, 192.0.2.50")
    # Each person keeps their own rate limit: the right-most address no trusted proxy vouches for.
    assert client_address(request({}, ip="10.0.0.7", forwarded="198.51.100.4")) == "198.51.100.4"
    assert client_address(request({}, ip="10.0.0.7", forwarded="198.51.100.5")) == "198.51.100.5"
    # Two trusted hops (a load balancer, then nginx): skipped; a client's forged entries on the left: ignored.
    assert client_address(request({}, ip="10.0.0.7", forwarded="6.6.6.6, 198.51.100.4, 192.0.2.50")) == "198.51.100.4"
    # A peer that is not a trusted proxy cannot choose its address by sending the header.
    assert client_address(request({}, ip="203.0.113.9", forwarded="198.51.100.4")) == "203.0.113.9"
    # 127.0.0.1 is trusted only by default: once set, only the listed proxies are.
    assert client_address(request({}, ip="127.0.0.1", forwarded="198.51.100.4")) == "127.0.0.1"
    channel = CountsInput(per_minute=1)
    body = {"tenant": "example-charity", "kind": "quick_exit"}
    assert channel.increment(request(body, ip="10.0.0.7", forwarded="198.51.100.4")) != 429
    assert channel.increment(request(body, ip="10.0.0.8", forwarded="198.51.100.5")) != 429  # not the proxy's limit
    assert channel.increment(request(body, ip="10.0.0.8", forwarded="198.51.100.4")) == 429


def test_by_default_only_this_machine_is_a_trusted_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TRUSTED_PROXIES", raising=False)
    assert client_address(request({}, ip="::1", forwarded="198.51.100.4")) == "198.51.100.4"
    assert client_address(request({}, ip="10.0.0.7", forwarded="198.51.100.4")) == "10.0.0.7"


@pytest.mark.parametrize("value", ["10.0.0.300", "nginx.internal", "10.0.0.0/33", " , "])
def test_a_wrong_trusted_proxies_setting_stops_start_up(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv("TRUSTED_PROXIES", value)
    with pytest.raises(ValueError, match="TRUSTED_PROXIES"):
        CountsInput()
