"""The figures dashboard's routes (bot/channels/dashboard.py), request by request: a database that is down
gives a kind 503, never a bare 500; sign-in and sign-out refuse forms sent from another site; and the
sign-in form never tells which organisation ids exist."""

from __future__ import annotations

import asyncio
import copy
from pathlib import Path
from types import SimpleNamespace
from typing import Any
from urllib.parse import urlencode

import pytest
import yaml

from bot.channels import dashboard
from bot.channels.dashboard import COOKIE, DashboardInput
from bot.metrics.auth import token_hash
from tests.bot.test_tenants import TENANTS, VALID

TOKEN = "token-for-the-charity"
HOST = "chat.example.org"
FORM = "application/x-www-form-urlencoded"


@pytest.fixture
def channel(tmp_path: Path) -> DashboardInput:
    (tmp_path / "default.yml").write_text((TENANTS / "default.yml").read_text())
    raw = copy.deepcopy(VALID)
    raw["dashboard"] = {"token_sha256": token_hash(TOKEN)}
    (tmp_path / "charity.yml").write_text(yaml.safe_dump(raw))
    return DashboardInput(tenants_dir=str(tmp_path), secret="test-secret")


def route(channel: DashboardInput, uri: str, method: str):
    blueprint = channel.blueprint(lambda message: None)
    [handler] = [r.handler for r in blueprint._future_routes if r.uri == uri and method in r.methods]
    return handler


def request(body: bytes = b"", headers: dict[str, str] | None = None, cookies: dict[str, str] | None = None) -> Any:
    return SimpleNamespace(
        body=body,
        headers={"host": HOST, "x-forwarded-proto": "https", **(headers or {})},
        cookies=cookies or {},
        args={},
        scheme="http",
        ip="127.0.0.1",
        ctx=SimpleNamespace(),
        app=SimpleNamespace(loop=asyncio.get_running_loop()),
    )


def signed_in(channel: DashboardInput, **headers: str) -> Any:
    tenant = channel.tenants["charity"]
    return request(headers=headers, cookies={COOKIE: channel.sessions.issue(tenant, token_hash(TOKEN))})


def sign_in_form(tenant: str, token: str) -> bytes:
    return urlencode({"tenant": tenant, "token": token}).encode()


def text(resp: Any) -> str:
    return resp.body.decode("utf-8")


class BrokenStore:
    def daily(self, *args: object) -> None:
        raise ConnectionError("the figures database is down")


@pytest.fixture
def database_down(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(dashboard, "shared_recorder", lambda: SimpleNamespace(store=BrokenStore()))


# ---- the figures store is down -------------------------------------------------------------------------


async def test_the_page_says_plainly_when_the_figures_cannot_be_read(channel: DashboardInput, database_down: None) -> None:
    resp = await route(channel, "/", "GET")(signed_in(channel))
    assert resp.status == 503
    assert "Figures are not available right now. Please try again later." in text(resp)
    assert "ConnectionError" not in text(resp) and "database" not in text(resp)


async def test_the_csv_says_plainly_when_the_figures_cannot_be_read(channel: DashboardInput, database_down: None) -> None:
    resp = await route(channel, "/export.csv", "GET")(signed_in(channel))
    assert resp.status == 503
    assert text(resp).strip() == "Figures are not available right now. Please try again later."


# ---- forms sent from another site (CSRF) ---------------------------------------------------------------


@pytest.mark.parametrize("headers", [
    {"origin": "https://evil.example"},
    {"origin": "null"},
    {"origin": "null", "sec-fetch-site": "same-site"},
    {"origin": f"http://{HOST}"},  # not this server's scheme
    {"origin": f"https://{HOST}.evil.example"},
    {"sec-fetch-site": "cross-site"},
])
@pytest.mark.parametrize("uri", ["/sign-in", "/sign-out"])
async def test_forms_from_another_site_are_refused(channel: DashboardInput, uri: str, headers: dict[str, str]) -> None:
    req = request(sign_in_form("charity", TOKEN), {"content-type": FORM, **headers})
    resp = await route(channel, uri, "POST")(req)
    assert resp.status == 403
    assert text(resp).strip() == dashboard.ELSEWHERE
    assert COOKIE not in resp.cookies  # neither signed in nor signed out


@pytest.mark.parametrize("headers", [
    {},
    {"origin": f"https://{HOST}"},
    {"origin": f"https://{HOST}", "sec-fetch-site": "same-origin"},
    {"origin": "null", "sec-fetch-site": "same-origin"},  # what browsers send under Referrer-Policy: no-referrer
])
async def test_the_dashboards_own_forms_still_work(channel: DashboardInput, headers: dict[str, str]) -> None:
    req = request(sign_in_form("charity", TOKEN), {"content-type": FORM, **headers})
    resp = await route(channel, "/sign-in", "POST")(req)
    assert resp.status == 303 and resp.cookies[COOKIE]
    out = await route(channel, "/sign-out", "POST")(request(headers=headers))
    assert out.status == 303 and out.cookies[COOKIE].value == ""


# ---- the sign-in form does not tell which ids exist -------------------------------------------------------


async def test_a_wrong_sign_in_looks_the_same_for_a_real_and_a_made_up_id(channel: DashboardInput) -> None:
    sign_in = route(channel, "/sign-in", "POST")
    real = await sign_in(request(sign_in_form("charity", "wrong"), {"content-type": FORM}))
    made_up = await sign_in(request(sign_in_form("no-such-charity", "wrong"), {"content-type": FORM}))
    assert real.status == made_up.status == 401
    # Both typed ids are shown back, so the page is the same but for the id itself.
    assert 'value="charity"' in text(real) and 'value="no-such-charity"' in text(made_up)
    assert text(real).replace('value="charity"', "") == text(made_up).replace('value="no-such-charity"', "")


async def test_the_typed_id_is_shown_back_escaped(channel: DashboardInput) -> None:
    resp = await route(channel, "/sign-in", "POST")(request(sign_in_form('"><script>x</script>', "t"), {"content-type": FORM}))
    assert "<script>x" not in text(resp) and "&lt;script&gt;x" in text(resp)


@pytest.mark.parametrize("body, content_type", [
    (sign_in_form("charity", "wrong"), "application/json"),
    (sign_in_form("charity", "x" * 3000), FORM),
], ids=["not-a-form", "too-large"])
async def test_a_malformed_sign_in_gets_a_neutral_please_try_again(channel: DashboardInput, body: bytes, content_type: str) -> None:
    resp = await route(channel, "/sign-in", "POST")(request(body, {"content-type": content_type}))
    assert resp.status == 400
    assert "Please try again." in text(resp)
    assert "do not match" not in text(resp)  # it says nothing about the id or the token
