"""Corrections to the service and platform data (data/services, data/platforms, data/content), one row each,
read through the directory's own loader. Every row states a fact as the service's or platform's own public
page gives it, or a rule about sources: maintainers must be able to open every source."""

from __future__ import annotations

import re
from collections.abc import Callable
from urllib.parse import urlparse

import pytest

from actions.directory import repository
from actions.directory.records import PlatformRecord, ServiceRecord
from actions.settings import PROJECT_ROOT

DATA = PROJECT_ROOT / "data"
SERVICES: dict[str, ServiceRecord] = {s.id: s for s in repository.services_from_yaml(DATA)}
PLATFORMS: dict[str, PlatformRecord] = {p.id: p for p in repository.platforms_from_yaml(DATA)}
UK = {"england", "wales", "scotland", "northern_ireland"}
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri")

# A private notes file is not a source: maintainers do not have it.
PRIVATE_SOURCE = re.compile(r"shared/|uk-law-and-services", re.IGNORECASE)
URL = re.compile(r"^https?://[^\s/]+\.[^\s/]+(/\S*)?$")
# "Online Safety Act 2023 ss.10(3A) and 20A ...", "SI 2026/689", "S.I. 2026/689".
STATUTE = re.compile(r"\bAct \d{4}\b|\bS\.?I\.? \d{4}/\d+")
# A named publication with its date: "NCA press release, 29 Apr 2024".
PUBLICATION = re.compile(r"[A-Za-z].*\b(19|20)\d{2}\b")


def host(url: str | None) -> str:
    name = urlparse(url or "").netloc.lower()
    return name[4:] if name.startswith("www.") else name


def all_sources() -> list[tuple[str, str]]:
    return [(f"service {s.id}", source) for s in SERVICES.values() for source in s.sources] + [
        (f"platform {p.id}", source) for p in PLATFORMS.values() for source in p.sources
    ]


def private_references(folder: str) -> list[str]:
    """Every mention of the private notes in a folder's files (comments, READMEs and `sources` alike)."""
    found = []
    for path in sorted((DATA / folder).iterdir()):
        if path.suffix in {".yml", ".yaml", ".md"}:
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                if PRIVATE_SOURCE.search(line):
                    found.append(f"{path.relative_to(PROJECT_ROOT)}:{number}: {line.strip()}")
    return found


# --- Shout: giveusashout.org/about-us/faq/ ------------------------------------------------------------


def shout_is_a_text_line_on_85258() -> None:
    shout = SERVICES.get("shout")
    assert shout is not None, "Shout is missing from data/services"
    assert shout.name == "Shout"
    assert shout.sms == "85258"
    assert shout.phone is None, "85258 is a text number, not a phone line"
    assert shout.confirmed is True


def shout_is_24_7_for_anyone_in_the_uk() -> None:
    shout = SERVICES.get("shout")
    assert shout is not None, "Shout is missing from data/services"
    assert shout.hours == "24/7"
    assert shout.opening_hours is not None and shout.opening_hours.get("always") is True
    assert set(shout.nations or ()) == UK
    # "Anyone of any age, who is a resident in the UK, can text the service for support."
    assert shout.age_min is None and shout.age_max is None
    assert shout.audiences == ("everyone",) and shout.situations == ("any",)
    assert any(host(source) == "giveusashout.org" for source in shout.sources)


def shout_is_described_like_samaritans() -> None:
    shout, samaritans = SERVICES.get("shout"), SERVICES["samaritans"]
    assert shout is not None, "Shout is missing from data/services"
    assert shout.kind == samaritans.kind == "emotional_support"
    assert host(shout.web) == "giveusashout.org"


# --- Revenge Porn Helpline: "open from 10:00 to 16:00 Monday to Friday (excluding bank holidays)" ----------


def revenge_porn_helpline_hours_are_its_own() -> None:
    rph = SERVICES["revenge_porn_helpline"]
    assert rph.hours == "Monday to Friday, 10am to 4pm, excluding bank holidays"
    assert rph.opening_hours is not None
    weekly = rph.opening_hours["weekly"]
    assert set(weekly) == set(WEEKDAYS)
    assert all(tuple(weekly[day]) == ("10:00-16:00",) for day in WEEKDAYS)
    assert rph.opening_hours.get("bank_holidays") == "closed"
    assert any(host(source) == "revengepornhelpline.org.uk" for source in rph.sources)


# --- NI Domestic and Sexual Abuse Helpline: its own site is dsahelpline.org --------------------------------


def ni_helpline_links_to_its_own_site() -> None:
    ni = SERVICES["ni_domestic_sexual_abuse_helpline"]
    assert host(ni.web) == "dsahelpline.org", f"{ni.web} is another organisation's site"
    assert any(host(source) == "dsahelpline.org" for source in ni.sources)
    assert ni.phone == "0808 802 1414" and ni.hours == "24/7"


# --- Sources --------------------------------------------------------------------------------------------


def no_private_source_in_services() -> None:
    assert private_references("services") == []
    assert [(who, s) for who, s in all_sources() if who.startswith("service") and PRIVATE_SOURCE.search(s)] == []


def no_private_source_in_platforms() -> None:
    assert private_references("platforms") == []
    assert [(who, s) for who, s in all_sources() if who.startswith("platform") and PRIVATE_SOURCE.search(s)] == []


def no_private_source_in_content() -> None:
    # data/content names its sources in comments above the wording they support.
    assert private_references("content") == []


def every_source_is_a_url_or_a_statute_or_publication() -> None:
    def acceptable(source: str) -> bool:
        if PRIVATE_SOURCE.search(source):
            return False
        if URL.match(source):
            return True
        return bool(STATUTE.search(source) or PUBLICATION.search(source)) and "://" not in source

    assert [(who, source) for who, source in all_sources() if not acceptable(source)] == []


def every_report_url_is_backed_by_a_source_on_the_platforms_own_site() -> None:
    unbacked = [
        (platform.id, url)
        for platform in PLATFORMS.values()
        for url in (platform.report_url, platform.report_fake_url)
        if url is not None and not any(host(source) == host(url) for source in platform.sources)
    ]
    assert unbacked == []


def every_confirmed_route_has_a_public_url_source() -> None:
    unsourced = [
        platform.id
        for platform in PLATFORMS.values()
        if (platform.report_route_confirmed or platform.report_fake_confirmed)
        and not any(URL.match(source) for source in platform.sources)
    ]
    assert unsourced == []


ROWS: list[Callable[[], None]] = [
    shout_is_a_text_line_on_85258,
    shout_is_24_7_for_anyone_in_the_uk,
    shout_is_described_like_samaritans,
    revenge_porn_helpline_hours_are_its_own,
    ni_helpline_links_to_its_own_site,
    no_private_source_in_services,
    no_private_source_in_platforms,
    no_private_source_in_content,
    every_source_is_a_url_or_a_statute_or_publication,
    every_report_url_is_backed_by_a_source_on_the_platforms_own_site,
    every_confirmed_route_has_a_public_url_source,
]


@pytest.mark.parametrize("check", ROWS, ids=lambda check: check.__name__)
def test_service_and_platform_facts(check: Callable[[], None]) -> None:
    check()
