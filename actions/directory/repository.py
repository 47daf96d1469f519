"""The read side of the directory: services and platforms as plain frozen records (never ORM objects),
from the database, or straight from the YAML when the database is unavailable."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from actions.directory.database import get_engine
from actions.directory.models import Platform, Service, as_row
from actions.directory.records import PlatformRecord, ServiceRecord, platform_record, service_record
from actions.directory.yaml_source import read_platforms, read_services
from actions.settings import settings

log = logging.getLogger(__name__)

DATABASE = "database"
YAML = "yaml"


def services(engine: Engine | None = None) -> tuple[ServiceRecord, ...]:
    """Every service in the database, by id. Raises SQLAlchemyError if the database cannot be read."""
    with Session(engine or get_engine()) as session:
        return tuple(service_record(as_row(obj)) for obj in session.scalars(select(Service).order_by(Service.id)))


def platforms(engine: Engine | None = None) -> tuple[PlatformRecord, ...]:
    """Every platform in the database, by id. Raises SQLAlchemyError if the database cannot be read."""
    with Session(engine or get_engine()) as session:
        return tuple(platform_record(as_row(obj)) for obj in session.scalars(select(Platform).order_by(Platform.id)))


def services_from_yaml(data_dir: Path | None = None) -> tuple[ServiceRecord, ...]:
    """Every service in data/services/*.yml, by id, without a database."""
    rows = read_services(data_dir or settings().reclaim_data_dir)
    return tuple(service_record(row) for row in sorted(rows, key=lambda row: row["id"]))


def platforms_from_yaml(data_dir: Path | None = None) -> tuple[PlatformRecord, ...]:
    """Every platform in data/platforms/*.yml, by id, without a database."""
    rows = read_platforms(data_dir or settings().reclaim_data_dir)
    return tuple(platform_record(row) for row in sorted(rows, key=lambda row: row["id"]))


@dataclass(frozen=True)
class Directory:
    """The whole directory, and where it was read from ("database" or "yaml")."""

    services: tuple[ServiceRecord, ...]
    platforms: tuple[PlatformRecord, ...]
    source: str

    def service(self, service_id: str) -> ServiceRecord | None:
        return next((s for s in self.services if s.id == service_id), None)

    def platform(self, platform_id: str) -> PlatformRecord | None:
        return next((p for p in self.platforms if p.id == platform_id), None)


def load_directory(prefer_db: bool = True, engine: Engine | None = None, data_dir: Path | None = None) -> Directory:
    """The directory from the database, or from the YAML if prefer_db is False, or if the database cannot
    be read or is empty (never loaded). The warning names only the kind of failure: no URL, no data."""
    if prefer_db:
        try:
            found = Directory(services(engine), platforms(engine), DATABASE)
        except (SQLAlchemyError, ImportError) as error:
            log.warning("Service directory database unavailable (%s); using the YAML in data/", type(error).__name__)
        else:
            if found.services and found.platforms:
                return found
            log.warning("Service directory database is empty (run make load-directory); using the YAML in data/")
    return Directory(services_from_yaml(data_dir), platforms_from_yaml(data_dir), YAML)
