"""The web widget's channel (bot/channels/widget.py) on the real Rasa server and action server:
signed conversation ids, per-tenant allowed sites, limits with friendly errors, and real deletion."""

from __future__ import annotations

import re
import sqlite3
import time
import uuid
from pathlib import Path

import httpx
import pytest

from bot.channels.signed_ids import ConversationSigner
from tests.integration.bot_client import Bot
from tests.integration.conftest import WIDGET_SECRET

ROOT = Path(__file__).resolve().parents[2]
NOT_FOUND = {"error": "This conversation can't be found."}
TOO_LONG = {"error": "That message is too long. Could you send it in shorter parts?"}
TOO_FAST = {"error": "You're sending messages very fast. Please wait a moment."}
DEMO_ORIGIN = "http://localhost:8000"
EXAMPLE_ORIGIN = "https://www.example.org"  # example-charity's site (data/tenants/example-charity.yml)
EVIL_ORIGIN = "https://evil.example"
ID_SHAPE = re.compile(r"default\.[0-9a-f]{8}\.[0-9a-f]{24}\.[A-Za-z0-9_-]{43}")  # bot/channels/signed_ids.py


class Widget:
    """The browser widget's side of the contract, as plain HTTP."""

    def __init__(self, bot: Bot) -> None:
        self.url = bot.widget_url
        self.client = httpx.Client(timeout=60)

    def start(self, tenant: str = "default", origin: str | None = None) -> httpx.Response:
        headers = {"Origin": origin} if origin else {}
        return self.client.post(f"{self.url}/conversations", json={"tenant": tenant}, headers=headers)

    def new_id(self, tenant: str = "default") -> str:
        started = self.start(tenant)
        assert started.status_code == 201, started.text
        return started.json()["conversation_id"]

    def send(self, conversation_id: str, message: str, origin: str | None = None) -> httpx.Response:
        headers = {"Origin": origin} if origin else {}
        return self.client.post(
            f"{self.url}/conversations/{conversation_id}/messages", json={"message": message}, headers=headers
        )

    def post_raw(self, conversation_id: str, content: bytes, content_type: str) -> httpx.Response:
        return self.client.post(
            f"{self.url}/conversations/{conversation_id}/messages",
            content=content,
            headers={"Content-Type": content_type},
        )

    def delete(self, conversation_id: str, origin: str | None = None) -> httpx.Response:
        headers = {"Origin": origin} if origin else {}
        return self.client.delete(f"{self.url}/conversations/{conversation_id}", headers=headers)


@pytest.fixture
def widget(bot: Bot) -> Widget:
    return Widget(bot)


def texts(messages: list[dict]) -> str:
    return "\n".join(message["text"] or "" for message in messages)


def stored(bot: Bot, sender: str, containing: str = "") -> int:
    with sqlite3.connect(bot.tracker_db) as connection:
        return connection.execute(
            "select count(*) from events where sender_id = ? and data like ?", (sender, f"%{containing}%")
        ).fetchone()[0]


def test_health(widget: Widget) -> None:
    answer = widget.client.get(f"{widget.url}/")
    assert answer.status_code == 200 and answer.json() == {"status": "ok"}


def test_starting_a_conversation_gives_a_signed_id_and_the_opening(bot: Bot, widget: Widget) -> None:
    started = widget.start()
    assert started.status_code == 201
    body = started.json()
    assert ID_SHAPE.fullmatch(body["conversation_id"])
    opening = texts(body["messages"])
    assert "automated helper, not a person" in opening and "leave quickly" in opening
    last = body["messages"][-1]
    assert "safe to talk" in last["text"]
    assert [b["title"] for b in last["buttons"]] == ["Yes, I can talk", "Not right now", "I'm in danger"]
    assert all(set(m) == {"text", "buttons", "links"} for m in body["messages"])
    # The tenant goes with every message, for routing its own services first.
    with sqlite3.connect(bot.tracker_db) as connection:
        rows = connection.execute(
            "select data from events where sender_id = ? and type_name = 'user'", (body["conversation_id"],)
        ).fetchall()
    assert rows and all('"tenant": "default"' in row[0] for row in rows)


def test_a_button_payload_and_typed_text_get_replies(widget: Widget) -> None:
    conversation_id = widget.new_id()
    answer = widget.send(conversation_id, "/affirm")
    assert answer.status_code == 200
    messages = answer.json()["messages"]
    assert messages[-1]["text"].startswith("What has happened?")  # from the action server
    typed = widget.send(conversation_id, "my ex put my nudes on twitter, I'm 19 and live in Cardiff")
    assert typed.status_code == 200
    assert "not your fault" in texts(typed.json()["messages"])


