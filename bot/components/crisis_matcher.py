"""Finds crisis phrases (suicide, self-harm, immediate danger) in a message, tolerant of misspellings.

Pure Python with no Rasa imports, so it can be tested and reused on its own. The Rasa component in
`crisis_safety_net.py` wraps it. Recall matters more than precision here: a false alarm shows helplines
to someone who did not need them; a miss leaves someone in danger without them.

How text is read (the message and the lexicon alike, so either spelling can be used in the lexicon):
- Accents dropped ("tŷ" -> "ty"), lower-cased, apostrophes dropped ("don't" -> "dont"), everything
  else that is not a letter or digit becomes a space. Repeated letters are collapsed ("killl" -> "kil",
  "kill" -> "kil").
- Contractions and texting shorthand are spelt out (`_EXPANSIONS`): "he'll"/"hell" -> "he will",
  "he'd" -> "he would", "dont" -> "do not", "im" -> "i am", "wanna" -> "want to", "gonna" -> "going to",
  "u" -> "you", "2" -> "to". So "he'll kill me", "he will kill me" and "hell kill me" read the same.

How a phrase word matches a message word:
- Typos: words of up to 3 letters must be exact; 4 letters may have two neighbouring letters swapped
  ("slef" for "self"); 5 to 8 letters may be one edit out; 9 or more, two. The first letter must be
  right (or swapped with the second). A correctly spelt ordinary word that is that close ("overdone" to
  "overdose", "chose" to "choke", "struggling" to "strangling") never counts as a typo (`ORDINARY_WORDS`).
- A phrase word may match two message words joined ("my self", "my slef"; not when the second has
  fewer than 3 letters, or "exist in" would read as "existing"), and two phrase words may match one
  message word, spelt exactly ("selfharm", "anymore" for "any more").

Phrase syntax, one phrase per lexicon line:
  word       the word, typo-tolerant as above
  word+      the word or the word with an ending: "cut+" matches cuts, cutting, cutted, cutin;
             "choke+" matches choked, choking (endings s, es, d, ed, en, t, ing, in)
  a|b|c      any one of these
  a_b        several words as one choice: "going_to|about_to"
  x?         the whole slot is optional: "my|our? house"
  *          up to two words of any kind except a negation (not, never, no, ever; Welsh dim/ddim,
             byth, nid, nad, heb), so
             "he * will * hurt me" matches "he said he will really hurt me" but not "he will never hurt me"
  #          a number of five or more, in digits or words ("took 30 pills", "took twenty tablets");
             also usable as one choice: "all|loads|#"
  !a|b       the next word must not be this (takes up no word; the end of the message is fine):
             "in danger !of" matches "I'm in danger" but not "in danger of failing"
  @name      a named set from the lexicon's `word_sets`, spelt out before parsing (`expand_word_sets`)

Speed: for each message word, the words that can open a phrase are matched once, and a phrase is only
tried where its opening word matched; a choice only tries the options that can start with the letter
at hand. A typical message takes a couple of milliseconds; the longest the channels accept (2,000
characters) about a tenth of a second.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Union

WILDCARD = "*"
NUMBER = "#"
MAX_WILDCARD_WORDS = 2
MIN_NUMBER = 5

_APOSTROPHES = re.compile(r"['\u2019\u2018`\u00b4]")
_NON_WORD = re.compile(r"[^a-z0-9]+")
_REPEATS = re.compile(r"(.)\1+")
_WORD_SET = re.compile(r"@([a-z_]+)")


def _collapse(word: str) -> str:
    return _REPEATS.sub(r"\1", word)


# Written as people type them; keys and values go through the same collapsing as messages do.
# Only forms whose other meanings are harmless here: "hell" -> "he will" leaves "what the hell" as
# "what the he will", which no phrase matches; "well" (we'll) and "were" (we're) are left alone.
_EXPANSION_SOURCE: dict[str, str] = {
    "im": "i am",
    "ive": "i have",
    "ill": "i will",
    "id": "i would",
    "youre": "you are",
    "youve": "you have",
    "youll": "you will",
    "youd": "you would",
    "hes": "he is",
    "hell": "he will",
    "hed": "he would",
    "shes": "she is",
    "shell": "she will",
    "shed": "she would",
    "theyre": "they are",
    "theyve": "they have",
    "theyll": "they will",
    "theyd": "they would",
    "itll": "it will",
    "dont": "do not",
    "dnt": "do not",
    "cnt": "can not",
    "doesnt": "does not",
    "didnt": "did not",
    "cant": "can not",
    "cannot": "can not",
    "couldnt": "could not",
    "wont": "will not",
    "wouldnt": "would not",
    "shouldnt": "should not",
    "isnt": "is not",
    "arent": "are not",
    "wasnt": "was not",
    "werent": "were not",
    "havent": "have not",
    "hasnt": "has not",
    "hadnt": "had not",
    "aint": "am not",
    "wanna": "want to",
    "wnt": "want",
    "wan": "want",
    "wna": "want to",
    "gonna": "going to",
    "gunna": "going to",
    "ganna": "going to",
    "gna": "going to",
    "finna": "going to",
    "imma": "i am going to",
    "tryna": "trying to",
    "gotta": "got to",
    "goin": "going",
    "u": "you",
    "r": "are",
    "b": "be",
    "2": "to",
    "4": "for",
    "bout": "about",
    "abt": "about",
    "wud": "would",
    "cud": "could",
    "shud": "should",
    "rn": "right now",
    "nite": "night",
    "tonite": "tonight",
    "2nite": "tonight",
    "2night": "tonight",
    "tmrw": "tomorrow",
    "tmr": "tomorrow",
    "2moro": "tomorrow",
    "2morrow": "tomorrow",
    "every1": "everyone",
    "some1": "someone",
    "no1": "no one",
    "any1": "anyone",
}
_EXPANSIONS: dict[str, tuple[str, ...]] = {
    _collapse(short): tuple(_collapse(word) for word in full.split()) for short, full in _EXPANSION_SOURCE.items()
}

# Correctly spelt words within typo distance of a lexicon word, each of which would otherwise be read
# as a misspelling of it. Found by comparing the lexicon with an English word list; kept are those that
# could complete a phrase in an ordinary message. "lexicon word: ordinary words" on each line.
_ORDINARY_WORDS_SOURCE = """
    overdose: overdone overdoing overdue
    sexually: sexual
    strangle, strangling: struggle struggled struggles struggling straggle straggled straggling stranded
    strangle, strangling: stranding stringing spangled stranger strangers strangely
    dying: doing drying dyeing
    living, lives: loving liking lining liming likes loves lies lines liked loved
    alive: alike arrive
    exist: exit exits exited exiting
    taking, taken: talking taping taxing tacking taming token take takes
    waiting: wanting writing wasting
    coming: coping coding combing
    threat: treat treats treated treating throat
    scared: shared share shares sharing stared sacred scored spared
    raped: raced raged raked reaped rasped
    stabbed: stayed stared staged stated stabled
    slapped: shaped slated sloped
    drown: down drawn
    starve: start starts started starting stare staring
    crash: cash crush crushed crushing clash
    smack: sack sacked sacking snack stack stacked slack shack
    thump, stamp: thumb thumbed trump swamp stump stomp
    attack: aback tack tacked attach attached
    choke: coke coked chose chore chores
    carve: care cared cares caring cave caved crave craved curve curved carpet
    scald: scold scolded scolding scale scaled
    blade: blame blamed blames blaming blaze blazed
    bleach, house, wrist: beach breach horse waist
    point: paint painting print printed pint
    ready: read reads really
    whole, bottle: while whale whose battle
    downed, necked: dawned nicked
    planned: played playing placed placing planted planting
    killed: kissed kissing kited
    hiding, heading: hiking hiring healing hearing heating
    trapped: traded trading traced
    police, medication, packet: policy polite mediation meditation packed pocket
    saving: saying shaving
    injure: insured insure insures insuring incur incurred
    worth, bother, brought, poison: worthy brother bought prison
    danger: anger
    broke: broker brokers
    drugged: dragged dragging
    punch: lunch bunch hunch
    shoot, batter, tablet: shout shook better tables
