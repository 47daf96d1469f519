"""The age rule every service Reclaim offers must keep, shared by the property tests on both sides
(tests/actions/services/test_age_correct_help.py, tests/bot/domain/test_age_correct_help.py).

Written apart from actions/facts.fits_age_rule on purpose, so the property never checks the code with
itself: the age bands' youngest and oldest ages, the services as data/services states them, and which
services a text names. Standard library and PyYAML only, so both Pythons can import it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]
# The youngest and oldest age in each band the facts form records.
AGE_RANGE = {"under_13": (0, 12), "13_15": (13, 15), "16_17": (16, 17), "18_plus": (18, 120)}
YOUNG_GROUPS = ("under_13", "13_15", "16_17")
HELPLINE_KINDS = {"helpline", "emotional_support"}
UK_NATIONS = ("england", "wales", "scotland", "northern_ireland")


def _services() -> dict[str, dict[str, Any]]:
    entries: list[dict[str, Any]] = []
    for path in sorted((ROOT / "data" / "services").glob("*.yml")):
        entries += (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("services") or []
    return {entry["id"]: entry for entry in entries}


SERVICES = _services()


def named_in(text: str) -> list[str]:
    """The services a text names (by name, phone or text number), in the order they first appear."""
    found: dict[str, int] = {}
    for service_id, service in SERVICES.items():
        places = [text.find(service["name"])] + [
            text.find(service[key]) for key in ("phone", "sms") if service.get(key)
        ]
        seen = [place for place in places if place >= 0]
        if seen:
            found[service_id] = min(seen)
    # "Report Remove (Childline and IWF)" names Report Remove, not the Childline helpline.
    if (
        "report_remove" in found
        and "childline" in found
        and SERVICES["childline"]["phone"] not in text
        and text.count("Childline") == text.count("Report Remove")
    ):
        del found["childline"]
    return sorted(found, key=found.__getitem__)


def has_age_rule(service_id: str) -> bool:
    service = SERVICES[service_id]
    return service.get("age_min") is not None or service.get("age_max") is not None


def assert_within_age_rule(service_id: str, age_group: str | None, where: str) -> None:
    """Everyone in a known age band is within the service's ages (nothing to check for an unknown age)."""
    known = AGE_RANGE.get(age_group or "")
    if known is None:
        return
    low, high = SERVICES[service_id].get("age_min"), SERVICES[service_id].get("age_max")
    assert low is None or known[0] >= low, f"{where}: {service_id} is for {low} and over, offered to {age_group}"
    assert high is None or known[1] <= high, f"{where}: {service_id} is for {high} and under, offered to {age_group}"


def assert_serves_nation(service_id: str, nation: str | None, where: str) -> None:
    if nation in UK_NATIONS:
        assert nation in SERVICES[service_id].get("nations", [nation]), f"{where}: {service_id} does not serve {nation}"


def assert_childline_as_the_age_says(offered: list[str], age_group: str | None, where: str) -> None:
    """Never for someone known to be 18 or over; for under-18s, there and before any other helpline."""
    if age_group == "18_plus":
        assert "childline" not in offered, f"{where}: Childline offered to an adult"
    if age_group in YOUNG_GROUPS:
        helplines = [s for s in offered if SERVICES[s]["kind"] in HELPLINE_KINDS]
        assert helplines and helplines[0] == "childline", f"{where}: {helplines} for {age_group}"