def test_forged_tampered_and_foreign_ids_are_refused_alike(widget: Widget) -> None:
    real = widget.new_id()
    tenant, issued, random, signature = real.split(".")
    flipped = ("A" if signature[0] != "A" else "B") + signature[1:]
    other_random = ("0" if random[0] != "0" else "1") + random[1:]
    ghost = ConversationSigner(WIDGET_SECRET).issue("ghost").value  # genuinely signed, no such tenant
    day_old = time.time() - 24 * 3600 - 60  # older than CONVERSATION_RETENTION_HOURS (24)
    expired = ConversationSigner(WIDGET_SECRET, clock=lambda: day_old).issue("default").value
    forged = [
        f"default.{issued}.{uuid.uuid4().hex[:24]}.{signature}",  # made-up id
        f"{tenant}.{issued}.{random}.{flipped}",  # tampered signature
        f"{tenant}.{issued}.{other_random}.{signature}",  # tampered random part
        f"{tenant}.{int(issued, 16) + 1:08x}.{random}.{signature}",  # tampered issue time
        f"example-charity.{issued}.{random}.{signature}",  # moved to another tenant
        f"{tenant}.{issued}{random}.{signature}",  # the old format: 32 hex, no time
        ConversationSigner("not the server's secret").issue("default").value,
        ghost,
        expired,  # genuinely signed, but older than the retention period
        "not-an-id",
    ]
    for conversation_id in forged:
        answer = widget.send(conversation_id, "hello")
        assert answer.status_code == 403 and answer.json() == NOT_FOUND, conversation_id
        deleted = widget.delete(conversation_id)
        assert deleted.status_code == 403 and deleted.json() == NOT_FOUND, conversation_id
    # A genuine id used from another tenant's site, either way round, gets the same answer.
    foreign = widget.send(real, "hello", origin=EXAMPLE_ORIGIN)
    assert foreign.status_code == 403 and foreign.json() == NOT_FOUND
    charity_id = widget.new_id("example-charity")
    assert charity_id.startswith("example-charity.")
    used_elsewhere = widget.send(charity_id, "hello", origin=DEMO_ORIGIN)
    assert used_elsewhere.status_code == 403 and used_elsewhere.json() == NOT_FOUND
    assert widget.send(charity_id, "hello", origin=EXAMPLE_ORIGIN).status_code == 200


def test_an_oversize_message_gets_a_friendly_413(widget: Widget) -> None:
    conversation_id = widget.new_id()
    answer = widget.send(conversation_id, "a" * 2001)
    assert answer.status_code == 413 and answer.json() == TOO_LONG
    huge = widget.post_raw(conversation_id, b'{"message": "' + b"a" * 200_000 + b'"}', "application/json")
    assert huge.status_code == 413 and huge.json() == TOO_LONG
    assert widget.send(conversation_id, "a" * 2000).status_code == 200  # exactly the limit is fine


@pytest.mark.parametrize(
    ("content", "content_type"),
    [
        (b'{"message": "   "}', "application/json"),  # only spaces
        (b'{"message": ""}', "application/json"),
        (b'{"message": "hi"', "application/json"),  # malformed JSON
        (b'{"message": "hi"}', "text/plain"),  # wrong content type
        (b"message=hi", "application/x-www-form-urlencoded"),
        (b'{"text": "hi"}', "application/json"),  # missing field
        (b'{"message": 42}', "application/json"),
        (b'["hi"]', "application/json"),
        (b"\xff\xfe", "application/json"),
        (b"", "application/json"),
    ],
)
def test_unreadable_or_empty_messages_get_a_friendly_400(widget: Widget, content: bytes, content_type: str) -> None:
    answer = widget.post_raw(widget.new_id(), content, content_type)
    assert answer.status_code == 400
    assert set(answer.json()) == {"error"} and answer.json()["error"].endswith(".")


def test_starting_needs_a_readable_body(widget: Widget) -> None:
    bodies = [(b"{", "application/json"), (b'{"tenant": "default"}', "text/plain"), (b"{}", "application/json")]
    for content, content_type in bodies:
        headers = {"Content-Type": content_type}
        answer = widget.client.post(f"{widget.url}/conversations", content=content, headers=headers)
        assert answer.status_code == 400 and "error" in answer.json()


def test_quick_messages_are_rate_limited_per_conversation(widget: Widget) -> None:
    conversation_id = widget.new_id()
    statuses = [widget.send(conversation_id, "/affirm").status_code for _ in range(30)]
    assert statuses == [200] * 30
    answer = widget.send(conversation_id, "/affirm")
    assert answer.status_code == 429 and answer.json() == TOO_FAST
    # Another conversation is not held up.
    assert widget.send(widget.new_id(), "/affirm").status_code == 200


