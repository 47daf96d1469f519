"""Whole conversations with the real Rasa server (Python 3.10) and the real action server (this
Python) over the REST channel: proves the two work together and that what a survivor sees is right."""

from __future__ import annotations

import sqlite3

from tests.integration.bot_client import Bot


def stored_events(bot: Bot, sender: str) -> int:
    with sqlite3.connect(bot.tracker_db) as connection:
        return connection.execute("select count(*) from events where sender_id = ?", (sender,)).fetchone()[0]


def test_opening_says_who_reclaim_is_and_checks_it_is_safe_to_talk(bot: Bot) -> None:
    replies = bot.conversation().say("hi")
    text = " ".join(reply["text"] for reply in replies)
    assert "automated helper, not a person" in text
    assert "not legal advice" in text
    assert "leave quickly" in text
    assert "safe to talk" in replies[-1]["text"]
    assert [button["title"] for button in replies[-1]["buttons"]] == [
        "Yes, I can talk",
        "Not right now",
        "I'm in danger",
    ]


def test_a_survivor_in_wales_is_guided_to_a_summary_with_next_steps(bot: Bot) -> None:
    chat = bot.conversation()
    chat.say("hi")
    question = chat.say("yes")
    assert question[-1]["text"].startswith("What has happened?")  # asked by the action server

    reply = chat.say_text("my ex put my nudes on twitter, I'm 19 and live in Cardiff")
    assert "not your fault" in reply
    assert "anything else" in reply

    assert "under 18 in the images" in chat.say_text("no that's all")
    # age, nation, who and where came from the first message, so the next question is "when"
    assert "when did it happen" in chat.say_text("no")
    assert "What would help most" in chat.say_text("last week")

    replies = chat.say("I want them taken down")
    summary = "\n".join(reply.get("text") or "" for reply in replies)
    for expected in [
        "how the law in England and Wales may apply",
        "not legal advice",
        "Sharing an intimate image without consent",
        "It does not matter why they did it",
        "images shared without consent",
        "Age now: 18 or over",
        "Where: Wales",
        "When: since the start of 2026",
        "Who: a partner or ex",
        "X (Twitter)",
        "StopNCII.org",
        'choose "Private or Non-Consensual Content"',  # exactly where to click on X
    ]:
        assert expected in summary, expected
    assert "Take It Down" not in summary
    steps = [reply for reply in replies if "Some next steps" in (reply.get("text") or "")][0]
    assert len([line for line in steps["text"].splitlines() if line.startswith("- ")]) == 3
    assert steps["buttons"][0] == {"title": "More next steps", "payload": "/more_steps"}
    links = [reply["custom"]["links"] for reply in replies if "custom" in reply][0]
    assert {"title": "StopNCII.org", "url": "https://stopncii.org"} in links

    later = chat.say_text("/more_steps") + chat.say_text("/more_steps")
    assert "Revenge Porn Helpline (for adults) can help get images removed and talk it through: 0345 6000 459" in later
    assert "Live Fear Free" in later  # the Welsh domestic abuse line: it was an ex
    assert "National Domestic Abuse Helpline" not in later  # England's line, not for Wales
    assert stored_events(bot, chat.sender) > 0  # the SQLite tracker store is in use


def test_a_crisis_midway_stops_the_questions_then_they_resume(bot: Bot) -> None:
    chat = bot.conversation()
    chat.say("hi")
    chat.say("yes")
    chat.say("someone made a deepfake of me")
    crisis = chat.say("i want to kil myself")
    assert "999" in crisis[0]["text"] and "116 123" in crisis[0]["text"]
    assert [button["title"] for button in crisis[-1]["buttons"]] == ["Carry on", "Talk to a person", "Stop for now"]
    resumed = chat.say_text("carry on")
    assert "anything else happened" in resumed  # the question that was pending


