"""actions/routing.py: which next steps and services a person is pointed to, and in what order.

The age rules must never be wrong: StopNCII only for images taken at 18 or over, Report Remove and
Childline for under-18s, Take It Down for adults whose images were taken under 18, and never "keep
screenshots" for an image of an under-18.
"""

from __future__ import annotations

import itertools
from typing import Any

import pytest

from actions import facts
from actions.person import Facts
from actions.routing import Step
from actions.routing import plan as next_steps

SHARED, THREAT, FAKE, TAKEN, FLASH = facts.SPECIFIC_SITUATIONS

# Steps by their template (data/content/summary.yml) and the service they name (data/services/).
THREAT_FIRST = Step("threat_first")
REPORT_REMOVE = Step("under_18_remove", "report_remove")
DONT_SCREENSHOT = Step("under_18_evidence")
TAKE_IT_DOWN = Step("under_18_hash", "take_it_down")
STOPNCII = Step("adult_hash", "stopncii")
REVENGE_PORN_HELPLINE = Step("adult_helpline", "revenge_porn_helpline")
KEEP_SCREENSHOTS = Step("adult_evidence")
CHILDLINE = Step("young_helpline", "childline")
POLICE_101 = Step("police", "police_101")
POLICE_ABROAD = Step("police_outside_uk")
NSPCC = Step("supporter_helpline", "nspcc_helpline")
CEOP = Step("ceop", "ceop")
CHILDLINE_IF_UNDER_19 = Step("unknown_age_helpline", "childline")
SAMARITANS = Step("emotional_support", "samaritans")


def adult(*situations: str, image: str | None = "18_plus", **other: Any) -> Facts:
    return Facts(situations=situations, age_group="18_plus", age_at_image=image, **other)


def young(age_group: str, *situations: str, **other: Any) -> Facts:
    # The form stores age_at_image "under_18" for under-18s; the routing must not depend on it.
    return Facts(situations=situations, age_group=age_group, **other)


SEARCH = Step("search_removal", "google_remove_intimate")
SEARCH_FAKE = Step("search_removal", "google_remove_fake")
CALL_999 = Step("danger_999", "emergency_999")
ESCALATE = Step("escalate", "report_harmful_content")
MENS_ADVICE_LINE = Step("specialist_helpline", "mens_advice_line")
GALOP = Step("specialist_helpline", "galop")


def on(platform: str, fake: bool = False) -> Step:
    return Step("platform_report_fake" if fake else "platform_report", platform=platform)


def abuse_line(service: str) -> Step:
    return Step("domestic_abuse_helpline", service)


