"""The records routing code uses: plain frozen dataclasses, the same whether they came from the database
or straight from the YAML, so nothing outside actions.directory depends on the database."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, Literal

Partner = bool | Literal["unconfirmed"]
_PARTNER: dict[str, Partner] = {"true": True, "false": False, "unconfirmed": "unconfirmed"}


@dataclass(frozen=True)
class ServiceRecord:
    """A service. `None` means not stated (nations: not limited to UK nations; perpetrators: any)."""

    id: str
    name: str
    kind: str
    phone: str | None
    sms: str | None
    email: str | None
    web: str | None
    hours: str | None  # as said to people; None when not confirmed
    # {"always": True}, {"weekly": {"mon": ("10:00-16:00",), ...}, "bank_holidays": "closed"}, or None
    # when the hours are not settled. Europe/London time; the shape actions.opening_hours.status takes,
    # read-only.
    opening_hours: Mapping[str, Any] | None
    nations: tuple[str, ...] | None
    age_min: int | None
    age_max: int | None
    audiences: tuple[str, ...]
    situations: tuple[str, ...]
    perpetrators: tuple[str, ...] | None
    languages: tuple[str, ...] | None
    sources: tuple[str, ...]
    last_reviewed: dt.date
    confirmed: bool
    notes: str | None

    def __hash__(self) -> int:  # opening_hours is a mapping; ids are unique
        return hash(("service", self.id))


@dataclass(frozen=True)
class PlatformRecord:
    """A platform and how to report intimate or fake images on it (data/platforms/README.md)."""

    id: str
    name: str
    aliases: tuple[str, ...]
    owner: str | None
    category: str
    stopncii_partner: Partner
    take_it_down_partner: Partner
    report_intimate: str
    report_route_confirmed: bool
    report_fake: str
    report_fake_confirmed: bool
    report_url: str | None
    report_fake_url: str | None
    uk_intimate_image_report: bool | None
    sources: tuple[str, ...]
    last_reviewed: dt.date
    notes: str | None


def _tuple(value: list[str] | None) -> tuple[str, ...] | None:
    return None if value is None else tuple(value)


def _frozen(value: Any) -> Any:
    """A read-only copy: mappings become read-only mappings, lists become tuples."""
    if isinstance(value, Mapping):
        return MappingProxyType({key: _frozen(item) for key, item in value.items()})
    if isinstance(value, (list, tuple)):
        return tuple(_frozen(item) for item in value)
    return value


def service_record(row: Mapping[str, Any]) -> ServiceRecord:
    """From a row: a dict of column values, read from the database or from the YAML."""
    return ServiceRecord(
        id=row["id"],
        name=row["name"],
        kind=row["kind"],
        phone=row["phone"],
        sms=row["sms"],
        email=row["email"],
        web=row["web"],
        hours=row["hours"],
        opening_hours=_frozen(row["opening_hours"]),
        nations=_tuple(row["nations"]),
        age_min=row["age_min"],
        age_max=row["age_max"],
        audiences=tuple(row["audiences"]),
        situations=tuple(row["situations"]),
        perpetrators=_tuple(row["perpetrators"]),
        languages=_tuple(row["languages"]),
        sources=tuple(row["sources"]),
        last_reviewed=row["last_reviewed"],
        confirmed=row["confirmed"],
        notes=row["notes"],
    )


def platform_record(row: Mapping[str, Any]) -> PlatformRecord:
    """From a row: a dict of column values, read from the database or from the YAML."""
    return PlatformRecord(
        id=row["id"],
        name=row["name"],
        aliases=tuple(row["aliases"]),
        owner=row["owner"],
        category=row["category"],
        stopncii_partner=_PARTNER[row["stopncii_partner"]],
        take_it_down_partner=_PARTNER[row["take_it_down_partner"]],
        report_intimate=row["report_intimate"],
        report_route_confirmed=row["report_route_confirmed"],
        report_fake=row["report_fake"],
        report_fake_confirmed=row["report_fake_confirmed"],
        report_url=row["report_url"],
        report_fake_url=row["report_fake_url"],
        uk_intimate_image_report=row["uk_intimate_image_report"],
        sources=tuple(row["sources"]),
        last_reviewed=row["last_reviewed"],
        notes=row["notes"],
    )