def test_a_15_year_old_being_blackmailed_gets_the_under_18_route(bot: Bot) -> None:
    chat = bot.conversation()
    first = chat.say_text("a guy i met on insta is blackmailing me, he wants £200 or he'll send my nudes to my friends")
    assert "automated helper, not a person" in first
    assert "don't pay" in first
    assert "How old are you now" in chat.say_text("no")
    # under 18 now means under 18 in the images: that question is skipped
    assert "Where do you live" in chat.say_text("15")
    chat.say("london")
    chat.say("yesterday")
    summary = chat.say_text('/inform{"goal": "remove"}') + chat.say_text("/more_steps")
    assert "Indecent images of under-18s" in summary
    assert "Blackmail (sextortion)" in summary
    assert "deepfake" not in summary  # no adult-only offence for an under-18
    assert "Report Remove" in summary
    assert "Childline" in summary and "0800 1111" in summary
    assert "don't screenshot" in summary
    assert "StopNCII" not in summary
    assert "Revenge Porn Helpline" not in summary


def test_a_supporter_is_asked_about_the_person_they_help(bot: Bot) -> None:
    chat = bot.conversation()
    chat.say("hi")
    chat.say("yes")
    reply = chat.say_text("i'm helping my daughter")
    assert "Thank you for helping them" in reply
    assert "What has happened to them?" in reply
    chat.say("someone shared her pictures")
    assert "How old are they now?" in chat.say_text("no")


def test_start_again_clears_the_answers(bot: Bot) -> None:
    chat = bot.conversation()
    chat.say("my ex shared my nudes on snapchat")
    chat.say("no")
    assert "let's start again" in chat.say_text("start again")
    assert chat.say("/carry_on")[-1]["text"].startswith("What has happened?")


def test_delete_erases_the_conversation_from_the_database(bot: Bot) -> None:
    kept = bot.conversation()
    kept.say("hi")
    chat = bot.conversation()
    chat.say("hi")
    chat.say("yes")
    chat.say("someone is threatening to post my pictures")
    assert stored_events(bot, chat.sender) > 0

    assert "delete this conversation?" in chat.say_text("delete this chat")
    assert "has been deleted" in chat.say_text("yes")
    assert stored_events(bot, chat.sender) == 0
    assert stored_events(bot, kept.sender) > 0


def test_not_understood_gets_a_menu_and_a_helpline(bot: Bot) -> None:
    replies = bot.conversation().say("blah blah qwerty")
    assert "116 123" in replies[0]["text"]
    assert "Talk to a person" in [button["title"] for button in replies[0]["buttons"]]


def test_is_this_illegal_in_scotland_midway_then_tell_me_more(bot: Bot) -> None:
    chat = bot.conversation()
    chat.say("hi")
    chat.say("yes")
    chat.say("someone made a deepfake of me")
    chat.say("no")
    chat.say("I'm 30")
    chat.say("no")
    explained = chat.say("is this illegal in scotland?")
    text = "\n".join(reply["text"] for reply in explained)
    assert "how the law in Scotland may apply" in text
    assert "Scotland does not yet have a law against making a fake intimate image" in text
    assert "Creating a sexual deepfake of an adult" not in text  # England and Wales only
    more = [b for reply in explained for b in reply.get("buttons", []) if b["title"] == "Tell me more"]
    assert more and more[0]["payload"] == '/offence_detail{"offence_id": "sc_absha2016_s2_disclosing"}'
    assert "Where do you live" in explained[-1]["text"]  # the pending question comes back

    detail = chat.say_text(more[0]["payload"])
    assert "What has to be shown" in detail and "5 years in prison" in detail

    # An id shaped like ours but unknown: the action says so.
    unknown = chat.say_text('/offence_detail{"offence_id": "no_such_law"}')
    assert "don't have details of that law" in unknown
    # Not even shaped like one: the channel reads it as plain words (bot/channels/payloads.py).
    forged = chat.say_text('/offence_detail{"offence_id": "<script>alert(1)</script>"}')
    assert "What has to be shown" not in forged and "<script>" not in forged
