"""One description of the person Reclaim is helping, built once from the conversation's slots.

The law (actions/law.py), the next steps (actions/routing.py), "talk to a person" (actions/handoff.py,
actions/callback_form.py) and the summary (actions/summary.py) all read this one `Facts`. The facts form
has already turned each answer into a canonical value (actions/facts_form.py), so the builder normalises
nothing again: it keeps a value only if it is canonical, and anything else (raw words Rasa put in a slot
this turn) counts as not known, never as something else. Only `demand` is read through its normaliser:
it is never a question, so "£500" can still be in the slot.

What follows from the facts (young person, age in the images) is a property, never a second copy.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from actions import facts
from actions.content import SUPPORTER
from actions.vocabulary import AGE_BOUNDS, AGE_GROUPS, AGES_AT_IMAGE, AUDIENCES, WHEN

if TYPE_CHECKING:
    from rasa_sdk import Tracker

# Every slot the builder reads (bot/domain/slots.yml).
SLOTS = (
    "situation",
    "age_group",
    "age_at_image",
    "nation",
    "when",
    "perpetrator",
    "platforms",
    "goal",
    "demand",
    "audiences",
    "role",
    "danger",
    "platform_refused",
    "young_person",
)


@dataclass(frozen=True)
class Facts:
    """What the person has told Reclaim, in canonical values; None or empty where they have not said."""

    situations: tuple[str, ...] = ()
    age_group: str | None = None
    age_at_image: str | None = None
    nation: str | None = None
    when: str | None = None
    perpetrator: str | None = None
    platforms: tuple[str, ...] = ()
    goal: str | None = None
    demand: str | None = None
    audiences: tuple[str, ...] = ()  # "men", "lgbt", "women" when the person says so
    supporter: bool = False
    danger: bool = False
    platform_refused: bool = False
    # "I'm 15" said in their own words, outside the questions: bot/components/young_speaker.py sets the
    # young_person slot then, before the form has asked the age (the form sets it again with age_group).
    said_young: bool = False

    @property
    def under_18_now(self) -> bool:
        return facts.is_under_18(self.age_group)

    @property
    def age_unknown(self) -> bool:
        """Not asked yet, or "rather not say": they may be a child."""
        return self.age_group not in AGE_BOUNDS

    @property
    def young_person(self) -> bool | None:
        """True under 18, False 18 or over, None while not known. The `young_person` slot holds the same
        (set from this by the facts form), only because Rasa's conditional responses read slots."""
        if self.said_young:
            return True
        return facts.young_person(self.age_group)

    @property
    def image_under_18(self) -> bool:
        """Under 18 in the images: someone under 18 now was under 18 then too."""
        return self.under_18_now or self.age_at_image == "under_18"

    @property
    def image_age_known(self) -> bool:
        return self.image_under_18 or self.age_at_image == "18_plus"

    @classmethod
    def from_slots(cls, slots: Mapping[str, Any]) -> Facts:
        """The one builder: from slot values by name (a missing slot is not known)."""
        return cls(
            situations=tuple(facts.situations(slots.get("situation") or [])),
            age_group=facts.one_of(slots.get("age_group"), AGE_GROUPS),
            age_at_image=facts.one_of(slots.get("age_at_image"), AGES_AT_IMAGE),
            nation=facts.nation(slots.get("nation")),
            when=facts.one_of(slots.get("when"), WHEN),
            perpetrator=facts.perpetrator(slots.get("perpetrator")),
            platforms=tuple(facts.platforms(slots.get("platforms")) or ()),
            goal=facts.goal(slots.get("goal")),
            demand=facts.demand(slots.get("demand")),
            audiences=tuple(dict.fromkeys(a for a in slots.get("audiences") or () if a in AUDIENCES)),
            supporter=slots.get("role") == SUPPORTER,
            danger=bool(slots.get("danger")),
            platform_refused=bool(slots.get("platform_refused")),
            said_young=slots.get("young_person") is True,
        )

    @classmethod
    def from_tracker(cls, tracker: Tracker) -> Facts:
        return cls.from_slots({slot: tracker.get_slot(slot) for slot in SLOTS})
