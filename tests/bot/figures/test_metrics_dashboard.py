"""The figures dashboard's routes (bot/channels/dashboard.py), request by request: a database that is down
gives a kind 503, never a bare 500; sign-in and sign-out refuse forms sent from another site; the
sign-in form never tells which organisation ids exist; signing out on one server ends the session on
every server (two channels sharing a real Redis, as in the production profile); short secrets stop
start-up; and a week is served only once it is final."""

from __future__ import annotations

import asyncio
import copy
import datetime as dt
from pathlib import Path
from types import SimpleNamespace
from typing import Any
from urllib.parse import urlencode

import pytest
import redis
import yaml
from rasa.core.lock_store import InMemoryLockStore

from bot.channels import dashboard
from bot.channels.dashboard import COOKIE, DashboardInput
from bot.lock_store import AtomicRedisLockStore
from bot.metrics.auth import token_hash
from bot.metrics.catalogue import ALL
from bot.metrics.counting import LONDON
from bot.metrics.suppression import cell_offset, display, rounding_key
from tests.bot.project.test_tenants import TENANTS, VALID
from tests.bot.shared_stores import REDIS_HOST, REDIS_PORT

TOKEN = "token-for-the-charity"
SECRET = "test-dashboard-secret-at-least-32-bytes"
HOST = "chat.example.org"
FORM = "application/x-www-form-urlencoded"


def tenants_dir(path: Path) -> Path:
    (path / "default.yml").write_text((TENANTS / "default.yml").read_text())
    raw = copy.deepcopy(VALID)
    raw["dashboard"] = {"token_sha256": token_hash(TOKEN)}
    (path / "charity.yml").write_text(yaml.safe_dump(raw))
    return path


@pytest.fixture
def channel(tmp_path: Path) -> DashboardInput:
    return DashboardInput(tenants_dir=str(tenants_dir(tmp_path)), secret=SECRET)


def route(channel: DashboardInput, uri: str, method: str):
    blueprint = channel.blueprint(lambda message: None)
    [handler] = [r.handler for r in blueprint._future_routes if r.uri == uri and method in r.methods]
    return handler


def request(
    body: bytes = b"",
    headers: dict[str, str] | None = None,
    cookies: dict[str, str] | None = None,
    lock_store: Any = None,
    args: dict[str, str] | None = None,
) -> Any:
    """A request to a Rasa server whose lock store is `lock_store` (as Rasa keeps it in app.ctx.agent)."""
    return SimpleNamespace(
        body=body,
        headers={"host": HOST, "x-forwarded-proto": "https", **(headers or {})},
        cookies=cookies or {},
        args=args or {},
        scheme="http",
        ip="127.0.0.1",
        ctx=SimpleNamespace(),
        app=SimpleNamespace(
            loop=asyncio.get_running_loop(), ctx=SimpleNamespace(agent=SimpleNamespace(lock_store=lock_store))
        ),
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


class DailyStore:
    """The figures store, holding `counts`: (metric, value, day) -> count for the tenant "charity"."""

    def __init__(self, counts: dict | None = None) -> None:
        self.counts = counts or {}

    def daily(self, tenant: str, first: dt.date, last: dt.date) -> dict:
        return {key: n for key, n in self.counts.items() if tenant == "charity" and first <= key[2] <= last}


@pytest.fixture
def figures(monkeypatch: pytest.MonkeyPatch) -> DailyStore:
    store = DailyStore()
    monkeypatch.setattr(dashboard, "shared_recorder", lambda: SimpleNamespace(store=store))
    return store


# ---- the figures store is down -------------------------------------------------------------------------


async def test_the_page_says_plainly_when_the_figures_cannot_be_read(
    channel: DashboardInput, database_down: None
) -> None:
    resp = await route(channel, "/", "GET")(signed_in(channel))
    assert resp.status == 503
    assert "Figures are not available right now. Please try again later." in text(resp)
    assert "ConnectionError" not in text(resp) and "database" not in text(resp)


async def test_the_csv_says_plainly_when_the_figures_cannot_be_read(
    channel: DashboardInput, database_down: None
) -> None:
    resp = await route(channel, "/export.csv", "GET")(signed_in(channel))
    assert resp.status == 503
    assert text(resp).strip() == "Figures are not available right now. Please try again later."


# ---- forms sent from another site (CSRF) ---------------------------------------------------------------


@pytest.mark.parametrize(
    "headers",
    [
        {"origin": "https://evil.example"},
        {"origin": "null"},
        {"origin": "null", "sec-fetch-site": "same-site"},
        {"origin": f"http://{HOST}"},  # not this server's scheme
        {"origin": f"https://{HOST}.evil.example"},
        {"sec-fetch-site": "cross-site"},
    ],
)
@pytest.mark.parametrize("uri", ["/sign-in", "/sign-out"])
async def test_forms_from_another_site_are_refused(channel: DashboardInput, uri: str, headers: dict[str, str]) -> None:
    req = request(sign_in_form("charity", TOKEN), {"content-type": FORM, **headers})
    resp = await route(channel, uri, "POST")(req)
    assert resp.status == 403
    assert text(resp).strip() == dashboard.ELSEWHERE
    assert COOKIE not in resp.cookies  # neither signed in nor signed out


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"origin": f"https://{HOST}"},
        {"origin": f"https://{HOST}", "sec-fetch-site": "same-origin"},
        {"origin": "null", "sec-fetch-site": "same-origin"},  # what browsers send under Referrer-Policy: no-referrer
    ],
)
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
    resp = await route(channel, "/sign-in", "POST")(
        request(sign_in_form('"><script>x</script>', "t"), {"content-type": FORM})
    )
    assert "<script>x" not in text(resp) and "&lt;script&gt;x" in text(resp)


