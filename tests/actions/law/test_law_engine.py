"""actions/law.py: which offences may apply, where, when and for whom.

The expectations come from the law and the team's fact sheet (shared/reference/uk-law-and-services.md,
sections 0-3 and 6), not from running the engine: the first offences named for each set of facts, and
the ones that must never be named. A wrong answer here is a survivor told the wrong law.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
from pathlib import Path
from typing import Any

import pytest

from actions import content, facts
from actions.explain import MAX_OFFENCES_SHOWN, explanation_messages
from actions.law import JURISDICTION_OF_NATION, PERIODS, Explanation, explain, load_offences
from actions.person import Facts

ROOT = Path(__file__).resolve().parents[3]
OFFENCES = load_offences(ROOT / "data" / "law")
BY_ID = {offence.id: offence for offence in OFFENCES}
WORDING = content.law_wording()

SHARED, THREAT, FAKE, TAKEN, FLASH = facts.SPECIFIC_SITUATIONS

# England and Wales
S66B = "ew_soa2003_s66b_sharing"
S66B4 = "ew_soa2003_s66b4_threat"
S33 = "ew_cjca2015_s33_disclosing"
S66E = "ew_soa2003_s66e_creating_deepfake"
S66F = "ew_soa2003_s66f_requesting_deepfake"
S66A = "ew_soa2003_s66a_cyberflashing"
S67 = "ew_soa2003_s67_voyeurism"
S67A = "ew_soa2003_s67a_upskirting"
CPA = "ew_cpa2026_taking_intimate_image"
BLACKMAIL_EW = "ew_theft1968_s21_blackmail"
PHA = "ew_pha1997_harassment"
S181_EW = "ew_osa2023_s181_threatening_communications"
S127 = "ew_ca2003_s127_messages"
PCA = "ew_pca1978_s1_indecent_images_of_children"
# Scotland
ABSHA = "sc_absha2016_s2_disclosing"
SOSA9 = "sc_sosa2009_s9_voyeurism"
SOSA67 = "sc_sosa2009_s6_s7_sexual_images"
EXTORTION = "sc_common_law_extortion"
CJLSA = "sc_cjlsa2010_s38_s39_threatening_behaviour"
CGSA = "sc_cgsa1982_s52_indecent_images_of_children"
SC_PROPOSED = "sc_proposed_deepfake_creation"
# Northern Ireland
S51 = "ni_ja2016_s51_disclosing"
ART71 = "ni_soo2008_art71_voyeurism"
ART71AB = "ni_soo2008_art71a_71b_upskirting_downblousing"
ART72A = "ni_soo2008_art72a_cyberflashing"
BLACKMAIL_NI = "ni_theft1969_s20_blackmail"
S181_NI = "ni_osa2023_s181_threatening_communications"
HARASSMENT_NI = "ni_pho1997_pfsa2022_harassment_stalking"
PCNIO = "ni_pcnio1978_art3_indecent_images_of_children"
NI_PROPOSED = "ni_proposed_deepfake_offences"

CHILD_IMAGE_OFFENCE = {"england_and_wales": PCA, "scotland": CGSA, "northern_ireland": PCNIO}
ID_PREFIX = {"england_and_wales": "ew_", "scotland": "sc_", "northern_ireland": "ni_"}

ADULT = {"age_group": "18_plus", "age_at_image": "18_plus"}
AGE_UNKNOWN = {"age_group": "not_said", "age_at_image": "not_sure"}
AGED_13_15 = {"age_group": "13_15"}
AGED_16_17 = {"age_group": "16_17"}
ADULT_NOW_UNDER_18_IN_IMAGE = {"age_group": "18_plus", "age_at_image": "under_18"}


def case(
    nation: str | None, situations: list[str], age: dict[str, str], when: str | None = None, demand: str | None = None
) -> Facts:
    return Facts(situations=tuple(situations), nation=nation, when=when, demand=demand, **age)


def ids(explanation: Explanation) -> list[str]:
    return [item.offence.id for item in explanation.offences]


def named_anywhere(explanation: Explanation) -> set[str]:
    return set(ids(explanation)) | {o.id for o in explanation.too_early} | {o.id for o in explanation.proposed}


def conditions(explanation: Explanation, offence_id: str) -> tuple[str, ...]:
    (item,) = [item for item in explanation.offences if item.offence.id == offence_id]
    return item.conditions


def row(label: str, c: Facts, top: list[str], absent: set[str]) -> Any:
    """`top`: the offences named first, in order ([] means none applies). `absent`: never named as law."""
    return pytest.param(c, top, absent, id=label)


TABLE = [
    # --- England and Wales: sharing -------------------------------------------------------------
    row(
        "england-shared-adult-2024-25",
        case("england", [SHARED], ADULT, "2024_to_2025"),
        [S66B],
        {PCA, S66E, S66F, S66A, S67, ABSHA, S51},
    ),
    row(
        "england-shared-adult-before-2024-old-law",
        case("england", [SHARED], ADULT, "before_2024"),
        [S33],
        {S66B, PCA, S66E},
    ),
    row("wales-shared-adult-since-2026", case("wales", [SHARED], ADULT, "since_2026"), [S66B], {S33, S66E, PCA}),
    row("wales-shared-aged-13-15", case("wales", [SHARED], AGED_13_15, "since_2026"), [PCA, S66B], {S66E, S66F, S33}),
    row("england-shared-age-and-date-unknown", case("england", [SHARED], AGE_UNKNOWN), [S66B, S33], {S66E, S67, S66A}),
    row(
        "england-shared-then-threatened",
        case("england", [SHARED, THREAT], ADULT, "since_2026"),
        [S66B, S66B4],
        {S33, PCA},
    ),
    row(
        "england-threatened-then-shared",
        case("england", [THREAT, SHARED], ADULT, "since_2026"),
        [S66B4, S66B],
        {S33, PCA},
    ),
    # --- England and Wales: threats and sextortion ----------------------------------------------
    row("england-threat-adult-2024-25", case("england", [THREAT], ADULT, "2024_to_2025"), [S66B4], {S66B, PCA, S66E}),
    row(
        "wales-threat-adult-before-2024-old-law",
        case("wales", [THREAT], ADULT, "before_2024"),
        [S33],
        {S66B4, S181_EW, S66B},
    ),
    row(
        "england-sextortion-adult-money",
        case("england", [THREAT], ADULT, "since_2026", "money"),
        [BLACKMAIL_EW, S66B4, PHA],
        {PCA, S33},
    ),
    row(
        "england-sextortion-adult-date-unknown",
        case("england", [THREAT], ADULT, None, "money"),
        [BLACKMAIL_EW, S66B4, S33],
        {PCA},
    ),
    row(
        "england-sextortion-aged-13-15-more-images",
        case("england", [THREAT], AGED_13_15, "since_2026", "more_images"),
        [PCA, S66B4, PHA],
        {S66E, S66F},
    ),
    row(
        "wales-sextortion-aged-16-17-money",
        case("wales", [THREAT], AGED_16_17, "2024_to_2025", "money"),
        [PCA, BLACKMAIL_EW, S66B4],
        {S66E},
    ),
    # --- England and Wales: deepfakes -----------------------------------------------------------
    row(
        "england-deepfake-adult-since-2026",
        case("england", [FAKE], ADULT, "since_2026"),
        [S66E],
        {PCA, S33, ABSHA, SC_PROPOSED, NI_PROPOSED},
    ),
    row("wales-deepfake-adult-2024-25", case("wales", [FAKE], ADULT, "2024_to_2025"), [S66B], {S66E, S66F, PCA}),
    row(
        "england-deepfake-adult-before-2024-no-law",
        case("england", [FAKE], ADULT, "before_2024"),
        [],
        {S66E, S66B, S33},
    ),
    row(
        "england-deepfake-and-shared-adult-since-2026",
        case("england", [FAKE, SHARED], ADULT, "since_2026"),
        [S66E, S66B],
        {S33, PCA},
    ),
    row(
        "england-deepfake-and-shared-before-2024",
        case("england", [FAKE, SHARED], ADULT, "before_2024"),
        [PHA, S33],
        {S66B, S66E},
    ),
    row("england-ai-image-aged-13-15", case("england", [FAKE], AGED_13_15, "since_2026"), [PCA, S66B], {S66E, S66F}),
    row(
        "wales-ai-image-adult-now-under-18-in-it",
        case("wales", [FAKE], ADULT_NOW_UNDER_18_IN_IMAGE, "2024_to_2025"),
        [PCA, S66B],
        {S66E, S66F},
    ),
    # --- England and Wales: taken in secret, cyberflashing ---------------------------------------
    row(
        "england-taken-adult-since-2026",
        case("england", [TAKEN], ADULT, "since_2026"),
        [S67, S67A, CPA],
        {S66B, PCA, SOSA9},
    ),
    row("england-taken-adult-before-2024", case("england", [TAKEN], ADULT, "before_2024"), [S67, S67A], {CPA, S66B}),
    row(
        "wales-taken-aged-16-17-2024-25",
        case("wales", [TAKEN], AGED_16_17, "2024_to_2025"),
        [PCA, S67, S67A],
        {CPA, S66E},
    ),
    row("england-taken-date-unknown", case("england", [TAKEN], ADULT), [S67, S67A, CPA], {S66B, ART71}),
    row(
        "england-cyberflashing-adult-since-2026",
        case("england", [FLASH], ADULT, "since_2026"),
        [S66A, PHA, S127],
        {PCA, S66B, SOSA67, ART72A},
    ),
    row("wales-cyberflashing-before-2024", case("wales", [FLASH], ADULT, "before_2024"), [PHA, S127], {S66A}),
    row("england-cyberflashing-aged-13-15", case("england", [FLASH], AGED_13_15, "2024_to_2025"), [S66A], {PCA, S66E}),
    # --- Scotland -------------------------------------------------------------------------------
    row(
        "scotland-shared-adult-since-2026",
        case("scotland", [SHARED], ADULT, "since_2026"),
        [ABSHA, CJLSA],
        {S66B, S33, CGSA, S51},
    ),
    row("scotland-shared-adult-before-2024", case("scotland", [SHARED], ADULT, "before_2024"), [ABSHA], {S33, S66B}),
    row(
        "scotland-sextortion-adult-money",
        case("scotland", [THREAT], ADULT, "2024_to_2025", "money"),
        [EXTORTION, ABSHA, CJLSA],
        {BLACKMAIL_EW, S181_EW, S181_NI},
    ),
    row(
        "scotland-sextortion-aged-13-15",
        case("scotland", [THREAT], AGED_13_15, "since_2026", "more_images"),
        [CGSA, ABSHA, CJLSA],
        {PCA, SC_PROPOSED},
    ),
    row(
        "scotland-threat-no-demand-date-unknown",
        case("scotland", [THREAT], ADULT),
        [ABSHA, CJLSA, EXTORTION],
        {S66B4, S181_EW},
    ),
    row(
        "scotland-deepfake-adult",
        case("scotland", [FAKE], ADULT, "since_2026"),
        [ABSHA],
        {SC_PROPOSED, S66E, S66F, CGSA},
    ),
    row(
        "scotland-deepfake-age-unknown",
        case("scotland", [FAKE], AGE_UNKNOWN, "since_2026"),
        [CGSA, ABSHA],
        {SC_PROPOSED, S66E},
    ),
    row(
        "scotland-ai-image-aged-13-15",
        case("scotland", [FAKE], AGED_13_15, "since_2026"),
        [CGSA, ABSHA],
        {SC_PROPOSED, S66E, PCA},
    ),
    row(
        "scotland-deepfake-and-shared-adult",
        case("scotland", [FAKE, SHARED], ADULT, "since_2026"),
        [CJLSA, ABSHA],
        {SC_PROPOSED, S66E, S66B},
    ),
    row("scotland-taken-adult", case("scotland", [TAKEN], ADULT, "since_2026"), [SOSA9], {CPA, S67, S67A, CGSA}),
    row(
        "scotland-taken-age-unknown-before-2024",
        case("scotland", [TAKEN], AGE_UNKNOWN, "before_2024"),
        [SOSA9, CGSA],
        {CPA, S67},
    ),
    row(
        "scotland-cyberflashing-adult",
        case("scotland", [FLASH], ADULT, "2024_to_2025"),
        [SOSA67, CJLSA],
        {S66A, ART72A, S127},
    ),
    # --- Northern Ireland -----------------------------------------------------------------------
    row(
        "ni-shared-adult-since-2026",
        case("northern_ireland", [SHARED], ADULT, "since_2026"),
        [S51, HARASSMENT_NI],
        {S66B, ABSHA, PCNIO},
    ),
    row("ni-shared-adult-before-2024", case("northern_ireland", [SHARED], ADULT, "before_2024"), [S51], {S33, S66B}),
    row(
        "ni-threat-adult-before-2024",
        case("northern_ireland", [THREAT], ADULT, "before_2024"),
        [S51, HARASSMENT_NI],
        {S181_NI, S66B4},
    ),
    row(
        "ni-sextortion-adult-money-2024-25",
        case("northern_ireland", [THREAT], ADULT, "2024_to_2025", "money"),
        [BLACKMAIL_NI, S51, HARASSMENT_NI],
        {BLACKMAIL_EW, PCNIO},
    ),
    row(
        "ni-sextortion-aged-13-15",
        case("northern_ireland", [THREAT], AGED_13_15, "since_2026", "money"),
        [PCNIO, BLACKMAIL_NI, S51],
        {NI_PROPOSED, PCA},
    ),
    row(
        "ni-deepfake-adult-no-law", case("northern_ireland", [FAKE], ADULT, "since_2026"), [], {S51, S66E, NI_PROPOSED}
    ),
    row(
        "ni-ai-image-aged-16-17",
        case("northern_ireland", [FAKE], AGED_16_17, "since_2026"),
        [PCNIO],
        {S51, NI_PROPOSED, S66E, PCA},
    ),
    row(
        "ni-deepfake-and-shared-adult",
        case("northern_ireland", [FAKE, SHARED], ADULT, "since_2026"),
        [HARASSMENT_NI, S51],
        {NI_PROPOSED, S66E, S66B},
    ),
    row("ni-taken-adult", case("northern_ireland", [TAKEN], ADULT, "since_2026"), [ART71, ART71AB], {CPA, S67, SOSA9}),
    row("ni-taken-before-2024", case("northern_ireland", [TAKEN], ADULT, "before_2024"), [ART71, ART71AB], {CPA}),
    row(
        "ni-cyberflashing-adult-2024-25",
        case("northern_ireland", [FLASH], ADULT, "2024_to_2025"),
        [ART72A, HARASSMENT_NI],
        {S66A, SOSA67},
    ),
    row(
        "ni-cyberflashing-before-2024",
        case("northern_ireland", [FLASH], ADULT, "before_2024"),
        [ART72A, HARASSMENT_NI],
        {S66A},
    ),
]


@pytest.mark.parametrize(("facts_given", "top", "absent"), TABLE)
def test_offences_that_may_apply(facts_given: Facts, top: list[str], absent: set[str]) -> None:
    explanation = explain(facts_given, OFFENCES)

    assert explanation.cannot_say is None
    assert explanation.jurisdiction == JURISDICTION_OF_NATION[facts_given.nation or ""]
    if top:
        assert ids(explanation)[: len(top)] == top
    else:
        assert ids(explanation) == []
    assert not absent & set(ids(explanation))


def test_the_table_names_only_real_offences() -> None:
    """A misspelt id in `absent` would make that check pass whatever the engine does."""
    used = {offence_id for param in TABLE for offence_id in [*param.values[1], *param.values[2]]}
    assert used - set(BY_ID) == set()
    assert len(TABLE) >= 45


# --- The hard cases, in full ---------------------------------------------------------------------


def test_deepfake_made_in_scotland_has_no_creation_offence_and_sharing_law_is_conditional() -> None:
    explanation = explain(case("scotland", [FAKE], ADULT, "since_2026"), OFFENCES)

    assert ids(explanation) == [ABSHA]
    (condition,) = conditions(explanation, ABSHA)
    assert "real photo" in condition and "shared or sharing was threatened" in condition
    assert [o.id for o in explanation.proposed] == [SC_PROPOSED]
    assert explanation.none_clearly_applies
    text = "\n".join(m["text"] for m in explanation_messages(explanation, "survivor"))
    assert "does not yet have a law against making a fake intimate image" in text
    assert WORDING["none_clearly_applies"] in text


def test_deepfake_shared_in_scotland_says_ai_made_images_are_unclear() -> None:
    explanation = explain(case("scotland", [FAKE, SHARED], ADULT, "since_2026"), OFFENCES)

    assert any("unclear whether images made entirely by AI count" in c for c in conditions(explanation, ABSHA))
    assert SC_PROPOSED not in ids(explanation)
    assert [o.id for o in explanation.proposed] == [SC_PROPOSED]


def test_deepfake_in_northern_ireland_is_not_covered_by_s51_and_the_proposal_is_only_a_proposal() -> None:
    explanation = explain(case("northern_ireland", [FAKE], ADULT, "since_2026"), OFFENCES)

    assert S51 not in named_anywhere(explanation)
    assert ids(explanation) == []
    assert [o.id for o in explanation.proposed] == [NI_PROPOSED]
    text = "\n".join(m["text"] for m in explanation_messages(explanation, "survivor"))
    assert WORDING["no_offence_found"] in text
    assert "whether they are law yet is not confirmed" in text


def test_deepfake_shared_in_northern_ireland_names_s51_only_for_a_real_image() -> None:
    explanation = explain(case("northern_ireland", [FAKE, SHARED], ADULT, "2024_to_2025"), OFFENCES)

    assert conditions(explanation, S51) == (
        "If it is a real photo or video of you, not one made sexual by editing or AI",
    )


def test_deepfake_in_england_since_2026_is_the_creation_offence() -> None:
    explanation = explain(case("england", [FAKE], ADULT, "since_2026"), OFFENCES)

    assert ids(explanation)[0] == S66E
    assert conditions(explanation, S66E) == ("If it happened on or after 6 February 2026",)
    assert any("shared" in c for c in conditions(explanation, S66B))
    assert explanation.too_early == ()


def test_deepfake_in_wales_in_2024_or_2025_is_too_early_for_the_creation_offence() -> None:
    explanation = explain(case("wales", [FAKE], ADULT, "2024_to_2025"), OFFENCES)

    assert S66E not in ids(explanation) and S66F not in ids(explanation)
    assert [o.id for o in explanation.too_early] == [S66E]
    assert conditions(explanation, S66B) == (
        "If the fake image was shared with anyone",
        "If it happened on or after 31 January 2024",
    )
    text = "\n".join(m["text"] for m in explanation_messages(explanation, "survivor"))
    assert "this law started on 6 February 2026, so it does not cover things done before then" in text


def test_sharing_in_england_before_2024_is_the_old_s33_offence() -> None:
    explanation = explain(case("england", [SHARED], ADULT, "before_2024"), OFFENCES)

    assert ids(explanation)[0] == S33
    assert conditions(explanation, S33) == ()
    assert S66B not in ids(explanation)
    assert S66B in {o.id for o in explanation.too_early}
    (s33_message,) = [m for m in explanation_messages(explanation, "survivor") if S33 in str(m.get("buttons"))]
    assert "meant to cause you distress" in s33_message["text"]
    assert "does not matter why" not in s33_message["text"]


@pytest.mark.parametrize("nation", ["england", "wales"])
def test_sharing_in_january_2024_is_covered_by_the_old_law_until_30_january(nation: str) -> None:
    """The older law ran to 30 January 2024 and s.66B from 31 January: a month of 2024 was once dropped."""
    explanation = explain(case(nation, [SHARED], ADULT, "2024_to_2025"), OFFENCES)

    assert conditions(explanation, S33) == ("If it happened before 31 January 2024",)
    assert conditions(explanation, S66B) == ("If it happened on or after 31 January 2024",)
    assert ids(explanation).index(S66B) < ids(explanation).index(S33)


def test_an_offence_is_shown_for_every_period_its_dates_touch_however_briefly() -> None:
    """Whatever is said when the date is unknown is also said for each period the offence's dates overlap."""
    for c, explanation in ALL_EXPLAINED:
        if c.when in PERIODS:
            continue
        for item in explanation.offences:
            start = item.offence.in_force_from or dt.date.min
            end = item.offence.in_force_until or dt.date.max
            for when, (first, last) in PERIODS.items():
                if start <= last and end >= first:
                    dated = explain(dataclasses.replace(c, when=when), OFFENCES)
                    assert item.offence.id in ids(dated), (c, when, item.offence.id)


