"""A stand-in for the Rasa server's widget channel, implementing its HTTP contract with scripted replies,
plus a second origin serving the host pages (the demo charity page, a neutral quick-exit page).

The widget is always loaded cross-origin, as on a real charity's site, so CORS is exercised too.
The frame's files and Content-Security-Policy are the real server's (bot/channels/widget_frame.py).
Each server runs in a thread on a free port on 127.0.0.1.
"""

from __future__ import annotations

import json
import threading
import uuid
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from bot.channels.widget_frame import FRAME_POLICY, WEB_WIDGET
from scripts.serve_demo import render_index

ROOT = Path(__file__).resolve().parents[2]

XSS_TEXT = 'Careful: <script>window.__pwned = 1</script><img src=x onerror="window.__pwned = 2"> <b>bold</b>'


def scripted_reply(message: str) -> list[dict]:
    """What the fake bot says to `message`."""
    if message == "/greet" or message.lower() in ("hi", "hello"):
        return [
            {
                "text": "Hello. What would you like help with?",
                "buttons": [
                    {"title": "Get images removed", "payload": "/ask_removal"},
                    {"title": "Talk to someone", "payload": "/ask_support"},
                ],
                "links": [],
            },
        ]
    if message == "/ask_removal":
        return [
            {
                "text": "Here are places that can help remove images.",
                "buttons": [
                    {"title": "Report Remove (Childline)", "payload": "https://www.childline.org.uk/report-remove/"},
                    {"title": "Call the helpline", "payload": "tel:03450006002"},
                    {"title": "Evil", "payload": "javascript:window.__pwned=3"},
                    {"title": "Start again", "payload": "/restart"},
                ],
                "links": [
                    {"title": "Revenge Porn Helpline", "url": "https://revengepornhelpline.org.uk/"},
                    {"title": "Bad link", "url": "javascript:window.__pwned=4"},
                    {"title": "Data link", "url": "data:text/html,<script>window.__pwned=5</script>"},
                ],
            },
        ]
    if message == "xss":
        return [
            {
                "text": XSS_TEXT,
                "buttons": [{"title": '<img src=x onerror="window.__pwned=6">', "payload": "/x"}],
                "links": [{"title": "<script>window.__pwned=7</script>", "url": "https://example.org/"}],
            }
        ]
    return [{"text": f"You said: {message}", "buttons": [], "links": []}]


@dataclass
class MockState:
    tenants: dict[str, dict]
    conversations: dict[str, list[str]] = field(default_factory=dict)
    deleted: list[str] = field(default_factory=list)
    requests: list[tuple[str, str]] = field(default_factory=list)
    fail_next: tuple[int, str] | None = None
    # Seconds to hold the next message's reply (a reply still in flight when the person leaves).
    delay_next: float = 0.0
    pages_origin: str = ""


class ApiHandler(BaseHTTPRequestHandler):
    state: MockState

    def log_message(self, format: str, *args) -> None:
        pass

    def _send(
        self, status: int, body: bytes = b"", content_type: str = "application/json", headers: dict | None = None
    ) -> None:
        self.send_response(status)
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.send_header("Access-Control-Allow-Origin", "*")
        self.send_header("Access-Control-Allow-Methods", "GET, POST, DELETE, OPTIONS")
        self.send_header("Access-Control-Allow-Headers", "Content-Type")
        self.send_header("Cache-Control", "no-store")
        if body:
            self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _json(self, status: int, data: dict) -> None:
        self._send(status, json.dumps(data).encode())

    def _body(self) -> dict:
        length = int(self.headers.get("Content-Length") or 0)
        try:
            data = json.loads(self.rfile.read(length) or b"{}")
        except ValueError:
            return {}
        return data if isinstance(data, dict) else {}

    def do_OPTIONS(self) -> None:  # noqa: N802
        self._send(204)

    def do_GET(self) -> None:  # noqa: N802
        self.state.requests.append(("GET", self.path))
        parts = self.path.split("?", 1)[0].strip("/").split("/")
        if parts == ["webhooks", "widget", "widget.js"]:
            return self._send(200, (WEB_WIDGET / "loader.js").read_bytes(), "text/javascript; charset=utf-8")
        if parts == ["webhooks", "widget", "frame"]:
            policy = FRAME_POLICY.format(ancestors=self.state.pages_origin)
            return self._send(
                200,
                (WEB_WIDGET / "frame.html").read_bytes(),
                "text/html; charset=utf-8",
                {"Content-Security-Policy": policy},
            )
        if parts in (["webhooks", "widget", "frame.js"], ["webhooks", "widget", "frame.css"]):
            kind = "text/javascript" if parts[2].endswith(".js") else "text/css"
            return self._send(200, (WEB_WIDGET / parts[2]).read_bytes(), f"{kind}; charset=utf-8")
        if parts[:3] == ["webhooks", "widget", "tenants"] and len(parts) == 4:
            tenant = self.state.tenants.get(parts[3])
            return self._json(200, tenant) if tenant else self._json(404, {"error": "Unknown tenant."})
        self._json(404, {"error": "Not found."})

    def do_POST(self) -> None:  # noqa: N802
        self.state.requests.append(("POST", self.path))
        parts = self.path.strip("/").split("/")
        body = self._body()
        if parts == ["webhooks", "widget", "conversations"]:
            if body.get("tenant") not in self.state.tenants:
                return self._json(400, {"error": "This chat is not set up for this site."})
            cid = uuid.uuid4().hex
            self.state.conversations[cid] = []
            return self._json(201, {"conversation_id": cid, "messages": scripted_reply("/greet")})
        if parts[:3] == ["webhooks", "widget", "conversations"] and len(parts) == 5 and parts[4] == "messages":
            cid = parts[3]
            if cid not in self.state.conversations:
                return self._json(403, {"error": "This chat has ended. Send a message to start a new one."})
            if self.state.fail_next:
                status, error = self.state.fail_next
                self.state.fail_next = None
                return self._json(status, {"error": error})
            message = body.get("message")
            if not isinstance(message, str) or not message.strip():
                return self._json(400, {"error": "Please type a message."})
            if len(message) > 1000:
                return self._json(413, {"error": "That message is too long. Please send it in shorter parts."})
            self.state.conversations[cid].append(message)
            if self.state.delay_next:
                delay, self.state.delay_next = self.state.delay_next, 0.0
                import time

                time.sleep(delay)
            return self._json(200, {"messages": scripted_reply(message)})
        self._json(404, {"error": "Not found."})

    def do_DELETE(self) -> None:  # noqa: N802
        self.state.requests.append(("DELETE", self.path))
        parts = self.path.strip("/").split("/")
        if parts[:3] == ["webhooks", "widget", "conversations"] and len(parts) == 4:
            self.state.conversations.pop(parts[3], None)
            self.state.deleted.append(parts[3])
            return self._send(204)
        self._json(404, {"error": "Not found."})


