"""The crisis safety net must fire on varied crisis phrasings, misspellings included, and stay quiet on
ordinary sadness. It is tested here against the real lexicon in data/safety/crisis_lexicon.yml."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bot.components.crisis_matcher import CrisisMatcher, CrisisPhrase, normalise, words_match

LEXICON_PATH = Path(__file__).resolve().parents[2] / "data" / "safety" / "crisis_lexicon.yml"


@pytest.fixture(scope="module")
def matcher() -> CrisisMatcher:
    lexicon = yaml.safe_load(LEXICON_PATH.read_text())
    return CrisisMatcher.from_lexicon(lexicon["categories"])


SUICIDE_OR_SELF_HARM = [
    "I want to kill myself",
    "i want to kil myself",
    "im going to kill my self tonight",
    "i want to KILLL MYSELF!!!",
    "honestly i just want to die",
    "i wanna just die",
    "i want to fucking die",
    "I feel suicidal",
    "i feel sucidal",
    "i'm suicidle",
    "thinking about suicide",
    "thinking about sucide",
    "i dont want to be alive anymore",
    "I don't want to live any more",
    "i've been self harming",
    "i've been selfharming again",  # joined word and a typo
    "I've been cutting myself",
    "i keep hurting myself",
    "i want to end my life",
    "I'm going to end it all",
    "everyone would be better off without me",
    "i wish i was dead",
    "kms",
    "i took all my pills",
    "there's no reason to live",
    "i can't go on like this",
    "she said she wants to die",
    "my son says he's going to kill himself",
    "i think she might hurt herself",
    "i'm going to jump",
]

IMMEDIATE_DANGER = [
    "he's outside my house right now",
    "he is outside my door",
    "I'm in danger",
    "i am not safe",
    "im not safe here",
    "he said he is going to kill me",
    "he's gonna hurt me",
    "he threatened to kill me if i tell anyone",
    "I'm scared for my life",
    "someone is trying to get in",
    "he has a knife",
    "he locked me in the room",
    "i don't feel safe at home",
    "he followed me home",
    "he's at my door",
]

ORDINARY_SADNESS = [
    "I feel so sad",
    "im so upset about this",
    "I feel awful",
    "this is killing me",
    "I'm so embarrassed I could die",
    "I feel sick",
    "I can't stop crying",
    "my life is ruined",
    "I hate myself for sending them",
    "I'm so scared he'll post more",
    "I'm devastated",
    "it's all my fault",
    "I feel humiliated and angry",
    "I can't go on instagram anymore",
    "he keeps hitting me up on snapchat",
    "he said he would kill my reputation",
    "she threatened to post my pics",
    "the parcel is at my door",
    "I want them removed",
    "my ex posted my nudes online",
    "I died of shame",
    "I'm not sure what to do",
]


@pytest.mark.parametrize("message", SUICIDE_OR_SELF_HARM)
def test_fires_on_suicide_and_self_harm(matcher: CrisisMatcher, message: str) -> None:
    match = matcher.find(message)
    assert match is not None, message
    assert match.category == "suicide_or_self_harm"


@pytest.mark.parametrize("message", IMMEDIATE_DANGER)
def test_fires_on_immediate_danger(matcher: CrisisMatcher, message: str) -> None:
    match = matcher.find(message)
    assert match is not None, message
    assert match.category == "immediate_danger"


@pytest.mark.parametrize("message", ORDINARY_SADNESS)
def test_quiet_on_ordinary_sadness_and_ordinary_messages(matcher: CrisisMatcher, message: str) -> None:
    assert matcher.find(message) is None


def test_a_crisis_phrase_buried_in_a_long_message_is_found(matcher: CrisisMatcher) -> None:
    message = "my ex posted the pictures everywhere and everyone at work has seen them. " * 40
    message += "honestly some days i think about ending my life"
    match = matcher.find(message)
    assert match is not None and match.category == "suicide_or_self_harm"


def test_match_reports_the_lexicon_phrase_not_the_persons_words(matcher: CrisisMatcher) -> None:
    match = matcher.find("i want to kil myself, my name is Sam")
    assert match is not None
    assert "sam" not in match.phrase.lower()


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("Don't  WANT to-live!!", ["dont", "want", "to", "live"]),
        ("I\u2019m sooooo scared", ["im", "so", "scared"]),
        ("kill", ["kil"]),
    ],
)
def test_normalise(text: str, words: list[str]) -> None:
    assert normalise(text) == words


@pytest.mark.parametrize(
    ("lexicon_word", "message_word", "expected"),
    [
        ("suicide", "sucide", True),  # deletion
        ("myself", "myslef", True),  # swap
        ("suicidal", "suicidle", True),  # two edits allowed in a long word
        ("die", "did", False),  # short words must be exact
        ("dead", "dear", False),
    ],
)
def test_typo_tolerance_depends_on_word_length(lexicon_word: str, message_word: str, expected: bool) -> None:
    assert words_match(normalise(lexicon_word)[0], normalise(message_word)[0]) is expected


def test_wildcard_allows_at_most_two_words() -> None:
    matcher = CrisisMatcher([CrisisPhrase.parse("test", "want to * die")])
    assert matcher.find("i want to really really die") is not None
    assert matcher.find("i want to go to the shop and die") is None


def test_a_phrase_of_only_wildcards_is_rejected() -> None:
    with pytest.raises(ValueError):
        CrisisPhrase.parse("test", "* *")


def test_every_lexicon_phrase_matches_itself(matcher: CrisisMatcher) -> None:
    lexicon = yaml.safe_load(LEXICON_PATH.read_text())
    for category, phrases in lexicon["categories"].items():
        for phrase in phrases:
            match = matcher.find(phrase.replace("*", "really"))
            assert match is not None, phrase
