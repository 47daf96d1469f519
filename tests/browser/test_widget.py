"""The widget in headless Chromium against the mock widget channel (tests/browser/mock_server.py).

The charity's page loads only the launcher (web/widget/loader.js); the chat runs in a frame from the
Reclaim server's origin (web/widget/frame.*). The host page is on another origin, as on a real charity's
site. The same widget against the real Rasa and action servers is in test_real_server.py."""

from __future__ import annotations

import gzip
import re
from pathlib import Path

from playwright.sync_api import expect

from tests.browser.conftest import AXE, DESKTOP, PHONE, axe_scan, new_page, screenshot

W = "reclaim-chat"  # the launcher's host element; Playwright's CSS selectors pierce its open shadow root
ROOT = Path(__file__).resolve().parents[2]
WORDS = "marmalade-ocelot-7741"  # typed by the "survivor": must never be reachable from the host page


def chat(page):
    return page.frame_locator(f"{W} iframe")


def chat_frame(page):
    return next(frame for frame in page.frames if "/webhooks/widget/frame" in frame.url)


def open_chat(page, servers, tenant: str = "test", path: str = "/"):
    page.goto(f"{servers.pages_url}{path}?tenant={tenant}")
    page.locator(f"{W} .launch").click()
    expect(chat(page).locator(".log .msg.bot").nth(1)).to_contain_text("What would you like help with?")
    return chat(page)


def type_message(page, text: str) -> None:
    chat(page).locator("textarea").fill(text)
    chat(page).locator("textarea").press("Enter")


def cid_of(servers, text: str) -> str:
    return next(cid for cid, said in servers.state.conversations.items() if text in said)


# What a script on the charity's page can reach: its storage, cookies, DOM, every open shadow root, and the
# frames (reading another origin's frame throws, which is the point).
HOST_SPY = """(words) => {
    const found = [];
    const look = (where, text) => { if (String(text).includes(words)) found.push(where); };
    for (const store of [localStorage, sessionStorage]) {
        for (let i = 0; i < store.length; i++) look('storage', store.key(i) + store.getItem(store.key(i)));
    }
    look('cookie', document.cookie);
    look('dom', document.documentElement.outerHTML);
    const walk = (root) => root.querySelectorAll('*').forEach((el) => {
        if (el.shadowRoot) { look('shadow root', el.shadowRoot.innerHTML); walk(el.shadowRoot); }
        if (el.tagName === 'IFRAME') {
            try { look('frame', el.contentDocument.documentElement.outerHTML); } catch (e) { /* other origin */ }
            try { look('frame storage', JSON.stringify(el.contentWindow.sessionStorage)); } catch (e) { /* */ }
        }
    });
    walk(document);
    for (let i = 0; i < window.frames.length; i++) {
        try { look('window.frames', window.frames[i].document.body.innerText); } catch (e) { /* other origin */ }
    }
    return found;
}"""


def test_conversation_with_buttons_and_typing(page, servers):
    frame = open_chat(page, servers)
    log = frame.locator("[role=log]")
    expect(log).to_have_attribute("aria-live", "polite")
    # The first message says how to leave quickly and that nothing typed is kept.
    first = frame.locator(".log .msg").first
    expect(first).to_contain_text("Quick exit")
    expect(first).to_contain_text("Shift key three times")
    expect(first).to_contain_text("Nothing you type is kept on this device")

    frame.locator(".choices button", has_text="Get images removed").click()
    expect(frame.locator(".msg.me").last).to_contain_text("Get images removed")
    expect(frame.locator(".msg.bot").last).to_contain_text("places that can help")
    expect(frame.locator(".choices button", has_text="Talk to someone")).to_be_disabled()

    # URL payloads are links; javascript: payloads and links are dropped.
    reply = frame.locator(".msg.bot").last
    site = reply.locator("a", has_text="Report Remove")
    expect(site).to_have_attribute("href", "https://www.childline.org.uk/report-remove/")
    expect(site).to_have_attribute("target", "_blank")
    expect(site).to_have_attribute("rel", "noopener noreferrer")
    expect(reply.locator("a", has_text="Call the helpline")).to_have_attribute("href", "tel:03450006002")
    assert reply.locator("text=Evil").count() == 0
    assert reply.locator("text=Bad link").count() == 0
    assert reply.locator("text=Data link").count() == 0
    hrefs = reply.locator("a").evaluate_all("links => links.map(a => a.getAttribute('href'))")
    assert all(re.match(r"^(https?:|tel:)", href) for href in hrefs), hrefs

    type_message(page, "I need help")
    expect(frame.locator(".msg.bot").last).to_contain_text("You said: I need help")
    cid = cid_of(servers, "I need help")
    assert "/ask_removal" in servers.state.conversations[cid]  # sent as the payload, shown as the title
    assert page.offsite.urls == [] and page.js_errors == []


