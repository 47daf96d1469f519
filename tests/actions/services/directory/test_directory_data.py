"""The directory data itself: a platform entry for every platform the NLU can name, each with a route
and sources, and bank holidays that are real dates."""

from __future__ import annotations

import datetime as dt

import pytest

from actions import vocabulary
from actions.directory import repository
from actions.directory.yaml_source import read_bank_holidays
from actions.settings import PROJECT_ROOT

DATA = PROJECT_ROOT / "data"
PLATFORMS = {p.id: p for p in repository.platforms_from_yaml(DATA)}
SERVICES = {s.id: s for s in repository.services_from_yaml(DATA)}


def test_every_platform_the_nlu_can_name_has_exactly_one_entry() -> None:
    assert set(PLATFORMS) == set(vocabulary.PLATFORMS)


@pytest.mark.parametrize("platform_id", sorted(vocabulary.PLATFORMS))
def test_every_platform_has_a_route_sources_and_a_review_date(platform_id: str) -> None:
    platform = PLATFORMS[platform_id]
    assert platform.name.strip()  # the one name people see (there is no copy in the code)
    assert platform.report_intimate.strip() and platform.report_fake.strip()
    assert platform.sources and all(source.strip() for source in platform.sources)
    assert platform.last_reviewed <= dt.date.today()
    for url in (platform.report_url, platform.report_fake_url):
        assert url is None or url.startswith("https://")


def test_aliases_are_lower_case_and_name_one_platform_each() -> None:
    seen: dict[str, str] = {}
    for platform in PLATFORMS.values():
        for alias in platform.aliases:
            assert alias == alias.lower().strip()
            assert alias not in PLATFORMS or alias == platform.id
            assert seen.setdefault(alias, platform.id) == platform.id, f"{alias!r} names two platforms"


def test_unconfirmed_partnerships_are_not_stated_as_fact() -> None:
    # X: named in Sept 2025 articles only. Google: announced Sept 2025 "over the coming months".
    assert PLATFORMS["x"].stopncii_partner == "unconfirmed"
    assert PLATFORMS["google"].stopncii_partner == "unconfirmed"
    assert PLATFORMS["bing"].stopncii_partner is True


def test_the_uk_48_hour_report_is_confirmed_for_user_to_user_services_and_not_claimed_for_search_engines() -> None:
    """Search engines: a matching duty was proposed in 2026, but the enacted text is unchecked."""
    for platform in PLATFORMS.values():
        if platform.category == "search":
            assert platform.uk_intimate_image_report is None, platform.id
        elif platform.id != "porn_site":
            assert platform.uk_intimate_image_report is True, platform.id


def test_every_service_routing_field_is_set() -> None:
    for service in SERVICES.values():
        assert service.audiences and service.situations, service.id
        assert service.sources and service.last_reviewed <= dt.date.today(), service.id
        if service.opening_hours is None:
            continue
        assert service.opening_hours.get("always") is True or service.opening_hours.get("weekly"), service.id


def test_bank_holidays_are_weekday_dates_for_2026_and_2027() -> None:
    days = read_bank_holidays(DATA)["england_and_wales"]
    assert all(type(day) is dt.date for day in days)
    assert days == sorted(set(days))
    assert all(day.weekday() < 5 for day in days)
    for year in (2026, 2027):
        assert len([day for day in days if day.year == year]) == 8
    assert dt.date(2026, 12, 28) in days and dt.date(2027, 3, 26) in days


def test_no_answer_says_search_engines_have_the_48_hour_duty() -> None:
    from actions import content

    for question in content.faq().values():
        for text in [question["answer"], *(variant["text"] for variant in question.get("variants") or [])]:
            if "48 hours" in text:
                assert not any(word in text for word in ("Google", "Bing", "search")), question["id"]
