"""A charity's callback webhook, for the integration tests: a real HTTP server on a free local port,
in a thread, that records every request (headers and body) and answers 200 (or `status`)."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import yaml

SECRET = "integration-test-callback-secret"


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class CallbackReceiver:
    server: ThreadingHTTPServer
    received: list[Received] = field(default_factory=list)
    status: int = 200  # what it answers: a test may make the charity's system "down" (5xx)

    @classmethod
    def start(cls) -> CallbackReceiver:
        receiver: CallbackReceiver

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (http.server's name)
                length = int(self.headers.get("Content-Length") or 0)
                receiver.received.append(Received(self.path, dict(self.headers), self.rfile.read(length)))
                self.send_response(receiver.status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass  # quiet: the tests read what arrived

        receiver = cls(ThreadingHTTPServer(("127.0.0.1", 0), Handler))
        threading.Thread(target=receiver.server.serve_forever, daemon=True).start()
        return receiver

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/reclaim/callback"

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def tenants_with_receiver(source: Path, target: Path, tenant_id: str, webhook_url: str) -> Path:
    """A copy of the tenant files in which `tenant_id`'s callback goes to `webhook_url` (this machine)."""
    target.mkdir(parents=True, exist_ok=True)
    for path in sorted(source.glob("*.yml")):
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        if raw.get("id") == tenant_id:
            raw["handoff"]["callback"]["webhook_url"] = webhook_url
            (target / path.name).write_text(yaml.safe_dump(raw, sort_keys=False), encoding="utf-8")
        else:
            (target / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    return target