def test_a_script_on_the_charitys_page_finds_none_of_the_typed_words(page, servers):
    open_chat(page, servers, "carry-on")
    type_message(page, f"my ex posted {WORDS} everywhere")
    expect(chat(page).locator(".msg.bot").last).to_contain_text(WORDS)
    assert page.evaluate(HOST_SPY, WORDS) == []
    # Inside the frame the words are on screen, but in no storage: only the signed id is kept.
    frame = chat_frame(page)
    stored = frame.evaluate("() => Object.entries(sessionStorage)")
    assert [key for key, _ in stored] == ["reclaim:id:carry-on"]
    assert WORDS not in str(stored) and frame.evaluate("() => localStorage.length") == 0
    assert page.context.cookies() == []
    # After the conversation: closed, then the page reloaded.
    chat(page).locator(".close").click()
    assert page.evaluate(HOST_SPY, WORDS) == []
    page.reload()
    assert page.evaluate(HOST_SPY, WORDS) == []
    assert WORDS not in str(chat_frame(page).evaluate("() => Object.entries(sessionStorage)"))


def test_without_carry_on_nothing_at_all_is_stored(page, servers):
    open_chat(page, servers)
    type_message(page, "hello there")
    expect(chat(page).locator(".msg.bot").last).to_contain_text("You said")
    assert chat_frame(page).evaluate("() => sessionStorage.length + localStorage.length") == 0
    assert page.evaluate("() => sessionStorage.length + localStorage.length") == 0


def test_a_reload_carries_on_the_conversation_without_its_text(page, servers):
    open_chat(page, servers, "carry-on")
    type_message(page, "first words")
    expect(chat(page).locator(".msg.bot").last).to_contain_text("You said: first words")
    cid = cid_of(servers, "first words")
    starts = servers.state.requests.count(("POST", "/webhooks/widget/conversations"))
    page.reload()
    page.locator(f"{W} .launch").click()
    frame = chat(page)
    expect(frame.locator(".msg.note").last).to_contain_text("Earlier messages are not kept on this device")
    assert "first words" not in " ".join(frame.locator(".msg").all_inner_texts())
    type_message(page, "second words")
    expect(frame.locator(".msg.bot").last).to_contain_text("You said: second words")
    assert servers.state.conversations[cid][-1] == "second words"  # the same conversation carried on
    assert servers.state.requests.count(("POST", "/webhooks/widget/conversations")) == starts


def test_an_expired_conversation_starts_afresh_and_loses_nothing(page, servers):
    open_chat(page, servers, "carry-on")
    type_message(page, "before")
    expect(chat(page).locator(".msg.bot").last).to_contain_text("You said: before")
    servers.state.conversations.pop(cid_of(servers, "before"))  # the server has forgotten it
    type_message(page, "still here")
    expect(chat(page).locator(".msg.bot").last).to_contain_text("You said: still here")


def _left_for_exit_page(page, servers, chat_url: str) -> None:
    page.wait_for_url(f"{servers.pages_url}/exit.html")
    expect(page.locator("h1")).to_have_text("Today's weather")
    # The chat page is not in the back-history: Back goes to where the person was before it.
    page.go_back()
    page.wait_for_load_state()
    assert page.url != chat_url
    assert page.url == f"{servers.pages_url}/start.html"