@pytest.mark.parametrize("nation", ["england", "wales"])
@pytest.mark.parametrize("when", ["before_2024", "2024_to_2025", "since_2026", "not_sure"])
def test_ai_image_of_a_15_year_old_is_the_child_offence_never_the_adult_deepfake_offence(
    nation: str, when: str
) -> None:
    explanation = explain(case(nation, [FAKE], AGED_13_15, when), OFFENCES)

    assert ids(explanation)[0] == PCA
    assert conditions(explanation, PCA) == ()
    assert not {S66E, S66F} & named_anywhere(explanation)
    text = "\n".join(m["text"] for m in explanation_messages(explanation, "survivor")).lower()
    assert "adult" not in text


@pytest.mark.parametrize("nation", ["scotland", "northern_ireland"])
def test_ai_image_of_a_15_year_old_elsewhere_is_the_child_offence_and_no_adult_proposal(nation: str) -> None:
    explanation = explain(case(nation, [FAKE], AGED_13_15, "since_2026"), OFFENCES)

    assert ids(explanation)[0] == CHILD_IMAGE_OFFENCE[JURISDICTION_OF_NATION[nation]]
    assert explanation.proposed == ()


def test_sextortion_of_an_adult_is_blackmail_first() -> None:
    explanation = explain(case("england", [THREAT], ADULT, "since_2026", "money"), OFFENCES)

    assert ids(explanation)[0] == BLACKMAIL_EW
    assert conditions(explanation, BLACKMAIL_EW) == ()
    assert PCA not in ids(explanation)


