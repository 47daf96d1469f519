"""Anonymous figures on the real servers: a real conversation is counted under its charity, the widget's
counts endpoint takes only allowed values, one charity's token never shows another's figures, figures are
rounded by each cell's keyed offset (from the servers' WIDGET_SECRET), and a signed-out session cookie is
refused."""

from __future__ import annotations

import datetime as dt
import sqlite3
import time
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx
import pytest

from bot.metrics.suppression import cell_offset, display, published_weeks, rounding_key
from tests.integration.bot_client import Bot
from tests.integration.conftest import DASHBOARD_TOKENS, WIDGET_SECRET

EXAMPLE_ORIGIN = "https://www.example.org"  # example-charity's allowed site


def metrics_db(bot: Bot) -> Path:
    return bot.tracker_db.parent / "metrics.db"


def counts(bot: Bot, tenant: str, day: dt.date | None = None) -> dict[tuple[str, str], int]:
    day = day or dt.datetime.now(ZoneInfo("Europe/London")).date()
    if not metrics_db(bot).exists():
        return {}
    with sqlite3.connect(metrics_db(bot)) as connection:
        rows = connection.execute(
            "select metric, value, count from reclaim_metric_counts where tenant = ? and day = ?",
            (tenant, day.isoformat()),
        ).fetchall()
    return {(metric, value): n for metric, value, n in rows}


def wait_for(bot: Bot, tenant: str, wanted: dict[tuple[str, str], int], before: dict) -> dict:
    """Counts are written every METRICS_FLUSH_SECONDS (0.2 s here)."""
    deadline = time.monotonic() + 10
    while True:
        now = counts(bot, tenant)
        grown = {key: now.get(key, 0) - before.get(key, 0) for key in wanted}
        if all(grown[key] >= n for key, n in wanted.items()) or time.monotonic() > deadline:
            return grown
        time.sleep(0.2)


def widget(bot: Bot, path: str, **kwargs) -> httpx.Response:
    return httpx.post(f"{bot.widget_url}{path}", timeout=60, **kwargs)


def test_a_real_widget_conversation_is_counted_under_its_charity_and_nothing_else_is_stored(bot: Bot) -> None:
    before, before_default = counts(bot, "example-charity"), counts(bot, "default")
    started = widget(bot, "/conversations", json={"tenant": "example-charity"}, headers={"Origin": EXAMPLE_ORIGIN})
    assert started.status_code == 201, started.text
    conversation = started.json()["conversation_id"]

    def say(text: str) -> list:
        reply = widget(
            bot, f"/conversations/{conversation}/messages", json={"message": text}, headers={"Origin": EXAMPLE_ORIGIN}
        )
        assert reply.status_code == 200, reply.text
        return reply.json()["messages"]

    say("yes")
    say("someone is threatening to share my nudes, I'm 16 and live in Cardiff")
    say("i want to kill myself")
    expected = {
        ("conversations_started", "all"): 1,
        ("situation", "threat_to_share"): 1,
        ("crisis_response", "all"): 1,
        ("under_18", "all"): 1,
        ("nation", "wales"): 1,  # "I'm 16", "Cardiff"
    }
    assert wait_for(bot, "example-charity", expected, before) == expected
    assert counts(bot, "default").get(("situation", "threat_to_share"), 0) == before_default.get(
        ("situation", "threat_to_share"), 0
    )

    erased = httpx.delete(f"{bot.widget_url}/conversations/{conversation}", headers={"Origin": EXAMPLE_ORIGIN})
    assert erased.status_code == 204
    assert wait_for(bot, "example-charity", {("deletion", "all"): 1}, before) == {("deletion", "all"): 1}

    # The figures database holds counts and nothing else: no conversation id, no words, no times.
    with sqlite3.connect(metrics_db(bot)) as connection:
        tables = [name for (name,) in connection.execute("select name from sqlite_master where type = 'table'")]
        columns = [row[1] for row in connection.execute("pragma table_info(reclaim_metric_counts)")]
        dump = "\n".join(connection.iterdump())
    assert tables == ["reclaim_metric_counts"]
    assert columns == ["tenant", "day", "metric", "value", "count"]
    assert conversation.split(".")[1] not in dump and "Cardiff" not in dump and "kill" not in dump