def _frame_storage_after_leaving(page, servers) -> int:
    """The frame origin's sessionStorage in this tab, read by loading a page of that origin in it."""
    page.goto(f"{servers.api_url}/webhooks/widget/frame?tenant=carry-on")
    return page.evaluate("() => sessionStorage.length")


def test_quick_exit_button(page, servers):
    page.goto(f"{servers.pages_url}/start.html")
    open_chat(page, servers, "carry-on")
    chat_url = page.url
    type_message(page, "leaving now")
    expect(chat(page).locator(".msg.bot").last).to_contain_text("You said: leaving now")
    cid = cid_of(servers, "leaving now")
    length = page.evaluate("history.length")
    chat(page).locator(".exit").click()
    page.wait_for_url(f"{servers.pages_url}/exit.html")
    assert page.evaluate("history.length") == length
    page.wait_for_timeout(200)
    assert cid in servers.state.deleted  # erased on the server as the page goes
    _left_for_exit_page(page, servers, chat_url)
    assert _frame_storage_after_leaving(page, servers) == 0


def test_quick_exit_by_shift_three_times_from_inside_the_chat(page, servers):
    page.goto(f"{servers.pages_url}/start.html")
    open_chat(page, servers)
    chat_url = page.url
    chat(page).locator("textarea").fill("private words")
    for _ in range(3):
        page.keyboard.press("Shift")
    _left_for_exit_page(page, servers, chat_url)


def test_quick_exit_by_shift_three_times_from_the_charitys_page(page, servers):
    page.goto(f"{servers.pages_url}/start.html")
    open_chat(page, servers)
    chat_url = page.url
    page.locator("main button").focus()
    for _ in range(3):
        page.keyboard.press("Shift")
    _left_for_exit_page(page, servers, chat_url)


def test_shift_presses_count_together_wherever_the_focus_is(page, servers):
    open_chat(page, servers)
    page.locator("main button").focus()
    page.keyboard.press("Shift")
    chat(page).locator("textarea").focus()
    page.keyboard.press("Shift")
    page.keyboard.press("Shift")
    page.wait_for_url(f"{servers.pages_url}/exit.html")


def test_triple_shift_needs_three_shifts_in_a_row(page, servers):
    open_chat(page, servers)
    chat(page).locator("textarea").focus()
    page.keyboard.press("Shift")
    page.keyboard.press("Shift")
    page.keyboard.type("a")
    page.keyboard.press("Shift")
    page.wait_for_timeout(400)
    assert page.url.startswith(f"{servers.pages_url}/?")


def test_quick_exit_hides_the_page_at_once(page, servers):
    open_chat(page, servers)
    chat(page).locator(".exit").click()
    page.wait_for_url(f"{servers.pages_url}/exit.html")
    expect(page.locator("h1")).to_have_text("Today's weather")


def test_a_reply_still_in_flight_writes_nothing_after_quick_exit(page, servers):
    page.goto(f"{servers.pages_url}/start.html")
    open_chat(page, servers, "carry-on")
    servers.state.delay_next = 1.5
    type_message(page, "slow reply")
    expect(chat(page).locator(".busy")).to_be_visible()
    chat(page).locator(".exit").click()
    page.wait_for_url(f"{servers.pages_url}/exit.html")
    page.wait_for_timeout(1800)  # the reply has arrived by now, to a page that is gone
    assert _frame_storage_after_leaving(page, servers) == 0


def test_back_after_leaving_normally_shows_no_earlier_chat(page, servers):
    open_chat(page, servers)
    type_message(page, WORDS)
    expect(chat(page).locator(".msg.bot").last).to_contain_text(WORDS)
    page.goto(f"{servers.pages_url}/start.html")
    page.go_back()
    page.wait_for_load_state()
    expect(page.locator(f"{W} .launch")).to_have_attribute("aria-expanded", "false")
    page.locator(f"{W} .launch").click()
    expect(chat(page).locator(".log .msg").first).to_contain_text("Quick exit")
    assert WORDS not in " ".join(chat(page).locator(".log").all_inner_texts())