@pytest.mark.parametrize(
    "body, content_type",
    [
        (sign_in_form("charity", "wrong"), "application/json"),
        (sign_in_form("charity", "x" * 3000), FORM),
    ],
    ids=["not-a-form", "too-large"],
)
async def test_a_malformed_sign_in_gets_a_neutral_please_try_again(
    channel: DashboardInput, body: bytes, content_type: str
) -> None:
    resp = await route(channel, "/sign-in", "POST")(request(body, {"content-type": content_type}))
    assert resp.status == 400
    assert "Please try again." in text(resp)
    assert "do not match" not in text(resp)  # it says nothing about the id or the token


# ---- signing out ends the session on every server ------------------------------------------------------


async def sign_in(server: DashboardInput, lock_store: Any = None) -> str:
    resp = await route(server, "/sign-in", "POST")(
        request(sign_in_form("charity", TOKEN), {"content-type": FORM}, lock_store=lock_store)
    )
    assert resp.status == 303
    return resp.cookies[COOKIE].value


async def shows_figures(server: DashboardInput, cookie: str, lock_store: Any = None) -> bool:
    page = await route(server, "/", "GET")(request(cookies={COOKIE: cookie}, lock_store=lock_store))
    csv = await route(server, "/export.csv", "GET")(request(cookies={COOKIE: cookie}, lock_store=lock_store))
    assert page.status == 200 and csv.status in (200, 401)
    shown = "anonymous figures" in text(page)
    assert shown == (csv.status == 200)  # the page and the CSV always agree
    return shown


async def test_signing_out_on_one_server_ends_the_session_on_the_other(
    tmp_path: Path,
    redis_prefix: str,
    figures: DailyStore,  # noqa: F811 - fixture
) -> None:
    """Two Rasa servers of the production profile: the same DASHBOARD_SECRET and tenants, each its own
    connection to the shared Redis lock store."""
    directory = str(tenants_dir(tmp_path))
    servers = [DashboardInput(tenants_dir=directory, secret=SECRET) for _ in range(2)]
    locks = [AtomicRedisLockStore(host=REDIS_HOST, port=REDIS_PORT, db=0, key_prefix=redis_prefix) for _ in range(2)]
    cookie = await sign_in(servers[0], locks[0])
    other = await sign_in(servers[1], locks[1])  # the same charity, signed in elsewhere
    assert await shows_figures(servers[1], cookie, locks[1])  # a signed cookie works on any server

    out = await route(servers[0], "/sign-out", "POST")(request(cookies={COOKIE: cookie}, lock_store=locks[0]))
    assert out.status == 303 and out.cookies[COOKIE].value == ""

    # A copy of the cookie kept from before is refused by both servers, page and CSV alike.
    assert not await shows_figures(servers[1], cookie, locks[1])
    assert not await shows_figures(servers[0], cookie, locks[0])
    # Only that session ended.
    assert await shows_figures(servers[0], other, locks[0])
    # The revocation is kept in Redis under the documented key, for as long as the session would have lasted.
    client = redis.StrictRedis(host=REDIS_HOST, port=REDIS_PORT, db=0)
    [key] = list(client.scan_iter(f"{redis_prefix}:dashboard:revoked:*"))
    assert key.decode().rsplit(":", 1)[1] == cookie.split(".")[2]
    assert 0 < client.ttl(key) <= servers[0].sessions.seconds
    client.close()


