"""Databases for the directory tests: a SQLite file per test, and PostgreSQL in a schema of its own.

PostgreSQL is the local server (TEST_POSTGRES_URL, default postgresql+psycopg://postgres@127.0.0.1:5432/test).
Each test gets a new schema, reclaim_test_<random>, dropped afterwards, so no other data is touched. When
the server cannot be reached the PostgreSQL tests are skipped, except under CI=true, where they fail.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from actions.directory.database import make_engine
from actions.settings import PROJECT_ROOT

POSTGRES_URL = os.environ.get("TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def _postgres_unavailable(reason: str) -> None:
    where = make_url(POSTGRES_URL).render_as_string(hide_password=True)
    if os.environ.get("CI") == "true":
        pytest.fail(
            f"PostgreSQL is required when CI=true, but {reason} ({where}). Start PostgreSQL on 127.0.0.1:5432 "
            "with trust auth, or set TEST_POSTGRES_URL.",
            pytrace=False,
        )
    pytest.skip(f"PostgreSQL not available: {reason} ({where}); under CI=true this fails")


@pytest.fixture
def postgresql_engine() -> Iterator[Engine]:
    """An engine whose tables live in a new schema of their own, dropped after the test."""
    try:
        import psycopg  # noqa: F401
    except ImportError:
        _postgres_unavailable("the psycopg driver is not installed")
    admin = create_engine(POSTGRES_URL, poolclass=NullPool, connect_args={"connect_timeout": 3})
    schema = f"reclaim_test_{uuid.uuid4().hex[:12]}"
    try:
        with admin.begin() as connection:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    except Exception as error:  # noqa: BLE001 - any failure to reach the server means "unavailable"
        admin.dispose()
        _postgres_unavailable(f"cannot connect ({type(error).__name__})")
    base = make_engine(POSTGRES_URL)
    try:
        yield base.execution_options(schema_translate_map={None: schema})
    finally:
        base.dispose()
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture
def sqlite_engine(tmp_path: Path) -> Iterator[Engine]:
    engine = make_engine(f"sqlite:///{tmp_path / 'directory.db'}")
    yield engine
    engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request: pytest.FixtureRequest) -> Engine:
    """Each test that takes `engine` runs once on SQLite and once on PostgreSQL."""
    return request.getfixturevalue(f"{request.param}_engine")


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    """A copy of data/services and data/platforms that a test may change."""
    copy = tmp_path / "data"
    for part in ("services", "platforms"):
        shutil.copytree(PROJECT_ROOT / "data" / part, copy / part)
    return copy
