"""Two Rasa servers in the production profile (PostgreSQL tracker store, Redis lock store) act as one:
a conversation moving between them keeps its place, a widget conversation erased through one is refused
by the other, messages sent to one conversation at the same time through both are handled one at a
time, in the order they arrived, each answered in full, and signing out of the figures dashboard on one
ends the session on the other."""

from __future__ import annotations

import json
import threading
import time
import uuid

import httpx

from tests.integration.cluster import Cluster, cluster_fixture  # noqa: F401 - the `cluster` fixture
from tests.integration.conftest import DASHBOARD_TOKENS

# Messages whose answers do not depend on what came before, each with its own intent, so the stored
# history shows which message each stored answer belongs to.
HOLD_SECONDS = 3.0
PAYLOADS = [
    "/bot_challenge",
    "/thanks",
    "/show_menu",
    "/feeling_upset",
    "/not_safe_now",
    "/talk_to_someone",
    "/goodbye",
    "/crisis",
]


def say(cluster: Cluster, server: int, sender: str, message: str) -> str:
    answer = httpx.post(cluster.rest(server), json={"sender": sender, "message": message}, timeout=60)
    answer.raise_for_status()
    return "\n".join(reply.get("text") or "" for reply in answer.json())


def test_a_conversation_alternating_between_two_servers_keeps_its_place(cluster: Cluster) -> None:
    sender = f"scale-{uuid.uuid4().hex}"
    steps = [
        ("hi", "safe to talk"),
        ("yes", "What has happened?"),  # asked by the action server: it knew the person said hi first
        ("my ex put my nudes on twitter, I'm 19 and live in Cardiff", "not your fault"),
        ("no that's all", "under 18 in the images"),
        ("no", "when did it happen"),  # age, nation, who and where remembered from three turns ago
        ("last week", "What would help most"),
    ]
    for number, (message, expected) in enumerate(steps):
        reply = say(cluster, number % 2, sender, message)
        assert expected in reply, (number, message, reply)
    summary = say(cluster, 0, sender, "I want them taken down")
    assert "Where: Wales" in summary and "Who: a partner or ex" in summary and "X (Twitter)" in summary
    # One history in PostgreSQL, redacted there as everywhere.
    stored = "\n".join(row[4] for row in cluster.events(sender))
    assert "Cardiff" not in stored and "nudes" not in stored and "<redacted>" in stored


def test_a_widget_conversation_started_on_one_server_continues_on_the_other(cluster: Cluster) -> None:
    started = httpx.post(f"{cluster.widget(0)}/conversations", json={"tenant": "default"}, timeout=60)
    assert started.status_code == 201
    conversation_id = started.json()["conversation_id"]
    answer = httpx.post(
        f"{cluster.widget(1)}/conversations/{conversation_id}/messages", json={"message": "/affirm"}, timeout=60
    )
    assert answer.status_code == 200
    assert answer.json()["messages"][-1]["text"].startswith("What has happened?")


def test_a_widget_conversation_erased_through_one_server_is_refused_by_the_other(cluster: Cluster) -> None:
    """The erased id is recorded in the shared Redis (bot/channels/erased_ids.py), so no server lets anyone
    carry on, or start afresh, under it."""
    started = httpx.post(f"{cluster.widget(0)}/conversations", json={"tenant": "default"}, timeout=60)
    conversation_id = started.json()["conversation_id"]
    messages = f"/conversations/{conversation_id}/messages"
    assert httpx.post(f"{cluster.widget(1)}{messages}", json={"message": "/affirm"}, timeout=60).status_code == 200
    assert httpx.delete(f"{cluster.widget(0)}/conversations/{conversation_id}", timeout=60).status_code == 204
    assert cluster.events(conversation_id) == []
    for server in (1, 0):
        refused = httpx.post(f"{cluster.widget(server)}{messages}", json={"message": "hello"}, timeout=60)
        assert refused.status_code == 403 and refused.json() == {"error": "This conversation can't be found."}
    assert cluster.events(conversation_id) == []  # nothing was stored under the erased id