"""
ORDINARY_WORDS: frozenset[str] = frozenset(
    _collapse(word) for line in _ORDINARY_WORDS_SOURCE.strip().splitlines() for word in line.split(":")[1].split()
)

# Words a `*` gap never passes over, so that "he will never hurt me" is not read as a threat. The Welsh
# ones ("dim"/"ddim" not, "byth" never, "nid"/"nad" not, "heb" not yet) do the same for Welsh phrases.
_NEGATIONS = frozenset({"not", "never", "no", "ever", "dim", "byth", "nid", "nad", "heb"})

_NUMBER_WORDS = frozenset(
    _collapse(word)
    for word in [
        "five",
        "six",
        "seven",
        "eight",
        "nine",
        "ten",
        "eleven",
        "twelve",
        "thirteen",
        "fourteen",
        "fifteen",
        "sixteen",
        "seventeen",
        "eighteen",
        "nineteen",
        "twenty",
        "thirty",
        "forty",
        "fifty",
        "sixty",
        "seventy",
        "eighty",
        "ninety",
        "hundred",
        "hundreds",
        "dozen",
        "dozens",
    ]
)

_ENDINGS = ("ing", "in", "ed", "es", "en", "s", "d", "t")


def normalise(text: str) -> list[str]:
    """Returns the words of `text` in the matcher's canonical form."""
    # Accents are dropped ("tŷ" -> "ty", "fiancée" -> "fiancee"): Welsh is often typed without them.
    text = unicodedata.normalize("NFKD", text)
    text = "".join(character for character in text if not unicodedata.combining(character)).lower()
    text = _APOSTROPHES.sub("", text)
    text = _NON_WORD.sub(" ", text)
    words: list[str] = []
    for word in text.split():
        word = _collapse(word)
        words.extend(_EXPANSIONS.get(word, (word,)))
    return words


