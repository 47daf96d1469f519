"""Conversation ids the server signs, so a browser cannot pick or guess someone else's conversation.

Format: "<tenant>.<32 random hex>.<HMAC-SHA256 of tenant and random, urlsafe base64, no padding>".
The REST channel lets the client choose its sender id; here only the server can mint a valid one,
and the tenant is inside what is signed, so an id cannot be moved to another charity's widget.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from dataclasses import dataclass

RANDOM_HEX_CHARS = 32


@dataclass(frozen=True)
class ConversationId:
    tenant: str
    random: str
    value: str


class ConversationSigner:
    def __init__(self, secret: str | bytes) -> None:
        if not secret:
            raise ValueError("the signing secret must not be empty")
        self._key = secret.encode("utf-8") if isinstance(secret, str) else secret

    def _signature(self, tenant: str, random: str) -> str:
        # The length prefix keeps ("ab", "c...") and ("a", "bc...") apart.
        message = f"{len(tenant)}:{tenant}:{random}".encode("utf-8")
        digest = hmac.new(self._key, message, hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")

    def issue(self, tenant: str) -> ConversationId:
        """A new, unguessable conversation id for `tenant` (which must not contain a dot)."""
        if not tenant or "." in tenant:
            raise ValueError("a tenant id must be non-empty and contain no dot")
        random = secrets.token_hex(RANDOM_HEX_CHARS // 2)
        return ConversationId(tenant, random, f"{tenant}.{random}.{self._signature(tenant, random)}")

    def verify(self, value: str) -> ConversationId | None:
        """The id's parts if it was issued with this secret; None for anything forged or malformed."""
        if not isinstance(value, str) or len(value) > 200:
            return None
        parts = value.split(".")
        if len(parts) != 3:
            return None
        tenant, random, signature = parts
        if not tenant or len(random) != RANDOM_HEX_CHARS or any(c not in "0123456789abcdef" for c in random):
            return None
        expected = self._signature(tenant, random).encode("ascii")
        if not hmac.compare_digest(signature.encode("ascii", "replace"), expected):
            return None
        return ConversationId(tenant, random, value)
