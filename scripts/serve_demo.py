"""Serves the demo charity page (web/demo/) with the Reclaim widget embedded, on 127.0.0.1 only.

    python scripts/serve_demo.py            # port DEMO_PORT (default 8080), widget from http://127.0.0.1:$RASA_PORT
    DEMO_TENANT=demo python scripts/serve_demo.py

The page's one embed line loads widget.js from the Rasa server; the widget finds its server from that address.
Standard library only.
"""

from __future__ import annotations

import html
import os
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

DEMO_DIR = Path(__file__).resolve().parents[1] / "web" / "demo"


def render_index(server_base: str, tenant: str) -> bytes:
    """The demo page with its embed line pointing at the widget on `server_base`."""
    src = server_base.rstrip("/") + "/webhooks/widget/widget.js"
    page = (DEMO_DIR / "index.html").read_text(encoding="utf-8")
    return page.replace("{{WIDGET_SRC}}", html.escape(src)).replace("{{TENANT}}", html.escape(tenant)).encode()


class DemoHandler(SimpleHTTPRequestHandler):
    server_base = "http://127.0.0.1:5005"
    tenant = "default"

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        if self.path.split("?", 1)[0] in ("/", "/index.html"):
            body = render_index(self.server_base, self.tenant)
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            self.wfile.write(body)
            return
        super().do_GET()

    def log_message(self, format: str, *args: Any) -> None:  # quiet: `make run` prints the servers' logs
        pass


def make_server(port: int, server_base: str, tenant: str = "default") -> ThreadingHTTPServer:
    handler = type("Handler", (DemoHandler,), {"server_base": server_base, "tenant": tenant})
    return ThreadingHTTPServer(("127.0.0.1", port), partial(handler, directory=str(DEMO_DIR)))


def main() -> None:
    port = int(os.environ.get("DEMO_PORT") or 8080)
    server_base = os.environ.get("DEMO_SERVER") or f"http://127.0.0.1:{os.environ.get('RASA_PORT') or 5005}"
    server = make_server(port, server_base, os.environ.get("DEMO_TENANT") or "default")
    print(f"Serving the demo charity page on http://127.0.0.1:{port}/ (widget from {server_base})", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


if __name__ == "__main__":
    main()
