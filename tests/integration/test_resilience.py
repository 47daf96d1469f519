"""When the action server is down or slow, the bot still answers with people to talk to, on both
channels, and the conversation carries on once the action server is back.

A pair of servers of its own (the shared one in conftest.py must keep working for the other tests):
the action server is stopped (SIGTERM) and frozen (SIGSTOP: it accepts connections but never answers,
as a hung server would) in the middle of conversations."""

from __future__ import annotations

import os
import signal
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from scripts.servers import Fleet, Server, free_port, load_directory
from tests.integration.conftest import MODEL, WIDGET_SECRET

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
    fleet: Fleet
    actions: Server

    def start_actions(self) -> None:
        self.actions = self.fleet.actions(self.env, port=self.action_port)
        self.actions.wait_for_health()

    def stop_actions(self) -> None:
        self.fleet.stop(self.actions)

    # The fleet starts each server in its own process group: Sanic answers from a worker process, and
    # freezing must reach that too.
    def freeze_actions(self) -> None:
        os.killpg(self.actions.process.pid, signal.SIGSTOP)

    def thaw_actions(self) -> None:
        if self.actions.process.poll() is None:
            os.killpg(self.actions.process.pid, signal.SIGCONT)

    @property
    def rasa_log(self) -> str:
        return (self.fleet.workdir / "rasa.log").read_text(errors="replace")


@pytest.fixture(scope="module")
def servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Servers]:
    if not MODEL.exists():
        pytest.fail(f"No trained model at {MODEL}: run `make train` (make test does it for you).")
    workdir = tmp_path_factory.mktemp("resilience")
    action_port = free_port()
    env = {
        **os.environ,
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
        "METRICS_DB_URL": f"sqlite:///{workdir / 'metrics.db'}",
    }
    load_directory(env)
    fleet = Fleet(workdir)
    try:
        actions = fleet.actions(env, port=action_port)
        actions.wait_for_health()
        rasa = fleet.rasa(
            "rasa", MODEL, ROOT / "bot" / "endpoints.yml", env, credentials=ROOT / "bot" / "credentials.yml"
        )
        rasa.wait_until_up()
        pair = Servers(
            f"{rasa.url}/webhooks/rest/webhook", f"{rasa.url}/webhooks/widget", action_port, env, fleet, actions
        )
        yield pair
        pair.thaw_actions()
    finally:
        fleet.stop_all()


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
        reply = chat.say('/inform{"nation": "scotland"}')
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
        return httpx.post(
            f"{servers.widget_url}/conversations",
            json={"tenant": "default"},
            headers={"X-Forwarded-For": address},
            timeout=60,
        )

    statuses = [start("203.0.113.7").status_code for _ in range(STARTS_PER_MINUTE + 1)]
    assert statuses == [201] * STARTS_PER_MINUTE + [429]
    assert "wait a moment" in start("203.0.113.7").json()["error"]
    assert start("198.51.100.20").status_code == 201  # someone else is not held up
