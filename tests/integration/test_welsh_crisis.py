"""A Welsh crisis message gets the crisis answer from the real server (issue 16, the safety-critical
slice): 999 and the Samaritans' 116 123 first, at the opening and in the middle of the questions. The
answer itself is still in English; the Welsh catalogue is a later part of issue 16."""

from __future__ import annotations

import pytest

from tests.integration.bot_client import Bot
from tests.integration.test_understanding import assert_crisis, buttons, in_the_questions

WELSH_CRISIS_MESSAGES = [
    "dw i jyst isio marw",
    "dwi'n mynd i ladd fy hun heno",
    "mae e'n mynd i'n lladd i",
    "helpwch fi mae o yma",
]


@pytest.mark.parametrize("message", WELSH_CRISIS_MESSAGES)
def test_welsh_crisis_at_the_opening(bot: Bot, message: str) -> None:
    assert_crisis(bot.conversation().say(message))


@pytest.mark.parametrize("message", WELSH_CRISIS_MESSAGES)
def test_welsh_crisis_in_the_middle_of_the_questions(bot: Bot, message: str) -> None:
    chat = in_the_questions(bot)
    chat.say("no that's all")
    replies = chat.say(message)
    assert_crisis(replies)
    assert "Carry on" in buttons(replies)


def test_welsh_english_mixing_in_the_middle_of_the_questions(bot: Bot) -> None:
    chat = in_the_questions(bot)
    replies = chat.say("dwi isio kill myself honestly")
    assert_crisis(replies)