def _allowed_edits(word: str) -> int:
    if len(word) <= 4:
        return 0
    if len(word) <= 8:
        return 1
    return 2


def _edit_distance_within(a: str, b: str, limit: int) -> bool:
    """True if a and b differ by at most `limit` insertions, deletions, substitutions or swaps."""
    if abs(len(a) - len(b)) > limit:
        return False
    if limit == 0:
        return a == b
    if limit == 1:
        return _one_edit_apart(a, b)
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


def _one_edit_apart(a: str, b: str) -> bool:
    """True if a and b are equal or one insertion, deletion, substitution or swap apart (fast path)."""
    if a == b:
        return True
    start = 0
    while start < min(len(a), len(b)) and a[start] == b[start]:
        start += 1
    if len(a) == len(b):
        return a[start + 1 :] == b[start + 1 :] or (
            a[start + 2 :] == b[start + 2 :] and a[start : start + 2] == b[start : start + 2][::-1]
        )
    if len(a) == len(b) + 1:
        return a[start + 1 :] == b[start:]
    if len(b) == len(a) + 1:
        return b[start + 1 :] == a[start:]
    return False


def _one_swap_apart(a: str, b: str) -> bool:
    """True if b is a with two neighbouring letters swapped ("slef" for "self")."""
    if len(a) != len(b):
        return False
    differences = [i for i in range(len(a)) if a[i] != b[i]]
    if len(differences) != 2 or differences[1] != differences[0] + 1:
        return False
    i, j = differences
    return a[i] == b[j] and a[j] == b[i]


@lru_cache(maxsize=65536)
def words_match(lexicon_word: str, message_word: str) -> bool:
    """True if a message word is the lexicon word, allowing for a typo or two in longer words."""
    if lexicon_word == message_word:
        return True
    if message_word in ORDINARY_WORDS or not message_word:
        return False
    if lexicon_word[0] != message_word[0] and lexicon_word[:2] != message_word[1::-1]:
        return False  # typos rarely hit the first letter, and this keeps "giving" from reading as "living"
    if len(lexicon_word) == 4:
        return _one_swap_apart(lexicon_word, message_word)
    return _edit_distance_within(lexicon_word, message_word, _allowed_edits(lexicon_word))


