"""Dashboard access: tokens checked by hash, sessions signed, one tenant's session never opens another's,
and short tokens refused at start-up."""

from __future__ import annotations

import copy

import pytest

from bot.metrics.auth import Sessions, check_token, env_name, require_long_tokens, token_hash
from bot.settings import Settings
from bot.tenants import TenantError, parse_tenant
from tests.bot.project.test_tenants import VALID

TOKEN_A = "token-for-charity-a"
SECRET = "a-dashboard-secret-of-32-bytes-or-more"
NO_ENV = Settings.from_environ({})  # settings with no token in the environment


def tenant(tenant_id: str, token: str | None) -> object:
    raw = copy.deepcopy(VALID)
    raw["id"] = tenant_id
    if token:
        raw["dashboard"] = {"token_sha256": token_hash(token)}
    return parse_tenant(raw)


A, B, NONE = tenant("charity-a", TOKEN_A), tenant("charity-b", "token-for-b"), tenant("no-dashboard", None)
TENANTS = {t.id: t for t in (A, B, NONE)}


def test_a_token_opens_only_its_own_tenant() -> None:
    assert check_token(A, TOKEN_A, config=NO_ENV)
    assert not check_token(B, TOKEN_A, config=NO_ENV)
    assert not check_token(A, "wrong", config=NO_ENV) and not check_token(A, "", config=NO_ENV)
    assert not check_token(None, TOKEN_A, config=NO_ENV)
    assert not check_token(NONE, "", config=NO_ENV)  # no dashboard set up: nothing opens it


def test_the_environment_can_hold_the_token_instead() -> None:
    assert env_name("no-dashboard") == "DASHBOARD_TOKEN_NO_DASHBOARD"
    token = "a-token-from-the-environment-of-32-bytes"
    config = Settings.from_environ({"DASHBOARD_TOKEN_NO_DASHBOARD": token})
    assert check_token(NONE, token, config=config) and not check_token(NONE, "other", config=config)


def test_sessions_are_bound_to_tenant_expiry_and_token() -> None:
    now = [1000.0]
    sessions = Sessions(SECRET, minutes=60, clock=lambda: now[0])
    cookie = sessions.issue(A, token_hash(TOKEN_A))
    session = sessions.read(cookie, TENANTS, config=NO_ENV)
    assert session is not None and session.tenant is A and session.expiry == 1000 + 3600
    forged = cookie.replace("charity-a.", "charity-b.", 1)
    assert sessions.read(forged, TENANTS, config=NO_ENV) is None
    assert Sessions("other " + SECRET, 60, clock=lambda: now[0]).read(cookie, TENANTS, config=NO_ENV) is None
    # A new token (set in the environment) ends the old sessions.
    rotated = Settings.from_environ({"DASHBOARD_TOKEN_CHARITY_A": "rotated"})
    assert sessions.read(cookie, TENANTS, config=rotated) is None
    now[0] += 3601
    assert sessions.read(cookie, TENANTS, config=NO_ENV) is None
    assert sessions.read("", TENANTS) is None and sessions.read("a.b", TENANTS) is None


def test_each_sign_in_has_its_own_signed_session_id() -> None:
    """So signing out ends that session only, and the id cannot be swapped for another one."""
    sessions = Sessions(SECRET, minutes=60)
    first, second = (sessions.issue(A, token_hash(TOKEN_A)) for _ in range(2))
    one, two = sessions.read(first, TENANTS, config=NO_ENV), sessions.read(second, TENANTS, config=NO_ENV)
    assert one.id != two.id and len(one.id) >= 20
    tenant, expiry, _, signature = first.split(".")
    assert sessions.read(f"{tenant}.{expiry}.{two.id}.{signature}", TENANTS, config=NO_ENV) is None
    old_style = f"{tenant}.{expiry}.{signature}"  # a cookie from before session ids: refused, sign in again
    assert sessions.read(old_style, TENANTS, config=NO_ENV) is None


def test_a_short_token_in_the_environment_stops_start_up_naming_it_not_showing_it() -> None:
    short = "only-31-bytes-long-token-123456"
    assert len(short.encode()) == 31
    with pytest.raises(ValueError, match="DASHBOARD_TOKEN_CHARITY_A is shorter than 32 bytes") as refused:
        require_long_tokens(TENANTS.values(), config=Settings.from_environ({"DASHBOARD_TOKEN_CHARITY_A": short}))
    assert short not in str(refused.value)
    long_enough = Settings.from_environ({"DASHBOARD_TOKEN_CHARITY_A": short + "7"})  # 32 bytes: fine
    require_long_tokens(TENANTS.values(), config=long_enough)
    require_long_tokens(TENANTS.values(), config=NO_ENV)  # tokens kept as hashes in tenant files


@pytest.mark.parametrize("dashboard", [{"token": "plain"}, {"token_sha256": "abc"}, {"token_sha256": TOKEN_A}, "x"])
def test_a_tenant_file_may_hold_only_a_token_hash(dashboard: object) -> None:
    raw = copy.deepcopy(VALID)
    raw["dashboard"] = dashboard
    with pytest.raises(TenantError, match="dashboard"):
        parse_tenant(raw)
