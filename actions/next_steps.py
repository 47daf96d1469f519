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

MAX_STEPS = 6


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
    age_unknown = case.age_group not in facts.AGE_GROUPS or case.age_group == facts.NOT_SAID
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
    else:
        steps.append(Step("emotional_support", "samaritans"))
    if age_unknown:
        # They may be a child: never leave them with adult-only services.
        steps.append(Step("unknown_age_helpline", "childline"))
    steps += _police_steps(case, situations, under_18_now)

    steps = _what_they_asked_for_first(steps, case.goal)
    supporter_step = Step("supporter_helpline", "nspcc_helpline") if case.supporter and image_under_18 else None
    if supporter_step:
        # The supporter's own step is never the one cut off.
        return steps[: MAX_STEPS - 1] + [supporter_step]
    return steps[:MAX_STEPS]


# The steps that answer each "What would help most?" choice: they move to the front so the limit on
# the number of steps never cuts what the person asked for.
_GOAL_STEPS = {
    "report_police": {"police", "ceop", "police_outside_uk"},
    "remove": {"under_18_remove", "under_18_hash", "adult_hash"},
    "talk_to_someone": {"young_helpline", "adult_helpline", "unknown_age_helpline", "emotional_support"},
    "keep_evidence": {"adult_evidence", "under_18_evidence"},
}


def _what_they_asked_for_first(steps: list[Step], goal: str | None) -> list[Step]:
    """Safety first ("don't pay" stays at the top), then the steps for their goal, then the rest."""
    wanted = _GOAL_STEPS.get(goal or "", set())
    safety = [step for step in steps if step.template == "threat_first"]
    asked = [step for step in steps if step.template in wanted]
    rest = [step for step in steps if step not in safety and step not in asked]
    return safety + asked + rest


def _police_steps(case: Facts, situations: set[str], under_18_now: bool) -> list[Step]:
    wants_police = case.goal == "report_police"
    # Taking images, sending them unasked and threatening to share are crimes the police should hear
    # about; sextortion especially (NCA advice).
    if not (wants_police or situations & {"taken_without_consent", "cyberflashing", "threat_to_share"}):
        return []
    if case.nation == "outside_uk":
        return [Step("police_outside_uk")]
    if under_18_now and "threat_to_share" in situations:
        return [Step("ceop", "ceop")]
    return [Step("police", "police_101")]


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
