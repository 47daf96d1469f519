"""Every phone number and service the domain's responses state is recorded, with a source and review
date, in data/services/core.yml. Numbers change: this keeps them in one reviewed place."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[3]
PHONE = re.compile(r"(?<![\w£/])\d{3,5}(?: \d{3,4}){0,2}(?![\w/])")


# Every response file the bot speaks from: the domain's, and the channels' own fallback.
RESPONSE_FILES = [*sorted((ROOT / "bot/domain").glob("*.yml")), ROOT / "bot/channels/fallback_responses.yml"]


def response_texts() -> list[str]:
    """Every text, with the channels' helpline lines filled in from data/services as they are when sent."""
    from bot.channels.turns import LAST_RESORT
    from bot.help_lines import fallback_lines

    texts = [LAST_RESORT]
    for path in RESPONSE_FILES:
        responses = (yaml.safe_load(path.read_text()) or {}).get("responses") or {}
        texts += [variant["text"] for variants in responses.values() for variant in variants]
    return [text.format(**fallback_lines()) if "{" in text else text for text in texts]


def test_the_channels_fallback_is_checked_too() -> None:
    assert any("technical problem" in text and "0345 6000 459" in text for text in response_texts())


def services() -> list[dict]:
    return yaml.safe_load((ROOT / "data/services/core.yml").read_text())["services"]


def test_every_phone_number_in_a_response_is_a_recorded_service_number() -> None:
    recorded = {service[key] for service in services() for key in ("phone", "sms") if service.get(key)}
    stated = {number for text in response_texts() for number in PHONE.findall(text)}
    assert stated, "the responses should name helplines"
    assert stated <= recorded, f"numbers not in data/services/core.yml: {stated - recorded}"


# (The NSPCC Helpline is named by the action server, from data/services, when a supporter asks for a person.)
@pytest.mark.parametrize("name", ["Samaritans", "Childline", "Revenge Porn Helpline", "Shout"])
def test_services_named_in_responses_are_recorded(name: str) -> None:
    assert any(name in text for text in response_texts())
    assert name in {service["name"] for service in services()}


def test_every_service_has_a_source_and_a_recent_review_date() -> None:
    for service in services():
        assert service["sources"], service["id"]
        assert isinstance(service["last_reviewed"], dt.date), service["id"]
        assert service["confirmed"] is True, f"{service['id']}: an unconfirmed service must not be stated"


def test_crisis_response_puts_999_first() -> None:
    responses = yaml.safe_load((ROOT / "bot/domain/responses.yml").read_text())["responses"]
    for variant in responses["utter_crisis"]:
        lines = variant["text"].split("\n")
        assert "999" in lines[1], "999 must be the first thing offered"
        assert "116 123" in variant["text"]


# "Samaritans: 116 123", "Revenge Porn Helpline (adults): 0345 6000 459", "Childline on 0800 1111".
NAMED_NUMBER = re.compile(
    r"(?P<name>[A-Z][A-Za-z ]+?)(?: \([^)]*\))?(?::| (?:is|are) free any time on| on) "
    r"(?P<number>\d{3,5}(?: \d{3,4}){0,2})\b"
)


def test_each_number_belongs_to_the_service_named_with_it() -> None:
    """A number swapped between two services would pass the test above; this one checks the pairs."""
    by_name = {service["name"]: service.get("phone") for service in services()}
    pairs = [
        (match["name"].strip(), match["number"]) for text in response_texts() for match in NAMED_NUMBER.finditer(text)
    ]
    named = [(name, number) for name, number in pairs if name in by_name]
    assert len(named) >= 10, pairs
    for name, number in named:
        assert by_name[name] == number, (
            f"{name} is stated with {number}, but data/services/core.yml says {by_name[name]}"
        )


WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def test_every_hours_statement_agrees_with_data_services() -> None:
    """A line that names a service and its hours says "any time" only of a 24/7 line, and gives any
    other hours exactly as data/services records them (a copy once lost "bank holidays")."""
    by_name = {service["name"]: service for service in services()}
    checked = 0
    for text in response_texts():
        for line in text.splitlines():
            for name, service in by_name.items():
                if name not in line or (name == "Childline" and "Report Remove" in line):
                    continue
                if "any time" in line:
                    assert (service.get("opening_hours") or {}).get("always"), f"{name} is not open any time: {line}"
                    checked += 1
                if any(day in line for day in WEEKDAYS):
                    assert service["hours"] in line, f"{name}'s hours differ from data/services: {line}"
                    checked += 1
    assert checked >= 10
