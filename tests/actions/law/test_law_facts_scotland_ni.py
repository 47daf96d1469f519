"""Scotland and Northern Ireland law facts corrected against legislation.gov.uk, gov.scot and justice-ni.gov.uk
on 2026-12-02. One row per fact, read through the engine's own loader (actions.law.load_offences). Each row
failed on the values the knowledge base held before that check.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest

from actions.law import Offence, load_offences

ROOT = Path(__file__).resolve().parents[3]
LAW_DIR = ROOT / "data" / "law"
BY_ID = {offence.id: offence for offence in load_offences(LAW_DIR)}

# A start date for Scotland's new anonymity law: a day and month, or "from"/"since"/"starts" with a date or year.
START_DATE = re.compile(
    r"\b\d{1,2}(st|nd|rd|th)? (January|February|March|April|May|June|July|August|September|October|November|December)\b"
    r"|\b(from|since|starts?|started on|in force on)\s+(\d|January|February|March|April|May|June|July|August|September"
    r"|October|November|December|20\d\d)",
    re.IGNORECASE,
)


def penalty(years: str) -> Callable[[Offence], bool]:
    return lambda o: o.max_penalty_confirmed is True and years in o.max_penalty


def anonymity_for_life(o: Offence) -> bool:
    return o.anonymity_confirmed is True and "anonymity for life" in o.anonymity


def anonymity_not_automatic(o: Offence) -> bool:
    return o.anonymity_confirmed is True and "not on the list" in o.anonymity and "automatic" in o.anonymity


def cites(fragment: str) -> Callable[[Offence], bool]:
    return lambda o: any(fragment in source for source in o.sources)


def absha_anonymity_says_only_what_is_confirmed(o: Offence) -> bool:
    text = o.anonymity
    return (
        o.anonymity_confirmed is True
        and "2025" in text  # the law is enacted (2025 Act s.104) ...
        and "could not confirm" in text  # ... but not confirmed in force
        and "court" in text  # a court can still protect the person's identity
        and not START_DATE.search(text)
    )


def art71_elements_from_the_order(o: Offence) -> bool:
    shown = " ".join(o.must_show)
    return (
        "not confirmed" not in o.basis_plain
        and "sexual pleasure" in o.basis_plain
        and "knew you had not agreed" in shown
        and "sexual pleasure" in shown
    )


ROWS = [
    # Northern Ireland
    pytest.param("ni_soo2008_art71_voyeurism", penalty("2 years"), id="ni-art71-penalty-2-years-art71(5)"),
    pytest.param("ni_soo2008_art71_voyeurism", art71_elements_from_the_order, id="ni-art71-what-must-be-shown"),
    pytest.param("ni_soo2008_art71_voyeurism", anonymity_for_life, id="ni-art71-anonymity-1992-act-s2(3)"),
    pytest.param(
        "ni_soo2008_art71a_71b_upskirting_downblousing",
        anonymity_for_life,
        id="ni-art71a-71b-anonymity-2022-sch1-para2",
    ),
    pytest.param("ni_soo2008_art72a_cyberflashing", anonymity_for_life, id="ni-art72a-anonymity-2022-sch1-para2"),
    pytest.param("ni_ja2016_s51_disclosing", anonymity_not_automatic, id="ni-s51-not-in-1992-act-list"),
    pytest.param("ni_ja2016_s51_disclosing", cites("/nia/2016/21/section/61"), id="ni-s51-commencement-s61(1)"),
    pytest.param("ni_theft1969_s20_blackmail", anonymity_not_automatic, id="ni-blackmail-not-in-1992-act-list"),
    pytest.param(
        "ni_pcnio1978_art3_indecent_images_of_children", penalty("10 years"), id="ni-art3-1978-order-10-years"
    ),
    pytest.param("ni_pho1997_pfsa2022_harassment_stalking", penalty("10 years"), id="ni-stalking-10-years-s1(6)"),
    pytest.param(
        "ni_pho1997_pfsa2022_harassment_stalking",
        lambda o: "harassment is not confirmed" in o.max_penalty,
        id="ni-harassment-max-not-claimed",
    ),
    pytest.param("ni_proposed_deepfake_offences", cites("justice-ni.gov.uk"), id="ni-deepfake-proposal-primary-source"),
    # Scotland
    pytest.param("sc_sosa2009_s6_s7_sexual_images", penalty("10 years"), id="sc-sosa-ss6-7-10-years-sch2"),
    pytest.param(
        "sc_sosa2009_s9_voyeurism",
        lambda o: o.max_penalty_confirmed is False and "12 months" in o.max_penalty,
        id="sc-sosa-s9-summary-12-months-only",
    ),
    pytest.param("sc_cjlsa2010_s38_s39_threatening_behaviour", penalty("5 years"), id="sc-cjlsa-ss38-39-5-years"),
    pytest.param("sc_cgsa1982_s52_indecent_images_of_children", penalty("10 years"), id="sc-cgsa-s52-10-years"),
    pytest.param(
        "sc_common_law_extortion",
        lambda o: o.max_penalty_confirmed is True and "no fixed maximum" in o.max_penalty,
        id="sc-extortion-common-law-no-fixed-maximum",
    ),
    pytest.param(
        "sc_absha2016_s2_disclosing", absha_anonymity_says_only_what_is_confirmed, id="sc-absha-anonymity-no-start-date"
    ),
    pytest.param(
        "sc_absha2016_s2_disclosing", cites("/asp/2025/12/section/104"), id="sc-absha-anonymity-cites-2025-act-s104"
    ),
    pytest.param(
        "sc_proposed_deepfake_creation",
        lambda o: o.status == "proposed" and cites("consult.gov.scot")(o),
        id="sc-deepfake-still-proposed-2026-consultation",
    ),
    # Both: every source is a public URL or a statute, never the team's private fact sheet
    pytest.param(
        "scotland",
        lambda offences: not any("shared/" in s for o in offences for s in o.sources),
        id="sc-no-shared-reference-source",
    ),
    pytest.param(
        "northern_ireland",
        lambda offences: not any("shared/" in s for o in offences for s in o.sources),
        id="ni-no-shared-reference-source",
    ),
]


@pytest.mark.parametrize(("subject", "check"), ROWS)
def test_corrected_fact(subject: str, check: Callable) -> None:
    if subject in ("scotland", "northern_ireland"):
        assert check([o for o in BY_ID.values() if o.jurisdiction == subject])
    else:
        assert check(BY_ID[subject]), BY_ID[subject]


@pytest.mark.parametrize("jurisdiction", ["scotland", "northern_ireland"])
def test_the_file_header_points_at_public_sources_not_the_private_fact_sheet(jurisdiction: str) -> None:
    assert "shared/" not in (LAW_DIR / f"{jurisdiction}.yml").read_text(encoding="utf-8")