def test_the_chat_works_on_a_page_with_a_strict_content_security_policy(page, servers):
    violations: list[str] = []
    page.on(
        "console",
        lambda message: violations.append(message.text) if "Content Security Policy" in message.text else None,
    )
    page.goto(f"{servers.pages_url}/strict.html?tenant=test")
    expect(page.locator(f"{W} .launch")).to_have_text("Chat with Safe Harbour")
    page.locator(f"{W} .launch").click()
    expect(chat(page).locator(".log .msg.bot").nth(1)).to_contain_text("What would you like help with?")
    type_message(page, "works under CSP")
    expect(chat(page).locator(".msg.bot").last).to_contain_text("You said: works under CSP")
    # Styled: the launcher and the chat's own styles applied without any inline style or script.
    assert page.locator(f"{W} .launch").evaluate("e => getComputedStyle(e).borderRadius") == "999px"
    assert chat(page).locator("header").evaluate("e => getComputedStyle(e).display") == "flex"
    assert violations == [] and page.js_errors == []


def test_the_frame_refuses_to_be_embedded_by_another_site(page, servers):
    """Only the charity's own sites (its allowed_origins) may frame its chat: CSP frame-ancestors."""
    blocked: list[str] = []
    page.on("console", lambda message: blocked.append(message.text) if "frame-ancestors" in message.text else None)
    # localhost is another origin than the 127.0.0.1 page the mock's tenant allows.
    page.goto(f"{servers.pages_url.replace('127.0.0.1', 'localhost')}/start.html")
    page.evaluate(
        "(src) => { const f = document.createElement('iframe'); f.src = src; document.body.appendChild(f); }",
        f"{servers.api_url}/webhooks/widget/frame?tenant=test",
    )
    page.wait_for_timeout(500)
    assert blocked, "a site not listed for the charity must not be able to frame the chat"


XSS_TYPED = '<script>window.__pwned=8</script><img src=x onerror="window.__pwned=9">'


def test_xss_payloads_are_inert(page, servers):
    frame = open_chat(page, servers)
    for message in ("xss", XSS_TYPED):
        type_message(page, message)
        expect(frame.locator(".busy")).to_be_hidden()
    expect(frame.locator(".msg.bot").last).to_contain_text("You said: <script>")
    page.wait_for_timeout(300)
    inside = chat_frame(page)
    assert inside.evaluate("() => document.querySelectorAll('.log script,.log img,.log b').length") == 0
    assert inside.evaluate("() => window.__pwned") is None
    assert page.evaluate("() => window.__pwned") is None
    text = " ".join(frame.locator(".msg").all_inner_texts())
    assert "<script>window.__pwned = 1</script>" in text
    assert page.js_errors == []


def test_host_css_does_not_reach_the_launcher_or_the_chat(page, servers):
    frame = open_chat(page, servers)
    assert page.locator("main button").evaluate("b => getComputedStyle(b).backgroundColor") == "rgb(0, 255, 0)"
    launcher = page.locator(f"{W} .launch").evaluate("e => getComputedStyle(e).fontFamily")
    assert "Comic Sans" not in launcher
    for selector in (".exit", ".choices button", "textarea", ".msg.bot", ".send", "h1"):
        style = frame.locator(selector).first.evaluate(
            "e => { const s = getComputedStyle(e); "
            "return {font: s.fontFamily, color: s.color, transform: s.textTransform}; }"
        )
        assert "Comic Sans" not in style["font"] and style["color"] != "rgb(255, 0, 0)", (selector, style)
        assert style["transform"] == "none", (selector, style)


