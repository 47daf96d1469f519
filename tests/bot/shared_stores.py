"""Throwaway PostgreSQL databases and Redis key prefixes for the tests of the production profile.

PostgreSQL is the local server (TEST_POSTGRES_URL, default postgresql://postgres@127.0.0.1:5432/test);
each use gets a new database, reclaim_test_<random>, dropped afterwards. Redis is TEST_REDIS_HOST:
TEST_REDIS_PORT (default 127.0.0.1:6379), keys under a random prefix, deleted afterwards. When either
cannot be reached the tests are skipped, except under CI=true, where they fail.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass

import pytest

POSTGRES_URL = os.environ.get("TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")
REDIS_HOST = os.environ.get("TEST_REDIS_HOST", "127.0.0.1")
REDIS_PORT = int(os.environ.get("TEST_REDIS_PORT", "6379"))


def unavailable(service: str, reason: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(
            f"{service} is required when CI=true, but {reason}. Start it (.ci/run does) or set "
            "TEST_POSTGRES_URL / TEST_REDIS_HOST and TEST_REDIS_PORT.",
            pytrace=False,
        )
    pytest.skip(f"{service} not available: {reason}; under CI=true this fails")


@dataclass
class PostgresDatabase:
    host: str
    port: int
    user: str
    password: str
    name: str
    # An existing database to log in to first (the profile's TRACKER_PG_LOGIN_DB).
    login_db: str


def _admin_connection():  # noqa: ANN202 - psycopg2 connection
    import psycopg2

    connection = psycopg2.connect(POSTGRES_URL.replace("postgresql+psycopg2://", "postgresql://"), connect_timeout=3)
    connection.autocommit = True
    return connection


def drop_database(name: str) -> None:
    connection = _admin_connection()
    try:
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        connection.close()


@pytest.fixture
def postgres_database() -> Iterator[PostgresDatabase]:
    """The name of a database that does not exist yet (the store creates it); dropped after the test."""
    from urllib.parse import urlsplit

    try:
        _admin_connection().close()
    except Exception as error:  # noqa: BLE001 - any failure to reach the server means "unavailable"
        unavailable("PostgreSQL", f"cannot connect to {POSTGRES_URL} ({type(error).__name__})")
    parts = urlsplit(POSTGRES_URL)
    database = PostgresDatabase(
        host=parts.hostname or "127.0.0.1",
        port=parts.port or 5432,
        user=parts.username or "postgres",
        password=parts.password or "",
        name=f"reclaim_test_{uuid.uuid4().hex[:12]}",
        login_db=parts.path.lstrip("/") or "postgres",
    )
    try:
        yield database
    finally:
        drop_database(database.name)


@pytest.fixture
def redis_prefix() -> Iterator[str]:
    """A key prefix no other run uses (alphanumeric, as Rasa requires); its keys are deleted afterwards."""
    import redis

    client = redis.StrictRedis(host=REDIS_HOST, port=REDIS_PORT, db=0, socket_timeout=3)
    try:
        client.ping()
    except Exception as error:  # noqa: BLE001
        unavailable("Redis", f"cannot connect to {REDIS_HOST}:{REDIS_PORT} ({type(error).__name__})")
    prefix = f"reclaimtest{uuid.uuid4().hex[:12]}"
    try:
        yield prefix
    finally:
        keys = list(client.scan_iter(f"{prefix}:*"))
        if keys:
            client.delete(*keys)
        client.close()
