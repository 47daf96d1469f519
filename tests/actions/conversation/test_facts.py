"""actions/facts.py: what the person typed or tapped becomes the fact later steps rely on, or nothing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
import yaml

from actions import facts
from tests.actions.tracker_helpers import ROOT, TODAY


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        pytest.param("under_13", "under_13", id="button-under-13"),
        pytest.param("13_15", "13_15", id="button-13-15"),
        pytest.param("16_17", "16_17", id="button-16-17"),
        pytest.param("18_plus", "18_plus", id="button-18-plus"),
        pytest.param("not_said", "not_said", id="skipped"),
        pytest.param("I'm 19", "18_plus", id="im-19"),
        pytest.param("i'm only 14", "13_15", id="im-only-14"),
        pytest.param("aged 21", "18_plus", id="aged-21"),
        pytest.param("19", "18_plus", id="typed-19"),
        pytest.param(19, "18_plus", id="number-entity-19"),
        pytest.param("16", "16_17", id="typed-16"),
        pytest.param("12", "under_13", id="typed-12"),
        pytest.param("5", "under_13", id="youngest-plausible-5"),
        pytest.param("13", "13_15", id="boundary-13"),
        pytest.param("15", "13_15", id="boundary-15"),
        pytest.param("16 years old", "16_17", id="boundary-16"),
        pytest.param("17", "16_17", id="boundary-17"),
        pytest.param("18", "18_plus", id="boundary-18"),
        pytest.param("110", "18_plus", id="oldest-plausible-110"),
        pytest.param("3", None, id="too-young-3"),
        pytest.param("4", None, id="too-young-4"),
        pytest.param("111", None, id="too-old-111"),
        pytest.param("200", None, id="too-old-200"),
        pytest.param("banana", None, id="nonsense"),
        pytest.param("<script>alert(1)</script>", None, id="injected"),
        pytest.param("", None, id="empty"),
        pytest.param(None, None, id="none"),
        pytest.param(True, None, id="boolean"),
    ],
)
def test_age_group(value: Any, expected: str | None) -> None:
    assert facts.age_group(value) == expected


@pytest.mark.parametrize(
    ("group", "under_18"),
    [("under_13", True), ("13_15", True), ("16_17", True), ("18_plus", False), ("not_said", False), (None, False)],
)
def test_is_under_18(group: str | None, under_18: bool) -> None:
    assert facts.is_under_18(group) is under_18


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        pytest.param("i was 15", "under_18", id="i-was-15"),
        pytest.param("i was only 16", "under_18", id="i-was-only-16"),
        pytest.param("i was 17", "under_18", id="i-was-17"),
        pytest.param("i was 18", "18_plus", id="i-was-18"),
        pytest.param("i were 25", "18_plus", id="i-were-25"),
        pytest.param("under_18", "under_18", id="button-or-yes"),
        pytest.param("Under 18", "under_18", id="typed-under-18"),
        pytest.param("18_plus", "18_plus", id="button-or-no"),
        pytest.param("not_sure", "not_sure", id="not-sure"),
        pytest.param("not_said", "not_said", id="skipped"),
        pytest.param("i was 3", None, id="implausible-age"),
        pytest.param("maybe", None, id="nonsense"),
        pytest.param(None, None, id="none"),
    ],
)
def test_age_at_image(value: Any, expected: str | None) -> None:
    assert facts.age_at_image(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        pytest.param("england", "england", id="england"),
        pytest.param("Wales", "wales", id="wales-capitalised"),
        pytest.param("scotland", "scotland", id="scotland"),
        pytest.param("Northern Ireland", "northern_ireland", id="northern-ireland-typed"),
        pytest.param("northern_ireland", "northern_ireland", id="northern-ireland-button"),
        pytest.param("outside_uk", "outside_uk", id="outside-uk"),
        pytest.param("not_said", "not_said", id="skipped"),
        pytest.param("narnia", None, id="unknown-place"),
        pytest.param("cardiff", None, id="town-not-mapped-by-nlu"),
        pytest.param("<script>", None, id="injected-markup"),
        pytest.param("england; drop table", None, id="injected-text"),
        pytest.param("", None, id="empty"),
        pytest.param(None, None, id="none"),
    ],
)
def test_nation(value: Any, expected: str | None) -> None:
    assert facts.nation(value) == expected


@pytest.mark.parametrize(
    ("value", "today", "expected"),
    [
        pytest.param("2019", TODAY, "before_2024", id="2019"),
        pytest.param("in 2023", TODAY, "before_2024", id="2023"),
        pytest.param("2024", TODAY, "2024_to_2025", id="2024-boundary"),
        pytest.param(2025, TODAY, "2024_to_2025", id="2025-as-number"),
        pytest.param("2026", TODAY, "since_2026", id="2026-boundary"),
        pytest.param("back in 2021", TODAY, "before_2024", id="year-in-phrase"),
        pytest.param("2027", TODAY, None, id="next-year"),
        pytest.param("2099", TODAY, None, id="far-future"),
        pytest.param("2026", dt.date(2025, 12, 31), None, id="future-on-new-years-eve"),
        pytest.param("recent", TODAY, "since_2026", id="recent"),
        pytest.param("recent", dt.date(2025, 6, 1), "2024_to_2025", id="recent-in-2025"),
        pytest.param("last_year", TODAY, "2024_to_2025", id="last-year"),
        pytest.param("last_year", dt.date(2024, 3, 1), "before_2024", id="last-year-in-2024"),
        pytest.param("years_ago", TODAY, "not_sure", id="years-ago"),
        pytest.param("since_2026", TODAY, "since_2026", id="button-since-2026"),
        pytest.param("2024_to_2025", TODAY, "2024_to_2025", id="button-2024-to-2025"),
        pytest.param("before_2024", TODAY, "before_2024", id="button-before-2024"),
        pytest.param("not_sure", TODAY, "not_sure", id="not-sure"),
        pytest.param("not_said", TODAY, "not_said", id="skipped"),
        pytest.param("1850", TODAY, None, id="implausible-year"),
        pytest.param("sometime", TODAY, None, id="nonsense"),
        pytest.param(None, TODAY, None, id="none"),
    ],
)
def test_when(value: Any, today: dt.date, expected: str | None) -> None:
    assert facts.when(value, today) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        pytest.param(["instagram"], ["instagram"], id="one"),
        pytest.param("snapchat", ["snapchat"], id="single-value"),
        pytest.param([["tiktok"]], ["tiktok"], id="nested-list"),
        pytest.param(["Instagram", "X"], ["instagram", "x"], id="capitalised"),
        pytest.param(["porn site"], ["porn_site"], id="spaces"),
        pytest.param(["reddit", "instagram", "reddit"], ["reddit", "instagram"], id="duplicates-dropped-order-kept"),
        pytest.param(["myspace", "reddit"], ["reddit"], id="unknown-dropped"),
        pytest.param(["myspace"], None, id="only-unknown"),
        pytest.param(["<script>"], None, id="injected"),
        pytest.param(["none"], ["none"], id="not-online"),
        pytest.param(["none", "whatsapp"], ["whatsapp"], id="named-beats-not-online"),
        pytest.param(["not_sure", "none"], ["not_sure"], id="two-answers-first-kept"),
        pytest.param(["not_said"], ["not_said"], id="skipped"),
        pytest.param([], None, id="empty"),
        pytest.param(None, None, id="none"),
    ],
)
def test_platforms(value: Any, expected: list[str] | None) -> None:
    assert facts.platforms(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("remove", "remove"),
        ("report police", "report_police"),
        ("talk_to_someone", "talk_to_someone"),
        ("not_said", "not_said"),
        ("revenge", None),
        (None, None),
    ],
)
def test_goal(value: Any, expected: str | None) -> None:
    assert facts.goal(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        pytest.param("£500", "money", id="pounds"),
        pytest.param("£ 1,000", "money", id="pounds-with-space"),
        pytest.param("money", "money", id="money"),
        pytest.param("more images", "more_images", id="more-images"),
        pytest.param("500", None, id="bare-number"),
        pytest.param("nudes", None, id="unknown"),
        pytest.param(None, None, id="none"),
    ],
)
def test_demand(value: Any, expected: str | None) -> None:
    assert facts.demand(value) == expected


SHARED, THREAT, FAKE, TAKEN, FLASH = facts.SPECIFIC_SITUATIONS


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        pytest.param(["shared_without_consent"], ["shared_without_consent"], id="one"),
        pytest.param("threat_to_share", ["threat_to_share"], id="single-value"),
        pytest.param([["fake_images"]], ["fake_images"], id="nested-list"),
        pytest.param([FLASH, FAKE, FLASH], [FLASH, FAKE], id="no-repeats"),
        pytest.param(["hacked", "threat_to_share"], ["threat_to_share"], id="unknown-dropped"),
        pytest.param(["not_sure"], ["not_sure"], id="placeholder"),
        pytest.param([], [], id="empty"),
        pytest.param(None, [], id="none"),
    ],
)
def test_situations(value: Any, expected: list[str]) -> None:
    assert facts.situations(value) == expected


@pytest.mark.parametrize(
    ("previous", "new", "expected"),
    [
        pytest.param([], [SHARED], [SHARED], id="first-mention"),
        pytest.param([SHARED], [THREAT], [SHARED, THREAT], id="added-after"),
        pytest.param([THREAT, SHARED], [FAKE], [THREAT, SHARED, FAKE], id="order-kept"),
        pytest.param([SHARED], [SHARED], [SHARED], id="repeat-not-doubled"),
        pytest.param([SHARED, THREAT], [THREAT, TAKEN], [SHARED, THREAT, TAKEN], id="overlap"),
        pytest.param(["not_sure"], [THREAT], [THREAT], id="specific-replaces-not-sure"),
        pytest.param(["not_said"], [FAKE], [FAKE], id="specific-replaces-not-said"),
        pytest.param([SHARED], ["not_sure"], [SHARED], id="placeholder-never-hides-specific"),
        pytest.param(["not_sure"], ["not_said"], ["not_said"], id="latest-placeholder"),
        pytest.param([], [], [], id="nothing"),
    ],
)
def test_merge_situations(previous: list[str], new: list[str], expected: list[str]) -> None:
    assert facts.merge_situations(previous, new) == expected


# ---- the values the domain's slot mappings write must be accepted as they are ----------------------

NORMALISERS: dict[str, Callable[[Any], Any]] = {
    "situation": facts.situations,
    "age_group": facts.age_group,
    "age_at_image": facts.age_at_image,
    "nation": facts.nation,
    "when": lambda value: facts.when(value, TODAY),
    "perpetrator": facts.perpetrator,
    "platforms": facts.platforms,
    "goal": facts.goal,
    "demand": facts.demand,
}
LIST_SLOTS = {"situation", "platforms"}


def _intent_mapped_values() -> list[tuple[str, str, str]]:
    slots = yaml.safe_load((ROOT / "bot" / "domain" / "slots.yml").read_text(encoding="utf-8"))["slots"]
    found = []
    for slot, spec in slots.items():
        for mapping in spec.get("mappings", []):
            if slot in NORMALISERS and mapping["type"] == "from_intent":
                intents = mapping["intent"] if isinstance(mapping["intent"], list) else [mapping["intent"]]
                found += [(slot, intent, mapping["value"]) for intent in intents]
    return found


@pytest.mark.parametrize(("slot", "intent", "value"), _intent_mapped_values(), ids=lambda v: str(v))
def test_values_the_domain_maps_from_intents_are_kept(slot: str, intent: str, value: str) -> None:
    expected = [value] if slot in LIST_SLOTS else value
    assert NORMALISERS[slot](value) == expected


def test_yes_and_no_to_the_image_age_question_mean_under_and_over_18() -> None:
    mapped = {intent: value for slot, intent, value in _intent_mapped_values() if slot == "age_at_image"}
    assert facts.age_at_image(mapped["affirm"]) == "under_18"
    assert facts.age_at_image(mapped["deny"]) == "18_plus"
