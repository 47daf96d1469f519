"""The nginx example in docs/deploy/nginx.conf loads in a real nginx (`nginx -t`), its access log never
holds a widget conversation id, and, running in front of a stand-in Rasa server, it rate-limits widget
starts and messages per client and sends HSTS. .ci/run installs Debian's nginx-light; without nginx this
fails under CI=true and is skipped elsewhere."""

from __future__ import annotations

import os
import re
import shutil
import socket
import ssl
import subprocess
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
SITE = ROOT / "docs" / "deploy" / "nginx.conf"


def nginx() -> str:
    found = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
    if found is None:
        if os.environ.get("CI") == "true":
            pytest.fail("nginx is needed to check docs/deploy/nginx.conf: apt-get install nginx-light (.ci/run does)")
        pytest.skip("nginx not installed; under CI=true this fails")
    return found


def write_config(tmp_path: Path, site: str) -> Path:
    """The example site inside a minimal nginx.conf, with a throwaway certificate and paths under tmp_path."""
    certificate, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            str(key),
            "-out",
            str(certificate),
            "-days",
            "1",
            "-subj",
            "/CN=chat.example.org",
        ],
        check=True,
        capture_output=True,
    )
    site = site.replace("/etc/ssl/certs/chat.example.org.pem", str(certificate))
    site = site.replace("/etc/ssl/private/chat.example.org.key", str(key))
    site = site.replace("/var/log/nginx/", f"{tmp_path}/")
    (tmp_path / "site.conf").write_text(site)
    temp_paths = "".join(
        f"    {name}_temp_path {tmp_path}/{name};\n" for name in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    (tmp_path / "nginx.conf").write_text(
        f"events {{}}\npid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/error.log;\n"
        f"http {{\n{temp_paths}    include {tmp_path}/site.conf;\n}}\n"
    )
    return tmp_path / "nginx.conf"


def test_the_example_site_loads_in_nginx(tmp_path: Path) -> None:
    config = write_config(tmp_path, SITE.read_text())
    checked = subprocess.run(
        [nginx(), "-t", "-e", str(tmp_path / "error.log"), "-c", str(config)], capture_output=True, text=True
    )
    assert checked.returncode == 0, checked.stderr


def test_the_example_site_limits_widget_starts_and_messages_and_sends_hsts() -> None:
    site = SITE.read_text()
    hsts = r"^\s*add_header Strict-Transport-Security \"max-age=\d{8,}; includeSubDomains\" always;"
    assert re.search(hsts, site, re.M)
    assert re.search(r"^limit_req_zone \$reclaim_start_client zone=reclaim_widget_start:", site, re.M)
    assert re.search(r"^limit_req_zone \$reclaim_message_client zone=reclaim_widget_messages:", site, re.M)
    assert "limit_req zone=reclaim_widget_start " in site and "limit_req zone=reclaim_widget_messages " in site
    # The client key groups an IPv6 address written out in full by its /64 (first four groups).
    pattern = re.search(r'"~(\^\(\?<net64>[^"]+)"\s+\$net64;', site)
    assert pattern, "the map that groups IPv6 clients is missing"
    group = re.compile(pattern.group(1).replace("?<", "?P<"))
    assert group.match("2001:db8:aa:bb:1:2:3:4")["net64"] == group.match("2001:db8:aa:bb:9:8:7:6")["net64"]
    assert group.match("2001:db8:aa:cc:1:2:3:4")["net64"] != group.match("2001:db8:aa:bb:1:2:3:4")["net64"]
    assert group.match("203.0.113.9") is None  # IPv4: the address itself


class StandIn(BaseHTTPRequestHandler):
    """Answers every request 200, as a Rasa server that never limits anything would."""

    def _answer(self) -> None:
        self.rfile.read(int(self.headers.get("content-length") or 0))
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"{}")

    do_GET = do_POST = _answer

    def log_message(self, *args: object) -> None:
        pass


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def proxy(tmp_path: Path) -> Iterator[str]:
    """The example site running in nginx on a free port, in front of the stand-in."""
    upstream = ThreadingHTTPServer(("127.0.0.1", 0), StandIn)
    threading.Thread(target=upstream.serve_forever, daemon=True).start()
    port = free_port()
    site = SITE.read_text().replace("listen 443 ssl http2;", f"listen 127.0.0.1:{port} ssl http2;")
    site = site.replace("server 127.0.0.1:5005 ", f"server 127.0.0.1:{upstream.server_port} ")
    for listen in ("listen 80;", "listen 127.0.0.1:5050;"):
        site = site.replace(listen, f"listen 127.0.0.1:{free_port()};")
    config = write_config(tmp_path, site)
    process = subprocess.Popen(
        [nginx(), "-e", str(tmp_path / "error.log"), "-c", str(config), "-g", "daemon off;"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                assert process.poll() is None and time.monotonic() < deadline, (tmp_path / "error.log").read_text()
                time.sleep(0.05)
        yield f"https://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=10)
        upstream.shutdown()


def call(url: str, method: str = "POST") -> tuple[int, dict[str, str]]:
    context = ssl.create_default_context()
    context.check_hostname, context.verify_mode = False, ssl.CERT_NONE
    request = urllib.request.Request(
        url, data=b"{}" if method == "POST" else None, method=method, headers={"Content-Type": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, context=context, timeout=10) as answer:
            return answer.status, dict(answer.headers)
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers)


def test_the_running_site_limits_widget_floods_per_client_and_sends_hsts(proxy: str) -> None:
    starts = [call(f"{proxy}/webhooks/widget/conversations") for _ in range(30)]
    # 30 a minute with a burst of 20: the 22nd start within a second is refused, by nginx, before Rasa.
    assert [status for status, _ in starts[:21]] == [200] * 21 and starts[-1][0] == 429
    messages = [call(f"{proxy}/webhooks/widget/conversations/default.x.y.z/messages")[0] for _ in range(100)]
    assert messages[:61] == [200] * 61 and messages[-1] == 429  # its own allowance: starts did not use it
    # Reading (a tenant's settings, the script) is not limited here.
    assert {call(f"{proxy}/webhooks/widget/tenants/default", "GET")[0] for _ in range(40)} == {200}
    for status, headers in [starts[0], starts[-1], call(f"{proxy}/status", "GET")]:
        assert headers["Strict-Transport-Security"].startswith("max-age=63072000"), status


def test_the_access_log_hides_widget_conversation_ids() -> None:
    site = SITE.read_text()
    log_format = re.search(r"log_format reclaim '([^']*)'", site)
    assert log_format and "$uri" not in log_format.group(1).replace("$reclaim_log_uri", "")
    pattern = re.search(r"map \$uri \$reclaim_log_uri \{\s*~(\S+)\s+\$before-\$after;", site)
    assert pattern, "the map that hides conversation ids is missing"
    path = "/webhooks/widget/conversations/default.0123456789abcdef0123456789abcdef.sig/messages"
    match = re.match(pattern.group(1).replace("?<", "?P<"), path)
    assert match and f"{match['before']}-{match['after']}" == "/webhooks/widget/conversations/-/messages"