@lru_cache(maxsize=65536)
def _inflection_matches(lexicon_word: str, message_word: str) -> bool:
    """True if the message word is the lexicon word with a common ending: cut -> cutting, choke -> choked."""
    if words_match(lexicon_word, message_word):
        return True
    bases = _bases(lexicon_word)
    for stem in _stems(message_word):
        if stem in bases:
            return True
        # A typo in the stem, but never an ordinary word such as "attached" for "attack+".
        if message_word not in ORDINARY_WORDS and any(words_match(base, stem) for base in bases):
            return True
    return False


def _bases(lexicon_word: str) -> tuple[str, ...]:
    if lexicon_word.endswith("e") and len(lexicon_word) > 3:
        return (lexicon_word, lexicon_word[:-1])  # choke -> chok|ed, starve -> starv|ing
    return (lexicon_word,)


def _stems(message_word: str) -> list[str]:
    return [message_word[: -len(e)] for e in _ENDINGS if message_word.endswith(e) and len(message_word) - len(e) >= 2]


@dataclass(frozen=True, eq=False)
class _Word:
    """A lexicon word. One object per (text, inflected), so sets of them hash by identity (see `_word`)."""

    text: str
    inflected: bool = False

    def matches(self, message_word: str) -> bool:
        if self.inflected:
            return _inflection_matches(self.text, message_word)
        return words_match(self.text, message_word)

    def matches_split(self, first: str, second: str) -> bool:
        """True if two message words joined are this word ("my self", "un alive"). Only words of five
        letters or more are written split, and only a joined length near this word's can match."""
        joined_length = len(first) + len(second)
        if len(self.text) < 5 or not len(self.text) - 2 <= joined_length <= len(self.text) + 5:
            return False
        return self.matches(first + second)

    def matches_exactly(self, message_word: str) -> bool:
        """No typo allowed: for two phrase words written as one ("selfharm"), where typos go too far."""
        if message_word == self.text:
            return True
        return self.inflected and any(stem in _bases(self.text) for stem in _stems(message_word))

    def start_letters(self) -> frozenset[str]:
        """The first letter of any message word this can match (typos never change it, swaps aside)."""
        return frozenset(self.text[:2] if len(self.text) >= 4 else self.text[:1])


_WORDS: dict[tuple[str, bool], _Word] = {}


def _word(text: str, inflected: bool = False) -> _Word:
    return _WORDS.setdefault((text, inflected), _Word(text, inflected))


class _Choice:
    """One of several word sequences; an empty sequence makes the slot optional."""

    def __init__(self, options: tuple[tuple[_Word | _Number, ...], ...]) -> None:
        self.options = options
        starts = [_start_letters(option) for option in options]
        # Only the options that can start with a word's first letter are worth trying there.
        self._anywhere = tuple(option for option, letters in zip(options, starts, strict=True) if letters is None)
        self._by_letter = {
            letter: tuple(
                option for option, letters in zip(options, starts, strict=True) if letters is None or letter in letters
            )
            for letter in set().union(*(letters for letters in starts if letters is not None))
        }

    def options_at(self, word: str | None) -> tuple[tuple[_Word | _Number, ...], ...]:
        """The options that could match starting at this word (None: the end of the message)."""
        if word is None:
            return self._anywhere
        return self._by_letter.get(word[0], self._anywhere)


@dataclass(frozen=True)
class _NotNext:
    """Takes up no word: the phrase fails if one of these sequences starts here."""

    options: tuple[tuple[_Word | _Number, ...], ...]


class _Gap:
    """Up to MAX_WILDCARD_WORDS words of any kind except a negation."""


class _Number:
    """A number of MIN_NUMBER or more, in digits or words."""


_GAP = _Gap()
_NUMBER = _Number()
_Item = Union[_Word, _Choice, _NotNext, _Gap, _Number]