def test_unknown_tenant_is_404(widget: Widget) -> None:
    config = widget.client.get(f"{widget.url}/tenants/no-such-charity")
    assert config.status_code == 404 and "error" in config.json()
    assert widget.start("no-such-charity").status_code == 404


def test_tenant_config_is_public_and_complete(widget: Widget) -> None:
    config = widget.client.get(f"{widget.url}/tenants/example-charity")
    assert config.status_code == 200
    body = config.json()
    assert set(body) == {
        "id",
        "display_name",
        "colours",
        "logo_url",
        "greeting",
        "quick_exit_url",
        "nations",
        "continue_across_pages",
    }
    assert body["id"] == "example-charity" and body["quick_exit_url"].startswith("https://")
    assert set(body["colours"]) == {"primary", "primary_text", "background", "text"}
    assert "allowed_origins" not in config.text


def test_cors_allows_only_the_tenants_own_sites(widget: Widget) -> None:
    allowed = widget.client.get(f"{widget.url}/tenants/default", headers={"Origin": DEMO_ORIGIN})
    assert allowed.headers["access-control-allow-origin"] == DEMO_ORIGIN
    other_port = widget.client.get(f"{widget.url}/tenants/default", headers={"Origin": "http://127.0.0.1:9999"})
    assert other_port.headers["access-control-allow-origin"] == "http://127.0.0.1:9999"
    refused = widget.client.get(f"{widget.url}/tenants/default", headers={"Origin": EVIL_ORIGIN})
    assert refused.status_code == 200 and "access-control-allow-origin" not in refused.headers
    assert "access-control-allow-credentials" not in refused.headers

    started = widget.start(origin=DEMO_ORIGIN)
    assert started.status_code == 201 and started.headers["access-control-allow-origin"] == DEMO_ORIGIN
    conversation_id = started.json()["conversation_id"]
    sent = widget.send(conversation_id, "/affirm", origin=DEMO_ORIGIN)
    assert sent.status_code == 200 and sent.headers["access-control-allow-origin"] == DEMO_ORIGIN

    # A site that is not the tenant's cannot start, continue or delete a conversation.
    blocked_start = widget.start(origin=EVIL_ORIGIN)
    assert blocked_start.status_code == 403 and "access-control-allow-origin" not in blocked_start.headers
    blocked_send = widget.send(conversation_id, "hello", origin=EVIL_ORIGIN)
    assert blocked_send.status_code == 403 and blocked_send.json() == NOT_FOUND
    assert "access-control-allow-origin" not in blocked_send.headers
    assert widget.delete(conversation_id, origin=EVIL_ORIGIN).status_code == 403
    assert widget.start("example-charity", origin=DEMO_ORIGIN).status_code == 403


