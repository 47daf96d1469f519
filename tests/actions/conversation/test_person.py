"""actions/person.py: one `Facts` per person, built once from the slots, read by the law, the next steps,
"talk to a person" and the summary; `young_person` follows from it."""

from __future__ import annotations

from typing import Any

import pytest

from actions import facts
from actions.explain import case_from_tracker
from actions.person import Facts
from tests.actions.tracker_helpers import make_tracker


@pytest.mark.parametrize(
    ("age_group", "young"),
    [("under_13", True), ("13_15", True), ("16_17", True), ("18_plus", False), ("not_said", None), (None, None)],
)
def test_young_person_follows_from_the_age_group(age_group: str | None, young: bool | None) -> None:
    assert Facts(age_group=age_group).young_person is young
    # The facts form sets the young_person slot (for Rasa's conditional responses) from the same rule.
    assert facts.young_person(age_group) is young


def test_an_age_said_in_their_own_words_before_the_questions_counts() -> None:
    """bot/components/young_speaker.py sets the young_person slot for "I'm 15" said anywhere."""
    assert Facts.from_slots({"young_person": True}).young_person is True
    assert Facts.from_slots({"young_person": False}).young_person is None  # only the form says "adult"
    assert Facts.from_slots({"young_person": False, "age_group": "18_plus"}).young_person is False


@pytest.mark.parametrize(
    ("slots", "expected"),
    [
        pytest.param(
            {"age_group": "i'm 19", "nation": "CF10 1AA", "when": "2019"}, Facts(), id="raw-words-are-not-known"
        ),
        pytest.param({"demand": "£500"}, Facts(demand="money"), id="a-demand-in-pounds-is-money"),
        pytest.param({"audiences": ["men", "samira", "men"]}, Facts(audiences=("men",)), id="only-known-audiences"),
        pytest.param(
            {
                "situation": ["threat_to_share"],
                "age_group": "16_17",
                "age_at_image": "under_18",
                "nation": "wales",
                "when": "since_2026",
                "perpetrator": "met_online",
                "platforms": ["snapchat"],
                "goal": "remove",
                "demand": "money",
                "role": "supporter",
                "danger": True,
                "platform_refused": True,
            },
            Facts(
                situations=("threat_to_share",),
                age_group="16_17",
                age_at_image="under_18",
                nation="wales",
                when="since_2026",
                perpetrator="met_online",
                platforms=("snapchat",),
                goal="remove",
                demand="money",
                supporter=True,
                danger=True,
                platform_refused=True,
            ),
            id="every-canonical-value-kept",
        ),
    ],
)
def test_the_builder_keeps_canonical_values_only(slots: dict[str, Any], expected: Facts) -> None:
    assert Facts.from_slots(slots) == expected


def test_the_law_reads_the_same_facts_with_the_place_asked_about() -> None:
    slots = {"situation": ["fake_images"], "age_group": "18_plus", "nation": "england", "demand": "£50"}
    tracker = make_tracker(before=slots)
    assert case_from_tracker(tracker) == Facts.from_tracker(tracker) == Facts.from_slots(slots)
    tracker.latest_message["entities"] = [{"entity": "nation", "value": "scotland"}]
    assert case_from_tracker(tracker).nation == "scotland"
