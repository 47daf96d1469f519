"""What the running servers expose (SECURITY.md): Rasa's HTTP API is off without a token, and the action
server, which has no authentication, listens on localhost only."""

from __future__ import annotations

import shutil
import socket
import subprocess
from pathlib import Path
from urllib.parse import urlparse

import httpx
import pytest

from tests.integration.bot_client import Bot

ROOT = Path(__file__).resolve().parents[2]

# Rasa's HTTP API routes (rasa/server.py): whole transcripts, the model, the server's state.
API_ROUTES = [
    ("GET", "/conversations/{sender}/tracker"),
    ("GET", "/conversations/{sender}/story"),
    ("POST", "/conversations/{sender}/messages"),
    ("GET", "/status"),
    ("POST", "/model/parse"),
    ("PUT", "/model"),
]


@pytest.mark.parametrize(("method", "route"), API_ROUTES)
def test_rasa_http_api_is_not_served_without_a_token(bot: Bot, method: str, route: str) -> None:
    conversation = bot.conversation()
    conversation.say("hi")  # a conversation that exists, so a 404 is not just "unknown id"
    url = bot.base_url + route.format(sender=conversation.sender)
    response = httpx.request(method, url, json={"text": "hi", "sender": "user"}, timeout=10)
    assert response.status_code in (401, 403, 404, 405), (method, route, response.status_code)
    assert '"events"' not in response.text and '"sender_id"' not in response.text


def test_the_channel_webhooks_are_still_served(bot: Bot) -> None:
    assert bot.conversation().say("hi"), "the REST channel must answer"


def _listening_addresses(port: int) -> set[str]:
    """Local addresses with a listening TCP socket on the port, from `ss -ltnH`."""
    output = subprocess.run(["ss", "-ltnH", f"sport = :{port}"], capture_output=True, text=True, check=True).stdout
    addresses = set()
    for line in output.splitlines():
        local = line.split()[3]  # State Recv-Q Send-Q Local:Port Peer:Port
        addresses.add(local.rsplit(":", 1)[0].strip("[]"))
    return addresses


def _non_loopback_addresses() -> list[str]:
    try:
        output = subprocess.run(["hostname", "-I"], capture_output=True, text=True, timeout=5).stdout
    except (OSError, subprocess.TimeoutExpired):
        return []
    return [address for address in output.split() if ":" not in address and not address.startswith("127.")]


@pytest.mark.skipif(shutil.which("ss") is None, reason="needs `ss` (iproute2) to list listening sockets")
def test_action_server_listens_on_localhost_only(bot: Bot) -> None:
    port = urlparse(bot.action_url).port
    assert httpx.get(f"{bot.action_url}/health", timeout=5).status_code == 200
    assert _listening_addresses(port) == {"127.0.0.1"}


def test_action_server_refuses_connections_on_other_interfaces(bot: Bot) -> None:
    addresses = _non_loopback_addresses()
    if not addresses:
        pytest.skip("this machine has no non-loopback IPv4 address to try")
    port = urlparse(bot.action_url).port
    for address in addresses:
        with pytest.raises(OSError):
            socket.create_connection((address, port), timeout=2).close()


def test_default_settings_keep_the_action_server_and_rasa_on_localhost(tmp_path: Path) -> None:
    """scripts/env.sh with only the shipped defaults (no .env) binds both servers to 127.0.0.1 and
    leaves the HTTP API token empty, so scripts/run.sh does not pass --enable-api."""
    (tmp_path / "scripts").mkdir()
    shutil.copy(ROOT / "scripts" / "env.sh", tmp_path / "scripts" / "env.sh")
    shutil.copy(ROOT / ".env.example", tmp_path / ".env.example")
    output = subprocess.run(
        ["bash", "-c", 'source scripts/env.sh && echo "$SANIC_HOST|$RASA_INTERFACE|${RASA_API_TOKEN-unset}"'],
        cwd=tmp_path,
        env={"PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert output == "127.0.0.1|127.0.0.1|"
    run_sh = (ROOT / "scripts" / "run.sh").read_text()
    assert 'if [[ -n "${RASA_API_TOKEN:-}" ]]; then api_args=(--enable-api --auth-token "$RASA_API_TOKEN")' in run_sh
    assert run_sh.count("--enable-api") == 1
