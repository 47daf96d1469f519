"""data/law/*.yml: every offence entry is complete, typed, sourced, recently reviewed, and says only what
the team's fact sheet (shared/reference/uk-law-and-services.md) confirms.

Read with yaml.safe_load, as actions/law.py reads it, so dates must be real dates, not strings.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
import yaml

from actions import facts
from actions.law import STATUSES, explain, load_offences
from actions.person import Facts

ROOT = Path(__file__).resolve().parents[3]
LAW_DIR = ROOT / "data" / "law"
# When these tests were written. Review dates are checked against this, not today's clock: a stale entry
# is `make law-review`'s job, not a reason for CI to start failing on a date nobody chose.
WRITTEN_ON = dt.date(2026, 12, 2)
REVIEW_EVERY_MONTHS = 6

JURISDICTIONS = ("england_and_wales", "scotland", "northern_ireland")
ID_PREFIX = {"england_and_wales": "ew_", "scotland": "sc_", "northern_ireland": "ni_"}
BASES = ("consent", "intent", "purpose", "intent_or_recklessness", "demand")
IMAGE_AGES = ("any", "adult_only", "under_18_only")
FAKE_IMAGES = ("covered", "unclear", "excluded")
NOT_MATTER = "does not matter why"

REQUIRED: dict[str, type | tuple[type, ...]] = {
    "id": str,
    "jurisdiction": str,
    "statute": str,
    "section": str,
    "citation": (str, type(None)),
    "title": str,
    "covers": str,
    "basis": str,
    "basis_plain": str,
    "must_show": list,
    "max_penalty": str,
    "max_penalty_confirmed": bool,
    "in_force_from": (dt.date, type(None)),
    "in_force_until": (dt.date, type(None)),
    "status": str,
    "anonymity": str,
    "anonymity_confirmed": bool,
    "applies_to": dict,
    "priority": int,
    "how_to_report": str,
    "sources": list,
    "last_reviewed": dt.date,
}
OPTIONAL = {"only_if": str, "notes": str}
APPLIES_REQUIRED = {"situations": list, "image_age": str, "fake_images": str}
APPLIES_OPTIONAL = {"only_if_fake": str, "threats_from": dt.date, "needs_demand": bool}


def _files() -> list[tuple[Path, dict[str, Any]]]:
    return [(path, yaml.safe_load(path.read_text(encoding="utf-8"))) for path in sorted(LAW_DIR.glob("*.yml"))]


FILES = _files()
ENTRIES = [(path.name, entry) for path, data in FILES for entry in data["offences"]]
BY_ID = {entry["id"]: entry for _, entry in ENTRIES}


def entry_params() -> list[Any]:
    return [pytest.param(entry, id=entry["id"]) for _, entry in ENTRIES]


def _months_before(day: dt.date, months: int) -> dt.date:
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    return dt.date(year, month + 1, min(day.day, 28))


def review_problem(last_reviewed: Any, on: dt.date) -> str | None:
    """Why an entry's review date is not acceptable on `on`, or None."""
    if type(last_reviewed) is not dt.date:
        return "not a date"
    if last_reviewed > on:
        return "in the future"
    if last_reviewed < _months_before(on, REVIEW_EVERY_MONTHS):
        return "older than six months"
    return None


def type_problems(entry: dict[str, Any]) -> list[str]:
    problems = []
    for name, kind in REQUIRED.items():
        if name not in entry:
            problems.append(f"missing {name}")
        elif not _is(entry[name], kind):
            problems.append(f"{name} is {type(entry[name]).__name__}")
    for name, kind in OPTIONAL.items():
        if name in entry and not _is(entry[name], kind):
            problems.append(f"{name} is {type(entry[name]).__name__}")
    applies = entry.get("applies_to") or {}
    for name, kind in APPLIES_REQUIRED.items():
        if name not in applies:
            problems.append(f"missing applies_to.{name}")
        elif not _is(applies[name], kind):
            problems.append(f"applies_to.{name} is {type(applies[name]).__name__}")
    for name, kind in APPLIES_OPTIONAL.items():
        if name in applies and not _is(applies[name], kind):
            problems.append(f"applies_to.{name} is {type(applies[name]).__name__}")
    unknown = set(entry) - set(REQUIRED) - set(OPTIONAL)
    unknown |= {f"applies_to.{k}" for k in set(applies) - set(APPLIES_REQUIRED) - set(APPLIES_OPTIONAL)}
    problems += [f"unknown field {name}" for name in sorted(unknown)]
    return problems