def test_keyboard_only(page, servers):
    page.goto(f"{servers.pages_url}/?tenant=test")
    launcher_focused = (
        "() => { const h = document.querySelector('reclaim-chat'); "
        "return document.activeElement === h && h.shadowRoot.activeElement && h.shadowRoot.activeElement.className; }"
    )
    for _ in range(20):
        page.keyboard.press("Tab")
        if page.evaluate(launcher_focused) == "launch":
            break
    assert page.evaluate(launcher_focused) == "launch"
    assert page.locator(f"{W} .launch").evaluate("e => getComputedStyle(e).outlineStyle") != "none"
    page.keyboard.press("Enter")
    frame = chat(page)
    expect(frame.locator(".choices button").first).to_be_visible()
    # Focus moved into the chat's frame, to the message box.
    assert chat_frame(page).evaluate("() => document.activeElement.tagName") == "TEXTAREA"
    page.keyboard.type("hello from the keyboard")
    page.keyboard.press("Enter")
    expect(frame.locator(".msg.bot").last).to_contain_text("You said: hello from the keyboard")
    # Escape closes the chat and gives focus back to the launcher.
    page.keyboard.press("Escape")
    expect(page.locator(f"{W} iframe")).to_be_hidden()
    assert page.evaluate(launcher_focused) == "launch"


def test_axe_finds_no_serious_violations_on_the_page_or_in_the_chat(browser, servers):
    # The chat's own CSP forbids injected scripts (as it should): this test's browser may bypass it for axe.
    page = new_page(browser, bypass_csp=True)
    try:
        frame = open_chat(page, servers)
        frame.locator(".choices button").first.click()
        expect(frame.locator(".msg.bot").last).to_contain_text("places that can help")
        assert axe_scan(page) == []
        inside = chat_frame(page)
        inside.add_script_tag(content=AXE.read_text(encoding="utf-8"))
        result = inside.evaluate(
            """async () => (await axe.run(document, {resultTypes: ['violations']})).violations
                   .filter(v => ['serious', 'critical'].includes(v.impact)).map(v => v.id + ': ' + v.help)"""
        )
        assert result == []
    finally:
        page.context.close()


def test_reduced_motion_is_respected(browser, servers):
    page = new_page(browser, reduced_motion="reduce")
    try:
        open_chat(page, servers)
        inside = chat_frame(page)
        inside.evaluate("() => { document.querySelector('.busy').hidden = false; }")
        assert inside.evaluate("() => getComputedStyle(document.querySelector('.busy span')).animationName") == "none"
    finally:
        page.context.close()


def test_phone_full_screen_and_screenshots(browser, page, phone_page, servers):
    page.goto(f"{servers.pages_url}/?tenant=test")
    expect(page.locator(f"{W} .teaser")).to_contain_text("talk to us here in private")
    screenshot(page, "widget-desktop-closed")
    open_chat(page, servers)
    screenshot(page, "widget-desktop-open")
    box = page.locator(f"{W} iframe").bounding_box()
    assert box["width"] < DESKTOP["width"] / 2

    open_chat(phone_page, servers)
    screenshot(phone_page, "widget-phone-open")
    box = phone_page.locator(f"{W} iframe").bounding_box()
    assert (box["x"], box["y"], box["width"]) == (0, 0, PHONE["width"])
    assert abs(box["height"] - PHONE["height"]) <= 1
    expect(chat(phone_page).locator(".exit")).to_be_in_viewport()
    # The on-screen keyboard shrinks the visual viewport: the frame follows it, so the input stays visible.
    phone_page.evaluate(
        """() => {
            Object.defineProperty(visualViewport, 'height', {configurable: true, get: () => 400});
            visualViewport.dispatchEvent(new Event('resize'));
        }"""
    )
    assert abs(phone_page.locator(f"{W} iframe").bounding_box()["height"] - 400) <= 1
    input_box = chat(phone_page).locator("textarea").bounding_box()
    assert input_box["y"] + input_box["height"] <= 400
    screenshot(phone_page, "widget-phone-keyboard")


def test_widget_is_small():
    files = ["loader.js", "frame.html", "frame.js", "frame.css"]
    total = sum(len(gzip.compress((ROOT / "web" / "widget" / name).read_bytes(), 9)) for name in files)
    assert total < 25 * 1024, total
