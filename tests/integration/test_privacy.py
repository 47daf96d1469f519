"""Issue 6: "prove with a test that after a real conversation containing a phone number, an email, a
postcode and a name, none of them is found anywhere in the database files or logs".

The real Rasa server and the real action server (tests/integration/conftest.py), a conversation over
the REST channel, then the raw bytes of every file the servers wrote: the tracker database (and any
SQLite journal, -wal or -shm file), the service directory database and both servers' logs."""

from __future__ import annotations

import json
import sqlite3
import time

from tests.integration.bot_client import Bot

PHONE, EMAIL, POSTCODE, NAME = "07700 900123", "sam.jones@example.com", "CF10 1AA", "Samira Okonkwo"
# The last six digits on their own are checked in this conversation's rows only: the whole database
# holds thousands of random ids and timestamps ("1763783123.900123"), which can contain any six digits.
SHORT_NEEDLES = ["900123"]
NEEDLES = [
    PHONE,
    PHONE.replace(" ", ""),
    EMAIL,
    "sam.jones",
    "example.com",
    POSTCODE,
    POSTCODE.replace(" ", ""),
    NAME,
    "Samira",
    "Okonkwo",
]


def test_nothing_a_person_typed_is_in_the_database_files_or_logs(bot: Bot) -> None:
    chat = bot.conversation()
    chat.say("hi")
    chat.say("yes")
    chat.say(f"my name is {NAME} and my ex put my nudes on instagram")
    chat.say("no that's all")
    chat.say(f"my number is {PHONE}")
    chat.say(f"email me at {EMAIL}")
    chat.say("i'm 19")
    chat.say("no")
    asked = chat.say_text(f"my postcode is {POSTCODE}")
    assert asked  # the bot answered every message: it still works on redacted history
    chat.say(f"call me on {PHONE.replace(' ', '')} or write to {EMAIL.upper()}, it's {NAME.lower()}")
    time.sleep(1)  # let both servers flush their logs

    with sqlite3.connect(bot.tracker_db) as connection:
        rows = connection.execute(
            "select type_name, intent_name, data from events where sender_id = ? order by id", (chat.sender,)
        ).fetchall()
    user_events = [json.loads(data) for type_name, _, data in rows if type_name == "user"]
    assert len(user_events) == 10
    # What drives the dialogue is kept: the intent of every message; the words are not.
    assert all(event["text"] == "<redacted>" for event in user_events)
    assert all(event["parse_data"]["intent"]["name"] for event in user_events)
    conversation = "\n".join(data.lower() for _, _, data in rows)
    for needle in NEEDLES + SHORT_NEEDLES:
        assert needle.lower() not in conversation, f"{needle!r} found in this conversation's stored events"

    workdir = bot.tracker_db.parent
    files = sorted(path for path in workdir.iterdir() if path.is_file())
    names = {path.name for path in files}
    assert {"trackers.db", "rasa.log", "actions.log"} <= names, names
    for path in files:
        content = path.read_bytes().decode("utf-8", errors="replace").lower()
        for needle in NEEDLES:
            assert needle.lower() not in content, f"{needle!r} found in {path.name}"
