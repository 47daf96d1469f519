"""The read side: the database gives exactly what the YAML says, as plain frozen records, and the YAML
stands in when the database cannot be used."""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
from pathlib import Path

import pytest
from sqlalchemy import Engine

from actions.directory import load as loader
from actions.directory import repository
from actions.directory.database import create_schema
from actions.directory.models import Base
from actions.directory.records import PlatformRecord, ServiceRecord
from actions.settings import PROJECT_ROOT

DATA = PROJECT_ROOT / "data"


def by_id(records: tuple) -> dict:
    return {record.id: record for record in records}


def test_every_service_and_platform_reads_back_exactly_as_in_the_yaml(engine: Engine) -> None:
    loader.load(engine, DATA)
    from_db = by_id(repository.services(engine)) | by_id(repository.platforms(engine))
    from_yaml = by_id(repository.services_from_yaml(DATA)) | by_id(repository.platforms_from_yaml(DATA))
    assert set(from_db) == set(from_yaml)
    for entry_id, record in from_yaml.items():
        assert from_db[entry_id] == record, entry_id
    assert repository.services(engine) == repository.services_from_yaml(DATA)
    assert repository.platforms(engine) == repository.platforms_from_yaml(DATA)


def test_a_loaded_database_is_preferred(engine: Engine) -> None:
    loader.load(engine, DATA)
    directory = repository.load_directory(engine=engine, data_dir=DATA)
    assert directory.source == repository.DATABASE
    assert directory.services == repository.services_from_yaml(DATA)
    assert directory.platform("x").stopncii_partner == "unconfirmed"


@pytest.mark.parametrize(
    "url",
    [
        "sqlite:////nonexistent-reclaim-dir/sub/directory.db",
        "postgresql+psycopg://reclaim:s3cret-password@127.0.0.1:1/nowhere",
        "not a database url",
        "nosuchdialect://user:s3cret-password@localhost/db",
    ],
    ids=["sqlite-missing-folder", "postgres-refused", "malformed", "unknown-dialect"],
)
def test_falls_back_to_the_yaml_when_the_database_is_unusable(
    url: str, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setenv("DATABASE_URL", url)
    with caplog.at_level(logging.WARNING, logger="actions.directory.repository"):
        directory = repository.load_directory()
    assert directory.source == repository.YAML
    assert directory.services == repository.services_from_yaml(DATA)
    assert directory.platforms == repository.platforms_from_yaml(DATA)
    assert "using the YAML" in caplog.text
    assert "s3cret" not in caplog.text and url not in caplog.text
    assert not Path("/nonexistent-reclaim-dir").exists()


def test_an_empty_database_falls_back_to_the_yaml(sqlite_engine: Engine, caplog: pytest.LogCaptureFixture) -> None:
    create_schema(sqlite_engine)
    with caplog.at_level(logging.WARNING):
        directory = repository.load_directory(engine=sqlite_engine, data_dir=DATA)
    assert directory.source == repository.YAML
    assert "make load-directory" in caplog.text


def test_prefer_db_false_reads_only_the_yaml(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(repository, "services", lambda engine=None: pytest.fail("the database was read"))
    assert repository.load_directory(prefer_db=False, data_dir=DATA).source == repository.YAML


def test_records_are_frozen_dataclasses_not_orm_objects(sqlite_engine: Engine) -> None:
    loader.load(sqlite_engine, DATA)
    directory = repository.load_directory(engine=sqlite_engine, data_dir=DATA)
    service = directory.service("revenge_porn_helpline")
    platform = directory.platform("pornhub")
    for record, kind in ((service, ServiceRecord), (platform, PlatformRecord)):
        assert type(record) is kind and dataclasses.is_dataclass(record) and not isinstance(record, Base)
        with pytest.raises(dataclasses.FrozenInstanceError):
            record.name = "changed"  # type: ignore[misc]
    with pytest.raises(TypeError):
        service.opening_hours["always"] = True  # type: ignore[index]
    assert isinstance(service.last_reviewed, dt.date)
    assert service.situations and isinstance(service.situations, tuple)
    assert len({service, directory.service("samaritans")}) == 2, "records can be put in sets"
    assert directory.service("no_such_service") is None


def test_opening_hours_are_in_the_shape_the_open_now_check_takes() -> None:
    opening_hours = pytest.importorskip("actions.opening_hours")
    helpline = repository.load_directory(prefer_db=False, data_dir=DATA).service("revenge_porn_helpline")
    tuesday_noon = dt.datetime(2026, 11, 24, 12, 0, tzinfo=opening_hours.LONDON)
    christmas_noon = dt.datetime(2026, 12, 25, 12, 0, tzinfo=opening_hours.LONDON)
    assert opening_hours.status(helpline.opening_hours, tuesday_noon).open_now
    assert not opening_hours.status(helpline.opening_hours, christmas_noon, [dt.date(2026, 12, 25)]).open_now
