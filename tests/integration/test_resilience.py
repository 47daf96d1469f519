"""When the action server is down or slow, the bot still answers with people to talk to, on both
channels, and the conversation carries on once the action server is back.

A pair of servers of its own (the shared one in conftest.py must keep working for the other tests):
the action server is stopped (SIGTERM) and frozen (SIGSTOP: it accepts connections but never answers,
as a hung server would) in the middle of conversations."""

from __future__ import annotations

import os
import signal
import subprocess
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from tests.integration.conftest import MODEL, WIDGET_SECRET, _wait_until_up, free_port

ROOT = Path(__file__).resolve().parents[2]
DEADLINE_SECONDS = 3
STARTS_PER_MINUTE = 5
HELPLINES = ["technical problem", "0345 6000 459", "Samaritans: 116 123", "call 999"]


@dataclass
class Servers:
    rest_url: str
    widget_url: str
    action_port: int
    env: dict
    workdir: Path
    actions: subprocess.Popen

    def start_actions(self) -> None:
        log = (self.workdir / "actions.log").open("a")
        self.actions = subprocess.Popen(
            [str(ROOT / ".venv/actions/bin/python"), "-m", "rasa_sdk", "--actions", "actions",
             "--port", str(self.action_port)],
            cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT,
            # Its own process group: Sanic serves from a worker process, and freezing must reach it too.
            start_new_session=True,
        )
        _wait_until_up(f"http://127.0.0.1:{self.action_port}/health", self.actions, "action server",
                       self.workdir / "actions.log")

    def stop_actions(self) -> None:
        self.actions.terminate()
        self.actions.wait(timeout=20)

    def freeze_actions(self) -> None:
        os.killpg(self.actions.pid, signal.SIGSTOP)

    def thaw_actions(self) -> None:
        if self.actions.poll() is None:
            os.killpg(self.actions.pid, signal.SIGCONT)

    @property
    def rasa_log(self) -> str:
        return (self.workdir / "rasa.log").read_text(errors="replace")


@pytest.fixture(scope="module")
def servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Servers]:
    if not MODEL.exists():
        pytest.fail(f"No trained model at {MODEL}: run `make train` (make test does it for you).")
    workdir = tmp_path_factory.mktemp("resilience")
    action_port, rasa_port = free_port(), free_port()
    env = {
        **os.environ,
        "ACTION_PORT": str(action_port),
        "SANIC_HOST": "127.0.0.1",
        "ACTION_SERVER_URL": f"http://127.0.0.1:{action_port}/webhook",
        "TRACKER_DB": str(workdir / "trackers.db"),
        "DATABASE_URL": f"sqlite:///{workdir / 'directory.db'}",
        "POSTCODE_LOOKUP_URL": "",
        "RASA_TELEMETRY_ENABLED": "false",
        "PYTHONPATH": str(ROOT),
        "WIDGET_SECRET": WIDGET_SECRET,
        "REPLY_DEADLINE_SECONDS": str(DEADLINE_SECONDS),
        "WIDGET_STARTS_PER_MINUTE": str(STARTS_PER_MINUTE),
    }
    subprocess.run([str(ROOT / ".venv/actions/bin/python"), "-m", "actions.directory.load"], cwd=ROOT, env=env,
                   check=True, capture_output=True)
    rasa_log = workdir / "rasa.log"
    pair = Servers(
        f"http://127.0.0.1:{rasa_port}/webhooks/rest/webhook", f"http://127.0.0.1:{rasa_port}/webhooks/widget",
        action_port, env, workdir, actions=None,  # type: ignore[arg-type]
    )
    pair.start_actions()
    rasa = subprocess.Popen(
        [str(ROOT / ".venv/rasa/bin/rasa"), "run", "--model", str(MODEL), "--endpoints", "bot/endpoints.yml",
         "--credentials", "bot/credentials.yml", "--interface", "127.0.0.1", "--port", str(rasa_port)],
        cwd=ROOT, env=env, stdout=rasa_log.open("w"), stderr=subprocess.STDOUT,
    )
    try:
        _wait_until_up(f"http://127.0.0.1:{rasa_port}/", rasa, "Rasa server", rasa_log)
        yield pair
    finally:
        pair.thaw_actions()
        for process in (rasa, pair.actions):
            process.terminate()
        for process in (rasa, pair.actions):
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()


