"""Per-address limits count an IPv6 client by its /64 (one home or phone can use any address in it) and
an IPv4 client by its address; the action server gets only a keyed hash of that group."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from bot.channels.address_groups import address_group, client_key
from bot.channels.counts import CountsInput
from bot.channels.http import client_address

SECRET = b"a-widget-secret-of-at-least-32-bytes!"


@pytest.mark.parametrize(
    ("address", "group"),
    [
        ("2001:db8:aa:bb:1:2:3:4", "2001:db8:aa:bb::/64"),
        ("2001:db8:aa:bb:ffff:ffff:ffff:ffff", "2001:db8:aa:bb::/64"),
        ("2001:DB8:AA:BB::1", "2001:db8:aa:bb::/64"),
        ("2001:db8::1", "2001:db8::/64"),
        ("::ffff:192.0.2.7", "192.0.2.7"),  # IPv4 written as IPv6 is that IPv4 address, not a shared /64
        ("203.0.113.9", "203.0.113.9"),
        ("not an address", "not an address"),
        ("", ""),
    ],
)
def test_address_groups(address: str, group: str) -> None:
    assert address_group(address) == group


def request(ip: str, forwarded: str | None = None) -> SimpleNamespace:
    headers = {"x-forwarded-for": forwarded} if forwarded else {}
    return SimpleNamespace(ip=ip, headers=headers, body=b"", ctx=SimpleNamespace())


def test_the_client_address_of_an_ipv6_client_is_its_64_directly_and_behind_a_proxy() -> None:
    assert client_address(request("2001:db8:aa:bb:1:2:3:4")) == "2001:db8:aa:bb::/64"
    assert client_address(request("127.0.0.1", "2001:db8:aa:bb:9:9:9:9")) == "2001:db8:aa:bb::/64"
    assert client_address(request("127.0.0.1", "198.51.100.4")) == "198.51.100.4"


def test_a_per_address_limit_holds_across_a_whole_64_but_not_across_64s() -> None:
    channel = CountsInput(per_minute=3)
    body = b'{"tenant": "example-charity", "kind": "quick_exit"}'

    def count(ip: str) -> object:
        return channel.increment(
            SimpleNamespace(ip=ip, headers={"origin": "https://www.example.org"}, body=body, ctx=SimpleNamespace())
        )

    rotating = [f"2001:db8:aa:bb:{n:x}:1:2:3" for n in range(4)]  # a new address every time, same /64
    assert [count(ip) == 429 for ip in rotating] == [False, False, False, True]
    assert count("2001:db8:aa:bc::1") != 429  # the neighbouring /64 is someone else


def test_the_client_key_is_a_stable_keyed_hash_that_never_shows_the_address() -> None:
    key = client_key(SECRET, "2001:db8:aa:bb::/64")
    assert key == client_key(SECRET, address_group("2001:db8:aa:bb:5:6:7:8"))
    assert key != client_key(SECRET, "2001:db8:aa:bc::/64")
    assert key != client_key(b"another-secret-of-at-least-32-bytes!!", "2001:db8:aa:bb::/64")
    assert len(key) == 22 and "2001" not in key and "db8" not in key
    assert client_key(SECRET, "203.0.113.9") != client_key(SECRET, "203.0.113.10")