PERSONAS = [
    # ---- adults, images taken at 18 or over ----
    pytest.param(
        adult(SHARED, nation="england", goal="remove"),
        [STOPNCII, SEARCH, KEEP_SCREENSHOTS, REVENGE_PORN_HELPLINE],
        id="adult-shared",
    ),
    pytest.param(
        adult(SHARED, platforms=("instagram",), goal="remove"),
        [STOPNCII, on("instagram"), SEARCH, KEEP_SCREENSHOTS, REVENGE_PORN_HELPLINE],
        id="adult-shared-on-instagram",
    ),
    pytest.param(
        adult(SHARED, platforms=("x", "reddit")),
        [STOPNCII, on("x"), on("reddit"), SEARCH, KEEP_SCREENSHOTS, REVENGE_PORN_HELPLINE],
        id="adult-shared-on-two-platforms-in-order",
    ),
    pytest.param(
        adult(SHARED, platforms=("google",)),
        [STOPNCII, SEARCH, KEEP_SCREENSHOTS, REVENGE_PORN_HELPLINE],
        id="adult-found-through-google",
    ),
    pytest.param(
        adult(SHARED, platforms=("instagram",), platform_refused=True),
        [STOPNCII, on("instagram"), SEARCH, ESCALATE, KEEP_SCREENSHOTS, REVENGE_PORN_HELPLINE],
        id="adult-platform-refused",
    ),
    pytest.param(adult(FAKE), [SEARCH_FAKE, KEEP_SCREENSHOTS, REVENGE_PORN_HELPLINE], id="adult-fake-only-no-stopncii"),
    pytest.param(
        adult(FAKE, platforms=("x",)),
        [on("x", fake=True), SEARCH_FAKE, KEEP_SCREENSHOTS, REVENGE_PORN_HELPLINE],
        id="adult-fake-on-x-fake-route",
    ),
    pytest.param(
        adult(FAKE, SHARED),
        [STOPNCII, SEARCH, KEEP_SCREENSHOTS, REVENGE_PORN_HELPLINE],
        id="adult-fake-and-real-shared",
    ),
    pytest.param(
        adult(THREAT),
        [THREAT_FIRST, STOPNCII, KEEP_SCREENSHOTS, REVENGE_PORN_HELPLINE, POLICE_101],
        id="adult-threatened",
    ),
    pytest.param(
        adult(THREAT, demand="money", nation="england"),
        [THREAT_FIRST, POLICE_101, STOPNCII, KEEP_SCREENSHOTS, REVENGE_PORN_HELPLINE],
        id="adult-sextortion-fast-path",
    ),
    pytest.param(
        adult(THREAT, demand="£500", nation="scotland", platforms=("instagram",)),
        [THREAT_FIRST, POLICE_101, STOPNCII, on("instagram"), KEEP_SCREENSHOTS, REVENGE_PORN_HELPLINE],
        id="adult-sextortion-scotland-with-platform",
    ),
    pytest.param(
        adult(THREAT, demand="more_images", goal="remove", platforms=("snapchat",)),
        [THREAT_FIRST, POLICE_101, STOPNCII, on("snapchat"), KEEP_SCREENSHOTS, REVENGE_PORN_HELPLINE],
        id="sextortion-fast-path-beats-the-goal-order",
    ),
    pytest.param(
        adult(THREAT, goal="keep_evidence"),
        [THREAT_FIRST, KEEP_SCREENSHOTS, STOPNCII, REVENGE_PORN_HELPLINE, POLICE_101],
        id="adult-threatened-wants-evidence-safety-still-first",
    ),
    pytest.param(
        adult(TAKEN, nation="outside_uk"),
        [STOPNCII, KEEP_SCREENSHOTS, REVENGE_PORN_HELPLINE, POLICE_ABROAD],
        id="adult-taken-secretly-outside-uk",
    ),
    pytest.param(
        adult(TAKEN, nation="wales", platforms=("none",)),
        [STOPNCII, KEEP_SCREENSHOTS, REVENGE_PORN_HELPLINE, POLICE_101],
        id="adult-filmed-not-online-no-search-removal",
    ),
    pytest.param(
        adult(SHARED, nation="wales", goal="report_police"),
        [POLICE_101, STOPNCII, SEARCH, KEEP_SCREENSHOTS, REVENGE_PORN_HELPLINE],
        id="adult-wants-police",
    ),
    pytest.param(
        adult(SHARED, nation="outside_uk", goal="report_police"),
        [POLICE_ABROAD, STOPNCII, SEARCH, KEEP_SCREENSHOTS, REVENGE_PORN_HELPLINE],
        id="adult-wants-police-outside-uk",
    ),
    pytest.param(
        adult(SHARED, goal="talk_to_someone"),
        [REVENGE_PORN_HELPLINE, STOPNCII, SEARCH, KEEP_SCREENSHOTS],
        id="adult-wants-to-talk-helpline-first",
    ),
    pytest.param(adult(FLASH, image=None, nation="england"), [SAMARITANS, POLICE_101], id="adult-cyberflashing-only"),
    pytest.param(
        adult(SHARED, danger=True, nation="england"),
        [CALL_999, STOPNCII, SEARCH, KEEP_SCREENSHOTS, REVENGE_PORN_HELPLINE],
        id="adult-in-danger-999-first-no-second-police-step",
    ),
    pytest.param(
        adult(THREAT, demand="money", danger=True),
        [CALL_999, THREAT_FIRST, STOPNCII, KEEP_SCREENSHOTS, REVENGE_PORN_HELPLINE],
        id="adult-sextortion-in-danger",
    ),
    # ---- a partner or ex, per nation; men and LGBT+ people when they say so ----
    pytest.param(
        adult(SHARED, nation="england", perpetrator="partner_or_ex"),
        [STOPNCII, SEARCH, KEEP_SCREENSHOTS, REVENGE_PORN_HELPLINE, abuse_line("national_domestic_abuse_helpline")],
        id="ex-in-england",
    ),
    pytest.param(
        adult(SHARED, nation="wales", perpetrator="partner_or_ex"),
        [STOPNCII, SEARCH, KEEP_SCREENSHOTS, REVENGE_PORN_HELPLINE, abuse_line("live_fear_free")],
        id="ex-in-wales",
    ),
    pytest.param(
        adult(SHARED, nation="scotland", perpetrator="partner_or_ex"),
        [STOPNCII, SEARCH, KEEP_SCREENSHOTS, REVENGE_PORN_HELPLINE, abuse_line("scotland_domestic_abuse_helpline")],
        id="ex-in-scotland",
    ),
    pytest.param(
        adult(SHARED, nation="northern_ireland", perpetrator="partner_or_ex"),
        [STOPNCII, SEARCH, KEEP_SCREENSHOTS, REVENGE_PORN_HELPLINE, abuse_line("ni_domestic_sexual_abuse_helpline")],
        id="ex-in-northern-ireland",
    ),
    pytest.param(
        adult(SHARED, nation="outside_uk", perpetrator="partner_or_ex"),
        [STOPNCII, SEARCH, KEEP_SCREENSHOTS, REVENGE_PORN_HELPLINE],
        id="ex-outside-uk-no-uk-abuse-line",
    ),
    pytest.param(
        adult(SHARED, nation="england", perpetrator="partner_or_ex", audiences=("men",)),
        [STOPNCII, SEARCH, KEEP_SCREENSHOTS, REVENGE_PORN_HELPLINE, MENS_ADVICE_LINE],
        id="man-in-england-mens-line-not-womens",
    ),
    pytest.param(
        adult(SHARED, nation="wales", perpetrator="partner_or_ex", audiences=("men",)),
        [STOPNCII, SEARCH, KEEP_SCREENSHOTS, REVENGE_PORN_HELPLINE, MENS_ADVICE_LINE, abuse_line("live_fear_free")],
        id="man-in-wales-both-lines",
    ),
    pytest.param(
        adult(SHARED, nation="scotland", audiences=("lgbt",)),
        [STOPNCII, SEARCH, KEEP_SCREENSHOTS, REVENGE_PORN_HELPLINE, GALOP],
        id="lgbt-person-gets-galop",
    ),
    pytest.param(
        adult(SHARED, nation="england", perpetrator="stranger"),
        [STOPNCII, SEARCH, KEEP_SCREENSHOTS, REVENGE_PORN_HELPLINE],
        id="stranger-no-abuse-line",
    ),
    # ---- images taken under 18 ----
    pytest.param(
        adult(SHARED, image="under_18"),
        [DONT_SCREENSHOT, TAKE_IT_DOWN, SEARCH, REVENGE_PORN_HELPLINE],
        id="adult-now-image-taken-under-18",
    ),
    pytest.param(
        adult(FAKE, image="under_18"),
        [DONT_SCREENSHOT, TAKE_IT_DOWN, SEARCH_FAKE, REVENGE_PORN_HELPLINE],
        id="adult-fake-image-looks-under-18",
    ),
    pytest.param(
        young("13_15", SHARED, nation="wales"),
        [DONT_SCREENSHOT, CHILDLINE, REPORT_REMOVE, TAKE_IT_DOWN, SEARCH],
        id="13-15-shared",
    ),
    pytest.param(
        young("13_15", SHARED, nation="scotland", perpetrator="partner_or_ex"),
        [DONT_SCREENSHOT, CHILDLINE, REPORT_REMOVE, TAKE_IT_DOWN, SEARCH],
        id="13-15-ex-no-adult-abuse-line",
    ),
    pytest.param(
        young("under_13", THREAT),
        [THREAT_FIRST, DONT_SCREENSHOT, CHILDLINE, REPORT_REMOVE, TAKE_IT_DOWN, CEOP],
        id="under-13-threatened",
    ),
    pytest.param(
        young("16_17", THREAT, demand="money", nation="england"),
        [THREAT_FIRST, DONT_SCREENSHOT, CHILDLINE, CEOP, REPORT_REMOVE, TAKE_IT_DOWN],
        id="16-17-sextortion-fast-path-ceop",
    ),
    pytest.param(
        young("16_17", FAKE), [DONT_SCREENSHOT, CHILDLINE, REPORT_REMOVE, TAKE_IT_DOWN, SEARCH_FAKE], id="16-17-fake"
    ),
    pytest.param(
        Facts(situations=(SHARED,), age_group="16_17", age_at_image="18_plus"),
        [DONT_SCREENSHOT, CHILDLINE, REPORT_REMOVE, TAKE_IT_DOWN, SEARCH],
        id="16-17-contradictory-image-age-still-under-18",
    ),
    pytest.param(
        young("13_15", THREAT, TAKEN, goal="report_police"),
        [THREAT_FIRST, DONT_SCREENSHOT, CHILDLINE, CEOP, REPORT_REMOVE, TAKE_IT_DOWN],
        id="13-15-threat-and-taken-wants-police",
    ),
    pytest.param(young("13_15", FLASH, nation="scotland"), [CHILDLINE, POLICE_101], id="13-15-cyberflashing-only"),
    pytest.param(
        young("16_17", SHARED, nation="wales", goal="remove"),
        [DONT_SCREENSHOT, CHILDLINE, REPORT_REMOVE, TAKE_IT_DOWN, SEARCH],
        id="16-17-wants-removal-childline-still-first",
    ),
    # ---- supporters ----
    pytest.param(
        young("13_15", SHARED, supporter=True),
        [DONT_SCREENSHOT, CHILDLINE, NSPCC, REPORT_REMOVE, TAKE_IT_DOWN, SEARCH],
        id="supporter-of-13-15",
    ),
    pytest.param(
        adult(SHARED, image="under_18", supporter=True),
        [DONT_SCREENSHOT, TAKE_IT_DOWN, SEARCH, REVENGE_PORN_HELPLINE, NSPCC],
        id="supporter-of-adult-image-taken-under-18",
    ),
    pytest.param(
        adult(SHARED, supporter=True),
        [STOPNCII, SEARCH, KEEP_SCREENSHOTS, REVENGE_PORN_HELPLINE],
        id="supporter-of-adult-no-nspcc",
    ),
    # ---- unknowns ----
    pytest.param(
        adult(FAKE, image="not_sure"),
        [TAKE_IT_DOWN, SEARCH_FAKE, REVENGE_PORN_HELPLINE],
        id="adult-fake-image-age-unsure",
    ),
    pytest.param(
        adult(SHARED, image="not_sure"),
        [STOPNCII, TAKE_IT_DOWN, SEARCH, REVENGE_PORN_HELPLINE],
        id="adult-image-age-unsure-both-hash-services-no-screenshots",
    ),
    pytest.param(
        Facts(situations=("not_said",), age_group="not_said", age_at_image="not_said", nation="not_said"),
        [STOPNCII, TAKE_IT_DOWN, REVENGE_PORN_HELPLINE, CHILDLINE_IF_UNDER_19],
        id="everything-skipped",
    ),
]


