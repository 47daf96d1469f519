"""data/law/england_and_wales.yml: the facts corrected on 2 December 2026, one row each.

Each row checks one fact that was wrong or missing before, against what the primary and official sources
showed (the sources and what stays unconfirmed are in each entry's `sources` and `notes`). The typed fields
come from `actions.law.load_offences`, as the engine reads them; `notes` (which the engine does not load)
come from the YAML itself, read as tests/actions/law/test_law_data.py reads it.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from actions.explain import MAX_OFFENCES_SHOWN
from actions.law import explain, load_offences
from actions.person import Facts

ROOT = Path(__file__).resolve().parents[3]
LAW_DIR = ROOT / "data" / "law"
LAW_FILE = LAW_DIR / "england_and_wales.yml"
REVIEWED_ON = dt.date(2026, 12, 2)

OFFENCES = {o.id: o for o in load_offences(LAW_DIR) if o.jurisdiction == "england_and_wales"}
RAW = {entry["id"]: entry for entry in yaml.safe_load(LAW_FILE.read_text(encoding="utf-8"))["offences"]}

TAKING = "ew_cpa2026_taking_intimate_image"
INSTALLING = "ew_cpa2026_installing_equipment"
COPYING = "ew_cpa2026_copying_temporary_image"
GENERATORS = "ew_cpa2026_s99_intimate_image_generators"
S66B = "ew_soa2003_s66b_sharing"
S66E = "ew_soa2003_s66e_creating_deepfake"
S66F = "ew_soa2003_s66f_requesting_deepfake"
S67 = "ew_soa2003_s67_voyeurism"
S67A = "ew_soa2003_s67a_upskirting"
S127 = "ew_ca2003_s127_messages"
PCA = "ew_pca1978_s1_indecent_images_of_children"

CIRCULAR = (
    "https://www.gov.uk/government/publications/circular-0042026-crime-and-policing-act-2026/"
    "circular-0042026-crime-and-policing-act-2026-accessible"
)
# A source is a public address, or a statute reference such as "Sexual Offences Act 2003 s.66B".
URL = re.compile(r"^https://[a-z0-9.-]+\.[a-z]{2,}/\S*$")
STATUTE = re.compile(r"^[A-Z][A-Za-z ()',-]+ (Act|Order|Regulations) \d{4}(,| ) ?(s|ss|reg|art|Sch)\.? ?\d")
ADULT = {"age_group": "18_plus", "age_at_image": "18_plus"}


def field(offence_id: str, name: str) -> Any:
    """A typed field as the engine loads it, or `notes` from the YAML (the engine does not load notes)."""
    if name == "notes":
        return RAW[offence_id].get("notes", "")
    return getattr(OFFENCES[offence_id], name)


def all_text(offence_id: str) -> str:
    entry = RAW[offence_id]
    return "\n".join(
        str(value)
        for value in (
            entry["title"],
            entry["covers"],
            entry["basis_plain"],
            *entry["must_show"],
            entry.get("notes", ""),
        )
    )


def ids_for(situations: tuple[str, ...], when: str) -> list[str]:
    found = explain(Facts(situations=situations, nation="england", when=when, **ADULT), OFFENCES.values())
    return [item.offence.id for item in found.offences]


def conditions_for(offence_id: str, situations: tuple[str, ...], when: str) -> tuple[str, ...]:
    found = explain(Facts(situations=situations, nation="england", when=when, **ADULT), OFFENCES.values())
    (item,) = [item for item in found.offences if item.offence.id == offence_id]
    return item.conditions


# --- One field, one value ------------------------------------------------------------------------

FIELD_FACTS = [
    # Crime and Policing Act 2026: 29 April 2026 is Royal Assent, not commencement. The first provisions
    # commenced on 29 June 2026 (SI 2026/689); that these offences were among them is not confirmed.
    pytest.param(
        TAKING,
        ("in_force_from", "status"),
        (dt.date(2026, 6, 29), "enacted_commencement_unconfirmed"),
        id="taking-from-29-june-2026-commencement-unconfirmed",
    ),
    pytest.param(TAKING, "last_reviewed", REVIEWED_ON, id="taking-reviewed-today"),
    pytest.param(
        INSTALLING,
        "status",
        "enacted_commencement_unconfirmed",
        id="installing-is-its-own-entry-not-in-force-confirmed",
    ),
    pytest.param(INSTALLING, "in_force_from", dt.date(2026, 6, 29), id="installing-offered-from-29-june-2026"),
    pytest.param(INSTALLING, "situations", frozenset({"taken_without_consent"}), id="installing-for-images-taken"),
    pytest.param(
        COPYING, "status", "enacted_commencement_unconfirmed", id="copying-temporary-image-present-unconfirmed"
    ),
    pytest.param(
        COPYING, "situations", frozenset({"taken_without_consent"}), id="copying-temporary-image-for-images-taken"
    ),
    pytest.param(
        GENERATORS, "status", "enacted_commencement_unconfirmed", id="nudify-tools-offence-present-unconfirmed"
    ),
    pytest.param(GENERATORS, "situations", frozenset({"fake_images"}), id="nudify-tools-only-for-fake-images"),
    pytest.param(GENERATORS, "image_age", "adult_only", id="nudify-tools-purported-image-means-adult"),
    # s.66E/66F: in force 6 February 2026.
    pytest.param(
        S66E,
        ("in_force_from", "last_reviewed"),
        (dt.date(2026, 2, 6), REVIEWED_ON),
        id="s66e-from-6-february-2026-reviewed-today",
    ),
    pytest.param(S66F, "last_reviewed", REVIEWED_ON, id="s66f-reviewed-today"),
    # s.67(3) and s.67A(2): repeal by the 2026 Act not confirmed, and only part of each section would go,
    # so neither entry ends (see the notes rows below).
    pytest.param(S67, ("in_force_until", "last_reviewed"), (None, REVIEWED_ON), id="s67-stays-open-reviewed-today"),
    pytest.param(S67A, ("in_force_until", "last_reviewed"), (None, REVIEWED_ON), id="s67a-stays-open-reviewed-today"),
    # Communications Act 2003 s.127(3): summary only, six months or a fine or both.
    pytest.param(S127, "max_penalty_confirmed", True, id="s127-penalty-confirmed"),
    pytest.param(
        S127,
        "max_penalty",
        "Up to 6 months in prison, a fine, or both (dealt with in the magistrates' court).",
        id="s127-penalty-wording",
    ),
    pytest.param(S127, "last_reviewed", REVIEWED_ON, id="s127-reviewed-today"),
]


@pytest.mark.parametrize(("offence_id", "names", "expected"), FIELD_FACTS)
def test_corrected_field(offence_id: str, names: str | tuple[str, ...], expected: Any) -> None:
    if isinstance(names, tuple):
        assert tuple(field(offence_id, name) for name in names) == expected
    else:
        assert field(offence_id, names) == expected


# --- Facts that need more than one field -------------------------------------------------------


def _no_second_commencement_date_for_s66e() -> None:
    assert OFFENCES[S66E].in_force_from == OFFENCES[S66F].in_force_from == dt.date(2026, 2, 6)
    for offence_id in (S66E, S66F):
        text = all_text(offence_id)
        assert "2 March" not in text and "2 Mar" not in text, offence_id


def _s66f_notes_state_the_date_not_an_open_question() -> None:
    notes = field(S66F, "notes")
    assert "6 February 2026" in notes and "question" not in notes


def _taking_cites_the_real_circular_and_the_si() -> None:
    assert CIRCULAR in OFFENCES[TAKING].sources
    assert "https://www.legislation.gov.uk/uksi/2026/689" in OFFENCES[TAKING].sources


def _taking_motive_sentence_claims_nothing_about_why() -> None:
    assert "matter why" not in OFFENCES[TAKING].basis_plain


def _taking_says_where_in_the_2003_act_it_is_reported() -> None:
    assert "66AB" in OFFENCES[TAKING].section


def _every_source_is_a_url_or_statute_reference_never_the_teams_notes() -> None:
    bad = [
        (o.id, s)
        for o in OFFENCES.values()
        for s in o.sources
        if "shared/" in s or not (URL.match(s) or STATUTE.match(s))
    ]
    assert bad == []


def _the_file_header_does_not_point_at_the_teams_private_notes() -> None:
    assert "shared/reference" not in LAW_FILE.read_text(encoding="utf-8")


def _s67_notes_say_only_67_3_would_be_replaced() -> None:
    notes = field(S67, "notes")
    assert "s.67(3)" in notes and "NOT confirmed" in notes and "(4)" in notes
    assert OFFENCES[S67].in_force_until is None


def _s67a_notes_say_only_67a_2_would_be_replaced() -> None:
    notes = field(S67A, "notes")
    assert "s.67A(2)" in notes and "NOT confirmed" in notes and "(2A)-(2B)" in notes
    assert OFFENCES[S67A].in_force_until is None


def _pca_anonymity_is_not_claimed_from_the_1992_act() -> None:
    assert OFFENCES[PCA].anonymity_confirmed is False
    assert "protected from being identified" not in OFFENCES[PCA].anonymity
    assert "1992" in field(PCA, "notes")


def _new_offences_claim_no_confirmed_penalty_or_anonymity() -> None:
    for offence_id in (TAKING, INSTALLING, COPYING, GENERATORS):
        assert OFFENCES[offence_id].max_penalty_confirmed is False, offence_id
        assert OFFENCES[offence_id].anonymity_confirmed is False, offence_id


def _taking_is_offered_from_29_june_2026_not_29_april() -> None:
    assert "If it happened on or after 29 June 2026" in conditions_for(TAKING, ("taken_without_consent",), "since_2026")


def _nudify_tools_offence_comes_after_the_core_fake_image_offences() -> None:
    found = ids_for(("fake_images",), "since_2026")
    assert GENERATORS in found
    assert found.index(GENERATORS) > max(found.index(S66E), found.index(S66F), found.index(S66B))
    assert GENERATORS not in found[:MAX_OFFENCES_SHOWN]


def _new_taking_offences_follow_voyeurism_and_upskirting() -> None:
    found = ids_for(("taken_without_consent",), "since_2026")
    assert found[:3] == [S67, S67A, TAKING]
    assert {INSTALLING, COPYING} <= set(found[3:])


def _new_offences_are_never_offered_for_2024_or_2025() -> None:
    found = ids_for(("taken_without_consent", "fake_images"), "2024_to_2025")
    assert not {TAKING, INSTALLING, COPYING, GENERATORS} & set(found)
    assert {INSTALLING, COPYING, GENERATORS} <= set(OFFENCES)


RULE_FACTS: list[Any] = [
    pytest.param(_no_second_commencement_date_for_s66e, id="s66e-s66f-no-second-commencement-date"),
    pytest.param(_s66f_notes_state_the_date_not_an_open_question, id="s66f-notes-state-6-february"),
    pytest.param(_taking_cites_the_real_circular_and_the_si, id="taking-cites-circular-004-2026-and-si-2026-689"),
    pytest.param(_taking_motive_sentence_claims_nothing_about_why, id="taking-basis-plain-no-motive-claim"),
    pytest.param(_taking_says_where_in_the_2003_act_it_is_reported, id="taking-section-66ab"),
    pytest.param(
        _every_source_is_a_url_or_statute_reference_never_the_teams_notes, id="sources-are-urls-or-statute-references"
    ),
    pytest.param(_the_file_header_does_not_point_at_the_teams_private_notes, id="header-no-shared-reference"),
    pytest.param(_s67_notes_say_only_67_3_would_be_replaced, id="s67-notes-partial-replacement"),
    pytest.param(_s67a_notes_say_only_67a_2_would_be_replaced, id="s67a-notes-partial-replacement"),
    pytest.param(_pca_anonymity_is_not_claimed_from_the_1992_act, id="pca-anonymity-not-from-1992-act"),
    pytest.param(_new_offences_claim_no_confirmed_penalty_or_anonymity, id="new-offences-nothing-confirmed"),
    pytest.param(_taking_is_offered_from_29_june_2026_not_29_april, id="engine-taking-from-29-june-2026"),
    pytest.param(
        _nudify_tools_offence_comes_after_the_core_fake_image_offences, id="engine-nudify-tools-after-core-offences"
    ),
    pytest.param(_new_taking_offences_follow_voyeurism_and_upskirting, id="engine-taking-order"),
    pytest.param(_new_offences_are_never_offered_for_2024_or_2025, id="engine-new-offences-not-before-2026"),
]


@pytest.mark.parametrize("check", RULE_FACTS)
def test_corrected_fact(check: Callable[[], None]) -> None:
    check()
