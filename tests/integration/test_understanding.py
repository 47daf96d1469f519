"""Understanding people when they step off the script (issue 12), with the real Rasa and action servers:
questions answered at any point, no false endings, every fact heard whenever it is given, and the crisis
safety net in every state. Each reported failure is here in the words it was reported with."""

from __future__ import annotations

import sqlite3

import pytest

from tests.integration.bot_client import Bot, Conversation
from tests.integration.callback_receiver import CallbackReceiver
from tests.integration.test_talk_to_person import WidgetChat

CRISIS_LINES = ("999", "116 123")


def start(bot: Bot) -> Conversation:
    chat = bot.conversation()
    chat.say("hi")
    return chat


def in_the_questions(bot: Bot, situation: str = "my ex shared my nudes") -> Conversation:
    chat = start(bot)
    chat.say("yes")
    chat.say(situation)
    return chat


def buttons(replies: list[dict]) -> list[str]:
    return [button["title"] for reply in replies for button in reply.get("buttons") or []]


def joined(replies: list[dict]) -> str:
    return "\n".join(reply.get("text") or "" for reply in replies)


def stored_slot_values(bot: Bot, sender: str, slot: str) -> list[str]:
    with sqlite3.connect(bot.tracker_db) as connection:
        rows = connection.execute(
            "select data from events where sender_id = ? and type_name = 'slot' and action_name = ?", (sender, slot)
        ).fetchall()
    return [row[0] for row in rows]


# ---- 1. questions answered at any point ---------------------------------------------------------------


def test_how_long_stopncii_takes_is_answered_and_never_ends_the_chat(bot: Bot) -> None:
    chat = start(bot)
    replies = chat.say("how long does it take for stopncii to remove stuff")
    text = joined(replies)
    assert "We can stop here" not in text
    assert "StopNCII" in text
    assert "Tell me what happened" in buttons(replies)


def test_will_my_parents_find_out_is_answered(bot: Bot) -> None:
    text = start(bot).say_text("will my parents find out if i report it?")
    assert "not sure I understood" not in text
    assert "Childline" in text


def test_being_watched_on_the_phone_is_answered_with_how_to_stay_safe(bot: Bot) -> None:
    text = start(bot).say_text("I'm scared he'll check my phone and see I talked to you")
    assert "not sure I understood" not in text
    assert "Quick exit" in text or "quick exit" in text or "delete" in text


def test_reporting_to_the_police_without_a_name_is_answered_not_read_as_a_situation(bot: Bot) -> None:
    replies = start(bot).say("can i report it to the police without anyone knowing my name")
    text = joined(replies)
    assert "Nobody had the right to take those images" not in text  # not read as "taken without consent"
    assert "anonym" in text.lower() or "name" in text.lower()


def test_a_question_in_the_middle_of_the_questions_is_answered_then_the_question_is_asked_again(bot: Bot) -> None:
    chat = in_the_questions(bot)
    asked = chat.say_text("no that's all")
    assert "How old are you" in asked
    replies = chat.say("will my employer find out?")
    text = joined(replies)
    assert "work" in text.lower() or "employer" in text.lower()
    assert "How old are you" in replies[-1]["text"]  # back to the question that was asked
    assert "I'd rather not say" in buttons(replies[-1:])


def test_an_answer_and_a_question_in_one_message_both_count(bot: Bot) -> None:
    chat = in_the_questions(bot, "someone is blackmailing me with my nudes")
    chat.say("no that's all")
    replies = chat.say("15, will my parents find out?")
    text = joined(replies)
    assert "Childline" in text  # the answer for a young person
    assert "under 18 in the images" not in text  # 15 now: not asked again
    assert "Where do you live" in replies[-1]["text"]


def test_the_answer_fits_the_persons_nation(bot: Bot) -> None:
    chat = in_the_questions(bot)
    chat.say("no that's all")
    scottish = chat.say_text("i'm 30 and i live in scotland. can i stay anonymous if i go to the police?")
    other = start(bot).say_text("can i stay anonymous if i go to the police?")
    assert scottish != other


# ---- 2. no false endings ----------------------------------------------------------------------------------------


def test_a_15_year_old_who_wants_it_to_stop_gets_a_choice_and_childline(bot: Bot) -> None:
    chat = in_the_questions(bot, "someone is blackmailing me for £500 or he'll send my nudes to everyone")
    chat.say("no that's all")
    chat.say("15")
    replies = chat.say("i just want it to stop")
    text = joined(replies)
    assert "We can stop here" not in text
    assert "Samaritans" not in text
    assert "Childline" in text and "0800 1111" in text
    assert {"Help making it stop", "Stop chatting now"} <= set(buttons(replies))
    helped = chat.say_text("/carry_on")
    assert "Where do you live" in helped  # the questions carry on where they were


