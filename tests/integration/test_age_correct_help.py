"""Age-correct help in real conversations (issue 13), with the real Rasa and action servers: each case is
one a new user reported. The property over every entry point, age and nation is in
tests/actions/services/test_age_correct_help.py and tests/bot/domain/test_age_correct_help.py."""

from __future__ import annotations

from tests.integration.bot_client import Bot, Conversation

ADULT = '/inform{"age_band": "18_plus"}'
AGED_15 = '/inform{"age_band": "13_15"}'


def up_to_age(bot: Bot) -> Conversation:
    chat = bot.conversation()
    chat.say("hi")
    chat.say("yes")
    chat.say("my ex shared my nudes")
    chat.say("no that's all")
    return chat


def test_someone_who_said_they_are_18_or_over_never_gets_childline_when_asking_for_a_person(bot: Bot) -> None:
    chat = up_to_age(bot)
    chat.say(ADULT)
    text = chat.say_text("can i talk to someone")
    assert "Samaritans" in text and "116 123" in text
    assert "Childline" not in text and "0800 1111" not in text


def test_a_15_year_old_keeps_childline_when_the_conversation_ends(bot: Bot) -> None:
    chat = up_to_age(bot)
    chat.say(AGED_15)
    ended = chat.say_text("/end_chat")
    assert "Childline" in ended and "0800 1111" in ended


def test_a_young_person_who_says_their_age_in_a_crisis_gets_childline_first(bot: Bot) -> None:
    chat = bot.conversation()
    chat.say("hi")
    text = chat.say_text("im 15 and i want to kill myself")
    assert "999" in text
    assert text.index("Childline") < text.index("Samaritans")


def test_an_age_said_before_the_questions_still_brings_childline_when_they_leave(bot: Bot) -> None:
    chat = bot.conversation()
    chat.say("hi")
    chat.say("i'm 14 and someone has my pics")
    text = chat.say_text("/end_chat")
    assert "Childline" in text and "(if you're under 19)" not in text  # known young, not guessed


def test_when_the_age_is_not_known_both_are_offered_and_labelled(bot: Bot) -> None:
    chat = bot.conversation()
    chat.say("hi")
    text = chat.say_text("i want to talk to a real person")
    assert "Childline (under 19)" in text
    assert "Revenge Porn Helpline (adults)" in text
    assert "Samaritans" in text