def test_sextortion_of_a_child_puts_the_indecent_images_offence_before_blackmail() -> None:
    explanation = explain(case("england", [THREAT], AGED_13_15, "since_2026", "money"), OFFENCES)

    assert ids(explanation)[:2] == [PCA, BLACKMAIL_EW]


def test_blackmail_without_a_demand_is_only_a_condition() -> None:
    explanation = explain(case("england", [THREAT], ADULT, "since_2026"), OFFENCES)

    assert "If they asked for money or something else of value" in conditions(explanation, BLACKMAIL_EW)
    assert ids(explanation)[0] == S66B4


@pytest.mark.parametrize(
    ("nation", "threat_offence", "wording"),
    [
        ("england", S66B4, "It does not have to be shown that the image exists."),
        ("wales", S66B4, "It does not have to be shown that the image exists."),
        ("northern_ireland", S51, "For a threat, the image does not have to exist."),
    ],
)
def test_a_threat_where_no_image_exists_is_still_covered(nation: str, threat_offence: str, wording: str) -> None:
    explanation = explain(case(nation, [THREAT], ADULT, "since_2026"), OFFENCES)

    assert threat_offence in ids(explanation)
    (message,) = [m for m in explanation_messages(explanation, "survivor") if threat_offence in str(m.get("buttons"))]
    assert wording in message["text"]


