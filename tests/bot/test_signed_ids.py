"""Conversation ids: only the server can mint one, and an id cannot be moved to another tenant."""

from __future__ import annotations

import re

import pytest

from bot.channels.signed_ids import ConversationSigner

SIGNER = ConversationSigner("a test secret")


def test_an_issued_id_has_the_documented_shape_and_verifies() -> None:
    issued = SIGNER.issue("default")
    assert re.fullmatch(r"default\.[0-9a-f]{32}\.[A-Za-z0-9_-]{43}", issued.value)
    verified = SIGNER.verify(issued.value)
    assert verified is not None and verified.tenant == "default" and verified.random == issued.random


def test_ids_are_unique() -> None:
    assert len({SIGNER.issue("default").value for _ in range(1000)}) == 1000


def test_another_secret_does_not_verify() -> None:
    assert ConversationSigner("another secret").verify(SIGNER.issue("default").value) is None


def test_moving_an_id_to_another_tenant_fails() -> None:
    _, random, signature = SIGNER.issue("default").value.split(".")
    assert SIGNER.verify(f"example-charity.{random}.{signature}") is None


def test_tampered_random_or_signature_fails() -> None:
    tenant, random, signature = SIGNER.issue("default").value.split(".")
    other_random = ("0" if random[0] != "0" else "1") + random[1:]
    other_signature = ("A" if signature[0] != "A" else "B") + signature[1:]
    assert SIGNER.verify(f"{tenant}.{other_random}.{signature}") is None
    assert SIGNER.verify(f"{tenant}.{random}.{other_signature}") is None
    assert SIGNER.verify(f"{tenant}.{random}.{signature}=") is None


@pytest.mark.parametrize(
    "value",
    ["", "default", "default.abc", "default..sig", "a.b.c.d", "default." + "g" * 32 + ".sig", "x" * 500, "é.é.é"],
)
def test_malformed_ids_fail_without_raising(value: str) -> None:
    assert SIGNER.verify(value) is None


def test_tenant_ids_with_dots_or_empty_secret_are_refused() -> None:
    with pytest.raises(ValueError):
        SIGNER.issue("has.dot")
    with pytest.raises(ValueError):
        ConversationSigner("")
