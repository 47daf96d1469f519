"""The directory's tables (SQLAlchemy 2). Lists and opening hours are JSON columns, which work the same
on SQLite and PostgreSQL. The column names are the fields of data/services/README.md and
data/platforms/README.md."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, CheckConstraint, Date, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

# JSON null would be a value; SQL NULL is "not stated".
_JSON = JSON(none_as_null=True)
_PARTNER_CHECK = "IN ('true', 'false', 'unconfirmed')"


class Base(DeclarativeBase):
    pass


class Service(Base):
    """A service people can be routed to (data/services/*.yml)."""

    __tablename__ = "directory_services"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(32))  # takedown, helpline, reporting, police, legal, emotional_support
    phone: Mapped[str | None] = mapped_column(String(40))
    sms: Mapped[str | None] = mapped_column(String(40))
    email: Mapped[str | None] = mapped_column(String(200))
    web: Mapped[str | None] = mapped_column(Text)
    hours: Mapped[str | None] = mapped_column(Text)  # as said to people
    opening_hours: Mapped[dict[str, Any] | None] = mapped_column(_JSON)  # Europe/London, or {"always": true}
    nations: Mapped[list[str] | None] = mapped_column(_JSON)
    age_min: Mapped[int | None]
    age_max: Mapped[int | None]
    audiences: Mapped[list[str]] = mapped_column(_JSON)
    situations: Mapped[list[str]] = mapped_column(_JSON)
    perpetrators: Mapped[list[str] | None] = mapped_column(_JSON)
    languages: Mapped[list[str] | None] = mapped_column(_JSON)
    sources: Mapped[list[str]] = mapped_column(_JSON)
    last_reviewed: Mapped[dt.date] = mapped_column(Date)
    confirmed: Mapped[bool]
    notes: Mapped[str | None] = mapped_column(Text)


class Platform(Base):
    """A platform and its reporting routes for intimate and fake images (data/platforms/*.yml)."""

    __tablename__ = "directory_platforms"
    __table_args__ = (
        CheckConstraint(f"stopncii_partner {_PARTNER_CHECK}", name="directory_platforms_stopncii_partner"),
        CheckConstraint(f"take_it_down_partner {_PARTNER_CHECK}", name="directory_platforms_take_it_down_partner"),
    )

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    aliases: Mapped[list[str]] = mapped_column(_JSON)
    owner: Mapped[str | None] = mapped_column(String(200))
    category: Mapped[str] = mapped_column(String(32))
    stopncii_partner: Mapped[str] = mapped_column(String(16))  # 'true', 'false' or 'unconfirmed'
    take_it_down_partner: Mapped[str] = mapped_column(String(16))
    report_intimate: Mapped[str] = mapped_column(Text)
    report_route_confirmed: Mapped[bool]
    report_fake: Mapped[str] = mapped_column(Text)
    report_fake_confirmed: Mapped[bool]
    report_url: Mapped[str | None] = mapped_column(Text)
    report_fake_url: Mapped[str | None] = mapped_column(Text)
    uk_intimate_image_report: Mapped[bool | None]
    sources: Mapped[list[str]] = mapped_column(_JSON)
    last_reviewed: Mapped[dt.date] = mapped_column(Date)
    notes: Mapped[str | None] = mapped_column(Text)


def columns(model: type[Base]) -> list[str]:
    """The column names of a table, in order."""
    return [column.key for column in model.__table__.columns]


def as_row(obj: Base) -> dict[str, Any]:
    """A row as a plain dict of column values."""
    return {key: getattr(obj, key) for key in columns(type(obj))}
