"""The loader (`make load-directory`): idempotent on SQLite and PostgreSQL, deletes only with --prune,
and stops on bad YAML with a message naming the file and the id."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
import yaml
from sqlalchemy import Engine, func, inspect, select, text
from sqlalchemy.orm import Session

from actions.directory import load as loader
from actions.directory import repository
from actions.directory.database import SchemaOutOfDate, create_schema, make_engine
from actions.directory.models import Platform, Service
from actions.directory.yaml_source import DirectoryDataError, read_platforms, read_services


def total(data_dir: Path) -> int:
    return len(read_services(data_dir)) + len(read_platforms(data_dir))


def edit(path: Path, old: str, new: str) -> None:
    content = path.read_text(encoding="utf-8")
    assert content.count(old) == 1, f"{old!r} should appear once in {path}"
    path.write_text(content.replace(old, new), encoding="utf-8")


def drop_entry(path: Path, key: str, entry_id: str) -> None:
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    document[key] = [entry for entry in document[key] if entry["id"] != entry_id]
    path.write_text(yaml.safe_dump(document, sort_keys=False, allow_unicode=True), encoding="utf-8")


def test_loading_twice_changes_nothing_the_second_time(engine: Engine, data_dir: Path) -> None:
    first = loader.load(engine, data_dir)
    assert first == {"inserted": total(data_dir), "updated": 0, "unchanged": 0, "pruned": 0}
    second = loader.load(engine, data_dir)
    assert second == {"inserted": 0, "updated": 0, "unchanged": total(data_dir), "pruned": 0}


@pytest.mark.parametrize(
    "file, old, new, check",
    [
        (
            "services/core.yml",
            'phone: "116 123"',
            'phone: "116 124"',
            lambda d: d.service("samaritans").phone == "116 124",
        ),
        (
            "services/directory.yml",
            "nations: [wales]",
            "nations: [wales, england]",
            lambda d: d.service("live_fear_free").nations == ("wales", "england"),
        ),
        (
            "services/core.yml",
            'fri: ["10:00-16:00"]}',
            'fri: ["10:00-15:00"]}',
            lambda d: d.service("revenge_porn_helpline").opening_hours["weekly"]["fri"] == ("10:00-15:00",),
        ),
        (
            "platforms/platforms.yml",
            "owner: Aylo",
            "owner: Aylo Holdings",
            lambda d: d.platform("pornhub").owner == "Aylo Holdings",
        ),
    ],
    ids=["text", "list", "opening_hours", "platform"],
)
def test_a_changed_value_updates_exactly_one_entry(
    engine: Engine, data_dir: Path, file: str, old: str, new: str, check
) -> None:
    loader.load(engine, data_dir)
    edit(data_dir / file, old, new)
    assert loader.load(engine, data_dir) == {"inserted": 0, "updated": 1, "unchanged": total(data_dir) - 1, "pruned": 0}
    assert check(repository.load_directory(engine=engine, data_dir=data_dir))
    assert loader.load(engine, data_dir)["unchanged"] == total(data_dir)


def test_a_new_entry_is_inserted(engine: Engine, data_dir: Path) -> None:
    loader.load(engine, data_dir)
    path = data_dir / "services" / "directory.yml"
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    document["services"].append({**document["services"][0], "id": "new_service", "name": "New service"})
    path.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
    assert loader.load(engine, data_dir)["inserted"] == 1
    assert {s.id for s in repository.services(engine)} >= {"new_service"}


def test_removed_entries_are_kept_unless_pruned(
    engine: Engine, data_dir: Path, caplog: pytest.LogCaptureFixture
) -> None:
    loader.load(engine, data_dir)
    before = total(data_dir)
    drop_entry(data_dir / "services" / "directory.yml", "services", "galop")
    drop_entry(data_dir / "platforms" / "platforms.yml", "platforms", "hinge")

    with caplog.at_level(logging.WARNING):
        kept = loader.load(engine, data_dir)
    assert kept == {"inserted": 0, "updated": 0, "unchanged": before - 2, "pruned": 0}
    assert "galop" in {s.id for s in repository.services(engine)}
    assert "hinge" in {p.id for p in repository.platforms(engine)}
    assert "--prune" in caplog.text and "galop" in caplog.text

    pruned = loader.load(engine, data_dir, prune=True)
    assert pruned == {"inserted": 0, "updated": 0, "unchanged": before - 2, "pruned": 2}
    assert "galop" not in {s.id for s in repository.services(engine)}
    assert "hinge" not in {p.id for p in repository.platforms(engine)}
    assert loader.load(engine, data_dir, prune=True)["pruned"] == 0


BAD_ENTRIES = [
    # (file, entry changes, words the message must contain)
    ("services/directory.yml", {"id": None}, ["directory.yml", "entry 1 (no id)", "'id' is required"]),
    (
        "services/directory.yml",
        {"name": None},
        ["directory.yml", "national_domestic_abuse_helpline", "'name' is required"],
    ),
    ("services/directory.yml", {"name": "  "}, ["national_domestic_abuse_helpline", "'name' must be non-empty text"]),
    ("services/directory.yml", {"phone": 8082000247}, ["national_domestic_abuse_helpline", "'phone'", "quotes"]),
    ("services/directory.yml", {"kind": "chat"}, ["national_domestic_abuse_helpline", "'kind' must be one of"]),
    ("services/directory.yml", {"last_reviewed": "recently"}, ["'last_reviewed' must be a date"]),
    ("services/directory.yml", {"opening_hours": {"weekly": {"mon": [600]}}}, ["'opening_hours' for mon"]),
    ("services/directory.yml", {"situations": ["any", "fake_images"]}, ["'situations' is either [any]"]),
    ("services/directory.yml", {"audience_typo": ["women"]}, ["unknown fields ['audience_typo']"]),
    ("services/directory.yml", {"id": "samaritans"}, ["'samaritans' is already used in", "core.yml"]),
    ("platforms/platforms.yml", {"name": None}, ["platforms.yml", "id 'facebook'", "'name' is required"]),
    ("platforms/platforms.yml", {"report_intimate": ""}, ["id 'facebook'", "'report_intimate'"]),
    ("platforms/platforms.yml", {"stopncii_partner": "maybe"}, ["id 'facebook'", "true, false or unconfirmed"]),
]


@pytest.mark.parametrize(
    "file, changes, words",
    BAD_ENTRIES,
    ids=[f"{f.split('/')[0]}-{next(iter(c))}-{i}" for i, (f, c, _) in enumerate(BAD_ENTRIES)],
)
def test_bad_yaml_fails_with_a_clear_message_and_loads_nothing(
    sqlite_engine: Engine, data_dir: Path, file: str, changes: dict, words: list[str]
) -> None:
    path = data_dir / file
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    key = "services" if file.startswith("services") else "platforms"
    first = document[key][0]
    for field, value in changes.items():
        if value is None:
            first.pop(field)
        else:
            first[field] = value
    path.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
    with pytest.raises(DirectoryDataError) as raised:
        loader.load(sqlite_engine, data_dir)
    for word in words:
        assert word in str(raised.value)
    assert not inspect(sqlite_engine).has_table("directory_services"), "nothing is written when the data is bad"


def test_invalid_yaml_syntax_names_the_file(sqlite_engine: Engine, data_dir: Path) -> None:
    (data_dir / "platforms" / "broken.yml").write_text("platforms:\n  - id: [unclosed\n", encoding="utf-8")
    with pytest.raises(DirectoryDataError, match=r"broken\.yml: not valid YAML"):
        loader.load(sqlite_engine, data_dir)


def test_bank_holidays_are_not_read_as_services(data_dir: Path) -> None:
    assert (data_dir / "services" / "bank_holidays.yml").exists()
    assert all(row["id"] for row in read_services(data_dir))


def test_create_schema_never_drops_data(engine: Engine, data_dir: Path) -> None:
    loader.load(engine, data_dir)
    create_schema(engine)
    create_schema(engine)
    with Session(engine) as session:
        assert session.scalar(select(func.count()).select_from(Service)) == len(read_services(data_dir))
        assert session.scalar(select(func.count()).select_from(Platform)) == len(read_platforms(data_dir))


def test_an_older_table_is_reported_not_replaced(sqlite_engine: Engine, data_dir: Path) -> None:
    with sqlite_engine.begin() as connection:
        connection.execute(text("CREATE TABLE directory_services (id VARCHAR(64) PRIMARY KEY, name VARCHAR(200))"))
        connection.execute(text("INSERT INTO directory_services VALUES ('kept', 'Kept')"))
    with pytest.raises(SchemaOutOfDate, match=r"directory_services\.kind"):
        loader.load(sqlite_engine, data_dir)
    with sqlite_engine.connect() as connection:
        assert connection.execute(text("SELECT name FROM directory_services")).scalar_one() == "Kept"


def test_the_command_prints_a_one_line_summary(
    tmp_path: Path, data_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    assert loader.main(["--data", str(data_dir)]) == 0
    assert loader.main(["--data", str(data_dir)]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert lines[-1] == (
        f"Directory loaded into sqlite:///{tmp_path / 'cli.db'}: "
        f"0 inserted, 0 updated, {total(data_dir)} unchanged, 0 pruned"
    )
    make_engine(f"sqlite:///{tmp_path / 'cli.db'}").dispose()


def test_the_command_explains_bad_data(
    tmp_path: Path, data_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    edit(data_dir / "services" / "core.yml", "    name: Samaritans\n", "")
    assert loader.main(["--data", str(data_dir)]) == 2
    err = capsys.readouterr().err
    assert "core.yml: id 'samaritans': 'name' is required" in err