def test_preflight(widget: Widget) -> None:
    conversation_id = widget.new_id()
    request_headers = {"Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "content-type"}
    for path in ["/conversations", f"/conversations/{conversation_id}/messages", f"/conversations/{conversation_id}"]:
        allowed = widget.client.options(f"{widget.url}{path}", headers={"Origin": DEMO_ORIGIN, **request_headers})
        assert allowed.status_code == 204, path
        assert allowed.headers["access-control-allow-origin"] == DEMO_ORIGIN
        assert allowed.headers["access-control-allow-methods"] == "GET, POST, DELETE, OPTIONS"
        assert allowed.headers["access-control-allow-headers"] == "Content-Type"
        refused = widget.client.options(f"{widget.url}{path}", headers={"Origin": EVIL_ORIGIN, **request_headers})
        assert "access-control-allow-origin" not in refused.headers, path
    # The demo site may not preflight another tenant's conversation.
    charity_id = widget.new_id("example-charity")
    foreign = widget.client.options(
        f"{widget.url}/conversations/{charity_id}/messages", headers={"Origin": DEMO_ORIGIN, **request_headers}
    )
    assert "access-control-allow-origin" not in foreign.headers


def test_delete_erases_every_row_and_the_id_does_not_continue(bot: Bot, widget: Widget) -> None:
    conversation_id = widget.new_id()
    widget.send(conversation_id, "/affirm")
    canary = "my ex shared my photos on instagram"
    assert widget.send(conversation_id, canary).status_code == 200
    # The message is stored as what it meant, never as what was typed (bot/tracker_store.py redacts it).
    assert stored(bot, conversation_id, "report_shared") > 0 and stored(bot, conversation_id, "<redacted>") > 0
    assert stored(bot, conversation_id, canary) == 0

    deleted = widget.delete(conversation_id)
    assert deleted.status_code == 204 and deleted.content == b""
    assert stored(bot, conversation_id) == 0

    # The id is refused from then on, like a forged one: nothing can be continued or started under it.
    again = widget.send(conversation_id, "hello")
    assert again.status_code == 403 and again.json() == NOT_FOUND
    assert stored(bot, conversation_id) == 0
    assert widget.delete(conversation_id).status_code == 204  # deleting again (a retry) is fine
    assert widget.send(widget.new_id(), "/affirm").status_code == 200  # a new conversation works


def test_delete_leaves_other_conversations_alone(bot: Bot, widget: Widget) -> None:
    keep, erase = widget.new_id(), widget.new_id()
    before = stored(bot, keep)
    assert widget.delete(erase).status_code == 204
    assert stored(bot, erase) == 0 and stored(bot, keep) == before > 0


def test_the_loader_is_served_as_javascript_any_site_may_load(widget: Widget) -> None:
    script = widget.client.get(f"{widget.url}/widget.js", headers={"Origin": EVIL_ORIGIN})
    assert script.status_code == 200
    assert script.headers["content-type"] == "application/javascript; charset=utf-8"
    assert script.content == (ROOT / "web/widget/loader.js").read_bytes()
    assert script.headers["x-content-type-options"] == "nosniff"
    # Readable cross-origin, so a charity can pin it with Subresource Integrity (crossorigin="anonymous").
    assert script.headers["access-control-allow-origin"] == "*"


def test_the_chats_frame_may_be_embedded_only_by_the_tenants_own_sites(widget: Widget) -> None:
    frame = widget.client.get(f"{widget.url}/frame", params={"tenant": "example-charity"})
    assert frame.status_code == 200 and frame.headers["content-type"] == "text/html; charset=utf-8"
    policy = frame.headers["content-security-policy"]
    assert "frame-ancestors https://www.example.org" in policy
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy and "connect-src 'self'" in policy
    demo = widget.client.get(f"{widget.url}/frame", params={"tenant": "default"}).headers["content-security-policy"]
    assert "frame-ancestors http://127.0.0.1:* http://localhost:*" in demo
    assert widget.client.get(f"{widget.url}/frame", params={"tenant": "nobody"}).status_code == 404
    for name, kind in (("frame.js", "application/javascript"), ("frame.css", "text/css")):
        asset = widget.client.get(f"{widget.url}/{name}")
        assert asset.status_code == 200 and asset.headers["content-type"].startswith(kind)
        assert asset.content == (ROOT / "web/widget" / name).read_bytes()


def test_the_frame_itself_may_talk_to_its_server_and_other_sites_may_not(widget: Widget) -> None:
    """The frame's requests carry the server's own origin; a charity site not listed is refused."""
    own_origin = widget.url.split("/webhooks/")[0]
    started = widget.start("example-charity", origin=own_origin)
    assert started.status_code == 201
    conversation_id = started.json()["conversation_id"]
    assert widget.send(conversation_id, "hello", origin=own_origin).status_code == 200
    assert widget.start("example-charity", origin=EVIL_ORIGIN).status_code == 403
    assert widget.send(conversation_id, "hello", origin=EVIL_ORIGIN).status_code == 403


def test_security_headers_on_every_widget_response(widget: Widget) -> None:
    conversation_id = widget.new_id()
    responses = [
        widget.client.get(f"{widget.url}/"),
        widget.client.get(f"{widget.url}/tenants/default"),
        widget.client.get(f"{widget.url}/tenants/nope"),
        widget.start(),
        widget.send(conversation_id, "/affirm"),
        widget.send("forged", "hello"),
        widget.send(conversation_id, "a" * 3000),
        widget.delete(conversation_id),
    ]
    for answer in responses:
        assert answer.headers["x-content-type-options"] == "nosniff", answer.request.url
        assert answer.headers["referrer-policy"] == "no-referrer"
        assert "default-src 'none'" in answer.headers["content-security-policy"]
        assert answer.headers["cache-control"] == "no-store"


def test_nothing_typed_is_logged(bot: Bot, widget: Widget) -> None:
    canary = f"zebracanary{uuid.uuid4().hex[:8]}"
    conversation_id = widget.new_id()
    widget.send(conversation_id, f"{canary} my images were shared")
    widget.send(conversation_id, canary * 500)  # too long
    widget.post_raw(conversation_id, f'{{"message": "{canary}"'.encode(), "application/json")  # malformed
    widget.send("forged", canary)
    assert canary not in bot.rasa_log.read_text(errors="replace")
