"""Turns what NLU extracted (an entity value, a button value, a typed number) into the canonical facts
that later steps rely on. Pure functions, no Rasa: the canonical values are those of data/vocabulary.yml
(actions/vocabulary.py). Each returns None when the value cannot be used, so the question is asked again
rather than a wrong fact being stored.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable
from typing import Any

# Re-exported for the modules and tests that read them here.
from actions.vocabulary import (  # noqa: F401
    ADULT_AGE,
    AGE_BOUNDS,
    AGE_GROUPS,
    AGES_AT_IMAGE,
    DEMANDS,
    GOALS,
    NATIONS,
    NOT_SAID,
    NOT_SURE,
    PERIOD_YEARS,
    PERPETRATORS,
    PLATFORM_ANSWERS,
    PLATFORMS,
    SITUATIONS,
    SPECIFIC_SITUATIONS,
    UNDER_18_AGE_GROUPS,
    WHEN,
)

_NUMBER = re.compile(r"\b\d{1,3}\b")
_YEAR = re.compile(r"(?:19|20)\d{2}")


def _flatten(value: Any) -> list[Any]:
    """Slot values may arrive as a value, a list, or (from list slots) a list of lists."""
    if isinstance(value, (list, tuple)):
        return [item for part in value for item in _flatten(part)]
    return [value]


def _canonical(value: Any) -> str:
    return str(value).strip().lower().replace(" ", "_")


def one_of(value: Any, allowed: Iterable[str]) -> str | None:
    """The value as a canonical id ("Wales" -> "wales") if it is one of `allowed`, else None."""
    if value is None:
        return None
    candidate = _canonical(value)
    return candidate if candidate in allowed else None


def _given_or_by_age(value: Any, allowed: Iterable[str], by_age: Callable[[int], str]) -> str | None:
    """The canonical value given (a button), else the one for the age the value holds ("I'm 16", 16)."""
    known = one_of(value, allowed)
    if known:
        return known
    age = _age_in(value)
    return None if age is None else by_age(age)


def age_group(value: Any) -> str | None:
    """A band from a button value ("13_15"), a number (16) or a phrase with one ("I'm 16")."""
    return _given_or_by_age(
        value, AGE_GROUPS, lambda age: next(g for g, (low, high) in AGE_BOUNDS.items() if low <= age <= high)
    )


_THIRD_PERSON = re.compile(r"^\s*(?:he|she|they)\b", re.I)
_FIRST_PERSON = re.compile(r"^\s*(?:i\b|i'?m\b|im\b)", re.I)


def whose_age(value: Any) -> str:
    """ "self" for "I'm 15", "other" for "he's 14", "either" for "15" or "aged 15"."""
    text = str(value)
    if _FIRST_PERSON.match(text):
        return "self"
    if _THIRD_PERSON.match(text):
        return "other"
    return "either"


def age_for_role(candidates: list[Any], supporter: bool) -> Any:
    """The age that is about the person it happened to: a supporter's "I'm 45" is their own age, and a
    survivor's "he's 40" is the age of the person who did it. None if no candidate fits."""
    unwanted = "self" if supporter else "other"
    return next((candidate for candidate in candidates if whose_age(candidate) != unwanted), None)


def fits_age_rule(group: str | None, age_min: int | None, age_max: int | None) -> bool | None:
    """Whether everyone in the age group is within the service's ages; None when the age is not known.
    Containment, not overlap: Childline (up to 18) is never for someone known only to be "18 or over"."""
    bounds = AGE_BOUNDS.get(group or "")
    if bounds is None:
        return None
    return (age_min is None or bounds[0] >= age_min) and (age_max is None or bounds[1] <= age_max)


def is_under_18(group: str | None) -> bool:
    return group in UNDER_18_AGE_GROUPS


def young_person(group: str | None) -> bool | None:
    """True under 18, False 18 or over, None while the age is not known (not asked, or "rather not say")."""
    if group not in AGE_BOUNDS:
        return None
    return is_under_18(group)


def age_at_image(value: Any) -> str | None:
    """under_18 or 18_plus from a button value, a yes/no mapping, or "I was 15"."""
    return _given_or_by_age(value, AGES_AT_IMAGE, lambda age: "under_18" if age < ADULT_AGE else "18_plus")


def _age_in(value: Any) -> int | None:
    if value is None or isinstance(value, bool):
        return None
    match = _NUMBER.search(str(value))
    if not match:
        return None
    age = int(match.group())
    # Nobody under 5 or over 110 is typing to us; such a number is more likely a slip or not an age.
    return age if 5 <= age <= 110 else None


def nation(value: Any) -> str | None:
    return one_of(value, NATIONS)


def when(value: Any, today: dt.date) -> str | None:
    """A period from a button value, a year ("2023"), or a phrase id from the NLU synonyms.

    Periods follow the dates the law changed in England and Wales: 31 January 2024 (sharing offences)
    and early 2026 (creating deepfakes). A year on a boundary counts as the later period; the offence
    explainer words the boundary cases carefully.
    """
    known = one_of(value, WHEN)
    if known:
        return known
    phrase = _canonical(value) if value is not None else ""
    if phrase in _DAYS_AGO:
        return _period_of_year((today - dt.timedelta(days=_DAYS_AGO[phrase])).year)
    if phrase == "this_year":
        return _period_of_year(today.year)
    if phrase == "last_year":
        return _period_of_year(today.year - 1)
    if phrase == "years_ago":
        return NOT_SURE
    year_match = _YEAR.search(str(value))
    if year_match:
        year = int(year_match.group())
        if year > today.year:
            return None
        return _period_of_year(year)
    return None


# Rough ages of the phrase ids the NLU synonyms produce (data/nlu/lookups.yml): "last week" is recent,
# "a couple of months ago" may fall in the previous year early in a year.
_DAYS_AGO = {"recent": 14, "last_month": 31, "months_ago": 120}


def _period_of_year(year: int) -> str:
    return next(
        period
        for period, (first, last) in PERIOD_YEARS.items()
        if (first is None or year >= first) and (last is None or year <= last)
    )


def perpetrator(value: Any) -> str | None:
    return one_of(value, PERPETRATORS)


def platforms(value: Any) -> list[str] | None:
    """Known platform ids, in the order given, without repeats; None if nothing usable was given."""
    found: list[str] = []
    for item in _flatten(value):
        candidate = one_of(item, PLATFORMS + PLATFORM_ANSWERS)
        if candidate and candidate not in found:
            found.append(candidate)
    # "not online" and a named platform together: the named platform is the useful fact.
    named = [item for item in found if item in PLATFORMS]
    if named:
        return named
    return found[:1] or None


def goal(value: Any) -> str | None:
    return one_of(value, GOALS)


def demand(value: Any) -> str | None:
    known = one_of(value, DEMANDS)
    if known:
        return known
    # "£500" from the money regex
    return "money" if value is not None and "£" in str(value) else None


def situations(value: Any) -> list[str]:
    """Known situation ids from a list or a single value, in order, without repeats."""
    found: list[str] = []
    for item in _flatten(value):
        candidate = one_of(item, SITUATIONS)
        if candidate and candidate not in found:
            found.append(candidate)
    return found


def merge_situations(previous: list[str], new: list[str]) -> list[str]:
    """Adds new situations to what was said before. A specific situation replaces a placeholder
    (not sure / not said), and a placeholder never hides a specific one."""
    merged = [item for item in previous + new if item in SPECIFIC_SITUATIONS]
    merged = list(dict.fromkeys(merged))
    if merged:
        return merged
    placeholders = [item for item in new + previous if item not in SPECIFIC_SITUATIONS]
    return placeholders[:1]