def _parse_options(body: str, phrase: str) -> tuple[tuple[_Word | _Number, ...], ...]:
    options: list[tuple[_Word | _Number, ...]] = []
    for option in body.split("|"):
        words: list[_Word | _Number] = []
        for part in option.split("_"):
            if part == NUMBER:
                words.append(_NUMBER)
                continue
            inflected = part.endswith("+")
            parsed = normalise(part.rstrip("+"))
            words.extend(_word(word) for word in parsed[:-1])
            if parsed:
                words.append(_word(parsed[-1], inflected))
        if not words:
            raise ValueError(f"An empty choice in crisis phrase {phrase!r}")
        options.append(tuple(words))
    return tuple(options)


def _parse_token(token: str, phrase: str) -> list[_Item]:
    if token == WILDCARD:
        return [_GAP]
    if token == NUMBER:
        return [_NUMBER]
    if token.startswith("!"):
        return [_NotNext(_parse_options(token[1:], phrase))]
    if "@" in token:
        raise ValueError(f"Unknown word set in crisis phrase {phrase!r} (see expand_word_sets)")
    optional = token.endswith("?")
    options = _parse_options(token[:-1] if optional else token, phrase)
    if optional:
        return [_Choice(options + ((),))]
    if len(options) == 1:
        return list(options[0])
    return [_Choice(options)]


def _start_letters(items: tuple[_Item, ...]) -> frozenset[str] | None:
    """Letters a match of these items can start with; None if it can start with anything."""
    first = _first_words(items)
    return None if first is None else frozenset().union(*(word.start_letters() for word in first))


def _first_words(items: tuple[_Item, ...]) -> frozenset[_Word] | None:
    """The lexicon words a match of these items can start with; None if it can start with anything."""
    if not items:
        return None
    head, rest = items[0], items[1:]
    if isinstance(head, _Word):
        return frozenset([head])
    if isinstance(head, _NotNext):
        return _first_words(rest)
    if isinstance(head, _Choice):
        words: set[_Word] = set()
        for option in head.options:
            found = _first_words(option + rest)
            if found is None:
                return None
            words |= found
        return frozenset(words)
    return None  # a gap or a number


@dataclass(frozen=True)
class CrisisPhrase:
    category: str
    text: str
    items: tuple[_Item, ...]
    first_words: frozenset[_Word] | None

    @classmethod
    def parse(cls, category: str, phrase: str) -> CrisisPhrase:
        items: list[_Item] = []
        for token in phrase.split():
            items.extend(_parse_token(token, phrase))
        if not any(isinstance(item, (_Word, _Choice, _Number)) for item in items):
            raise ValueError(f"A crisis phrase needs at least one word: {phrase!r}")
        return cls(category, phrase, tuple(items), _first_words(tuple(items)))


@dataclass(frozen=True)
class CrisisMatch:
    """What matched: the category and the lexicon phrase, never the person's own words."""

    category: str
    phrase: str


def expand_word_sets(
    categories: Mapping[str, Sequence[str]], word_sets: Mapping[str, str] | None = None
) -> dict[str, list[str]]:
    """Spells out `@name` in every phrase with the named set ("@victim" -> "me|us|my_kids").

    A set may use other sets. Raises ValueError for a set that is not defined."""
    sets = {str(name): str(value) for name, value in (word_sets or {}).items()}

    def spell_out(text: str, depth: int = 0) -> str:
        if depth > 10:
            raise ValueError(f"Word sets refer to each other in a loop: {text!r}")

        def replace(found: re.Match[str]) -> str:
            name = found.group(1)
            if name not in sets:
                raise ValueError(f"Unknown word set @{name} in crisis phrase {text!r}")
            return spell_out(sets[name], depth + 1)

        return _WORD_SET.sub(replace, text)

    return {str(category): [spell_out(str(phrase)) for phrase in phrases] for category, phrases in categories.items()}


