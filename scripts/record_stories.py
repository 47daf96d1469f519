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
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import requests
import yaml
from rasa.shared.core.domain import Domain
from rasa.shared.core.training_data.story_writer.yaml_story_writer import YAMLStoryWriter

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from rasa.core.tracker_store import SQLTrackerStore  # noqa: E402

SCRIPT = ROOT / "tests" / "conversations.yml"
ENDPOINTS = ROOT / "tests" / "endpoints.recording.yml"
MODEL = ROOT / "models" / "reclaim.tar.gz"
STARTUP_SECONDS = 180
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


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_until_up(url: str, process: subprocess.Popen, name: str, log: Path) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"The {name} exited while starting:\n{log.read_text()[-3000:]}")
        try:
            if requests.get(url, timeout=2).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.5)
    raise SystemExit(f"The {name} did not answer at {url} within {STARTUP_SECONDS}s:\n{log.read_text()[-3000:]}")


@contextmanager
def servers(workdir: Path) -> Iterator[tuple[str, Path]]:
    """An action server and a Rasa server of the recorder's own: (REST URL, tracker database)."""
    if not MODEL.exists():
        raise SystemExit(f"No trained model at {MODEL}: run `make train` first.")
    action_port, rasa_port = _free_port(), _free_port()
    tracker_db = workdir / "recording.db"
    env = {
        **os.environ,
        "ACTION_PORT": str(action_port),
        "ACTION_SERVER_URL": f"http://127.0.0.1:{action_port}/webhook",
        "TRACKER_DB": str(tracker_db),
        "DATABASE_URL": f"sqlite:///{workdir / 'directory.db'}",
        "POSTCODE_LOOKUP_URL": "",  # recordings never depend on the network
        "RASA_TELEMETRY_ENABLED": "false",
        "PYTHONPATH": str(ROOT),
    }
    actions_python = str(ROOT / ".venv" / "actions" / "bin" / "python")
    subprocess.run([actions_python, "-m", "actions.directory.load"], cwd=ROOT, env=env, check=True,
                   stdout=subprocess.DEVNULL)
    processes: list[subprocess.Popen] = []
    try:
        log = workdir / "actions.log"
        processes.append(subprocess.Popen(
            [actions_python, "-m", "rasa_sdk", "--actions", "actions", "--port", str(action_port)],
            cwd=ROOT, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT,
        ))
        _wait_until_up(f"http://127.0.0.1:{action_port}/health", processes[-1], "action server", log)
        log = workdir / "rasa.log"
        processes.append(subprocess.Popen(
            [str(ROOT / ".venv" / "rasa" / "bin" / "rasa"), "run", "--model", str(MODEL), "--endpoints",
             str(ENDPOINTS), "--credentials", "bot/credentials.yml", "--interface", "127.0.0.1",
             "--port", str(rasa_port)],
            cwd=ROOT, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT,
        ))
        _wait_until_up(f"http://127.0.0.1:{rasa_port}/", processes[-1], "Rasa server", log)
        yield f"http://127.0.0.1:{rasa_port}/webhooks/rest/webhook", tracker_db
    finally:
        for process in reversed(processes):
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()


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
