"""Real-browser tests of the chat widget: headless Chromium (the Debian package, never `playwright install`)
driven by Playwright, with axe-core from npm for accessibility scans.

On CI (CI=true) a missing Chromium or node_modules is a failure; locally the tests skip and say why."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.browser.mock_server import Servers

# The real Rasa and action servers, started once for the whole browser session (tests/integration).
from tests.integration.conftest import bot, callback_receiver  # noqa: F401

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path(os.environ.get("CHROMIUM_PATH") or "/usr/bin/chromium")
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = ROOT / "results" / "screenshots"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}


def _missing() -> str | None:
    if not CHROMIUM.exists():
        return f"Chromium not found at {CHROMIUM}: apt-get install -y chromium"
    if not AXE.exists():
        return f"axe-core not found at {AXE}: npm ci"
    try:
        import playwright  # noqa: F401
    except ImportError:
        return "the playwright package is not installed: make install"
    return None


def _require() -> None:
    reason = _missing()
    if reason is None:
        return
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"Browser tests cannot run on CI: {reason}", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def browser() -> Iterator:
    _require()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def servers() -> Iterator[Servers]:
    servers = Servers()
    yield servers
    servers.close()


class Offsite:
    """Every request the page makes that leaves 127.0.0.1; such requests are answered locally, never sent."""

    def __init__(self) -> None:
        self.urls: list[str] = []

    def handle(self, route) -> None:
        host = urlsplit(route.request.url).hostname
        if host in ("127.0.0.1", "localhost"):
            route.continue_()
            return
        self.urls.append(route.request.url)
        route.fulfill(
            status=200, content_type="text/html", body="<!doctype html><title>Offsite</title><h1>Offsite</h1>"
        )


def new_page(browser, viewport=DESKTOP, **options):
    context = browser.new_context(viewport=viewport, **options)
    offsite = Offsite()
    context.route("**/*", offsite.handle)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.offsite = offsite
    page.js_errors = errors
    return page


@pytest.fixture
def page(browser):
    page = new_page(browser)
    yield page
    page.context.close()


@pytest.fixture
def phone_page(browser):
    page = new_page(browser, viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=3)
    yield page
    page.context.close()


def axe_scan(page) -> list[dict]:
    """Serious and critical axe-core violations of the launcher (its shadow root); the chat's frame is
    another origin's document, scanned from inside it (tests/browser/test_widget.py)."""
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        """async () => {
            const r = await axe.run(document.querySelector('reclaim-chat'),
                                    {resultTypes: ['violations'], iframes: false});
            return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                                           nodes: v.nodes.map(n => n.target.join(' ') + ': ' + n.failureSummary)}));
        }"""
    )
    return [v for v in result if v["impact"] in ("serious", "critical")]


def screenshot(page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path))
    return path
