"""actions/summary.py's next steps name the services they suggest by id, for the charity's anonymous
figures (bot/metrics): which services were suggested, and which service each link is for."""

from __future__ import annotations

import pytest

from actions import summary
from tests.actions.services.test_summary import SHARED, TUESDAY_AFTERNOON, summarise

pytestmark = pytest.mark.asyncio


@pytest.fixture(autouse=True)
def tuesday_afternoon(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(summary, "london_now", lambda: TUESDAY_AFTERNOON)


async def test_next_steps_carry_the_suggested_service_ids_and_each_links_service() -> None:
    slots = dict(situation=[SHARED], age_group="18_plus", age_at_image="18_plus", goal="talk_to_someone")
    custom = (await summarise(**slots))[1]["custom"]
    assert "revenge_porn_helpline" in custom["services"] and "stopncii" in custom["services"]
    assert len(custom["services"]) == len(set(custom["services"]))
    assert custom["link_services"]["tel:+443456000459"] == "revenge_porn_helpline"
    assert custom["link_services"]["https://stopncii.org"] == "stopncii"
    assert set(custom["link_services"]) == {link["url"] for link in custom["links"]} - {
        link["url"] for link in custom["links"] if link["title"].startswith("Report on")
    }