def _is(value: Any, kind: type | tuple[type, ...]) -> bool:
    kinds = kind if isinstance(kind, tuple) else (kind,)
    # bool is an int and datetime is a date in Python: neither is accepted in the other's place.
    if isinstance(value, bool) and bool not in kinds:
        return False
    if isinstance(value, dt.datetime) and dt.datetime not in kinds:
        return False
    return isinstance(value, kinds)


# --- The checks themselves catch what they are for --------------------------------------------------


@pytest.mark.parametrize(
    ("reviewed", "problem"),
    [
        (dt.date(2026, 12, 2), None),
        (dt.date(2026, 6, 2), None),
        (dt.date(2026, 6, 1), "older than six months"),
        (dt.date(2026, 12, 3), "in the future"),
        ("2026-12-02", "not a date"),
        (dt.datetime(2026, 12, 2, 9, 0), "not a date"),
    ],
)
def test_the_review_check_rejects_stale_future_and_non_dates(reviewed: Any, problem: str | None) -> None:
    assert review_problem(reviewed, WRITTEN_ON) == problem


def test_the_type_check_rejects_a_broken_entry() -> None:
    broken = {**BY_ID["ew_soa2003_s66b_sharing"], "priority": True, "in_force_from": "2024-01-31", "colour": "red"}
    del broken["sources"]
    broken["applies_to"] = {"situations": ["shared_without_consent"], "image_age": "any"}

    assert type_problems(broken) == [
        "in_force_from is str",
        "priority is bool",
        "missing sources",
        "missing applies_to.fake_images",
        "unknown field colour",
    ]


# --- Every entry ----------------------------------------------------------------------------------


def test_every_file_declares_its_jurisdiction_and_has_offences() -> None:
    assert {data["jurisdiction"] for _, data in FILES} == set(JURISDICTIONS)
    for path, data in FILES:
        assert data["offences"], path.name
        assert {entry["jurisdiction"] for entry in data["offences"]} == {data["jurisdiction"]}, path.name


def test_ids_are_unique() -> None:
    all_ids = [entry["id"] for _, entry in ENTRIES]
    assert len(all_ids) == len(set(all_ids))


@pytest.mark.parametrize("entry", entry_params())
def test_fields_are_present_and_typed(entry: dict[str, Any]) -> None:
    assert type_problems(entry) == []
    assert entry["must_show"] == [] or all(isinstance(point, str) and point for point in entry["must_show"])
    assert all(
        isinstance(field, str) and field.strip() for field in (entry["title"], entry["covers"], entry["basis_plain"])
    )


@pytest.mark.parametrize("entry", entry_params())
def test_allowed_values(entry: dict[str, Any]) -> None:
    assert entry["jurisdiction"] in JURISDICTIONS
    assert entry["id"].startswith(ID_PREFIX[entry["jurisdiction"]])
    assert entry["status"] in STATUSES
    assert entry["basis"] in BASES
    applies = entry["applies_to"]
    assert applies["situations"] and set(applies["situations"]) <= set(facts.SPECIFIC_SITUATIONS)
    assert applies["image_age"] in IMAGE_AGES
    assert applies["fake_images"] in FAKE_IMAGES


@pytest.mark.parametrize("entry", entry_params())
def test_sourced_and_reviewed_within_six_months(entry: dict[str, Any]) -> None:
    assert entry["sources"] and all(isinstance(source, str) and source.strip() for source in entry["sources"])
    assert review_problem(entry["last_reviewed"], WRITTEN_ON) is None


@pytest.mark.parametrize("entry", entry_params())
def test_dates_are_in_order(entry: dict[str, Any]) -> None:
    start, end = entry["in_force_from"], entry["in_force_until"]
    threats_from = entry["applies_to"].get("threats_from")
    if start and end:
        assert start < end
    if threats_from:
        assert "threat_to_share" in entry["applies_to"]["situations"]
        assert start is None or start <= threats_from
        assert end is None or threats_from <= end