@pytest.mark.parametrize(
    ("when", "expected"),
    [
        ("before_2024", ("If it happened on or after 27 November 2023",)),
        ("not_sure", ("If it happened on or after 27 November 2023",)),
        ("2024_to_2025", ()),
        ("since_2026", ()),
    ],
)
def test_threats_in_northern_ireland_are_covered_from_27_november_2023(when: str, expected: tuple[str, ...]) -> None:
    explanation = explain(case("northern_ireland", [THREAT], ADULT, when), OFFENCES)

    assert conditions(explanation, S51) == expected


def test_sharing_in_northern_ireland_before_2023_needs_no_date_condition() -> None:
    explanation = explain(case("northern_ireland", [SHARED], ADULT, "before_2024"), OFFENCES)

    assert conditions(explanation, S51) == ()


@pytest.mark.parametrize(
    ("nation", "expected", "others"),
    [
        ("england", S66A, {SOSA67, ART72A}),
        ("wales", S66A, {SOSA67, ART72A}),
        ("scotland", SOSA67, {S66A, ART72A}),
        ("northern_ireland", ART72A, {S66A, SOSA67}),
    ],
)
def test_cyberflashing_per_nation(nation: str, expected: str, others: set[str]) -> None:
    explanation = explain(case(nation, [FLASH], ADULT, "since_2026"), OFFENCES)

    assert ids(explanation)[0] == expected
    assert conditions(explanation, expected) == ()
    assert not others & named_anywhere(explanation)


