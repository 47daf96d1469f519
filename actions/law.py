"""Which offences may apply to what happened, where the person lives, and when.

`explain(case, offences)` is a pure function over the person's facts (actions/person.py) and the knowledge base
in data/law/ (loaded by `load_offences`). It never gives legal advice: it lists offences that *may*
apply, each with the conditions that decide it ("If it happened on or after 31 January 2024"), most
relevant first, and says so plainly when no offence clearly applies.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from actions import facts
from actions.person import Facts
from actions.vocabulary import JURISDICTION_OF_NATION, OUTSIDE_UK, PERIOD_YEARS

JURISDICTION_NAMES = {
    "england_and_wales": "England and Wales",
    "scotland": "Scotland",
    "northern_ireland": "Northern Ireland",
}
STATUSES = ("in_force", "enacted_commencement_unconfirmed", "proposed")
# The periods the `when` question offers (data/vocabulary.yml), as date ranges.
PERIODS = {
    period: (dt.date(first, 1, 1) if first else dt.date.min, dt.date(last, 12, 31) if last else dt.date.max)
    for period, (first, last) in PERIOD_YEARS.items()
}
# Dates before this need no mention when we do not know when it happened: almost nothing reaches back so far.
LONG_STANDING = dt.date(2020, 1, 1)
# Offences at or above this relevance are the main ones for a situation: worth a note when too early.
PRIMARY_PRIORITY = 10
# Relevance penalties for offences that apply only if something we were not told turns out one way:
# an offence that certainly applies comes first.
UNKNOWN_FACT_PENALTY = 20
UNCERTAIN_AGE_PENALTY = 20
# What can happen to an image that may be a fake one.
IMAGE_SITUATIONS = frozenset({"shared_without_consent", "threat_to_share"})
# Said when the person told us about fake images and a law does not (clearly) cover fakes.
FAKE_CONDITIONS = {
    "excluded": "If it is a real photo or video of you, not one made sexual by editing or AI",
    "unclear": (
        "If it is a real photo or video of you, or an edited one "
        "(it is unclear whether images made entirely by AI count)"
    ),
}


@dataclass(frozen=True)
class Offence:
    id: str
    jurisdiction: str
    statute: str
    section: str
    # How the person can quote it to the police or a platform: "Sexual Offences Act 2003, section 66B".
    citation: str | None
    title: str
    covers: str
    basis: str
    basis_plain: str
    must_show: tuple[str, ...]
    max_penalty: str
    max_penalty_confirmed: bool
    in_force_from: dt.date | None
    in_force_until: dt.date | None
    status: str
    anonymity: str
    anonymity_confirmed: bool
    situations: frozenset[str]
    image_age: str
    fake_images: str
    priority: int
    how_to_report: str
    sources: tuple[str, ...]
    last_reviewed: dt.date
    needs_demand: bool = False
    threats_from: dt.date | None = None
    only_if: str | None = None
    only_if_fake: str | None = None

    @classmethod
    def from_yaml(cls, entry: dict[str, Any]) -> Offence:
        applies = entry["applies_to"]
        return cls(
            id=entry["id"],
            jurisdiction=entry["jurisdiction"],
            statute=entry["statute"],
            section=entry["section"],
            citation=entry.get("citation"),
            title=entry["title"],
            covers=entry["covers"],
            basis=entry["basis"],
            basis_plain=entry["basis_plain"],
            must_show=tuple(entry["must_show"]),
            max_penalty=entry["max_penalty"],
            max_penalty_confirmed=entry["max_penalty_confirmed"],
            in_force_from=entry["in_force_from"],
            in_force_until=entry["in_force_until"],
            status=entry["status"],
            anonymity=entry["anonymity"],
            anonymity_confirmed=entry["anonymity_confirmed"],
            situations=frozenset(applies["situations"]),
            image_age=applies["image_age"],
            fake_images=applies["fake_images"],
            needs_demand=applies.get("needs_demand", False),
            threats_from=applies.get("threats_from"),
            only_if_fake=applies.get("only_if_fake"),
            only_if=entry.get("only_if"),
            priority=entry["priority"],
            how_to_report=entry["how_to_report"],
            sources=tuple(entry["sources"]),
            last_reviewed=entry["last_reviewed"],
        )


def load_offences(law_dir: Path) -> tuple[Offence, ...]:
    offences: list[Offence] = []
    for path in sorted(law_dir.glob("*.yml")):
        offences += [Offence.from_yaml(entry) for entry in yaml.safe_load(path.read_text(encoding="utf-8"))["offences"]]
    return tuple(offences)


@dataclass(frozen=True)
class Applicable:
    offence: Offence
    # What must be true for it to apply, said before it ("If it happened on or after 31 January 2024").
    conditions: tuple[str, ...] = ()
    relevance: int = 0


@dataclass(frozen=True)
class Explanation:
    jurisdiction: str | None
    # Why nothing can be said yet: "outside_uk", "nation_unknown" or "no_situation"; else None.
    cannot_say: str | None = None
    offences: tuple[Applicable, ...] = ()
    # Proposed laws relevant to the case: never stated as law.
    proposed: tuple[Offence, ...] = ()
    # Offences that would apply but for when it happened ("this law started on ...").
    too_early: tuple[Offence, ...] = ()

    @property
    def none_clearly_applies(self) -> bool:
        """True when no offence applies without a condition (or none applies at all)."""
        return self.cannot_say is None and not any(
            item.offence.status == "in_force" and not item.conditions for item in self.offences
        )


def explain(case: Facts, offences: Iterable[Offence]) -> Explanation:
    if case.nation == OUTSIDE_UK:
        return Explanation(jurisdiction=None, cannot_say="outside_uk")
    jurisdiction = JURISDICTION_OF_NATION.get(case.nation or "")
    if jurisdiction is None:
        return Explanation(jurisdiction=None, cannot_say="nation_unknown")
    situations = set(case.situations) & set(facts.SPECIFIC_SITUATIONS)
    if not situations:
        return Explanation(jurisdiction=jurisdiction, cannot_say="no_situation")

    applicable: list[Applicable] = []
    proposed: list[Offence] = []
    too_early: list[Offence] = []
    for offence in offences:
        if offence.jurisdiction != jurisdiction:
            continue
        outcome = _assess(offence, case, situations)
        if outcome == "too_early":
            if offence.priority <= PRIMARY_PRIORITY:
                too_early.append(offence)
        elif isinstance(outcome, Applicable):
            if offence.status == "proposed":
                proposed.append(offence)
            else:
                applicable.append(outcome)
    # Ties go to what the person told us first ("shared", then "also threatened").
    told_order = {situation: index for index, situation in enumerate(case.situations)}

    def first_told(item: Applicable) -> int:
        return min(told_order.get(situation, len(told_order)) for situation in item.offence.situations)

    applicable.sort(key=lambda item: (item.relevance, item.offence.priority, first_told(item), item.offence.id))
    return Explanation(jurisdiction, None, tuple(applicable), tuple(proposed), tuple(too_early))


def _assess(offence: Offence, case: Facts, situations: set[str]) -> Applicable | str | None:
    matched = offence.situations & situations
    if not matched:
        return None
    conditions: list[str] = []
    relevance = 0

    if offence.image_age == "adult_only" and case.image_under_18:
        return None  # e.g. the deepfake offences: an image of a child is a more serious crime
    if offence.image_age == "under_18_only" and not case.image_under_18:
        if case.image_age_known:
            return None
        conditions.append("If you were under 18 in the images, or they make you look under 18")
        relevance += UNCERTAIN_AGE_PENALTY

    if matched == {"fake_images"}:
        if offence.fake_images == "excluded":
            return None
        if offence.only_if_fake:
            conditions.append(offence.only_if_fake)
            relevance += UNKNOWN_FACT_PENALTY
    elif "fake_images" in situations and matched & IMAGE_SITUATIONS and offence.fake_images != "covered":
        # Fake images were shared or threatened too: a law that excludes fakes, or may not cover them,
        # applies only if the image is real (or, where unclear, edited from a real one). Never say it plainly.
        conditions.append(FAKE_CONDITIONS[offence.fake_images])
        relevance += UNKNOWN_FACT_PENALTY

    # Blackmail needs a demand for money or something else of value; a demand only for more images
    # is not clearly one (Theft Act 1968 s.34(2)(a)), so it stays a condition then.
    if offence.needs_demand and case.demand != "money":
        conditions.append("If they asked for money or something else of value")
        relevance += UNKNOWN_FACT_PENALTY

    dated = _date_conditions(offence, case, matched)
    if dated is None:
        return "too_early" if _starts_after(offence, case) else None
    conditions += dated
    if offence.only_if:
        conditions.append(offence.only_if)
    return Applicable(offence, tuple(conditions), relevance)


def _start(offence: Offence, matched: AbstractSet[str]) -> dt.date | None:
    if matched == {"threat_to_share"} and offence.threats_from:
        return offence.threats_from
    return offence.in_force_from


def _date_conditions(offence: Offence, case: Facts, matched: AbstractSet[str]) -> list[str] | None:
    """The date conditions under which the offence covers the conduct; None if it cannot."""
    start = _start(offence, matched) or dt.date.min
    end = offence.in_force_until or dt.date.max
    period = PERIODS.get(case.when or "")
    if period is None:  # we do not know when: state any date that matters
        conditions = []
        if start >= LONG_STANDING:
            conditions.append(f"If it happened on or after {long_date(start)}")
        if offence.in_force_until:
            conditions.append(f"If it happened before {long_date(end + dt.timedelta(days=1))}")
        return conditions
    # Any overlap counts, however short: the person may have been harmed on exactly those days
    # (sharing on 10 January 2024 falls under the older law, which ended on 30 January).
    if max(period[0], start) > min(period[1], end):
        return None
    conditions = []
    if start > period[0] and start >= LONG_STANDING:
        conditions.append(f"If it happened on or after {long_date(start)}")
    if end < period[1]:
        conditions.append(f"If it happened before {long_date(end + dt.timedelta(days=1))}")
    return conditions


def _starts_after(offence: Offence, case: Facts) -> bool:
    period = PERIODS.get(case.when or "")
    return bool(period and offence.in_force_from and offence.in_force_from > period[1])


def long_date(day: dt.date) -> str:
    """31 January 2024"""
    return f"{day.day} {day:%B %Y}"
