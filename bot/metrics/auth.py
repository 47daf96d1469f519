"""Who may see a tenant's figures: a token checked against its SHA-256, and a short signed session.

The token is never stored in the repository: a tenant file holds only its SHA-256
(`dashboard: {token_sha256: ...}`), or the server's environment holds the token itself
(DASHBOARD_TOKEN_<TENANT>, e.g. DASHBOARD_TOKEN_EXAMPLE_CHARITY). Comparisons are constant-time.
The session cookie is "<tenant>.<expiry>.<session id>.<HMAC>" signed with DASHBOARD_SECRET over the
tenant, the expiry, a random session id and the token's hash, so changing a token ends its sessions.
Signing out adds the session id to a revocation list (revocations.py) that every server checks.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import TypeGuard

from bot.secret_length import require_long_secret
from bot.settings import Settings, settings
from bot.tenants import Tenant, env_suffix


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def env_name(tenant_id: str) -> str:
    # load_tenants refuses two tenants whose names would collide here ("a-b" and "a_b").
    return "DASHBOARD_TOKEN_" + env_suffix(tenant_id)


def expected_hash(tenant: Tenant, config: Settings | None = None) -> str | None:
    """The hash a tenant's token must have, or None when the tenant has no dashboard. `config`: tests' own settings."""
    from_env = (config or settings()).per_tenant("DASHBOARD_TOKEN", tenant.id)
    if from_env:
        return token_hash(from_env)
    return tenant.dashboard_token_sha256


def require_long_tokens(tenants: Iterable[Tenant], config: Settings | None = None) -> None:
    """Stops start-up when a DASHBOARD_TOKEN_<ID> in the environment is under 32 bytes. (A token kept as
    its SHA-256 in a tenant file cannot be measured: `make dashboard-token` makes 256-bit ones.)"""
    for tenant in tenants:
        token = (config or settings()).per_tenant("DASHBOARD_TOKEN", tenant.id)
        if token:
            require_long_secret(env_name(tenant.id), token)


def check_token(tenant: Tenant | None, token: str, config: Settings | None = None) -> TypeGuard[Tenant]:
    """Whether `token` is `tenant`'s dashboard token (so True means `tenant` is not None)."""
    expected = expected_hash(tenant, config) if tenant is not None else None
    # Hashing first makes the comparison's length fixed; an unknown tenant still costs a hash.
    presented = token_hash(token or "")
    return hmac.compare_digest(presented, expected or "0" * 64) and expected is not None


@dataclass(frozen=True)
class Session:
    tenant: Tenant
    id: str  # random, so one sign-in can be revoked without ending the tenant's others
    expiry: int  # Unix time


class Sessions:
    def __init__(self, secret: str, minutes: float, clock: Callable[[], float] = time.time) -> None:
        self._key = secret.encode("utf-8")
        self.seconds = int(minutes * 60)
        self._clock = clock

    def _sign(self, tenant_id: str, expiry: int, session_id: str, hash_: str) -> str:
        message = f"{tenant_id}:{expiry}:{session_id}:{hash_}".encode()
        return base64.urlsafe_b64encode(hmac.new(self._key, message, hashlib.sha256).digest()).rstrip(b"=").decode()

    def issue(self, tenant: Tenant, hash_: str) -> str:
        expiry = int(self._clock()) + self.seconds
        session_id = secrets.token_urlsafe(16)
        return f"{tenant.id}.{expiry}.{session_id}.{self._sign(tenant.id, expiry, session_id, hash_)}"

    def read(self, value: str | None, tenants: Mapping[str, Tenant], config: Settings | None = None) -> Session | None:
        """The session, or None for a missing, expired, forged or outdated one. Revocation is checked by
        the caller (revocations.py), since it may need a shared store."""
        if not value or len(value) > 300 or value.count(".") != 3:
            return None
        tenant_id, expiry_text, session_id, signature = value.split(".")
        tenant = tenants.get(tenant_id)
        if tenant is None or not expiry_text.isdigit() or int(expiry_text) < self._clock() or not session_id:
            return None
        hash_ = expected_hash(tenant, config)
        if hash_ is None:
            return None
        expected = self._sign(tenant_id, int(expiry_text), session_id, hash_).encode()
        if not hmac.compare_digest(signature.encode("ascii", "replace"), expected):
            return None
        return Session(tenant, session_id, int(expiry_text))


def new_token() -> str:
    return secrets.token_urlsafe(32)


if __name__ == "__main__":  # make dashboard-token: a new token and the line for the tenant file
    token = new_token()
    print("Token (give it to the charity privately; it is not stored anywhere):")
    print(f"  {token}")
    print("Put this in the tenant's file in data/tenants/:")
    print("  dashboard:")
    print(f'    token_sha256: "{token_hash(token)}"')