@pytest.mark.parametrize("entry", entry_params())
def test_fake_image_fields_agree(entry: dict[str, Any]) -> None:
    applies = entry["applies_to"]
    if "only_if_fake" in applies:
        assert "fake_images" in applies["situations"]
    if "fake_images" in applies["situations"]:
        assert applies["fake_images"] != "excluded"
    if applies.get("needs_demand"):
        assert applies["situations"] == ["threat_to_share"]


@pytest.mark.parametrize("entry", [p for p in entry_params() if p.values[0]["status"] != "proposed"])
def test_does_not_matter_why_only_for_consent_based_offences_in_force(entry: dict[str, Any]) -> None:
    """The motive sentence is said as law only where the offence turns on consent. An offence whose
    commencement is not confirmed must not say it either: its elements are not confirmed from the Act."""
    says_it = NOT_MATTER in entry["basis_plain"].lower()
    if entry["status"] == "in_force":
        assert says_it == (entry["basis"] == "consent")
    else:
        assert not says_it


def test_the_consent_based_offences_are_exactly_s66b_s66e_s66f() -> None:
    says_it = {entry["id"] for _, entry in ENTRIES if NOT_MATTER in entry["basis_plain"].lower()}
    assert says_it == {
        "ew_soa2003_s66b_sharing",
        "ew_soa2003_s66e_creating_deepfake",
        "ew_soa2003_s66f_requesting_deepfake",
    }


@pytest.mark.parametrize("entry", [p for p in entry_params() if p.values[0]["status"] != "in_force"])
def test_what_is_not_law_claims_nothing_as_confirmed(entry: dict[str, Any]) -> None:
    assert not entry["max_penalty_confirmed"]
    assert not entry["anonymity_confirmed"]


def test_the_knowledge_base_loads_as_the_engine_reads_it() -> None:
    offences = load_offences(LAW_DIR)
    assert [o.id for o in offences] == [entry["id"] for _, entry in sorted(ENTRIES, key=lambda e: e[0])]
    assert all(isinstance(o.last_reviewed, dt.date) for o in offences)


# --- What the fact sheet confirms, and what it does not -----------------------------------------


@pytest.mark.parametrize(
    ("offence_id", "in_force_from", "in_force_until", "threats_from"),
    [
        ("ew_soa2003_s66b_sharing", dt.date(2024, 1, 31), None, None),
        ("ew_soa2003_s66b4_threat", dt.date(2024, 1, 31), None, None),
        ("ew_cjca2015_s33_disclosing", dt.date(2015, 4, 13), dt.date(2024, 1, 30), dt.date(2021, 6, 29)),
        ("ew_soa2003_s66e_creating_deepfake", dt.date(2026, 2, 6), None, None),
        ("ew_soa2003_s66f_requesting_deepfake", dt.date(2026, 2, 6), None, None),
        ("ew_soa2003_s66a_cyberflashing", dt.date(2024, 1, 31), None, None),
        ("ew_soa2003_s67_voyeurism", dt.date(2004, 5, 1), None, None),
        ("ew_soa2003_s67a_upskirting", dt.date(2019, 4, 12), None, None),
        ("ew_osa2023_s181_threatening_communications", dt.date(2024, 1, 31), None, None),
        ("sc_absha2016_s2_disclosing", dt.date(2017, 7, 3), None, None),
        ("sc_sosa2009_s9_voyeurism", dt.date(2010, 12, 1), None, None),
        ("ni_ja2016_s51_disclosing", None, None, dt.date(2023, 11, 27)),
        ("ni_soo2008_art71a_71b_upskirting_downblousing", dt.date(2023, 11, 27), None, None),
        ("ni_soo2008_art72a_cyberflashing", dt.date(2023, 11, 27), None, None),
        ("ni_osa2023_s181_threatening_communications", dt.date(2024, 1, 31), None, None),
    ],
)
def test_dates_match_the_fact_sheet(
    offence_id: str, in_force_from: Any, in_force_until: Any, threats_from: Any
) -> None:
    entry = BY_ID[offence_id]
    assert (entry["in_force_from"], entry["in_force_until"], entry["applies_to"].get("threats_from")) == (
        in_force_from,
        in_force_until,
        threats_from,
    )


