"""Chooses the first few next steps for the closing summary from the facts collected.

A pure function over the facts and the service directory (data/services/core.yml). Service routing
with opening hours and platform steps (issue 4) will grow out of this; the age rules here are the
ones that must never be wrong: StopNCII only for images taken at 18 or over, Report Remove and
Take It Down for images of under-18s, and never "save a screenshot" for an under-18 image.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from actions import facts

MAX_STEPS = 5


@dataclass(frozen=True)
class Facts:
    situations: tuple[str, ...] = ()
    age_group: str | None = None
    age_at_image: str | None = None
    nation: str | None = None
    goal: str | None = None
    supporter: bool = False
    platforms: tuple[str, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class Step:
    """A template key from data/content/summary.yml and the service it names, if any."""

    template: str
    service: str | None = None


def next_steps(case: Facts) -> list[Step]:
    situations = set(case.situations)
    images_of_them = bool(situations - {"cyberflashing"}) or not situations
    under_18_now = facts.is_under_18(case.age_group)
    image_under_18 = under_18_now or case.age_at_image == "under_18"
    image_age_unknown = not image_under_18 and case.age_at_image != "18_plus"

    steps: list[Step] = []
    if "threat_to_share" in situations:
        steps.append(Step("threat_first"))
    if images_of_them:
        if under_18_now:
            steps += [Step("under_18_remove", "report_remove"), Step("under_18_evidence")]
        elif image_under_18:
            steps += [Step("under_18_hash", "take_it_down"), Step("under_18_evidence")]
        else:
            only_fake = situations == {"fake_images"}
            # StopNCII's own sources conflict on AI-made images, so it is not suggested for them alone.
            if not only_fake:
                steps.append(Step("adult_hash", "stopncii"))
            if image_age_unknown:
                steps.append(Step("under_18_hash", "take_it_down"))
    if under_18_now:
        steps.append(Step("young_helpline", "childline"))
    elif images_of_them:
        steps.append(Step("adult_helpline", "revenge_porn_helpline"))
        if not image_under_18 and not image_age_unknown:
            steps.append(Step("adult_evidence"))
    if case.goal == "report_police" or situations & {"taken_without_consent", "cyberflashing"}:
        if case.nation == "outside_uk":
            steps.append(Step("police_outside_uk"))
        else:
            steps.append(Step("police", "police_101"))
    if case.supporter and image_under_18:
        steps.append(Step("supporter_helpline", "nspcc_helpline"))
    return steps[:MAX_STEPS]


def facts_from_slots(slots: dict[str, Any]) -> Facts:
    return Facts(
        situations=tuple(facts.situations(slots.get("situation") or [])),
        age_group=slots.get("age_group"),
        age_at_image=slots.get("age_at_image"),
        nation=slots.get("nation"),
        goal=slots.get("goal"),
        supporter=slots.get("role") == "supporter",
        platforms=tuple(slots.get("platforms") or ()),
    )
