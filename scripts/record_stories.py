"""Records scripted conversations as end-to-end test stories for `rasa test`.

    make record-stories      (the servers must be running: `make run` in another terminal)

Plays each conversation in tests/conversations.yml against the running bot over the REST channel,
then reads the resulting trackers from the tracker store and writes them, with the person's words
and the entities NLU found, to tests/test_conversations.yml. Review the diff before committing: the
recorded stories become the expected behaviour that `make test` checks through NLU and the policies.
Runs in the Rasa environment (it needs Rasa's story writer).
"""

from __future__ import annotations

import asyncio
import os
import sys
import uuid
from pathlib import Path

import requests
import yaml
from rasa.shared.core.domain import Domain
from rasa.shared.core.training_data.story_writer.yaml_story_writer import YAMLStoryWriter

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.tracker_store import ErasingSQLTrackerStore  # noqa: E402

SCRIPT = ROOT / "tests" / "conversations.yml"
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


async def export(store: ErasingSQLTrackerStore, sender: str, name: str) -> str:
    tracker = await store.retrieve(sender)
    if tracker is None:
        raise SystemExit(f"No conversation stored for {name!r}: is the bot using {os.environ['TRACKER_DB']}?")
    story = tracker.export_stories(YAMLStoryWriter(), e2e=True)
    loaded = yaml.safe_load(story)["stories"][0]
    loaded["story"] = name
    return loaded


async def main() -> None:
    url = f"http://127.0.0.1:{os.environ['RASA_PORT']}/webhooks/rest/webhook"
    domain = Domain.load(str(ROOT / "bot" / "domain"))
    store = ErasingSQLTrackerStore(domain=domain, dialect="sqlite", db=os.environ["TRACKER_DB"])
    stories = []
    for conversation in yaml.safe_load(SCRIPT.read_text())["conversations"]:
        sender = f"record-{uuid.uuid4().hex}"
        play(url, sender, conversation["messages"])
        stories.append(await export(store, sender, conversation["name"]))
        await store.erase(sender)
        print(f"recorded: {conversation['name']}")
    body = yaml.safe_dump({"version": "3.1", "stories": stories}, sort_keys=False, allow_unicode=True, width=110)
    OUTPUT.write_text(HEADER + body)
    print(f"wrote {len(stories)} stories to {OUTPUT.relative_to(ROOT)}")


if __name__ == "__main__":
    asyncio.run(main())