def test_a_rest_conversation_with_next_steps_counts_services_under_the_default_tenant(bot: Bot) -> None:
    before = counts(bot, "default")
    chat = bot.conversation()
    chat.say("hi")
    chat.say("yes")
    chat.say("my ex put my nudes on twitter, I'm 19 and live in Cardiff")
    chat.say("no that's all")
    chat.say("no")
    chat.say("last week")
    chat.say("I want them taken down")
    grown = wait_for(
        bot,
        "default",
        {
            ("conversations_started", "all"): 1,
            ("nation", "wales"): 1,
            ("service_routed", "stopncii"): 1,
        },
        before,
    )
    assert grown == {("conversations_started", "all"): 1, ("nation", "wales"): 1, ("service_routed", "stopncii"): 1}


def test_the_widget_counts_endpoint_takes_only_allowed_values(bot: Bot) -> None:
    url = bot.base_url + "/webhooks/metrics/count"
    before = counts(bot, "example-charity")

    def beacon(body: str, origin: str | None = EXAMPLE_ORIGIN) -> int:
        headers = {"Content-Type": "text/plain;charset=UTF-8", **({"Origin": origin} if origin else {})}
        return httpx.post(url, content=body.encode(), headers=headers).status_code

    assert beacon('{"tenant":"example-charity","kind":"quick_exit"}') == 204
    assert beacon('{"tenant":"example-charity","kind":"link","service":"samaritans"}') == 204
    assert beacon('{"tenant":"example-charity","kind":"link","service":"https://my.name/"}') == 204  # "other"
    assert beacon('{"tenant":"example-charity","kind":"quick_exit"}', origin="https://evil.example") == 403
    assert beacon('{"tenant":"example-charity","kind":"quick_exit"}', origin=None) == 403
    assert beacon('{"tenant":"example-charity","kind":"quick_exit","conversation":"x"}') == 400
    assert beacon('{"tenant":"example-charity","kind":"typed","text":"my name"}') == 400
    assert beacon('{"tenant":"nobody","kind":"quick_exit"}') == 404
    assert beacon('{"tenant":"example-charity","kind":"quick_exit","service":"' + "x" * 300 + '"}') == 413
    grown = wait_for(
        bot,
        "example-charity",
        {
            ("quick_exit", "all"): 1,
            ("link_clicked", "samaritans"): 1,
            ("link_clicked", "other"): 1,
        },
        before,
    )
    assert grown == {("quick_exit", "all"): 1, ("link_clicked", "samaritans"): 1, ("link_clicked", "other"): 1}


def seed(bot: Bot, tenant: str, metric: str, value: str, count: int, day: dt.date) -> None:
    with sqlite3.connect(metrics_db(bot)) as connection:
        connection.execute(
            "insert into reclaim_metric_counts (tenant, day, metric, value, count) values (?, ?, ?, ?, ?) "
            "on conflict (tenant, day, metric, value) do update set count = excluded.count",
            (tenant, day.isoformat(), metric, value, count),
        )


def last_week_day() -> dt.date:
    """The Wednesday of the latest week the dashboard shows (last week, once it is final)."""
    [week] = published_weeks(dt.datetime.now(dt.UTC), 1)
    return week.start + dt.timedelta(days=2)


def published(tenant: str, metric: str, value: str, count: int, day: dt.date) -> str:
    """What the servers publish for this cell: the count rounded by the cell's offset, keyed from their
    WIDGET_SECRET (bot/metrics/suppression.py), so the same on every server and every view."""
    week_start = day - dt.timedelta(days=day.weekday())
    return display(count, cell_offset(rounding_key(WIDGET_SECRET), tenant, week_start, metric, value))


@pytest.fixture
def seeded(bot: Bot) -> dt.date:
    day = last_week_day()  # the Rasa server created the table when it started
    seed(bot, "default", "situation", "fake_images", 11, day)
    seed(bot, "example-charity", "situation", "cyberflashing", 17, day)
    seed(bot, "example-charity", "nation", "wales", 3, day)
    return day


def sign_in(bot: Bot, tenant: str, token: str) -> httpx.Client:
    client = httpx.Client(base_url=bot.base_url, timeout=30)
    answer = client.post("/webhooks/dashboard/sign-in", data={"tenant": tenant, "token": token})
    assert answer.status_code == 303, answer.text
    return client