def test_cyberflashing_in_england_before_2024_is_too_early_for_s66a() -> None:
    explanation = explain(case("england", [FLASH], ADULT, "before_2024"), OFFENCES)

    assert S66A in {o.id for o in explanation.too_early}
    assert S127 in ids(explanation)


def test_cyberflashing_in_northern_ireland_before_2024_is_covered_from_27_november_2023() -> None:
    explanation = explain(case("northern_ireland", [FLASH], ADULT, "before_2024"), OFFENCES)

    assert conditions(explanation, ART72A) == ("If it happened on or after 27 November 2023",)


@pytest.mark.parametrize(
    ("nation", "first", "must_include"),
    [
        ("england", S67, {S67A, CPA}),
        ("wales", S67, {S67A, CPA}),
        ("scotland", SOSA9, set()),
        ("northern_ireland", ART71, {ART71AB}),
    ],
)
def test_taken_in_secret_per_nation(nation: str, first: str, must_include: set[str]) -> None:
    explanation = explain(case(nation, [TAKEN], ADULT, "since_2026"), OFFENCES)

    assert ids(explanation)[0] == first
    assert must_include <= set(ids(explanation))
    if nation in ("england", "wales"):
        assert BY_ID[CPA].status == "enacted_commencement_unconfirmed"
        messages = explanation_messages(explanation, "survivor")
        (cpa_message,) = [m for m in messages if CPA in str(m.get("buttons"))]
        assert WORDING["not_confirmed_in_force"] in cpa_message["text"]
    else:
        assert CPA not in named_anywhere(explanation)