async def test_one_server_keeps_sign_outs_in_memory(channel: DashboardInput, figures: DailyStore) -> None:
    """The default profile (one server, Rasa's in-memory lock store): refused after sign-out all the same."""
    lock = InMemoryLockStore()
    cookie = await sign_in(channel, lock)
    assert await shows_figures(channel, cookie, lock)
    await route(channel, "/sign-out", "POST")(request(cookies={COOKIE: cookie}, lock_store=lock))
    assert not await shows_figures(channel, cookie, lock)


async def test_when_the_shared_store_is_down_the_dashboard_says_so_and_keeps_the_cookie(
    channel: DashboardInput, figures: DailyStore
) -> None:
    down = AtomicRedisLockStore(host="127.0.0.1", port=1, db=0, key_prefix="reclaimdown", socket_timeout=1)
    cookie = await sign_in(channel, down)  # signing in needs no shared store
    page = await route(channel, "/", "GET")(request(cookies={COOKIE: cookie}, lock_store=down))
    assert page.status == 503 and "Figures are not available right now" in text(page)
    csv = await route(channel, "/export.csv", "GET")(request(cookies={COOKIE: cookie}, lock_store=down))
    assert csv.status == 503
    out = await route(channel, "/sign-out", "POST")(request(cookies={COOKIE: cookie}, lock_store=down))
    assert out.status == 503 and "Signing out did not finish" in text(out)
    assert COOKIE not in out.cookies  # still signed in, so the person can try again


# ---- secrets shorter than 32 bytes stop start-up -------------------------------------------------------


def test_a_short_dashboard_secret_stops_start_up_naming_it_not_showing_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    short = "x" * 31
    with pytest.raises(ValueError, match="^DASHBOARD_SECRET is shorter than 32 bytes") as refused:
        DashboardInput(tenants_dir=str(tenants_dir(tmp_path)), secret=short)
    assert short not in str(refused.value)
    monkeypatch.setenv("DASHBOARD_SECRET", "é" * 15)  # 30 bytes, 15 characters: bytes are what count
    with pytest.raises(ValueError, match="^DASHBOARD_SECRET is shorter than 32 bytes"):
        DashboardInput(tenants_dir=str(tmp_path))
    monkeypatch.setenv("DASHBOARD_SECRET", "é" * 16)
    DashboardInput(tenants_dir=str(tmp_path))
    monkeypatch.setenv("DASHBOARD_SECRET", "")
    DashboardInput(tenants_dir=str(tmp_path))  # unset: a random one for this run (with a warning)


def test_a_short_dashboard_token_in_the_environment_stops_start_up(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DASHBOARD_TOKEN_CHARITY", "short-token")
    with pytest.raises(ValueError, match="^DASHBOARD_TOKEN_CHARITY is shorter than 32 bytes") as refused:
        DashboardInput(tenants_dir=str(tenants_dir(tmp_path)), secret=SECRET)
    assert "short-token" not in str(refused.value)


# ---- only final weeks are served -----------------------------------------------------------------------


def london(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=LONDON)


async def test_a_week_is_served_only_an_hour_after_it_ends(tmp_path: Path, figures: DailyStore) -> None:
    figures.counts = {
        ("conversations_started", ALL, dt.date(2026, 3, 4)): 12,  # week of 2 March
        ("conversations_started", ALL, dt.date(2026, 3, 15)): 30,  # week of 9 March: ends Sunday 15th
        ("conversations_started", ALL, dt.date(2026, 3, 16)): 40,  # this week
    }
    clock = [london(2026, 3, 16, 0, 59)]
    server = DashboardInput(tenants_dir=str(tenants_dir(tmp_path)), secret=SECRET, now=lambda: clock[0])
    cookie = await sign_in(server)

    async def csv() -> str:
        resp = await route(server, "/export.csv", "GET")(request(cookies={COOKIE: cookie}))
        assert resp.status == 200
        return text(resp)

    before = await csv()
    # 12, rounded by its cell's keyed offset (this process's key: suppression.rounding_key): 10 or 15.
    twelve = display(12, cell_offset(rounding_key(), "charity", dt.date(2026, 3, 2), "conversations_started", ALL))
    assert twelve in ("10", "15")
    assert f",2026-03-08,conversations_started,all,Conversations started,{twelve}\r\n" in before
    assert "2026-03-09" not in before and ",30" not in before and ",40" not in before
    page = await route(server, "/", "GET")(request(cookies={COOKIE: cookie}))
    assert "to 8 March 2026" in text(page) and "15 March" not in text(page)

    clock[0] = london(2026, 3, 16, 1, 0)  # final: the week of 9 March appears, and never this week
    after = await csv()
    assert ",2026-03-09,2026-03-15,conversations_started,all,Conversations started,30\r\n" in after
    assert "2026-03-16" not in after and ",40" not in after
