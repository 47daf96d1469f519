"""Dashboard access: tokens checked by hash, sessions signed, one tenant's session never opens another's."""

from __future__ import annotations

import copy

import pytest

from bot.metrics.auth import Sessions, check_token, env_name, token_hash
from bot.tenants import TenantError, parse_tenant
from tests.bot.test_tenants import VALID

TOKEN_A = "token-for-charity-a"


def tenant(tenant_id: str, token: str | None) -> object:
    raw = copy.deepcopy(VALID)
    raw["id"] = tenant_id
    if token:
        raw["dashboard"] = {"token_sha256": token_hash(token)}
    return parse_tenant(raw)


A, B, NONE = tenant("charity-a", TOKEN_A), tenant("charity-b", "token-for-b"), tenant("no-dashboard", None)
TENANTS = {t.id: t for t in (A, B, NONE)}


def test_a_token_opens_only_its_own_tenant() -> None:
    assert check_token(A, TOKEN_A, environ={})
    assert not check_token(B, TOKEN_A, environ={})
    assert not check_token(A, "wrong", environ={}) and not check_token(A, "", environ={})
    assert not check_token(None, TOKEN_A, environ={})
    assert not check_token(NONE, "", environ={})  # no dashboard set up: nothing opens it


def test_the_environment_can_hold_the_token_instead() -> None:
    assert env_name("no-dashboard") == "DASHBOARD_TOKEN_NO_DASHBOARD"
    environ = {"DASHBOARD_TOKEN_NO_DASHBOARD": "from-env"}
    assert check_token(NONE, "from-env", environ=environ) and not check_token(NONE, "other", environ=environ)


def test_sessions_are_bound_to_tenant_expiry_and_token() -> None:
    now = [1000.0]
    sessions = Sessions("secret", minutes=60, clock=lambda: now[0])
    cookie = sessions.issue(A, token_hash(TOKEN_A))
    assert sessions.verify(cookie, TENANTS, environ={}) is A
    forged = cookie.replace("charity-a.", "charity-b.", 1)
    assert sessions.verify(forged, TENANTS, environ={}) is None
    assert Sessions("other secret", 60, clock=lambda: now[0]).verify(cookie, TENANTS, environ={}) is None
    # A new token (set in the environment) ends the old sessions.
    assert sessions.verify(cookie, TENANTS, environ={"DASHBOARD_TOKEN_CHARITY_A": "rotated"}) is None
    now[0] += 3601
    assert sessions.verify(cookie, TENANTS, environ={}) is None
    assert sessions.verify("", TENANTS) is None and sessions.verify("a.b", TENANTS) is None


@pytest.mark.parametrize("dashboard", [{"token": "plain"}, {"token_sha256": "abc"}, {"token_sha256": TOKEN_A}, "x"])
def test_a_tenant_file_may_hold_only_a_token_hash(dashboard: object) -> None:
    raw = copy.deepcopy(VALID)
    raw["dashboard"] = dashboard
    with pytest.raises(TenantError, match="dashboard"):
        parse_tenant(raw)