@pytest.mark.parametrize("when", ["before_2024", "2024_to_2025"])
def test_the_new_taking_offence_is_never_offered_for_things_done_before_the_act(when: str) -> None:
    explanation = explain(case("england", [TAKEN], ADULT, when), OFFENCES)

    assert CPA not in ids(explanation)
    assert S67 in ids(explanation)


@pytest.mark.parametrize(
    ("facts_given", "reason"),
    [
        pytest.param(case("outside_uk", [SHARED], ADULT, "since_2026"), "outside_uk", id="outside-uk"),
        pytest.param(case("outside_uk", [], ADULT), "outside_uk", id="outside-uk-nothing-said"),
        pytest.param(case(None, [SHARED], ADULT, "since_2026"), "nation_unknown", id="nation-not-given"),
        pytest.param(case("not_said", [FAKE], ADULT), "nation_unknown", id="nation-not-said"),
        pytest.param(case("england", [], ADULT), "no_situation", id="no-situation"),
        pytest.param(case("scotland", ["not_sure"], ADULT), "no_situation", id="situation-not-sure"),
        pytest.param(case("northern_ireland", ["not_said"], ADULT), "no_situation", id="situation-not-said"),
    ],
)
def test_cannot_say_without_a_uk_nation_and_a_situation(facts_given: Facts, reason: str) -> None:
    explanation = explain(facts_given, OFFENCES)

    assert explanation.cannot_say == reason
    assert explanation.offences == explanation.proposed == explanation.too_early == ()