def test_concurrent_messages_through_both_servers_are_handled_one_at_a_time_in_order(cluster: Cluster) -> None:
    sender = f"scale-{uuid.uuid4().hex}"
    say(cluster, 0, sender, "hi")
    sent: dict[int, float] = {}
    answered: dict[int, float] = {}
    replies: dict[int, list[str]] = {}

    def send(number: int) -> None:
        sent[number] = time.monotonic()
        answer = httpx.post(cluster.rest(number % 2), json={"sender": sender, "message": PAYLOADS[number]}, timeout=60)
        answer.raise_for_status()
        replies[number] = [reply.get("text") or "" for reply in answer.json()]
        answered[number] = time.monotonic()

    # The conversation is busy (a ticket held in the lock) while the messages arrive, so all of them
    # are in line at once, whatever the machine's speed; then the hold runs out.
    cluster.hold(sender, HOLD_SECONDS)
    threads = []
    deepest_queue = 0
    for number in range(len(PAYLOADS)):
        threads.append(threading.Thread(target=send, args=(number,)))
        threads[-1].start()
        # A message's place in line is its ticket in the shared lock, taken when its server reads it (a
        # busy server reads a moment later). The next is sent once this one has its place, so the order
        # sent is the order of arrival whichever server was busy.
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            queued = cluster.queued(sender)
            deepest_queue = max(deepest_queue, queued)
            if queued + len(answered) >= number + 2:  # the hold's ticket, then messages 0..number
                break
            time.sleep(0.002)
        else:
            raise AssertionError(f"message {number} did not take its place in the lock while it was held")
    for thread in threads:
        thread.join()

    # They really were in flight together: all waited in line at once (behind the hold), and each was
    # sent before the one before it was answered.
    assert deepest_queue == len(PAYLOADS) + 1, "not every message was in line at once"
    overlapping = [number for number in range(1, len(PAYLOADS)) if sent[number] < answered[number - 1]]
    assert overlapping == list(range(1, len(PAYLOADS))), "the messages did not overlap; the test proves nothing"
    assert all(replies[number] for number in range(len(PAYLOADS))), "a message got no answer"

    # The stored history, split into turns at each person's message.
    turns: list[dict] = []
    for type_name, intent, _action, timestamp, data in cluster.events(sender):
        if type_name == "user":
            turns.append({"intent": intent, "at": timestamp, "bot": [], "last": timestamp})
        elif turns:
            if type_name == "bot":
                turns[-1]["bot"].append(json.loads(data).get("text") or "")
            turns[-1]["last"] = timestamp
    concurrent = turns[1:]  # after the opening "hi"
    # Each message exactly once, in the order sent.
    assert [turn["intent"] for turn in concurrent] == [payload.lstrip("/") for payload in PAYLOADS]
    for number, turn in enumerate(concurrent):
        # Its own answer follows it before the next message is taken up: what the person got back is
        # exactly what is stored between this message and the next.
        # (Texts only: a reply that is only links, as "talk to someone" sends, has no text to compare.)
        assert [text for text in turn["bot"] if text] == [text for text in replies[number] if text], number
        if number + 1 < len(concurrent):
            assert turn["last"] <= concurrent[number + 1]["at"], f"message {number + 1} began before {number} ended"


def test_signing_out_of_the_dashboard_on_one_server_ends_the_session_on_the_other(cluster: Cluster) -> None:
    dashboards = [f"{url}/webhooks/dashboard" for url in cluster.rasa_urls]
    signed_in = httpx.post(f"{dashboards[0]}/sign-in", data={"tenant": "default", "token": DASHBOARD_TOKENS["default"]})
    assert signed_in.status_code == 303
    cookie = {"reclaim_dashboard": signed_in.cookies["reclaim_dashboard"]}

    def shows_figures(server: int) -> bool:
        page = httpx.get(f"{dashboards[server]}/", cookies=cookie, timeout=30)
        csv = httpx.get(f"{dashboards[server]}/export.csv", cookies=cookie, timeout=30)
        assert page.status_code == 200 and csv.status_code in (200, 401)
        assert ("anonymous figures" in page.text) == (csv.status_code == 200)
        return csv.status_code == 200

    assert shows_figures(1)  # one sign-in works on every server
    assert httpx.post(f"{dashboards[0]}/sign-out", cookies=cookie).status_code == 303
    assert not shows_figures(1) and not shows_figures(0)  # a copy of the cookie is refused everywhere