@pytest.mark.parametrize(
    ("offence_id", "penalty"),
    [
        ("ew_soa2003_s66b_sharing", "2 years"),
        ("ew_soa2003_s66b4_threat", "2 years"),
        ("ew_cjca2015_s33_disclosing", "2 years"),
        ("ew_soa2003_s66e_creating_deepfake", "6 months"),
        ("ew_soa2003_s66f_requesting_deepfake", "6 months"),
        ("ew_soa2003_s66a_cyberflashing", "2 years"),
        ("ew_soa2003_s67_voyeurism", "2 years"),
        ("ew_soa2003_s67a_upskirting", "2 years"),
        ("ew_theft1968_s21_blackmail", "14 years"),
        ("ew_pha1997_harassment", "10 years"),
        ("ew_osa2023_s181_threatening_communications", "5 years"),
        ("ew_pca1978_s1_indecent_images_of_children", "10 years"),
        ("sc_absha2016_s2_disclosing", "5 years"),
        ("ni_ja2016_s51_disclosing", "2 years"),
        ("ni_soo2008_art71a_71b_upskirting_downblousing", "2 years"),
        ("ni_soo2008_art72a_cyberflashing", "2 years"),
        ("ni_osa2023_s181_threatening_communications", "5 years"),
    ],
)
def test_confirmed_penalties_match_the_fact_sheet(offence_id: str, penalty: str) -> None:
    entry = BY_ID[offence_id]
    assert entry["max_penalty_confirmed"] is True
    assert penalty in entry["max_penalty"]


# Section 6 item 8 and sections 2-3: penalties the sources did not verify. The Scotland and Northern Ireland
# penalties confirmed from legislation.gov.uk on 2026-12-02 are checked in test_law_facts_scotland_ni.py.
PENALTY_UNCONFIRMED = [
    "sc_sosa2009_s9_voyeurism",
    "ni_theft1969_s20_blackmail",
    "ew_cpa2026_taking_intimate_image",
]


@pytest.mark.parametrize("offence_id", PENALTY_UNCONFIRMED)
def test_unverified_penalties_are_not_stated_as_confirmed(offence_id: str) -> None:
    assert BY_ID[offence_id]["max_penalty_confirmed"] is False


def test_anonymity_is_confirmed_only_where_the_fact_sheet_confirms_it() -> None:
    """Lifetime anonymity is confirmed for SOA 2003 Part 1 offences (E&W), and confirmed absent for the
    old s.33. Scotland and Northern Ireland were checked against legislation.gov.uk on 2026-12-02: see
    test_law_facts_scotland_ni.py."""
    confirmed = {entry["id"] for _, entry in ENTRIES if entry["anonymity_confirmed"] and entry["id"].startswith("ew_")}
    assert confirmed == {
        "ew_soa2003_s66b_sharing",
        "ew_soa2003_s66b4_threat",
        "ew_cjca2015_s33_disclosing",
        "ew_soa2003_s66e_creating_deepfake",
        "ew_soa2003_s66f_requesting_deepfake",
        "ew_soa2003_s66a_cyberflashing",
        "ew_soa2003_s67_voyeurism",
        "ew_soa2003_s67a_upskirting",
    }
    assert "did not apply" in BY_ID["ew_cjca2015_s33_disclosing"]["anonymity"]


def test_crime_and_policing_act_2026_is_enacted_but_not_stated_in_force() -> None:
    entry = BY_ID["ew_cpa2026_taking_intimate_image"]
    assert entry["status"] == "enacted_commencement_unconfirmed"
    # It cannot reach back before Royal Assent (29 April 2026).
    assert entry["in_force_from"] is not None and entry["in_force_from"] >= dt.date(2026, 4, 29)