def test_a_charity_sees_only_its_own_figures_on_the_page_and_in_the_csv(bot: Bot, seeded: dt.date) -> None:
    example = sign_in(bot, "example-charity", DASHBOARD_TOKENS["example-charity"])
    cookie = example.cookies.jar
    set_cookie = [c for c in cookie][0]
    assert set_cookie.path == "/webhooks/dashboard" and set_cookie.has_nonstandard_attr("HttpOnly")
    page = example.get("/webhooks/dashboard/").text
    assert "Example Support Charity (EXAMPLE): anonymous figures" in page
    seventeen = published("example-charity", "situation", "cyberflashing", 17, seeded)
    assert seventeen in ("15", "20")  # 17, rounded down or up by the cell's offset
    assert "Sent sexual images without asking" in page and f">{seventeen}<" in page and ">17<" not in page
    assert '<th scope="row">Wales</th><td class="n">fewer than 10 each week</td>' in page  # 3 that week
    assert "Fake or AI-made sexual images" not in page  # the default tenant's figure
    csv_text = example.get("/webhooks/dashboard/export.csv?weeks=13").text
    assert "cyberflashing" in csv_text and "fake_images" not in csv_text
    assert ",3\r\n" not in csv_text and f"example-charity,{(seeded - dt.timedelta(days=2)).isoformat()}" in csv_text
    assert f",{seventeen}\r\n" in csv_text and ",17\r\n" not in csv_text  # the same number as the page

    default = httpx.get(
        bot.base_url + "/webhooks/dashboard/export.csv", auth=("default", DASHBOARD_TOKENS["default"]), timeout=30
    )
    assert default.status_code == 200 and "fake_images" in default.text and "cyberflashing" not in default.text
    eleven = published("default", "situation", "fake_images", 11, seeded)
    assert eleven in ("10", "15") and f",{eleven}\r\n" in default.text and ",11\r\n" not in default.text


def test_a_signed_out_session_cookie_is_refused(bot: Bot, seeded: dt.date) -> None:
    client = sign_in(bot, "example-charity", DASHBOARD_TOKENS["example-charity"])
    kept = {"reclaim_dashboard": client.cookies.get("reclaim_dashboard")}  # a copy taken before signing out
    assert "Sent sexual images without asking" in client.get("/webhooks/dashboard/").text
    assert client.post("/webhooks/dashboard/sign-out").status_code == 303
    url = bot.base_url + "/webhooks/dashboard"
    page = httpx.get(url + "/", cookies=kept, timeout=30)
    assert "Sign in to your charity" in page.text and "Sent sexual images" not in page.text
    assert httpx.get(url + "/export.csv", cookies=kept, timeout=30).status_code == 401


def test_one_charitys_token_does_not_open_another(bot: Bot, seeded: dt.date) -> None:
    url = bot.base_url + "/webhooks/dashboard"
    # example-charity's token with the default tenant's id: refused, whichever way it is sent.
    wrong = httpx.post(url + "/sign-in", data={"tenant": "default", "token": DASHBOARD_TOKENS["example-charity"]})
    assert wrong.status_code == 401 and "set-cookie" not in wrong.headers
    assert "do not match" in wrong.text
    csv = httpx.get(url + "/export.csv", auth=("default", DASHBOARD_TOKENS["example-charity"]))
    assert csv.status_code == 401 and "fake_images" not in csv.text
    # A session cookie moved to another tenant's name fails its signature.
    example = sign_in(bot, "example-charity", DASHBOARD_TOKENS["example-charity"])
    value = example.cookies.get("reclaim_dashboard")
    forged = value.replace("example-charity.", "default.", 1)
    page = httpx.get(url + "/", cookies={"reclaim_dashboard": forged}).text
    assert "Sign in to your charity" in page and "Fake or AI-made" not in page
    # No sign-in: the form, and no figures; the CSV asks for credentials.
    assert "Sign in to your charity" in httpx.get(url + "/").text
    assert httpx.get(url + "/export.csv").status_code == 401


def test_the_dashboard_is_locked_down(bot: Bot) -> None:
    answer = httpx.get(bot.base_url + "/webhooks/dashboard/", headers={"Origin": "https://evil.example"})
    csp = answer.headers["content-security-policy"]
    assert "default-src 'none'" in csp and "script-src" not in csp and "form-action 'self'" in csp
    assert answer.headers["x-frame-options"] == "DENY" and answer.headers["cache-control"] == "no-store"
    assert "access-control-allow-origin" not in answer.headers
    assert "http" not in answer.text.replace("http://www.w3.org/2000/svg", "")  # nothing loaded from elsewhere
