"""Records scripted conversations as end-to-end test stories for `rasa test`.

    make record-stories

Starts its own action server and Rasa server on free ports, with Rasa's plain SQL tracker store in a
throwaway database (tests/endpoints.recording.yml: the real store redacts the words the stories need),
plays each conversation in tests/conversations.yml over the REST channel, reads the trackers back and
writes them, with the person's words and the entities NLU found, to tests/test_conversations.yml.
Review the diff before committing: the recorded stories become the expected behaviour that `make test`
checks through NLU and the policies. Runs in the Rasa environment (it needs Rasa's story writer).
"""

from __future__ import annotations

import asyncio
import os
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import requests
import yaml
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.training_data.story_writer.yaml_story_writer import YAMLStoryWriter

from scripts.servers import Fleet, free_port, load_directory

ROOT = Path(__file__).resolve().parent.parent

SCRIPT = ROOT / "tests" / "conversations.yml"
ENDPOINTS = ROOT / "tests" / "endpoints.recording.yml"
MODEL = ROOT / "models" / "reclaim.tar.gz"
OUTPUT = ROOT / "tests" / "test_conversations.yml"
HEADER = """\
# Recorded by scripts/record_stories.py from tests/conversations.yml: do not edit by hand.
# `rasa test` (make test-stories) replays each story through NLU and the dialogue policies and fails
# on any intent, entity or action that differs.
"""


def play(url: str, sender: str, messages: list[str]) -> None:
    for message in messages:
        if not isinstance(message, str):
            # YAML reads a bare no/yes as a boolean: quote it in tests/conversations.yml.
            raise SystemExit(f"Message {message!r} is not text: quote it in {SCRIPT.name}.")
        response = requests.post(url, json={"sender": sender, "message": message}, timeout=30)
        response.raise_for_status()


@contextmanager
def servers(workdir: Path) -> Iterator[tuple[str, Path]]:
    """An action server and a Rasa server of the recorder's own: (REST URL, tracker database)."""
    if not MODEL.exists():
        raise SystemExit(f"No trained model at {MODEL}: run `make train` first.")
    action_port = free_port()
    tracker_db = workdir / "recording.db"
    env = {
        **os.environ,
        "ACTION_SERVER_URL": f"http://127.0.0.1:{action_port}/webhook",
        "TRACKER_DB": str(tracker_db),
        "DATABASE_URL": f"sqlite:///{workdir / 'directory.db'}",
        "METRICS_DB_URL": f"sqlite:///{workdir / 'metrics.db'}",
        "POSTCODE_LOOKUP_URL": "",  # recordings never depend on the network
        "RASA_TELEMETRY_ENABLED": "false",
        "PYTHONPATH": str(ROOT),
    }
    load_directory(env)
    fleet = Fleet(workdir)
    try:
        fleet.actions(env, port=action_port).wait_for_health()
        rasa = fleet.rasa("rasa", MODEL, ENDPOINTS, env, credentials=ROOT / "bot" / "credentials.yml")
        rasa.wait_until_up()
        yield f"{rasa.url}/webhooks/rest/webhook", tracker_db
    finally:
        fleet.stop_all()


async def export(store: SQLTrackerStore, sender: str, name: str) -> str:
    tracker = await store.retrieve(sender)
    if tracker is None:
        raise SystemExit(f"No conversation stored for {name!r}.")
    story = tracker.export_stories(YAMLStoryWriter(), e2e=True)
    loaded = yaml.safe_load(story)["stories"][0]
    loaded["story"] = name
    return loaded


async def main() -> None:
    domain = Domain.load(str(ROOT / "bot" / "domain"))
    stories = []
    with tempfile.TemporaryDirectory(prefix="reclaim-record-") as workdir, servers(Path(workdir)) as (url, db):
        store = SQLTrackerStore(domain=domain, dialect="sqlite", db=str(db))
        for conversation in yaml.safe_load(SCRIPT.read_text())["conversations"]:
            sender = f"record-{uuid.uuid4().hex}"
            play(url, sender, conversation["messages"])
            stories.append(await export(store, sender, conversation["name"]))
            print(f"recorded: {conversation['name']}")
    body = yaml.safe_dump({"version": "3.1", "stories": stories}, sort_keys=False, allow_unicode=True, width=110)
    OUTPUT.write_text(HEADER + body)
    print(f"wrote {len(stories)} stories to {OUTPUT.relative_to(ROOT)}")


if __name__ == "__main__":
    asyncio.run(main())
