"""actions/handoff.py and actions/handoff_config.py: "I want to talk to someone" hands over to the
charity's own team when it is open (by phone, web chat or callback), and otherwise gives the helplines
open now; Childline first for young people, the right lines for supporters, 999 always."""

from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions import handoff as talk
from actions.handoff import ActionTalkToPerson, decide
from actions.handoff_config import HandoffError, load_handoffs, parse_handoff, secret_variable
from actions.opening_hours import LONDON
from tests.actions.handoff.handoff_helpers import handoff, tenant_file, tracker

ROOT = Path(__file__).resolve().parents[3]
TUESDAY_AFTERNOON = dt.datetime(2026, 11, 24, 14, 0, tzinfo=LONDON)
TUESDAY_NIGHT = dt.datetime(2026, 11, 24, 22, 0, tzinfo=LONDON)
SATURDAY = dt.datetime(2026, 11, 28, 11, 0, tzinfo=LONDON)
CHRISTMAS_DAY = dt.datetime(2026, 12, 25, 11, 0, tzinfo=LONDON)  # a Friday and a bank holidays


@pytest.fixture
def tenants(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Tenants for these tests: one per route, one without a handoff, and secrets for callback ones."""
    tenant_file(tmp_path, "default", None)
    tenant_file(tmp_path, "by-phone", handoff("phone"))
    tenant_file(tmp_path, "by-chat", handoff("webchat"))
    tenant_file(tmp_path, "by-callback", handoff("callback"))
    tenant_file(tmp_path, "no-secret", handoff("callback"))
    monkeypatch.setenv("WIDGET_TENANTS_DIR", str(tmp_path))
    monkeypatch.setenv(secret_variable("by-callback"), "callback-secret-for-by-callback-32-bytes")
    monkeypatch.delenv(secret_variable("no-secret"), raising=False)
    return tmp_path


async def talk_to_person(
    now: dt.datetime, monkeypatch: pytest.MonkeyPatch, tenant: str | None, **slots: Any
) -> dict[str, Any]:
    monkeypatch.setattr(talk, "london_now", lambda: now)
    dispatcher = CollectingDispatcher()
    events = await ActionTalkToPerson().run(dispatcher, tracker(tenant, slots=slots), {})
    assert events == []  # nothing is stored by asking
    [message] = dispatcher.messages
    return message


def payloads(message: dict[str, Any]) -> list[str]:
    return [button["payload"] for button in message["buttons"]]


def link_urls(message: dict[str, Any]) -> list[str]:
    return [link["url"] for link in (message.get("custom") or {}).get("links", [])]


# ---- the decision ---------------------------------------------------------------------------------------


@pytest.mark.asyncio
async def test_open_phone_route_hands_over_with_a_tel_link(tenants: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    message = await talk_to_person(TUESDAY_AFTERNOON, monkeypatch, "by-phone")
    assert "Team phone is open now. You can call them on 029 2018 0999." in message["text"]
    assert link_urls(message) == ["tel:+442920180999"]
    assert "Revenge Porn Helpline" not in message["text"]  # handed over: no list of other lines
    assert "call 999" in message["text"]
    assert "/request_callback" not in payloads(message)


@pytest.mark.asyncio
async def test_open_web_chat_route_links_to_the_chat(tenants: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    message = await talk_to_person(TUESDAY_AFTERNOON, monkeypatch, "by-chat")
    assert (
        "Team webchat is open now. You can chat with a person there: https://chat.example.org/start" in message["text"]
    )
    assert link_urls(message) == ["https://chat.example.org/start"]


@pytest.mark.asyncio
async def test_open_callback_route_offers_the_callback_as_a_choice(
    tenants: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    message = await talk_to_person(TUESDAY_AFTERNOON, monkeypatch, "by-callback")
    assert "Team callback can call you back, at a time that is safe for you. Only if you want to." in message["text"]
    assert payloads(message)[0] == "/request_callback"
    # A call back is not straight away: the lines open now are there too.
    assert "Revenge Porn Helpline (adults): 0345 6000 459. Open now." in message["text"]


@pytest.mark.asyncio
async def test_closed_service_gives_the_helplines_open_now_and_when_it_opens(
    tenants: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    message = await talk_to_person(TUESDAY_NIGHT, monkeypatch, "by-phone")
    text = message["text"]
    assert "Team phone is closed right now. It opens tomorrow at 9am." in text
    assert "029 2018 0999" not in text
    lines = [line for line in text.splitlines() if line.startswith("- ")]
    # Open lines first; the Revenge Porn Helpline (Mon-Fri 10-4) is closed at night, so it comes last.
    assert lines[0].startswith("- Samaritans: 116 123. Open now, any time.")
    assert lines[1].startswith("- Childline (under 19): 0800 1111. Open now, any time.")
    assert lines[2] == "- Revenge Porn Helpline (adults): 0345 6000 459. Closed now: opens tomorrow at 10am."
    assert "tel:116123" in link_urls(message)


@pytest.mark.asyncio
async def test_closed_callback_service_still_offers_a_call_back_later(
    tenants: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    message = await talk_to_person(SATURDAY, monkeypatch, "by-callback")
    assert "Samaritans: 116 123. Open now" in message["text"]
    assert "can also call you back later" in message["text"]
    assert payloads(message)[0] == "/request_callback"


@pytest.mark.asyncio
async def test_hours_the_bot_cannot_check_are_never_called_open(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    tenant_file(tmp_path, "unknown-hours", handoff("phone", opening_hours=None))
    monkeypatch.setenv("WIDGET_TENANTS_DIR", str(tmp_path))
    message = await talk_to_person(TUESDAY_AFTERNOON, monkeypatch, "unknown-hours")
    text = message["text"]
    assert "open now" not in text.split("\n")[1].lower()
    assert (
        "You can also try Team phone. Their hours: Monday to Friday, 9am to 5pm. To reach them: 029 2018 0999" in text
    )
    assert "Revenge Porn Helpline (adults): 0345 6000 459. Open now." in text


@pytest.mark.asyncio
async def test_bank_holiday_counts_as_closed(tenants: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    message = await talk_to_person(CHRISTMAS_DAY, monkeypatch, "by-phone")
    assert "Team phone is closed right now." in message["text"]


@pytest.mark.asyncio
async def test_no_live_service_gives_open_helplines(tenants: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for tenant in ("default", None, "no-such-tenant"):
        message = await talk_to_person(TUESDAY_AFTERNOON, monkeypatch, tenant)
        lines = [line for line in message["text"].splitlines() if line.startswith("- ")]
        assert lines[0] == "- Revenge Porn Helpline (adults): 0345 6000 459. Open now."
        assert [line.split(":")[0] for line in lines] == [
            "- Revenge Porn Helpline (adults)",
            "- Samaritans",
            "- Childline (under 19)",
        ]
        assert "/request_callback" not in payloads(message)
        assert message["text"].endswith(
            "If you are in danger, call 999. If you can't speak, call from a mobile and press 55 when asked."
        )


@pytest.mark.asyncio
async def test_callback_route_without_its_secret_is_not_offered(tenants: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    message = await talk_to_person(TUESDAY_AFTERNOON, monkeypatch, "no-secret")
    assert "/request_callback" not in payloads(message)
    assert "call you back" not in message["text"]
    assert "Revenge Porn Helpline" in message["text"]


@pytest.mark.asyncio
async def test_young_person_hears_about_childline_first_even_when_the_charity_is_open(
    tenants: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for tenant in ("by-phone", "default"):
        message = await talk_to_person(TUESDAY_AFTERNOON, monkeypatch, tenant, young_person=True)
        lines = [line for line in message["text"].splitlines() if line.startswith("- ")]
        assert lines[0].startswith("- Childline (under 19): 0800 1111."), tenant
        assert "Revenge Porn Helpline" not in message["text"]  # an adults' line
    message = await talk_to_person(TUESDAY_AFTERNOON, monkeypatch, "by-phone", young_person=True)
    text = message["text"]
    assert text.index("Childline") < text.index("Team phone is open now")


@pytest.mark.asyncio
async def test_supporter_gets_the_lines_for_supporters(tenants: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    message = await talk_to_person(TUESDAY_AFTERNOON, monkeypatch, "default", role="supporter")
    text = message["text"]
    assert text.startswith("Supporting someone through this is hard.")
    assert "NSPCC Helpline (adults worried about a child): 0808 800 5000." in text
    assert "Revenge Porn Helpline" in text and "Childline" in text


@pytest.mark.asyncio
async def test_danger_puts_999_first(tenants: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    message = await talk_to_person(TUESDAY_AFTERNOON, monkeypatch, "by-phone", danger=True)
    assert message["text"].startswith("If you are in danger now, call 999.")
    assert message["text"].count("call 999") == 1


def test_decide_is_a_pure_function_of_the_settings_and_the_time(tenants: Path) -> None:
    phone = load_handoffs()["by-phone"]
    assert decide(phone, TUESDAY_AFTERNOON).handoff_open
    assert not decide(phone, TUESDAY_NIGHT).handoff_open
    assert decide(None, TUESDAY_AFTERNOON).helplines == ("revenge_porn_helpline", "samaritans", "childline")
    # A charity whose hours are not known is never said to be open.
    unknown = parse_handoff("x", handoff("phone", opening_hours=None))
    assert not decide(unknown, TUESDAY_AFTERNOON).handoff_open


# ---- the tenant's settings --------------------------------------------------------------------------------


def test_the_repositorys_tenants_have_valid_handoffs(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("WIDGET_TENANTS_DIR", raising=False)
    handoffs = load_handoffs()
    assert handoffs["default"] is None
    example = handoffs["example-charity"]
    assert example is not None and example.route == "callback" and example.webhook_url.startswith("https://")


@pytest.mark.parametrize(
    ("changes", "error"),
    [
        ({"route": "pigeon"}, "'route' must be one of phone, webchat, callback"),
        ({"phone": None}, "'phone' must be non-empty text"),
        ({"phone": "call us!"}, "'phone' must be digits and spaces"),
        ({"callback": {"webhook_url": "http://hooks.example.org/x"}}, "must use https://"),
        ({"callback": {"webhook_url": "ftp://hooks.example.org/x"}}, "must use https://"),
        ({"callback": {"webhook_url": "https://user:pw@hooks.example.org/x"}}, "with a host"),
        ({"callback": {"webhook_url": "https://x.org", "secret": "s3cret"}}, "exactly 'webhook_url'"),
        ({"opening_hours": {"weekly": {"mon": ["9-5"]}}}, "opening hours for 'mon'"),
        ({"opening_hours": {"weekly": {"tue": ["17:00-09:00"]}}}, "opening hours for 'tue'"),
        ({"opening_hours": {"weekly": {"wed": ["09:00-24:00"]}}}, "opening hours for 'wed'"),
        ({"opening_hours": {"weekly": {"someday": ["09:00-17:00"]}}}, "'opening_hours.weekly'"),
        ({"secret": "s3cret"}, "unknown fields ['secret']"),
        ({"name": ""}, "'name' must be non-empty text"),
    ],
)
def test_a_wrong_handoff_is_refused_naming_the_tenant(changes: dict[str, Any], error: str) -> None:
    with pytest.raises(HandoffError, match="tenant 'charity'") as raised:
        parse_handoff("charity", {**handoff("phone"), **changes})
    assert error in str(raised.value)


def test_webchat_needs_https_and_callback_needs_a_webhook() -> None:
    with pytest.raises(HandoffError, match="'web_chat_url' must be an https:// address"):
        parse_handoff("c", handoff("webchat", web_chat_url="http://chat.example.org"))
    with pytest.raises(HandoffError, match="route 'callback' needs"):
        parse_handoff("c", {**handoff("phone"), "route": "callback"})


@pytest.mark.parametrize("url", ["http://127.0.0.1:8123/hook", "http://localhost:9/x", "http://[::1]:80/x"])
def test_plain_http_is_only_for_this_machine(url: str) -> None:
    parsed = parse_handoff("c", handoff("callback", callback={"webhook_url": url}))
    assert parsed is not None and parsed.webhook_url == url


def test_a_broken_tenant_file_stops_the_action_server(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    tenant_file(tmp_path, "broken", handoff("callback", callback={"webhook_url": "http://hooks.example.org"}))
    monkeypatch.setenv("WIDGET_TENANTS_DIR", str(tmp_path))
    with pytest.raises(HandoffError, match="tenant 'broken'"):
        load_handoffs()


def test_secret_variable_names() -> None:
    assert secret_variable("example-charity") == "CALLBACK_SECRET_EXAMPLE_CHARITY"
    assert secret_variable("a_b-c1") == "CALLBACK_SECRET_A_B_C1"


def test_tenants_whose_secret_names_collide_stop_the_action_server(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """ "a-b" and "a_b" would share CALLBACK_SECRET_A_B: one charity's secret would sign the other's requests."""
    tenant_file(tmp_path, "default", None)
    tenant_file(tmp_path, "charity-one", handoff("callback"))
    tenant_file(tmp_path, "charity_one", handoff("callback"))
    monkeypatch.setenv("WIDGET_TENANTS_DIR", str(tmp_path))
    with pytest.raises(HandoffError, match="'charity-one' and 'charity_one'.*CALLBACK_SECRET_CHARITY_ONE"):
        load_handoffs()


def test_a_short_callback_secret_stops_the_action_server_naming_it_not_showing_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An HMAC key under 32 bytes could be guessed from the signed requests a charity receives."""
    tenant_file(tmp_path, "default", None)
    tenant_file(tmp_path, "charity-one", handoff("callback"))
    monkeypatch.setenv("WIDGET_TENANTS_DIR", str(tmp_path))
    short = "a-secret-of-31-bytes-1234567890"
    assert len(short.encode()) == 31
    monkeypatch.setenv("CALLBACK_SECRET_CHARITY_ONE", short)
    with pytest.raises(HandoffError, match="^CALLBACK_SECRET_CHARITY_ONE is shorter than 32 bytes") as refused:
        load_handoffs()
    assert short not in str(refused.value)
    # The real action server: it stops at start-up, and its output never shows the secret.
    server = subprocess.run(
        [sys.executable, "-m", "rasa_sdk", "--actions", "actions", "--port", "1"],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert server.returncode != 0
    assert "CALLBACK_SECRET_CHARITY_ONE is shorter than 32 bytes" in server.stderr + server.stdout
    assert short not in server.stderr + server.stdout
    monkeypatch.setenv("CALLBACK_SECRET_CHARITY_ONE", short + "!")  # 32 bytes: accepted (a refusal is not cached)
    assert load_handoffs()["charity-one"] is not None


@pytest.mark.asyncio
async def test_a_web_chat_link_is_never_followed_by_a_full_stop(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A "." straight after a link would be taken as part of it by link detection, and the link would break."""
    tenant_file(tmp_path, "unknown-hours", handoff("webchat", opening_hours=None))
    tenant_file(tmp_path, "open-chat", handoff("webchat"))
    monkeypatch.setenv("WIDGET_TENANTS_DIR", str(tmp_path))
    for tenant in ("unknown-hours", "open-chat"):
        text = (await talk_to_person(TUESDAY_AFTERNOON, monkeypatch, tenant))["text"]
        assert "https://chat.example.org/start" in text
        assert not re.search(r"https://\S*[.,;:!?](\s|$)", text), text