@pytest.mark.parametrize(("case", "expected"), PERSONAS)
def test_first_next_steps_for_each_persona(case: Facts, expected: list[Step]) -> None:
    assert next_steps(case) == expected


# ---- the rules, checked over every combination of answers -------------------------------------------

SITUATION_ANSWERS = [
    combo for size in range(1, 6) for combo in itertools.combinations(facts.SPECIFIC_SITUATIONS, size)
] + [(), ("not_sure",), ("not_said",)]
AGE_GROUPS = [*facts.AGE_GROUPS, None]
AGES_AT_IMAGE = [*facts.AGES_AT_IMAGE, None]
ALL_CASES = [
    Facts(situations=situations, age_group=group, age_at_image=image, nation=nation, goal=goal, supporter=supporter)
    for situations in SITUATION_ANSWERS
    for group in AGE_GROUPS
    for image in AGES_AT_IMAGE
    for nation in ("england", "scotland", "outside_uk", "not_said", None)
    for goal in ("remove", "report_police", "not_said", None)
    for supporter in (False, True)
]


def _services(case: Facts) -> list[str | None]:
    return [step.service for step in next_steps(case)]


def _templates(case: Facts) -> list[str]:
    return [step.template for step in next_steps(case)]


def _image_of_under_18(case: Facts) -> bool:
    return facts.is_under_18(case.age_group) or case.age_at_image == "under_18"