class CrisisMatcher:
    def __init__(self, phrases: Iterable[CrisisPhrase]) -> None:
        self._phrases = tuple(phrases)
        # Every word a phrase can start with, by the letters of message words it could match.
        by_letter: dict[str, set[_Word]] = {}
        for phrase in self._phrases:
            for word in phrase.first_words or ():
                for letter in word.start_letters():
                    by_letter.setdefault(letter, set()).add(word)
        self._first_words_by_letter = {letter: tuple(words) for letter, words in by_letter.items()}

    @classmethod
    def from_lexicon(
        cls, lexicon: Mapping[str, Sequence[str]], word_sets: Mapping[str, str] | None = None
    ) -> CrisisMatcher:
        """Builds a matcher from {category: [phrase, ...]}, with `@name` sets spelt out from `word_sets`."""
        expanded = expand_word_sets(lexicon, word_sets)
        return cls(CrisisPhrase.parse(category, phrase) for category, phrases in expanded.items() for phrase in phrases)

    def find(self, text: str) -> CrisisMatch | None:
        """Returns the first lexicon phrase found in `text`, or None."""
        message = _Message(normalise(text))
        # Which phrase-opening words match at each position, worked out once: most phrases cannot
        # start at most words, and this finds that without trying them.
        words = message.words
        starts: list[frozenset[_Word]] = []
        alone: dict[str, frozenset[_Word]] = {}
        for w, word in enumerate(words):
            candidates = self._first_words_by_letter.get(word[0], ())
            if word not in alone:
                # the word itself, or the start of a joined one ("selfharm" for "self harm")
                alone[word] = frozenset(c for c in candidates if message.matches(c, w) or word.startswith(c.text))
            split = frozenset(c for c in candidates if _can_join(words, w) and c.matches_split(word, words[w + 1]))
            starts.append(alone[word] | split)
        for phrase in self._phrases:
            for start in range(len(words)):
                if phrase.first_words is not None and phrase.first_words.isdisjoint(starts[start]):
                    continue
                if _matches_at(phrase.items, message, start):
                    return CrisisMatch(phrase.category, phrase.text)
        return None


class _Message:
    """A message's words, with which lexicon words match each one worked out once."""

    def __init__(self, words: list[str]) -> None:
        self.words = words
        self._matched: dict[tuple[_Word, str], bool] = {}

    def matches(self, word: _Word, w: int) -> bool:
        key = (word, self.words[w])
        found = self._matched.get(key)
        if found is None:
            found = self._matched[key] = word.matches(self.words[w])
        return found


def _can_join(words: list[str], w: int) -> bool:
    """Whether words w and w+1 may be read as one ("my self", "un alive"): not with a short second
    word, or "exist in" would read as "existing"."""
    return w + 1 < len(words) and len(words[w + 1]) >= 3


def _is_number(word: str) -> bool:
    if word.isdigit():
        return int(word) >= MIN_NUMBER
    return word in _NUMBER_WORDS


def _matches_at(items: tuple[_Item, ...], message: _Message, w: int) -> bool:
    """True if the phrase items match the message starting exactly at its word w."""
    if not items:
        return True
    words = message.words
    head, rest = items[0], items[1:]
    if isinstance(head, _Gap):
        for skipped in range(MAX_WILDCARD_WORDS + 1):
            if skipped and (w + skipped > len(words) or words[w + skipped - 1] in _NEGATIONS):
                break
            if _matches_at(rest, message, w + skipped):
                return True
        return False
    if isinstance(head, _NotNext):
        return not any(_matches_at(option, message, w) for option in head.options) and _matches_at(rest, message, w)
    if isinstance(head, _Choice):
        options = head.options_at(words[w] if w < len(words) else None)
        return any(_matches_at(option + rest, message, w) for option in options)
    if w >= len(words):
        return False
    if isinstance(head, _Number):
        return _is_number(words[w]) and _matches_at(rest, message, w + 1)
    if message.matches(head, w) and _matches_at(rest, message, w + 1):
        return True
    # "my self" (or "my slef") written for "myself"
    if _can_join(words, w) and head.matches_split(words[w], words[w + 1]) and _matches_at(rest, message, w + 2):
        return True
    # "selfharm" written for "self harm", "anymore" for "any more"
    if rest and words[w].startswith(head.text):
        following = rest[0].options if isinstance(rest[0], _Choice) else ((rest[0],),)
        for option in following:
            if option and isinstance(option[0], _Word):
                joined = _word(head.text + option[0].text, option[0].inflected)
                if joined.matches_exactly(words[w]) and _matches_at(option[1:] + rest[1:], message, w + 1):
                    return True
    return False
