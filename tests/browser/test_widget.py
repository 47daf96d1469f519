"""The widget in headless Chromium against the mock widget channel (tests/browser/mock_server.py).
The same widget against the real Rasa and action servers is in test_real_server.py."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import DESKTOP, PHONE, axe_scan, new_page, screenshot

W = "reclaim-chat"  # Playwright's CSS selectors pierce open shadow roots


def open_chat(page, servers, tenant: str = "test") -> None:
    page.goto(f"{servers.pages_url}/?tenant={tenant}")
    page.locator(f"{W} .launch").click()
    expect(page.locator(f"{W} .log .msg.bot").nth(1)).to_contain_text("What would you like help with?")


def bubbles(page) -> list[str]:
    return page.locator(f"{W} .log .msg").all_inner_texts()


def storage(page) -> dict:
    return page.evaluate("() => Object.fromEntries(Object.entries(sessionStorage))")


def test_conversation_with_buttons_and_typing(page, servers):
    open_chat(page, servers)
    log = page.locator(f"{W} [role=log]")
    expect(log).to_have_attribute("aria-live", "polite")
    # The first message says how to leave quickly and that nothing is kept.
    first = page.locator(f"{W} .log .msg").first
    expect(first).to_contain_text("Quick exit")
    expect(first).to_contain_text("Shift key three times")
    expect(first).to_contain_text("Nothing is kept after you close this tab")

    page.locator(f"{W} .choices button", has_text="Get images removed").click()
    expect(page.locator(f"{W} .msg.me").last).to_contain_text("Get images removed")
    expect(page.locator(f"{W} .msg.bot").last).to_contain_text("places that can help")
    # Buttons already answered can't be pressed again.
    expect(page.locator(f"{W} .choices button", has_text="Talk to someone")).to_be_disabled()

    # URL payloads are links; javascript: payloads and links are dropped.
    reply = page.locator(f"{W} .msg.bot").last
    site = reply.locator("a", has_text="Report Remove")
    expect(site).to_have_attribute("href", "https://www.childline.org.uk/report-remove/")
    expect(site).to_have_attribute("target", "_blank")
    expect(site).to_have_attribute("rel", "noopener noreferrer")
    expect(reply.locator("a", has_text="Call the helpline")).to_have_attribute("href", "tel:03450006002")
    expect(reply.locator("a", has_text="Revenge Porn Helpline")).to_have_attribute("rel", "noopener noreferrer")
    assert reply.locator("text=Evil").count() == 0
    assert reply.locator("text=Bad link").count() == 0
    assert reply.locator("text=Data link").count() == 0
    hrefs = reply.locator("a").evaluate_all("links => links.map(a => a.getAttribute('href'))")
    assert all(re.match(r"^(https?:|tel:)", href) for href in hrefs), hrefs

    page.locator(f"{W} textarea").fill("I need help")
    page.locator(f"{W} textarea").press("Enter")
    expect(page.locator(f"{W} .msg.bot").last).to_contain_text("You said: I need help")
    assert servers.state.conversations[_cid(page)][-1] == "I need help"
    # Sent as the payload, shown as the title.
    assert "/ask_removal" in servers.state.conversations[_cid(page)]

    # A reload in the same tab keeps the conversation (sessionStorage), with no second conversation started.
    starts = sum(1 for r in servers.state.requests if r == ("POST", "/webhooks/widget/conversations"))
    page.reload()
    expect(page.locator(f"{W} .msg.bot").last).to_contain_text("You said: I need help")
    assert sum(1 for r in servers.state.requests if r == ("POST", "/webhooks/widget/conversations")) == starts
    assert page.offsite.urls == [] and page.js_errors == []


def _cid(page) -> str:
    import json

    return json.loads(storage(page)["reclaim:test"])["conversation_id"]


def test_only_session_storage_no_cookies_no_local_storage(page, servers):
    open_chat(page, servers)
    page.locator(f"{W} textarea").fill("hello there")
    page.locator(f"{W} textarea").press("Enter")
    expect(page.locator(f"{W} .msg.bot").last).to_contain_text("You said")
    assert "reclaim:test" in storage(page)
    assert page.evaluate("() => localStorage.length") == 0
    assert page.context.cookies() == []
    assert page.evaluate("() => document.cookie") == ""


def _assert_left_for_exit_page(page, servers, chat_url: str) -> None:
    page.wait_for_url(f"{servers.pages_url}/exit.html")
    expect(page.locator("h1")).to_have_text("Today's weather")
    assert storage(page) == {}
    # The chat page is not in the back-history: Back goes to where the person was before it.
    page.go_back()
    page.wait_for_load_state()
    assert page.url != chat_url
    assert page.url == f"{servers.pages_url}/start.html"


def test_quick_exit_button(page, servers):
    page.goto(f"{servers.pages_url}/start.html")
    open_chat(page, servers)
    chat_url = page.url
    cid = _cid(page)
    length = page.evaluate("history.length")
    exit_button = page.locator(f"{W} .exit")
    expect(exit_button).to_be_visible()
    exit_button.click()
    _assert_left_for_exit_page(page, servers, chat_url)
    assert page.evaluate("history.length") == length
    # The conversation is erased on the server as the page goes.
    page.wait_for_timeout(200)
    assert cid in servers.state.deleted


def test_quick_exit_triple_shift(page, servers):
    page.goto(f"{servers.pages_url}/start.html")
    open_chat(page, servers)
    chat_url = page.url
    page.locator(f"{W} textarea").fill("private words")
    page.keyboard.press("Shift")
    page.keyboard.press("Shift")
    page.keyboard.press("Shift")
    _assert_left_for_exit_page(page, servers, chat_url)


def test_triple_shift_needs_three_shifts_in_a_row(page, servers):
    open_chat(page, servers)
    page.locator(f"{W} textarea").focus()
    page.keyboard.press("Shift")
    page.keyboard.press("Shift")
    page.keyboard.type("a")
    page.keyboard.press("Shift")
    page.wait_for_timeout(300)
    assert page.url.startswith(f"{servers.pages_url}/?")


def test_quick_exit_blanks_the_chat_at_once(page, servers):
    open_chat(page, servers)
    # Looked at in the same task as the press, before the browser starts to leave the page.
    seen = page.evaluate(
        """() => {
            const root = document.querySelector('reclaim-chat').shadowRoot;
            root.querySelector('.exit').click();
            return {shadow: root.childNodes.length, body: getComputedStyle(document.body).visibility,
                    storage: sessionStorage.length};
        }"""
    )
    assert seen == {"shadow": 0, "body": "hidden", "storage": 0}
    page.wait_for_url(f"{servers.pages_url}/exit.html")


def test_delete_chat_erases_it_on_the_server(page, servers):
    open_chat(page, servers)
    page.locator(f"{W} textarea").fill("something private")
    page.locator(f"{W} textarea").press("Enter")
    expect(page.locator(f"{W} .msg.bot").last).to_contain_text("You said")
    cid = _cid(page)
    page.locator(f"{W} .delete").click()
    expect(page.locator(f"{W} .msg.bot").last).to_contain_text("deleted from this device and from our server")
    assert ("DELETE", f"/webhooks/widget/conversations/{cid}") in servers.state.requests
    assert cid not in servers.state.conversations
    assert "something private" not in " ".join(bubbles(page))
    assert "something private" not in str(storage(page))
    # The next message starts a new conversation.
    page.locator(f"{W} textarea").fill("again")
    page.locator(f"{W} textarea").press("Enter")
    expect(page.locator(f"{W} .msg.bot").last).to_contain_text("You said: again")
    assert _cid(page) != cid


def test_server_errors_are_shown_as_friendly_text(page, servers):
    open_chat(page, servers)
    servers.state.fail_next = (429, "You're sending messages very fast. Please wait a moment.")
    page.locator(f"{W} textarea").fill("one")
    page.locator(f"{W} textarea").press("Enter")
    expect(page.locator(f"{W} .msg.bot").last).to_contain_text("Please wait a moment.")
    # An unknown conversation (403): the next message starts a fresh one.
    servers.state.conversations.pop(_cid(page))
    page.locator(f"{W} textarea").fill("two")
    page.locator(f"{W} textarea").press("Enter")
    expect(page.locator(f"{W} .msg.bot").last).to_contain_text("This chat has ended")
    page.locator(f"{W} textarea").fill("three")
    page.locator(f"{W} textarea").press("Enter")
    expect(page.locator(f"{W} .msg.bot").last).to_contain_text("You said: three")


XSS_TYPED = '<script>window.__pwned=8</script><img src=x onerror="window.__pwned=9">'


def test_xss_payloads_are_inert(page, servers):
    open_chat(page, servers)
    before = page.evaluate("() => document.querySelector('reclaim-chat').shadowRoot.querySelectorAll('script,img').length")
    # A bot reply carrying markup, and the person's own message echoed back.
    for message in ("xss", XSS_TYPED):
        page.locator(f"{W} textarea").fill(message)
        page.locator(f"{W} textarea").press("Enter")
        expect(page.locator(f"{W} .msg.bot").last).not_to_contain_text("Replying")
    expect(page.locator(f"{W} .msg.bot").last).to_contain_text("You said: <script>")
    page.wait_for_timeout(300)
    shadow_count = page.evaluate(
        "() => document.querySelector('reclaim-chat').shadowRoot.querySelectorAll('script,img,b').length"
    )
    assert shadow_count == before == 0
    assert page.evaluate("() => document.querySelectorAll('img').length") == 0
    assert page.evaluate("() => window.__pwned") is None
    text = " ".join(bubbles(page))
    assert "<script>window.__pwned = 1</script>" in text
    assert '<img src=x onerror="window.__pwned = 2">' in text
    assert page.js_errors == []


def test_host_css_does_not_reach_the_widget(page, servers):
    open_chat(page, servers)
    # The host page's hostile styles are in force on the page itself...
    host_button = page.locator("main button")
    assert host_button.evaluate("b => getComputedStyle(b).backgroundColor") == "rgb(0, 255, 0)"
    assert "Comic Sans" in page.locator("h1").evaluate("e => getComputedStyle(e).fontFamily")
    # ...and not inside the widget.
    for selector in (".launch", ".exit", ".choices button", "textarea", ".msg.bot", ".send", "header h2"):
        style = page.locator(f"{W} {selector}").first.evaluate(
            "e => { const s = getComputedStyle(e); return {font: s.fontFamily, color: s.color, bg: s.backgroundColor, "
            "transform: s.textTransform, spacing: s.letterSpacing}; }"
        )
        assert "Comic Sans" not in style["font"], (selector, style)
        assert style["color"] != "rgb(255, 0, 0)", (selector, style)
        assert style["bg"] != "rgb(0, 255, 0)", (selector, style)
        assert style["transform"] == "none", (selector, style)
        assert style["spacing"] == "normal", (selector, style)
    # The widget's styles do not leak out either.
    assert "Comic Sans" in page.locator("main p").first.evaluate("e => getComputedStyle(e).fontFamily")


def test_keyboard_only(page, servers):
    page.goto(f"{servers.pages_url}/?tenant=test")
    active = "() => { let e = document.activeElement; while (e && e.shadowRoot && e.shadowRoot.activeElement) " \
             "e = e.shadowRoot.activeElement; return e ? (e.className || e.tagName) : null; }"
    for _ in range(20):
        page.keyboard.press("Tab")
        if page.evaluate(active) == "launch":
            break
    assert page.evaluate(active) == "launch"
    # Focus is visible.
    outline = page.locator(f"{W} .launch").evaluate("e => getComputedStyle(e).outlineStyle")
    assert outline != "none"
    page.keyboard.press("Enter")
    expect(page.locator(f"{W} .panel")).to_be_visible()
    assert page.evaluate(active) == "TEXTAREA"
    expect(page.locator(f"{W} .choices button").first).to_be_visible()
    page.keyboard.type("hello from the keyboard")
    page.keyboard.press("Enter")
    expect(page.locator(f"{W} .msg.bot").last).to_contain_text("You said: hello from the keyboard")
    page.keyboard.type("hi")
    page.keyboard.press("Enter")
    expect(page.locator(f"{W} .choices button:not([disabled])").first).to_be_visible()
    focused = "() => { const e = document.querySelector('reclaim-chat').shadowRoot.activeElement; " \
              "return e ? {tag: e.tagName, text: e.textContent, choice: !!e.closest('.choices')} : null; }"
    seen = []
    for _ in range(40):
        page.keyboard.press("Tab")
        seen.append(page.evaluate(focused))
        if seen[-1] and seen[-1]["choice"] and seen[-1]["tag"] == "BUTTON":
            break
    label = seen[-1]["text"]
    assert label in ("Get images removed", "Talk to someone"), seen
    page.keyboard.press("Enter")
    expect(page.locator(f"{W} .msg.me").last).to_have_text(re.compile(label))
    # Escape closes the chat and gives focus back to the launcher.
    page.keyboard.press("Escape")
    expect(page.locator(f"{W} .panel")).to_be_hidden()
    assert page.evaluate(active) == "launch"


@pytest.mark.parametrize("tenant", ["test", "garish"])
def test_axe_finds_no_serious_violations(page, servers, tenant):
    open_chat(page, servers, tenant)
    page.locator(f"{W} .choices button").first.click()
    expect(page.locator(f"{W} .msg.bot").last).to_contain_text("places that can help")
    violations = axe_scan(page)
    assert violations == [], violations


def test_reduced_motion_is_respected(browser, servers):
    page = new_page(browser, reduced_motion="reduce")
    try:
        open_chat(page, servers)
        page.evaluate("() => document.querySelector('reclaim-chat').shadowRoot.querySelector('.busy').hidden = false")
        name = page.locator(f"{W} .busy span").evaluate("e => getComputedStyle(e).animationName")
        assert name == "none"
    finally:
        page.context.close()


def test_phone_full_screen_and_screenshots(browser, page, phone_page, servers):
    page.goto(f"{servers.pages_url}/?tenant=test")
    expect(page.locator(f"{W} .teaser")).to_contain_text("talk to us here in private")
    screenshot(page, "widget-desktop-closed")
    page.locator(f"{W} .launch").click()
    page.locator(f"{W} .choices button").first.click()
    expect(page.locator(f"{W} .msg.bot").last).to_contain_text("places that can help")
    screenshot(page, "widget-desktop-open")
    box = page.locator(f"{W} .panel").bounding_box()
    assert box["width"] < DESKTOP["width"] / 2

    open_chat(phone_page, servers)
    screenshot(phone_page, "widget-phone-open")
    box = phone_page.locator(f"{W} .panel").bounding_box()
    assert (box["x"], box["y"], box["width"]) == (0, 0, PHONE["width"])
    assert abs(box["height"] - PHONE["height"]) <= 1
    expect(phone_page.locator(f"{W} .exit")).to_be_in_viewport()
    # The on-screen keyboard shrinks the visual viewport: the panel follows it, so the input stays visible.
    phone_page.evaluate(
        """() => {
            Object.defineProperty(visualViewport, 'height', {configurable: true, get: () => 400});
            visualViewport.dispatchEvent(new Event('resize'));
        }"""
    )
    box = phone_page.locator(f"{W} .panel").bounding_box()
    assert abs(box["height"] - 400) <= 1
    input_box = phone_page.locator(f"{W} textarea").bounding_box()
    assert input_box["y"] + input_box["height"] <= 400
    screenshot(phone_page, "widget-phone-keyboard")


def test_widget_is_small():
    import gzip
    from pathlib import Path

    raw = (Path(__file__).resolve().parents[2] / "bot" / "widget" / "widget.js").read_bytes()
    assert len(gzip.compress(raw, 9)) < 25 * 1024
