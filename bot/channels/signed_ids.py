"""Conversation ids the server signs, so a browser cannot pick or guess someone else's conversation.

Format: "<tenant>.<issued>.<random>.<signature>":
- issued: when the server issued it, Unix seconds in lowercase hex (8 characters until 2106);
- random: 24 random lowercase hex characters (96 bits: with the time, never the same twice);
- signature: HMAC-SHA256 of tenant, issued and random, urlsafe base64 without padding (43 characters).
The REST channel lets the client choose its sender id; here only the server can mint a valid one. The
tenant and the issue time are inside what is signed, so an id cannot be moved to another charity's widget
or made younger. An id older than `max_age_seconds` (the conversation retention period) is refused like a
forged one, and so is the earlier format without a time ("<tenant>.<32 hex>.<signature>").
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass

RANDOM_HEX_CHARS = 24
MAX_ID_CHARS = 200
# Servers' clocks may differ a little: an id "issued" up to this far in the future is still accepted.
CLOCK_SKEW_SECONDS = 300
_HEX = re.compile(r"[0-9a-f]+")


@dataclass(frozen=True)
class ConversationId:
    tenant: str
    issued: int  # Unix seconds
    random: str
    value: str


def tenant_of(value: str) -> str | None:
    """The tenant part of anything shaped like a widget id, NOT verified (for anonymous counting only)."""
    parts = value.split(".") if isinstance(value, str) else []
    return (parts[0] or None) if len(parts) == 4 else None


class ConversationSigner:
    def __init__(
        self,
        secret: str | bytes,
        max_age_seconds: float | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        if not secret:
            raise ValueError("the signing secret must not be empty")
        self._key = secret.encode("utf-8") if isinstance(secret, str) else secret
        self.max_age_seconds = max_age_seconds
        self._clock = clock

    def _signature(self, tenant: str, issued: str, random: str) -> str:
        # The length prefix keeps ("ab", "c...") and ("a", "bc...") apart; the parts after it are hex.
        message = f"{len(tenant)}:{tenant}:{issued}:{random}".encode()
        digest = hmac.new(self._key, message, hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")

    def issue(self, tenant: str) -> ConversationId:
        """A new, unguessable conversation id for `tenant` (which must not contain a dot)."""
        if not tenant or "." in tenant:
            raise ValueError("a tenant id must be non-empty and contain no dot")
        issued = int(self._clock())
        issued_hex = format(issued, "08x")
        random = secrets.token_hex(RANDOM_HEX_CHARS // 2)
        value = f"{tenant}.{issued_hex}.{random}.{self._signature(tenant, issued_hex, random)}"
        return ConversationId(tenant, issued, random, value)

    def expires_at(self, conversation: ConversationId) -> float | None:
        """The Unix time from which `conversation` is refused for its age (None: ids do not expire)."""
        return None if self.max_age_seconds is None else conversation.issued + self.max_age_seconds

    def verify(self, value: str) -> ConversationId | None:
        """The id's parts if it was issued with this secret and is not too old; None for anything else."""
        if not isinstance(value, str) or len(value) > MAX_ID_CHARS:
            return None
        parts = value.split(".")
        if len(parts) != 4:
            return None
        tenant, issued_hex, random, signature = parts
        if not tenant or not 1 <= len(issued_hex) <= 12 or not _HEX.fullmatch(issued_hex):
            return None
        if len(random) != RANDOM_HEX_CHARS or not _HEX.fullmatch(random):
            return None
        expected = self._signature(tenant, issued_hex, random).encode("ascii")
        if not hmac.compare_digest(signature.encode("ascii", "replace"), expected):
            return None
        conversation = ConversationId(tenant, int(issued_hex, 16), random, value)
        now = self._clock()
        expires = self.expires_at(conversation)
        if conversation.issued > now + CLOCK_SKEW_SECONDS or (expires is not None and now >= expires):
            return None
        return conversation
