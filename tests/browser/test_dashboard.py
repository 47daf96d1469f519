"""Anonymous figures in headless Chromium: the widget's counts carry no conversation id and never hold up
Quick exit, and a charity signs in to its dashboard, sees charts and tables, downloads the CSV, and the
page passes axe. The real servers come from tests/integration/conftest.py's `bot` fixture."""

from __future__ import annotations

import json
import os

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import AXE, _missing, new_page, screenshot
from tests.browser.test_real_server import open_chat as open_real_chat
from tests.browser.test_real_server import site  # noqa: F401 (the demo charity page on the real servers)
from tests.browser.test_widget import open_chat as open_mock_chat
from tests.integration.bot_client import Bot
from tests.integration.conftest import DASHBOARD_TOKENS
from tests.integration.test_figures import counts, last_week_day, published, seed, wait_for

W = "reclaim-chat"

if _missing() and os.environ.get("CI", "").lower() != "true":
    pytest.skip(_missing(), allow_module_level=True)


def beacons(page) -> list:
    sent: list = []
    page.on(
        "request", lambda r: sent.append(json.loads(r.post_data)) if r.url.endswith("/webhooks/metrics/count") else None
    )
    return sent


def test_a_link_click_and_quick_exit_send_only_the_tenant_and_what_happened(page, servers):
    sent = beacons(page)
    open_mock_chat(page, servers)
    chat = page.frame_locator(f"{W} iframe")
    chat.locator(".choices button", has_text="Get images removed").click()
    link = chat.locator(".links a", has_text="Revenge Porn Helpline")
    with page.context.expect_page():
        link.click()
    chat.locator(".exit").click()
    page.wait_for_url(f"{servers.pages_url}/exit.html")
    page.wait_for_timeout(200)
    assert sent == [{"tenant": "test", "kind": "link"}, {"tenant": "test", "kind": "quick_exit"}]


def test_quick_exit_is_counted_by_the_real_server(page, site, bot: Bot):  # noqa: F811
    before = counts(bot, "default")
    page.goto(f"{site}/start.html")
    open_real_chat(page, site)
    page.keyboard.press("Shift")
    page.keyboard.press("Shift")
    page.keyboard.press("Shift")
    page.wait_for_url("https://www.bbc.co.uk/weather")
    assert wait_for(bot, "default", {("quick_exit", "all"): 1}, before) == {("quick_exit", "all"): 1}


def sign_in(page, bot: Bot) -> None:  # noqa: F811
    page.goto(bot.base_url + "/webhooks/dashboard/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in to your charity's figures")
    page.get_by_label("Your organisation's ID").fill("default")
    page.get_by_label("Access token").fill(DASHBOARD_TOKENS["default"])
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Reclaim: anonymous figures")


def test_a_charity_signs_in_sees_charts_and_downloads_its_figures(browser, bot: Bot):  # noqa: F811
    day = last_week_day()
    seed(bot, "default", "conversations_started", "all", 23, day)
    seed(bot, "default", "nation", "scotland", 8, day)
    seed(bot, "default", "nation", "england", 2, day)
    # Rounded by each cell's keyed offset (the servers' WIDGET_SECRET): 23 to 20 or 25; 8 to 10, or hidden.
    started = published("default", "conversations_started", "all", 23, day)
    scotland = published("default", "nation", "scotland", 8, day)
    assert started in ("20", "25") and scotland in ("10", "fewer than 10")

    page = new_page(browser)
    console: list = []
    page.on("console", lambda message: console.append(message.text) if message.type == "error" else None)
    page.goto(bot.base_url + "/webhooks/dashboard/")
    page.get_by_label("Your organisation's ID").fill("default")
    page.get_by_label("Access token").fill("not the token")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_contain_text("do not match")
    assert console == ["Failed to load resource: the server responded with a status of 401 (Unauthorized)"]
    console.clear()
    sign_in(page, bot)

    chart = page.locator("svg#chart-conversations")
    expect(chart).to_be_visible()
    assert chart.get_attribute("role") == "img"
    expect(page.locator("#weekly")).to_contain_text(started)
    expect(page.get_by_role("row", name="Scotland").locator("td")).to_have_text(
        scotland if scotland == "10" else "fewer than 10 each week"
    )
    expect(page.get_by_role("row", name="England").locator("td")).to_have_text("fewer than 10 each week")
    # The style sheet loaded under the page's strict CSP; nothing was blocked, nothing left the server.
    assert page.evaluate("getComputedStyle(document.querySelector('header')).backgroundColor") == "rgb(11, 12, 12)"
    assert console == [] and page.js_errors == [] and page.offsite.urls == []
    screenshot(page, "dashboard-desktop")

    page.get_by_role("link", name="Last 13 weeks (about 90 days)").click()
    expect(page.get_by_role("link", name="Last 13 weeks (about 90 days)")).to_have_attribute("aria-current", "page")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download these figures (CSV)").click()
    with open(download.value.path(), encoding="utf-8", newline="") as csv_file:
        text = csv_file.read()
    assert "conversations_started" in text and f",{started}\r\n" in text and ",23\r\n" not in text
    assert ",2\r\n" not in text and ",8\r\n" not in text
    [session] = [c for c in page.context.cookies() if c["name"] == "reclaim_dashboard"]
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in to your charity's figures")
    # The cookie put back (a copy kept from before signing out) no longer opens the figures.
    page.context.add_cookies([session])
    page.goto(bot.base_url + "/webhooks/dashboard/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in to your charity's figures")
    page.context.close()

    # axe-core needs to inject its script, which the page's CSP forbids: scan a copy with CSP bypassed.
    scan = new_page(browser, bypass_csp=True)
    sign_in(scan, bot)
    scan.add_script_tag(path=str(AXE))
    violations = scan.evaluate(
        """async () => (await axe.run(document, {resultTypes: ['violations']})).violations
            .map(v => ({id: v.id, impact: v.impact, nodes: v.nodes.map(n => n.target.join(' '))}))"""
    )
    assert [v for v in violations if v["impact"] in ("serious", "critical")] == []
    scan.set_viewport_size({"width": 390, "height": 844})
    screenshot(scan, "dashboard-phone")
    assert scan.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    scan.context.close()


def test_a_sign_in_form_on_another_site_is_refused(browser, bot: Bot):  # noqa: F811
    """Cross-site request forgery: another site's page posting the right id and token (e.g. typed by a
    charity worker who was tricked) must not sign the browser in."""
    page = new_page(browser)
    target = bot.base_url + "/webhooks/dashboard/sign-in"
    form = (
        f'<!doctype html><title>Elsewhere</title><form method="post" action="{target}">'
        f'<input name="tenant" value="default"><input name="token" value="{DASHBOARD_TOKENS["default"]}">'
        '<button type="submit">Go</button></form>'
    )
    page.route(
        "https://elsewhere.example/**", lambda route: route.fulfill(status=200, content_type="text/html", body=form)
    )
    page.goto("https://elsewhere.example/form.html")
    page.get_by_role("button", name="Go").click()
    expect(page.locator("body")).to_contain_text("This form can only be sent from the figures page itself.")
    assert not [c for c in page.context.cookies() if c["name"] == "reclaim_dashboard"]
    page.goto(bot.base_url + "/webhooks/dashboard/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in to your charity's figures")
