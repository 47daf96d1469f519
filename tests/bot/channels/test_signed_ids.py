"""Conversation ids: only the server can mint one, an id cannot be moved to another tenant, and it is
refused once it is older than the retention period (its issue time is signed), like a forged one."""

from __future__ import annotations

import re

import pytest

from bot.channels.signed_ids import CLOCK_SKEW_SECONDS, ConversationSigner, tenant_of

NOW = 1_790_000_000.0
DAY = 24 * 3600


class Clock:
    def __init__(self, now: float = NOW) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


SIGNER = ConversationSigner("a test secret", max_age_seconds=DAY, clock=Clock())


def test_an_issued_id_has_the_documented_shape_and_verifies() -> None:
    issued = SIGNER.issue("default")
    assert re.fullmatch(r"default\.[0-9a-f]{8}\.[0-9a-f]{24}\.[A-Za-z0-9_-]{43}", issued.value)
    assert len(issued.value) == len("default") + 78  # short: one character longer than the format without a time
    verified = SIGNER.verify(issued.value)
    assert verified is not None and verified.tenant == "default" and verified.random == issued.random
    assert verified.issued == int(NOW) and issued.value.split(".")[1] == format(int(NOW), "08x")


def test_ids_are_unique() -> None:
    assert len({SIGNER.issue("default").value for _ in range(1000)}) == 1000


def test_another_secret_does_not_verify() -> None:
    assert ConversationSigner("another secret").verify(SIGNER.issue("default").value) is None


def test_moving_an_id_to_another_tenant_fails() -> None:
    _, issued, random, signature = SIGNER.issue("default").value.split(".")
    assert SIGNER.verify(f"example-charity.{issued}.{random}.{signature}") is None


def test_tampered_time_random_or_signature_fails() -> None:
    tenant, issued, random, signature = SIGNER.issue("default").value.split(".")
    other_random = ("0" if random[0] != "0" else "1") + random[1:]
    other_signature = ("A" if signature[0] != "A" else "B") + signature[1:]
    younger = format(int(issued, 16) + 3600, "08x")  # made to look an hour newer
    assert SIGNER.verify(f"{tenant}.{issued}.{other_random}.{signature}") is None
    assert SIGNER.verify(f"{tenant}.{issued}.{random}.{other_signature}") is None
    assert SIGNER.verify(f"{tenant}.{younger}.{random}.{signature}") is None
    assert SIGNER.verify(f"{tenant}.{issued}.{random}.{signature}=") is None
    assert SIGNER.verify(f"{tenant}.{issued}\n.{random}.{signature}") is None


def test_an_id_is_refused_once_older_than_the_retention_period() -> None:
    clock = Clock()
    signer = ConversationSigner("a test secret", max_age_seconds=DAY, clock=clock)
    value = signer.issue("default").value
    clock.now = NOW + DAY - 1
    assert signer.verify(value) is not None
    clock.now = NOW + DAY
    assert signer.verify(value) is None
    # Another server with the same secret and retention refuses it too: the time is in the id.
    assert ConversationSigner("a test secret", max_age_seconds=DAY, clock=clock).verify(value) is None


def test_an_id_from_the_future_is_refused_beyond_a_little_clock_skew() -> None:
    ahead = Clock(NOW + CLOCK_SKEW_SECONDS)
    slightly = ConversationSigner("a test secret", max_age_seconds=DAY, clock=ahead).issue("default").value
    assert SIGNER.verify(slightly) is not None
    ahead.now = NOW + CLOCK_SKEW_SECONDS + 60
    too_far = ConversationSigner("a test secret", max_age_seconds=DAY, clock=ahead).issue("default").value
    assert SIGNER.verify(too_far) is None


def test_the_old_format_without_a_time_is_refused() -> None:
    import base64
    import hashlib
    import hmac

    random = "0123456789abcdef0123456789abcdef"
    digest = hmac.new(b"a test secret", f"7:default:{random}".encode(), hashlib.sha256).digest()
    old = f"default.{random}.{base64.urlsafe_b64encode(digest).rstrip(b'=').decode()}"
    assert SIGNER.verify(old) is None


@pytest.mark.parametrize(
    "value",
    [
        "",
        "default",
        "default.abc",
        "default..sig",
        "a.b.c.d",
        "a.b.c.d.e",
        "x" * 500,
        "é.é.é.é",
        "default." + "g" * 8 + "." + "0" * 24 + ".sig",
        "default.0." + "g" * 24 + ".sig",
    ],
)
def test_malformed_ids_fail_without_raising(value: str) -> None:
    assert SIGNER.verify(value) is None


def test_tenant_ids_with_dots_or_empty_secret_are_refused() -> None:
    with pytest.raises(ValueError):
        SIGNER.issue("has.dot")
    with pytest.raises(ValueError):
        ConversationSigner("")


def test_tenant_of_reads_the_unverified_tenant_of_an_id_shape() -> None:
    assert tenant_of(SIGNER.issue("example-charity").value) == "example-charity"
    assert tenant_of("a-rest-sender") is None and tenant_of("a.b.c") is None and tenant_of(".x.y.z") is None