def _about_their_images(case: Facts) -> bool:
    return set(case.situations) != {FLASH}


def test_never_stopncii_when_the_image_is_of_an_under_18() -> None:
    wrong = [case for case in ALL_CASES if _image_of_under_18(case) and "stopncii" in _services(case)]
    assert wrong == []


def test_never_screenshot_advice_when_the_image_is_of_an_under_18() -> None:
    wrong = [case for case in ALL_CASES if _image_of_under_18(case) and "adult_evidence" in _templates(case)]
    assert wrong == []


def test_under_18s_now_get_report_remove_and_childline_and_no_adult_services() -> None:
    for case in (case for case in ALL_CASES if facts.is_under_18(case.age_group)):
        services = _services(case)
        assert "childline" in services, case
        assert ("report_remove" in services) == _about_their_images(case), case
        assert not {"stopncii", "revenge_porn_helpline"} & set(services), case
        if _about_their_images(case):
            assert "under_18_evidence" in _templates(case), case


def test_nobody_over_18_is_sent_to_childline_or_report_remove() -> None:
    wrong = [
        case
        for case in ALL_CASES
        if case.age_group == "18_plus" and {"childline", "report_remove"} & set(_services(case))
    ]
    assert wrong == []


def test_someone_whose_age_is_unknown_is_never_left_with_adult_services_only() -> None:
    for case in ALL_CASES:
        if case.age_group in (None, "not_said"):
            assert "unknown_age_helpline" in _templates(case), case
            assert "report_remove" not in _services(case), case