# --- Properties over every combination of facts ----------------------------------------------------

NATIONS = ["england", "wales", "scotland", "northern_ireland"]
SITUATION_SETS = [list(s) for n in range(1, 6) for s in itertools.combinations(facts.SPECIFIC_SITUATIONS, n)]
AGES = [ADULT, AGE_UNKNOWN, AGED_13_15, AGED_16_17, ADULT_NOW_UNDER_18_IN_IMAGE]
WHENS = ["before_2024", "2024_to_2025", "since_2026", "not_sure", None]
DEMANDS = [None, "money"]
ALL_CASES = [
    case(nation, situations, age, when, demand)
    for nation, situations, age, when, demand in itertools.product(NATIONS, SITUATION_SETS, AGES, WHENS, DEMANDS)
]
ALL_EXPLAINED = [(c, explain(c, OFFENCES)) for c in ALL_CASES]


def test_every_combination_gets_an_answer() -> None:
    assert len(ALL_EXPLAINED) == 4 * 31 * 5 * 5 * 2
    assert all(e.cannot_say is None for _, e in ALL_EXPLAINED)


def test_never_another_nations_law() -> None:
    for c, explanation in ALL_EXPLAINED:
        jurisdiction = JURISDICTION_OF_NATION[c.nation or ""]
        for offence_id in named_anywhere(explanation):
            assert BY_ID[offence_id].jurisdiction == jurisdiction, (c, offence_id)
            assert offence_id.startswith(ID_PREFIX[jurisdiction]), (c, offence_id)