def test_only_the_stop_button_ends_the_chat_and_a_young_person_hears_of_childline(bot: Bot) -> None:
    chat = in_the_questions(bot)
    chat.say("no that's all")
    chat.say("16")
    ended = chat.say_text("/end_chat")
    assert "We can stop here" in ended
    assert "Childline" in ended and "Samaritans" not in ended


@pytest.mark.parametrize("message", ["bye", "thanks"])
def test_bye_or_thanks_in_the_middle_of_the_questions_asks_first(bot: Bot, message: str) -> None:
    chat = in_the_questions(bot)
    replies = chat.say(message)
    assert "We can stop here" not in joined(replies)
    assert {"Carry on", "Stop for now"} <= set(buttons(replies))
    assert "anything else" in chat.say_text("/carry_on").lower()


# ---- 3. every fact heard ----------------------------------------------------------------------------------------


def test_already_paid_is_heard_and_never_met_with_please_dont_pay(bot: Bot) -> None:
    chat = start(bot)
    chat.say("yes")
    text = chat.say_text("i already paid him £200 and now he wants more")
    assert "please don't pay and don't send anything" not in text
    assert "don't pay any more" in text.lower()
    assert "not your fault" in text
    assert "What has happened?" not in text  # a threat, heard: not asked again


def test_filmed_and_shared_and_the_marriage_question_are_all_heard(bot: Bot) -> None:
    chat = start(bot)
    replies = chat.say(
        "my husband filmed us without me knowing and showed his mates, is that even illegal if we're married"
    )
    text = joined(replies)
    assert "Nobody had the right to take those images" in text  # filmed in secret
    assert "Having private images shared" in text  # and shared
    assert "married" in text.lower() or "partner" in text.lower()  # the question answered


def test_name_and_number_are_not_read_as_helping_someone_and_not_stored(bot: Bot) -> None:
    chat = in_the_questions(bot)
    replies = chat.say("my name is Jess and my number is 07700 900461")
    text = joined(replies)
    assert "Thank you for helping them" not in text
    assert "don't need to tell me your name" in text
    with sqlite3.connect(bot.tracker_db) as connection:
        stored = " ".join(
            row[0] for row in connection.execute("select data from events where sender_id = ?", (chat.sender,))
        )
    assert "900461" not in stored and "Jess" not in stored


def test_age_and_nation_at_the_anything_else_question_are_heard(bot: Bot) -> None:
    chat = in_the_questions(bot)
    text = chat.say_text("I'm 24 and live in England")
    assert "didn't catch" not in text and "not sure I understood" not in text
    assert "How old are you" not in text and "Where do you live" not in text
    assert "under 18 in the images" in text


def test_who_did_it_is_heard_at_any_question_and_never_asked_again(bot: Bot) -> None:
    chat = in_the_questions(bot, "my nudes were posted online")
    chat.say("no that's all")
    chat.say("it was my ex, i'm 22")
    chat.say("no")
    chat.say("wales")
    text = chat.say_text("last year")
    assert "Do you know who did this" not in text


# ---- the crisis safety net in every state -------------------------------------------------------------------------

CRISIS_MESSAGES = [
    "thinking of ending it all",
    "i just want to disappear forever and never wake up",
    "i cut myself again last night",
    "he said he'll kill me if i tell anyone",
]


def assert_crisis(replies: list[dict]) -> None:
    first = replies[0]["text"]
    assert all(line in first for line in CRISIS_LINES), first


@pytest.mark.parametrize("message", CRISIS_MESSAGES)
def test_crisis_at_the_opening(bot: Bot, message: str) -> None:
    assert_crisis(bot.conversation().say(message))


@pytest.mark.parametrize("message", CRISIS_MESSAGES)
def test_crisis_inside_the_questions_even_beside_an_answer(bot: Bot, message: str) -> None:
    chat = in_the_questions(bot)
    chat.say("no that's all")
    replies = chat.say(f"i'm 19 and {message}")
    assert_crisis(replies)
    assert "Carry on" in buttons(replies)


@pytest.mark.parametrize("message", CRISIS_MESSAGES)
def test_crisis_after_the_summary(bot: Bot, message: str) -> None:
    chat = in_the_questions(bot)
    for answer in ("no that's all", "25", "no", "england", "last week", "my ex", "instagram"):
        chat.say(answer)
    summary = chat.say_text("get it taken down")
    assert "next steps" in summary.lower()
    assert_crisis(chat.say(message))


@pytest.mark.parametrize("message", CRISIS_MESSAGES)
def test_crisis_during_a_callback_request(bot: Bot, callback_receiver: CallbackReceiver, message: str) -> None:
    chat = WidgetChat(bot, "example-charity")  # a charity that takes callback requests
    chat.say("/request_callback")
    chat.say("/affirm")
    asked = chat.say('/inform{"callback_method": "text_message"}')
    assert "When is it safe" in joined(asked)
    assert_crisis(chat.say(message))