@pytest.mark.parametrize("offence_id", ["sc_proposed_deepfake_creation", "ni_proposed_deepfake_offences"])
def test_the_deepfake_proposals_are_proposals(offence_id: str) -> None:
    assert BY_ID[offence_id]["status"] == "proposed"


@pytest.mark.parametrize(
    ("offence_id", "fake_images"),
    [
        ("ew_soa2003_s66b_sharing", "covered"),  # "appears to show"
        ("ew_soa2003_s66b4_threat", "covered"),
        ("ew_cjca2015_s33_disclosing", "excluded"),  # s.34(4), s.35(4)-(5)
        ("sc_absha2016_s2_disclosing", "unclear"),  # s.3(2): altered photos yes, wholly synthetic untested
        ("ni_ja2016_s51_disclosing", "excluded"),  # s.53(4)-(5)
    ],
)
def test_which_sharing_laws_cover_fake_images(offence_id: str, fake_images: str) -> None:
    assert BY_ID[offence_id]["applies_to"]["fake_images"] == fake_images


@pytest.mark.parametrize(
    ("offence_id", "image_age"),
    [
        ("ew_soa2003_s66e_creating_deepfake", "adult_only"),  # s.66G(7)
        ("ew_soa2003_s66f_requesting_deepfake", "adult_only"),
        ("ew_pca1978_s1_indecent_images_of_children", "under_18_only"),
        ("sc_cgsa1982_s52_indecent_images_of_children", "under_18_only"),
        ("ni_pcnio1978_art3_indecent_images_of_children", "under_18_only"),
    ],
)
def test_age_limited_offences(offence_id: str, image_age: str) -> None:
    assert BY_ID[offence_id]["applies_to"]["image_age"] == image_age


@pytest.mark.parametrize(
    ("nation", "situation", "required"),
    [
        ("england", "shared_without_consent", {"ew_soa2003_s66b_sharing", "ew_pha1997_harassment"}),
        (
            "england",
            "threat_to_share",
            {"ew_soa2003_s66b4_threat", "ew_theft1968_s21_blackmail", "ew_osa2023_s181_threatening_communications"},
        ),
        ("england", "fake_images", {"ew_soa2003_s66e_creating_deepfake", "ew_soa2003_s66f_requesting_deepfake"}),
        ("england", "cyberflashing", {"ew_soa2003_s66a_cyberflashing"}),
        (
            "england",
            "taken_without_consent",
            {"ew_soa2003_s67_voyeurism", "ew_soa2003_s67a_upskirting", "ew_cpa2026_taking_intimate_image"},
        ),
        ("scotland", "shared_without_consent", {"sc_absha2016_s2_disclosing"}),
        ("scotland", "taken_without_consent", {"sc_sosa2009_s9_voyeurism"}),
        (
            "northern_ireland",
            "shared_without_consent",
            {"ni_ja2016_s51_disclosing", "ni_pho1997_pfsa2022_harassment_stalking"},
        ),
        ("northern_ireland", "taken_without_consent", {"ni_soo2008_art71a_71b_upskirting_downblousing"}),
        ("northern_ireland", "cyberflashing", {"ni_soo2008_art72a_cyberflashing"}),
        ("northern_ireland", "threat_to_share", {"ni_osa2023_s181_threatening_communications"}),
    ],
)
def test_the_offences_the_issue_requires_are_reachable(nation: str, situation: str, required: set[str]) -> None:
    """Each required offence is in the knowledge base and the engine can name it for its situation."""
    found = explain(
        Facts(situations=(situation,), nation=nation, age_group="18_plus", age_at_image="18_plus"),
        load_offences(LAW_DIR),
    )
    assert required <= {item.offence.id for item in found.offences}


@pytest.mark.parametrize("entry", entry_params())
def test_every_law_but_a_proposal_has_a_citation_naming_its_statute(entry: dict[str, Any]) -> None:
    if entry["status"] == "proposed":
        assert entry["citation"] is None, "a proposal has no law to quote"
        return
    assert entry["citation"], "the bot names the law the first time it explains it"
    statute_named = entry["statute"].split(";")[0].strip() in entry["citation"]
    assert statute_named or entry["statute"] == "Common law", entry["citation"]