class Rest:
    def __init__(self, servers: Servers) -> None:
        self.url, self.sender = servers.rest_url, f"resilience-{uuid.uuid4().hex}"

    def say(self, text: str) -> str:
        answer = httpx.post(self.url, json={"sender": self.sender, "message": text}, timeout=60)
        assert answer.status_code == 200, answer.text
        return "\n".join(reply.get("text") or "" for reply in answer.json())


class WidgetChat:
    def __init__(self, servers: Servers) -> None:
        self.url = servers.widget_url
        started = httpx.post(f"{self.url}/conversations", json={"tenant": "default"}, timeout=60)
        assert started.status_code == 201, started.text
        self.id = started.json()["conversation_id"]

    def say(self, text: str) -> str:
        answer = httpx.post(f"{self.url}/conversations/{self.id}/messages", json={"message": text}, timeout=60)
        assert answer.status_code == 200, answer.text
        return "\n".join(message["text"] or "" for message in answer.json()["messages"])


@pytest.fixture(params=["rest", "widget"])
def chat_kind(request: pytest.FixtureRequest) -> str:
    return request.param


def new_chat(kind: str, servers: Servers) -> Rest | WidgetChat:
    return Rest(servers) if kind == "rest" else WidgetChat(servers)


def assert_helplines(reply: str) -> None:
    for expected in HELPLINES:
        assert expected in reply, reply


def test_action_server_stopped_mid_conversation(servers: Servers, chat_kind: str) -> None:
    chat = new_chat(chat_kind, servers)
    chat.say("hi")
    assert "What has happened?" in chat.say("yes")  # asked by the action server
    canary = f"quokkacanary{uuid.uuid4().hex[:8]}"
    servers.stop_actions()
    try:
        assert_helplines(chat.say(f"{canary} my ex shared my photos"))
        assert_helplines(chat.say("/report_shared"))
    finally:
        servers.start_actions()
    # Back up: the conversation goes on from where it was (Rasa kept the answer given while it was down).
    reply = chat.say("/report_shared")
    assert "anything else" in reply, reply
    assert canary not in servers.rasa_log


def test_a_young_person_gets_childline_first_when_the_action_server_is_down(servers: Servers) -> None:
    chat = Rest(servers)
    chat.say("hi")
    chat.say("yes")
    chat.say("/report_shared")
    chat.say("/deny")
    chat.say('/inform{"age_band": "13_15"}')  # young_person is set from here on
    servers.stop_actions()
    try:
        reply = chat.say("/inform{\"nation\": \"scotland\"}")
    finally:
        servers.start_actions()
    assert "technical problem" in reply
    assert reply.split("\n")[2].startswith("- Childline: 0800 1111"), reply
    assert "Revenge Porn Helpline" not in reply


def test_a_hung_action_server_gets_helplines_within_the_deadline(servers: Servers, chat_kind: str) -> None:
    chat = new_chat(chat_kind, servers)
    chat.say("hi")
    assert "What has happened?" in chat.say("yes")
    servers.freeze_actions()
    try:
        started = time.monotonic()
        reply = chat.say("/report_shared")
        waited = time.monotonic() - started
    finally:
        servers.thaw_actions()
    assert_helplines(reply)
    assert DEADLINE_SECONDS <= waited < DEADLINE_SECONDS + 5, waited
    # The frozen turn finishes once the server answers again; the next message is answered in order.
    reply = chat.say("/deny")
    assert "How old are you now?" in reply, reply


def test_one_address_cannot_start_conversations_without_end(servers: Servers) -> None:
    """Each start runs a turn and counts in a charity's figures. The proxy on this machine says who asked."""

    def start(address: str) -> httpx.Response:
        return httpx.post(f"{servers.widget_url}/conversations", json={"tenant": "default"},
                          headers={"X-Forwarded-For": address}, timeout=60)

    statuses = [start("203.0.113.7").status_code for _ in range(STARTS_PER_MINUTE + 1)]
    assert statuses == [201] * STARTS_PER_MINUTE + [429]
    assert "wait a moment" in start("203.0.113.7").json()["error"]
    assert start("198.51.100.20").status_code == 201  # someone else is not held up