def test_adults_whose_images_were_taken_under_18_get_take_it_down() -> None:
    for case in ALL_CASES:
        if case.age_group == "18_plus" and case.age_at_image == "under_18" and _about_their_images(case):
            assert "take_it_down" in _services(case), case


def test_stopncii_never_for_fake_images_alone() -> None:
    wrong = [case for case in ALL_CASES if set(case.situations) == {FAKE} and "stopncii" in _services(case)]
    assert wrong == []


def test_a_threat_to_share_always_comes_first() -> None:
    for case in ALL_CASES:
        assert (_templates(case)[:1] == ["threat_first"]) == (THREAT in case.situations), case


def test_police_steps_follow_where_the_person_lives() -> None:
    for case in ALL_CASES:
        templates = _templates(case)
        wants_police = case.goal == "report_police" or bool({TAKEN, FLASH, THREAT} & set(case.situations))
        police = {"police", "police_outside_uk", "ceop"} & set(templates)
        if not wants_police:
            assert not police, case
        elif case.goal == "report_police":
            # what they asked for is never cut by the limit on steps
            assert len(police) == 1, case
        if case.nation == "outside_uk":
            assert police <= {"police_outside_uk"}, case
        elif facts.is_under_18(case.age_group) and THREAT in case.situations:
            assert police <= {"ceop"}, case
        else:
            assert police <= {"police"}, case


def test_no_nation_specific_line_for_someone_elsewhere() -> None:
    from actions.routing import DOMESTIC_ABUSE_LINES

    for case in ALL_CASES:
        for nation, service in DOMESTIC_ABUSE_LINES.items():
            if case.nation != nation:
                assert service not in _services(case), case


def test_a_40_year_old_never_gets_childline_or_report_remove() -> None:
    for situations in SITUATION_ANSWERS:
        case = Facts(situations=situations, age_group="18_plus", age_at_image="18_plus", nation="england")
        assert not {"childline", "report_remove", "take_it_down"} & set(_services(case)), case


def test_danger_puts_999_first_every_time() -> None:
    for case in ALL_CASES[::7]:
        in_danger = Facts(**{**case.__dict__, "danger": True})
        steps = next_steps(in_danger)
        assert steps[0] == Step("danger_999", "emergency_999"), in_danger
        assert not {"police", "ceop"} & {step.template for step in steps}, in_danger


def test_no_step_twice() -> None:
    for case in ALL_CASES:
        steps = next_steps(case)
        assert len(set(steps)) == len(steps), case


def test_supporter_of_an_under_18_always_gets_the_nspcc_helpline() -> None:
    for case in ALL_CASES:
        services = _services(case)
        if case.supporter and _image_of_under_18(case):
            assert "nspcc_helpline" in services, case
        else:
            assert "nspcc_helpline" not in services, case


# ---- from the slots the form stored ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("slots", "expected"),
    [
        pytest.param(
            {"situation": [[SHARED], "hacked", THREAT], "age_group": "13_15", "role": "supporter"},
            Facts(situations=(SHARED, THREAT), age_group="13_15", supporter=True),
            id="supporter-nested-situations-unknown-dropped",
        ),
        pytest.param(
            {"situation": None, "platforms": ["instagram"], "nation": "wales", "goal": "remove", "role": "survivor"},
            Facts(nation="wales", goal="remove", platforms=("instagram",)),
            id="survivor-nothing-said-about-what-happened",
        ),
        pytest.param({}, Facts(), id="no-slots"),
    ],
)
def test_facts_from_slots(slots: dict[str, Any], expected: Facts) -> None:
    assert Facts.from_slots(slots) == expected