EXIT_PAGE = b"<!doctype html><html lang='en'><title>Weather</title><h1>Today's weather</h1><p>Sunny spells.</p></html>"
START_PAGE = b"<!doctype html><html lang='en'><title>Start</title><h1>Somewhere else</h1></html>"


class PagesHandler(BaseHTTPRequestHandler):
    """The host site: the demo charity page embedding the widget from `server_base`, and neutral pages."""

    server_base = ""

    def log_message(self, format: str, *args) -> None:
        pass

    def do_GET(self) -> None:  # noqa: N802
        path, _, query = self.path.partition("?")
        params = dict(p.split("=", 1) for p in query.split("&") if "=" in p)
        if path in ("/", "/index.html"):
            body = render_index(self.server_base, params.get("tenant", "test"))
        elif path == "/exit.html":
            body = EXIT_PAGE
        elif path == "/start.html":
            body = START_PAGE
        elif path == "/strict.html":
            return self._strict_page(params.get("tenant", "test"))
        else:
            self.send_error(404)
            return
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _strict_page(self, tenant: str) -> None:
        """A charity page whose Content-Security-Policy allows no inline script or style at all, embedding
        the loader with Subresource Integrity, exactly as the embed guide (docs/embedding.md) says."""
        import base64
        import hashlib

        loader = (WEB_WIDGET / "loader.js").read_bytes()
        integrity = "sha384-" + base64.b64encode(hashlib.sha384(loader).digest()).decode()
        src = f"{self.server_base}/webhooks/widget/widget.js"
        body = (
            "<!doctype html><html lang='en'><head><meta charset='utf-8'><title>Strict charity page</title></head>"
            "<body><h1>Strict page</h1><p><button type='button' id='host-button'>A host button</button></p>"
            f"<script src='{src}' data-tenant='{tenant}' integrity='{integrity}' "
            "crossorigin='anonymous' defer></script>"
            "</body></html>"
        ).encode()
        policy = (
            f"default-src 'self'; script-src 'self' {self.server_base}; frame-src {self.server_base}; "
            "style-src 'self'; img-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'"
        )
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Security-Policy", policy)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


class Servers:
    """The mock API on one origin and the host pages on another, both on 127.0.0.1."""

    def __init__(self) -> None:
        self.pages = ThreadingHTTPServer(("127.0.0.1", 0), PagesHandler)
        self.pages_url = f"http://127.0.0.1:{self.pages.server_address[1]}"
        self.state = MockState(tenants={})
        api_handler = type("Api", (ApiHandler,), {"state": self.state})
        self.api = ThreadingHTTPServer(("127.0.0.1", 0), api_handler)
        self.api_url = f"http://127.0.0.1:{self.api.server_address[1]}"
        self.pages.RequestHandlerClass = type("Pages", (PagesHandler,), {"server_base": self.api_url})
        self.state.pages_origin = self.pages_url
        self.state.tenants["test"] = {
            "id": "test",
            "display_name": "Safe Harbour",
            "colours": {"primary": "#4b286d", "primary_text": "#ffffff", "background": "#ffffff", "text": "#1a1a1a"},
            "logo_url": None,
            "greeting": "Hello, you can talk to us here in private.",
            "quick_exit_url": f"{self.pages_url}/exit.html",
            "nations": ["england", "wales", "scotland", "northern_ireland"],
        }
        # A charity that lets the chat carry on across its pages (only the signed id is kept, in the frame).
        self.state.tenants["carry-on"] = {**self.state.tenants["test"], "id": "carry-on", "continue_across_pages": True}
        self.threads = [threading.Thread(target=s.serve_forever, daemon=True) for s in (self.pages, self.api)]
        for thread in self.threads:
            thread.start()

    def close(self) -> None:
        for server in (self.pages, self.api):
            server.shutdown()
            server.server_close()
