"""Finds crisis phrases (suicide, self-harm, immediate danger) in a message, tolerant of misspellings.

Pure Python with no Rasa imports, so it can be tested and reused on its own. The Rasa component in
`crisis_safety_net.py` wraps it. Recall matters more than precision here: a false alarm shows helplines
to someone who did not need them; a miss leaves someone in danger without them.

How a phrase matches:
- Text is lower-cased, apostrophes dropped ("don't" -> "dont") and everything else that is not a letter
  or digit becomes a space. Repeated letters are collapsed ("killl" -> "kil", "kill" -> "kil"), on both
  the lexicon and the message, so stretched or doubled letters never matter.
- Each word may be misspelt by one edit (two for long words); short words must match exactly.
- A phrase word may match two message words joined ("my self") and two phrase words may match one
  message word ("selfharm").
- `*` in a phrase stands for up to two words of any kind ("want to * die" matches "want to just die").
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterable, Mapping, Sequence

WILDCARD = "*"
MAX_WILDCARD_WORDS = 2

_APOSTROPHES = re.compile(r"['\u2019\u2018`]")
_NON_WORD = re.compile(r"[^a-z0-9]+")
_REPEATS = re.compile(r"(.)\1+")


def normalise(text: str) -> list[str]:
    """Returns the words of `text` in the matcher's canonical form."""
    text = unicodedata.normalize("NFKC", text).lower()
    text = _APOSTROPHES.sub("", text)
    text = _NON_WORD.sub(" ", text)
    return [_REPEATS.sub(r"\1", word) for word in text.split()]


def _allowed_edits(word: str) -> int:
    if len(word) <= 4:
        return 0
    if len(word) <= 7:
        return 1
    return 2


def _edit_distance_within(a: str, b: str, limit: int) -> bool:
    """True if a and b differ by at most `limit` insertions, deletions, substitutions or swaps."""
    if abs(len(a) - len(b)) > limit:
        return False
    if limit == 0:
        return a == b
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        current = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                current[j] = min(current[j], previous2[j - 2] + 1)
        if min(current) > limit:
            return False
        previous2, previous = previous, current
    return previous[-1] <= limit


@lru_cache(maxsize=65536)
def words_match(lexicon_word: str, message_word: str) -> bool:
    """True if a message word is the lexicon word, allowing for a typo or two in longer words."""
    return _edit_distance_within(lexicon_word, message_word, _allowed_edits(lexicon_word))


@dataclass(frozen=True)
class CrisisPhrase:
    category: str
    words: tuple[str, ...]

    @classmethod
    def parse(cls, category: str, phrase: str) -> "CrisisPhrase":
        words: list[str] = []
        for part in phrase.split():
            words.extend([WILDCARD] if part == WILDCARD else normalise(part))
        if all(word == WILDCARD for word in words):
            raise ValueError(f"A crisis phrase needs at least one word: {phrase!r}")
        return cls(category, tuple(words))


@dataclass(frozen=True)
class CrisisMatch:
    """What matched: the category and the lexicon phrase, never the person's own words."""

    category: str
    phrase: str


class CrisisMatcher:
    def __init__(self, phrases: Iterable[CrisisPhrase]) -> None:
        self._phrases = tuple(phrases)

    @classmethod
    def from_lexicon(cls, lexicon: Mapping[str, Sequence[str]]) -> "CrisisMatcher":
        """Builds a matcher from {category: [phrase, ...]}."""
        return cls(CrisisPhrase.parse(category, phrase) for category, phrases in lexicon.items() for phrase in phrases)

    def find(self, text: str) -> CrisisMatch | None:
        """Returns the first lexicon phrase found in `text`, or None."""
        words = normalise(text)
        for phrase in self._phrases:
            for start in range(len(words)):
                if _matches_at(phrase.words, 0, words, start):
                    return CrisisMatch(phrase.category, " ".join(phrase.words))
        return None


def _matches_at(phrase: tuple[str, ...], p: int, words: list[str], w: int) -> bool:
    """True if phrase[p:] matches the message starting exactly at words[w]."""
    if p == len(phrase):
        return True
    if phrase[p] == WILDCARD:
        return any(
            _matches_at(phrase, p + 1, words, w + skipped)
            for skipped in range(MAX_WILDCARD_WORDS + 1)
            if w + skipped <= len(words)
        )
    if w >= len(words):
        return False
    if words_match(phrase[p], words[w]) and _matches_at(phrase, p + 1, words, w + 1):
        return True
    # "my self" written for "myself"
    if w + 1 < len(words) and words_match(phrase[p], words[w] + words[w + 1]):
        if _matches_at(phrase, p + 1, words, w + 2):
            return True
    # "selfharm" written for "self harm"
    if p + 1 < len(phrase) and phrase[p + 1] != WILDCARD:
        if words_match(phrase[p] + phrase[p + 1], words[w]) and _matches_at(phrase, p + 2, words, w + 1):
            return True
    return False
