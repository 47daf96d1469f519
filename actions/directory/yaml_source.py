"""Reads the directory's YAML files and checks every entry, turning each into a row: a dict with
exactly the database columns (actions.directory.models), in the form both the database and the
records use. A bad entry stops everything with a message naming the file and the id."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any, NoReturn

import yaml

from actions import vocabulary

Row = dict[str, Any]

BANK_HOLIDAYS_FILE = "bank_holidays.yml"

SERVICE_KINDS = ("takedown", "helpline", "reporting", "police", "legal", "emotional_support")
# Who a service is for, where and when: the values people give (data/vocabulary.yml), and a few of its own.
NATIONS = tuple(n for n in vocabulary.NATIONS if n != vocabulary.NOT_SAID)
AUDIENCES = ("everyone", *vocabulary.AUDIENCES, "young_people", "supporters")
SITUATIONS = ("any", *vocabulary.SPECIFIC_SITUATIONS)
PERPETRATORS = tuple(p for p in vocabulary.PERPETRATORS if p != vocabulary.NOT_SAID)
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
PLATFORM_CATEGORIES = ("social", "messaging", "video", "adult", "search", "dating")
# Partner flags: YAML true / false / unconfirmed, stored as text.
PARTNER_VALUES = {True: "true", False: "false", "unconfirmed": "unconfirmed"}

# Keys found in the YAML that are for people reading it, not for the database.
# `audience`: a free-text description of who a service is for (data/services/core.yml).
IGNORED_SERVICE_KEYS = frozenset({"audience"})

_SPAN = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)-(([01]\d|2[0-3]):([0-5]\d)|24:00)$")


class DirectoryDataError(ValueError):
    """An entry in the YAML is missing something or has a wrong value."""


class _Entry:
    """One YAML entry being checked; every error names the file and the id."""

    def __init__(self, path: Path, index: int, raw: Any) -> None:
        self.path = path
        self.index = index
        if not isinstance(raw, dict):
            self.raw: dict[str, Any] = {}
            self.fail(f"is not a mapping of fields (got {type(raw).__name__})")
        self.raw = raw

    def where(self) -> str:
        entry_id = self.raw.get("id")
        label = f"id {entry_id!r}" if isinstance(entry_id, str) and entry_id else f"entry {self.index + 1} (no id)"
        return f"{self.path}: {label}"

    def fail(self, problem: str) -> NoReturn:
        raise DirectoryDataError(f"{self.where()}: {problem}")

    def text(self, key: str, required: bool = True) -> str | None:
        value = self.raw.get(key)
        if value is None:
            if required:
                self.fail(f"'{key}' is required")
            return None
        if not isinstance(value, str) or not value.strip():
            self.fail(f"'{key}' must be non-empty text (put numbers in quotes), got {value!r}")
        return value.strip()

    def identifier(self) -> str:
        value = self.text("id")
        assert value is not None
        if not value.isidentifier() or value != value.lower():
            self.fail(f"'id' must be a lower-case word like 'revenge_porn_helpline', got {value!r}")
        return value

    def words(
        self, key: str, allowed: tuple[str, ...] | None = None, required: bool = True, empty_ok: bool = False
    ) -> list[str] | None:
        value = self.raw.get(key)
        if value is None:
            if required:
                self.fail(f"'{key}' is required (a list)")
            return None
        if not isinstance(value, list) or not all(isinstance(item, str) and item.strip() for item in value):
            self.fail(f"'{key}' must be a list of text, got {value!r}")
        if not value and not empty_ok:
            self.fail(f"'{key}' must not be empty")
        if allowed is not None:
            unknown = [item for item in value if item not in allowed]
            if unknown:
                self.fail(f"'{key}' has unknown values {unknown}; allowed: {', '.join(allowed)}")
        if len(set(value)) != len(value):
            self.fail(f"'{key}' lists a value twice")
        return [item.strip() for item in value]

    def age(self, key: str) -> int | None:
        value = self.raw.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 130:
            self.fail(f"'{key}' must be a whole number of years, got {value!r}")
        return value

    def flag(self, key: str, required: bool = True) -> bool | None:
        value = self.raw.get(key)
        if value is None and not required:
            return None
        if not isinstance(value, bool):
            self.fail(f"'{key}' must be true or false, got {value!r}")
        return value

    def partner(self, key: str) -> str:
        value = self.raw.get(key)
        if isinstance(value, str):
            value = value.strip()
        if value not in PARTNER_VALUES:
            self.fail(f"'{key}' must be true, false or unconfirmed, got {value!r}")
        return PARTNER_VALUES[value]

    def date(self, key: str) -> dt.date:
        value = self.raw.get(key)
        if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
            self.fail(f"'{key}' must be a date like 2026-11-21, got {value!r}")
        return value

    def choice(self, key: str, allowed: tuple[str, ...]) -> str:
        value = self.text(key)
        if value not in allowed:
            self.fail(f"'{key}' must be one of {', '.join(allowed)}, got {value!r}")
        assert value is not None
        return value

    def only_keys(self, known: set[str] | frozenset[str], ignored: frozenset[str] = frozenset()) -> None:
        unknown = sorted(set(self.raw) - set(known) - ignored)
        if unknown:
            self.fail(f"unknown fields {unknown} (see the README beside the file)")

    def opening_hours(self) -> dict[str, Any] | None:
        value = self.raw.get("opening_hours")
        if value is None:
            return None
        if value == {"always": True}:
            return {"always": True}
        if (
            not isinstance(value, dict)
            or set(value) - {"weekly", "bank_holidays"}
            or not isinstance(value.get("weekly"), dict)
        ):
            self.fail(
                "'opening_hours' must be null, {always: true} or "
                '{weekly: {mon: ["10:00-16:00"], ...}, bank_holidays: closed}'
            )
        weekly: dict[str, list[str]] = {}
        for day, spans in value["weekly"].items():
            if day not in DAYS:
                self.fail(f"'opening_hours' has an unknown day {day!r}; days: {', '.join(DAYS)}")
            if not isinstance(spans, list) or not spans:
                self.fail(f"'opening_hours' for {day} must be a list like [\"10:00-16:00\"]")
            for span in spans:
                match = _SPAN.match(span) if isinstance(span, str) else None
                if not match or span[:5] >= span[6:]:
                    self.fail(
                        f"'opening_hours' for {day} has {span!r}: use quoted \"HH:MM-HH:MM\" within one day "
                        "(end after start; 24:00 allowed)"
                    )
            weekly[day] = list(spans)
        if not weekly:
            self.fail("'opening_hours' weekly must name at least one day (or use null)")
        hours: dict[str, Any] = {"weekly": {day: weekly[day] for day in DAYS if day in weekly}}
        if "bank_holidays" in value:
            if value["bank_holidays"] != "closed":
                self.fail(
                    f"'opening_hours' bank_holidays must be 'closed' (or left out), got {value['bank_holidays']!r}"
                )
            hours["bank_holidays"] = "closed"
        return hours


def _service_row(entry: _Entry) -> Row:
    audiences = entry.words("audiences", AUDIENCES)
    situations = entry.words("situations", SITUATIONS)
    if audiences and "everyone" in audiences and len(audiences) > 1:
        entry.fail("'audiences' is either [everyone] or a list of groups, not both")
    if situations and "any" in situations and len(situations) > 1:
        entry.fail("'situations' is either [any] or a list of situations, not both")
    row: Row = {
        "id": entry.identifier(),
        "name": entry.text("name"),
        "kind": entry.choice("kind", SERVICE_KINDS),
        "phone": entry.text("phone", required=False),
        "sms": entry.text("sms", required=False),
        "email": entry.text("email", required=False),
        "web": entry.text("web", required=False),
        "hours": entry.text("hours", required=False),
        "opening_hours": entry.opening_hours(),
        "nations": entry.words("nations", NATIONS, required=False),
        "age_min": entry.age("age_min"),
        "age_max": entry.age("age_max"),
        "audiences": audiences,
        "situations": situations,
        "perpetrators": entry.words("perpetrators", PERPETRATORS, required=False),
        "languages": entry.words("languages", required=False),
        "sources": entry.words("sources"),
        "last_reviewed": entry.date("last_reviewed"),
        "confirmed": entry.flag("confirmed"),
        "notes": entry.text("notes", required=False),
    }
    if row["age_min"] is not None and row["age_max"] is not None and row["age_min"] > row["age_max"]:
        entry.fail("'age_min' is above 'age_max'")
    entry.only_keys(set(row), IGNORED_SERVICE_KEYS)
    return row


def _platform_row(entry: _Entry) -> Row:
    row: Row = {
        "id": entry.identifier(),
        "name": entry.text("name"),
        "aliases": entry.words("aliases", empty_ok=True),
        "owner": entry.text("owner", required=False),
        "category": entry.choice("category", PLATFORM_CATEGORIES),
        "stopncii_partner": entry.partner("stopncii_partner"),
        "take_it_down_partner": entry.partner("take_it_down_partner"),
        "report_intimate": entry.text("report_intimate"),
        "report_route_confirmed": entry.flag("report_route_confirmed"),
        "report_fake": entry.text("report_fake"),
        "report_fake_confirmed": entry.flag("report_fake_confirmed"),
        "report_url": entry.text("report_url", required=False),
        "report_fake_url": entry.text("report_fake_url", required=False),
        "uk_intimate_image_report": entry.flag("uk_intimate_image_report", required=False),
        "sources": entry.words("sources"),
        "last_reviewed": entry.date("last_reviewed"),
        "notes": entry.text("notes", required=False),
    }
    entry.only_keys(set(row))
    return row


def _read(paths: list[Path], key: str, make_row: Callable[[_Entry], Row]) -> list[Row]:
    rows: list[Row] = []
    seen: dict[str, Path] = {}
    for path in paths:
        try:
            document = yaml.safe_load(path.read_text(encoding="utf-8"))
        except yaml.YAMLError as error:
            raise DirectoryDataError(f"{path}: not valid YAML: {error}") from error
        if not isinstance(document, dict) or not isinstance(document.get(key), list):
            raise DirectoryDataError(f"{path}: must hold a list under '{key}:'")
        for index, raw in enumerate(document[key]):
            row = make_row(_Entry(path, index, raw))
            if row["id"] in seen:
                raise DirectoryDataError(f"{path}: id {row['id']!r} is already used in {seen[row['id']]}")
            seen[row["id"]] = path
            rows.append(row)
    return rows


def service_files(data_dir: Path) -> list[Path]:
    """data/services/*.yml, except the bank holidays."""
    return [p for p in sorted((data_dir / "services").glob("*.yml")) if p.name != BANK_HOLIDAYS_FILE]


def platform_files(data_dir: Path) -> list[Path]:
    return sorted((data_dir / "platforms").glob("*.yml"))


def read_services(data_dir: Path) -> list[Row]:
    """Every service in data/services/*.yml, checked, in file order."""
    return _read(service_files(data_dir), "services", _service_row)


def read_platforms(data_dir: Path) -> list[Row]:
    """Every platform in data/platforms/*.yml, checked, in file order."""
    return _read(platform_files(data_dir), "platforms", _platform_row)


def read_bank_holidays(data_dir: Path) -> dict[str, list[dt.date]]:
    """Bank holidays by region (data/services/bank_holidays.yml)."""
    path = data_dir / "services" / BANK_HOLIDAYS_FILE
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    regions = document.get("bank_holidays") if isinstance(document, dict) else None
    if not isinstance(regions, dict):
        raise DirectoryDataError(f"{path}: must hold 'bank_holidays: {{england_and_wales: [...]}}'")
    for region, days in regions.items():
        if not isinstance(days, list) or not all(
            isinstance(d, dt.date) and not isinstance(d, dt.datetime) for d in days
        ):
            raise DirectoryDataError(f"{path}: '{region}' must be a list of dates like 2026-12-25")
    return regions