def test_the_deepfake_creation_offences_never_appear_outside_england_and_wales() -> None:
    for c, explanation in ALL_EXPLAINED:
        if c.nation in ("scotland", "northern_ireland"):
            assert not {S66E, S66F} & named_anywhere(explanation), c


def test_never_an_adult_only_offence_when_the_image_is_of_an_under_18() -> None:
    for c, explanation in ALL_EXPLAINED:
        if c.image_under_18:
            named = named_anywhere(explanation)
            assert not {i for i in named if BY_ID[i].image_age == "adult_only"}, c


def test_an_under_18_image_always_puts_the_child_offence_first() -> None:
    for c, explanation in ALL_EXPLAINED:
        if c.image_under_18 and set(c.situations) & {SHARED, THREAT, FAKE, TAKEN}:
            assert ids(explanation)[0] == CHILD_IMAGE_OFFENCE[explanation.jurisdiction or ""], c
            assert explanation.offences[0].conditions == (), c


def test_proposals_are_never_stated_as_law() -> None:
    for c, explanation in ALL_EXPLAINED:
        assert all(item.offence.status != "proposed" for item in explanation.offences), c
        assert all(o.status == "proposed" for o in explanation.proposed), c


def test_offences_not_confirmed_in_force_are_always_said_to_be_not_confirmed() -> None:
    sentence = WORDING["not_confirmed_in_force"]
    seen = 0
    for c, explanation in ALL_EXPLAINED:
        messages = explanation_messages(explanation, "survivor")
        shown = explanation.offences[:MAX_OFFENCES_SHOWN]
        for item, message in zip(shown, messages[1 : 1 + len(shown)], strict=True):
            assert item.offence.id in message["buttons"][0]["payload"]
            unconfirmed = item.offence.status == "enacted_commencement_unconfirmed"
            assert (sentence in message["text"]) == unconfirmed, (c, item.offence.id)
            seen += unconfirmed
    assert seen > 0


def test_a_law_is_never_offered_for_a_period_it_did_not_cover() -> None:
    for c, explanation in ALL_EXPLAINED:
        period = PERIODS.get(c.when or "")
        if period is None:
            continue
        for item in explanation.offences:
            start, end = item.offence.in_force_from, item.offence.in_force_until
            assert start is None or start <= period[1], (c, item.offence.id)
            assert end is None or end >= period[0], (c, item.offence.id)


def test_the_old_and_new_sharing_laws_are_never_both_stated_without_a_condition() -> None:
    for c, explanation in ALL_EXPLAINED:
        plain = {item.offence.id for item in explanation.offences if not item.conditions}
        assert not {S33, S66B} <= plain, c


def test_a_law_that_may_not_cover_fakes_is_never_stated_plainly_for_a_fake() -> None:
    for c, explanation in ALL_EXPLAINED:
        if FAKE not in c.situations:
            continue
        only_fakes = set(c.situations) == {FAKE}
        for item in explanation.offences:
            if item.offence.fake_images == "covered":
                continue
            assert not (only_fakes and item.offence.fake_images == "excluded"), (c, item.offence.id)
            if only_fakes or set(c.situations) & {SHARED, THREAT} & item.offence.situations:
                assert item.conditions, (c, item.offence.id)


def test_too_early_laws_are_not_also_listed_as_applying() -> None:
    for c, explanation in ALL_EXPLAINED:
        assert not {o.id for o in explanation.too_early} & set(ids(explanation)), c
        period = PERIODS.get(c.when or "")
        if period is None:
            assert explanation.too_early == (), c  # "too early" needs a date
        for offence in explanation.too_early:
            assert offence.in_force_from is not None and period is not None and offence.in_force_from > period[0], (
                c,
                offence.id,
            )
