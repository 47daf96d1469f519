"""The widget in headless Chromium against the real Rasa server (its widget channel, bot/channels/widget.py)
and the real action server, both started for the session by tests/integration/conftest.py's `bot` fixture.
The host page is the demo charity page, served from another origin (127.0.0.1, another port)."""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Iterator
from http.server import ThreadingHTTPServer

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PHONE, _missing, _require, axe_scan, new_page, screenshot
from tests.browser.mock_server import PagesHandler
from tests.integration.bot_client import Bot

W = "reclaim-chat"

# Locally, don't start both servers only to skip; on CI the `site` fixture fails loudly instead.
if _missing() and os.environ.get("CI", "").lower() != "true":
    pytest.skip(_missing(), allow_module_level=True)
REPLY_TIMEOUT = 30_000


@pytest.fixture(scope="module")
def site(bot: Bot) -> Iterator[str]:  # noqa: F811
    _require()
    base = bot.rest_url.split("/webhooks/")[0]
    handler = type("Pages", (PagesHandler,), {"server_base": base})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def stored_events(bot: Bot, sender: str) -> int:  # noqa: F811
    with sqlite3.connect(bot.tracker_db) as connection:
        return connection.execute("select count(*) from events where sender_id = ?", (sender,)).fetchone()[0]


def chat(page):
    return page.frame_locator(f"{W} iframe")


def conversation_ids(bot: Bot) -> set[str]:  # noqa: F811
    with sqlite3.connect(bot.tracker_db) as connection:
        return {row[0] for row in connection.execute("select distinct sender_id from events")}


def open_chat(page, site: str) -> None:
    page.goto(f"{site}/?tenant=default")
    page.locator(f"{W} .launch").click()
    expect(chat(page).locator(".choices button", has_text="Yes, I can talk")).to_be_visible(timeout=REPLY_TIMEOUT)


def test_a_conversation_with_buttons_and_typing(page, site, bot):  # noqa: F811
    before = conversation_ids(bot)
    open_chat(page, site)
    text = " ".join(chat(page).locator(".msg.bot").all_inner_texts())
    assert "automated helper, not a person" in text
    chat(page).locator(".choices button", has_text="Yes, I can talk").click()
    expect(chat(page).locator(".msg.bot").last).to_contain_text("What has happened?", timeout=REPLY_TIMEOUT)
    chat(page).locator("textarea").fill("someone is threatening to share my nudes unless I pay them")
    chat(page).locator("textarea").press("Enter")
    expect(chat(page).locator(".busy")).to_be_hidden(timeout=REPLY_TIMEOUT)
    assert chat(page).locator(".msg.bot").count() >= 4
    (cid,) = conversation_ids(bot) - before
    assert stored_events(bot, cid) > 0
    assert page.js_errors == [] and page.offsite.urls == []
    screenshot(page, "real-desktop")


def test_delete_chat_removes_the_tracker(page, site, bot):  # noqa: F811
    before = conversation_ids(bot)
    open_chat(page, site)
    (cid,) = conversation_ids(bot) - before
    assert stored_events(bot, cid) > 0
    chat(page).locator(".delete").click()
    expect(chat(page).locator(".msg.bot").last).to_contain_text("deleted from this device and from our server")
    assert stored_events(bot, cid) == 0


def test_typed_markup_is_inert(page, site):
    open_chat(page, site)
    chat(page).locator("textarea").fill('<script>window.__pwned=1</script><img src=x onerror="window.__pwned=2">')
    chat(page).locator("textarea").press("Enter")
    expect(chat(page).locator(".busy")).to_be_hidden(timeout=REPLY_TIMEOUT)
    page.wait_for_timeout(300)
    inside = next(frame for frame in page.frames if "/webhooks/widget/frame" in frame.url)
    assert inside.evaluate("() => document.querySelectorAll('.log script,.log img').length") == 0
    assert inside.evaluate("() => window.__pwned") is None and page.evaluate("() => window.__pwned") is None
    expect(chat(page).locator(".msg.me").last).to_contain_text("<script>")


def test_quick_exit_goes_to_the_tenant_page_without_history(page, site):
    page.goto(f"{site}/start.html")
    open_chat(page, site)
    page.keyboard.press("Shift")
    page.keyboard.press("Shift")
    page.keyboard.press("Shift")
    # The default tenant's neutral page is on the internet: the test's router answers it locally.
    page.wait_for_url("https://www.bbc.co.uk/weather")
    assert page.offsite.urls[-1] == "https://www.bbc.co.uk/weather"
    page.go_back()
    page.wait_for_load_state()
    assert page.url == f"{site}/start.html"
    assert page.evaluate("() => sessionStorage.length") == 0


def test_only_the_charitys_own_sites_can_frame_its_chat(page, site):
    """example-charity allows only https://www.example.org: the demo page's origin is refused."""
    blocked: list[str] = []
    page.on("console", lambda message: blocked.append(message.text) if "frame-ancestors" in message.text else None)
    page.goto(f"{site}/?tenant=example-charity")
    page.wait_for_timeout(1000)
    assert blocked
    expect(page.locator(f"{W} .launch")).to_have_text("Chat with us")  # never branded: the frame never loaded


def test_axe_and_phone_screenshot(browser, site):
    page = new_page(browser, viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=3)
    try:
        open_chat(page, site)
        screenshot(page, "real-phone")
        violations = axe_scan(page)
        assert violations == [], violations
    finally:
        page.context.close()
