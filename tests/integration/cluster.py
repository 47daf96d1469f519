"""Two Rasa servers and one action server in the production profile (bot/endpoints.production.yml),
sharing a throwaway PostgreSQL database and a Redis key prefix of their own (tests/integration/test_scale_out.py).

PostgreSQL: TEST_POSTGRES_URL (default postgresql://postgres@127.0.0.1:5432/test); a database
reclaim_scale_<random> is created for the run and dropped after. Redis: TEST_REDIS_HOST/TEST_REDIS_PORT
(default 127.0.0.1:6379), db TEST_REDIS_DB (default 0), keys under a random prefix. When either cannot be
reached the tests are skipped, except under CI=true, where they fail.
"""

from __future__ import annotations

import json
import os
import socket
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import psycopg
import pytest

from scripts.servers import Fleet, free_port, load_directory
from tests.integration.conftest import DASHBOARD_SECRET, DASHBOARD_TOKENS, MODEL, WIDGET_SECRET

ROOT = Path(__file__).resolve().parents[2]
POSTGRES_URL = os.environ.get("TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")
REDIS_HOST = os.environ.get("TEST_REDIS_HOST", "127.0.0.1")
REDIS_PORT = int(os.environ.get("TEST_REDIS_PORT", "6379"))
REDIS_DB = os.environ.get("TEST_REDIS_DB", "0")


def _unavailable(service: str, reason: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(
            f"{service} is required when CI=true, but {reason}. Start it (.ci/run does), or set "
            "TEST_POSTGRES_URL / TEST_REDIS_HOST and TEST_REDIS_PORT.",
            pytrace=False,
        )
    pytest.skip(f"{service} not available: {reason}; under CI=true this fails")


def _redis_answers() -> bool:
    try:
        with socket.create_connection((REDIS_HOST, REDIS_PORT), timeout=3) as connection:
            connection.sendall(b"PING\r\n")
            return connection.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def _admin() -> psycopg.Connection:
    return psycopg.connect(POSTGRES_URL, autocommit=True, connect_timeout=3)


def _resp(*parts: str) -> bytes:
    encoded = [part.encode() for part in parts]
    return b"*%d\r\n" % len(encoded) + b"".join(b"$%d\r\n%s\r\n" % (len(part), part) for part in encoded)


def redis_get(key: str) -> bytes | None:
    """One GET in the test's Redis db (a few bytes of the Redis protocol: the actions venv has no client)."""
    with socket.create_connection((REDIS_HOST, REDIS_PORT), timeout=3) as connection:
        connection.sendall(_resp("SELECT", REDIS_DB) + _resp("GET", key))
        data = b""
        while True:
            chunk = connection.recv(65536)
            if not chunk:
                break
            data += chunk
            selected, _, rest = data.partition(b"\r\n")
            if not rest:
                continue
            assert selected == b"+OK", selected
            header, _, body = rest.partition(b"\r\n")
            if header == b"$-1":
                return None
            if header.startswith(b"$") and len(body) >= int(header[1:]) + 2:
                return body[: int(header[1:])]


def redis_set(key: str, value: str, expire_seconds: int) -> None:
    with socket.create_connection((REDIS_HOST, REDIS_PORT), timeout=3) as connection:
        connection.sendall(_resp("SELECT", REDIS_DB) + _resp("SET", key, value, "EX", str(expire_seconds)))
        data = b""
        while data.count(b"\r\n") < 2:
            chunk = connection.recv(1024)
            if not chunk:
                break
            data += chunk
        assert data == b"+OK\r\n+OK\r\n", data


@dataclass
class Cluster:
    rasa_urls: list[str]  # each Rasa server's root, e.g. http://127.0.0.1:40123
    database_url: str  # the shared tracker database (psycopg conninfo)
    logs: list[Path]
    redis_key_prefix: str

    def hold(self, sender: str, seconds: float) -> None:
        """Takes the conversation's first ticket in the shared lock, as a busy third server would, for
        `seconds`: every message that arrives meanwhile queues behind it, in the order it arrived."""
        ticket = json.dumps({"number": 0, "expires": time.time() + seconds})
        lock = json.dumps({"conversation_id": sender, "tickets": [ticket]})
        redis_set(f"{self.redis_key_prefix}:lock:{sender}", lock, int(seconds) + 60)

    def queued(self, sender: str) -> int:
        """How many messages of the conversation hold a ticket in the shared Redis lock (bot/lock_store.py)."""
        raw = redis_get(f"{self.redis_key_prefix}:lock:{sender}")
        return len(json.loads(raw)["tickets"]) if raw else 0

    def rest(self, server: int) -> str:
        return f"{self.rasa_urls[server]}/webhooks/rest/webhook"

    def widget(self, server: int) -> str:
        return f"{self.rasa_urls[server]}/webhooks/widget"

    def events(self, sender: str) -> list[tuple[str, str | None, str | None, float, str]]:
        """(type, intent, action, timestamp, data) of every stored event of one conversation, in order."""
        with psycopg.connect(self.database_url) as connection:
            return connection.execute(
                "select type_name, intent_name, action_name, timestamp, data from events "
                "where sender_id = %s order by id",
                (sender,),
            ).fetchall()


@pytest.fixture(scope="module", name="cluster")
def cluster_fixture(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    if not MODEL.exists():
        pytest.fail(f"No trained model at {MODEL}: run `make train` (make test does it for you).")
    try:
        _admin().close()
    except psycopg.Error as error:
        _unavailable("PostgreSQL", f"cannot connect to {POSTGRES_URL} ({type(error).__name__})")
    if not _redis_answers():
        _unavailable("Redis", f"nothing answers PING at {REDIS_HOST}:{REDIS_PORT}")

    database = f"reclaim_scale_{uuid.uuid4().hex[:12]}"
    with _admin() as admin:
        admin.execute(f'CREATE DATABASE "{database}"')
    parts = urlsplit(POSTGRES_URL)
    prefix = f"reclaimscale{uuid.uuid4().hex[:12]}"
    workdir = tmp_path_factory.mktemp("cluster")
    action_port = free_port()
    env = {
        **os.environ,
        "ACTION_PORT": str(action_port),
        "SANIC_HOST": "127.0.0.1",
        "ACTION_SERVER_URL": f"http://127.0.0.1:{action_port}/webhook",
        "TRACKER_PG_HOST": parts.hostname or "127.0.0.1",
        "TRACKER_PG_PORT": str(parts.port or 5432),
        "TRACKER_PG_DB": database,
        "TRACKER_PG_USER": parts.username or "postgres",
        "TRACKER_PG_PASSWORD": parts.password or "",
        "TRACKER_PG_LOGIN_DB": "",
        "SQL_POOL_SIZE": "2",
        "SQL_MAX_OVERFLOW": "3",
        "REDIS_HOST": REDIS_HOST,
        "REDIS_PORT": str(REDIS_PORT),
        "REDIS_LOCK_DB": REDIS_DB,
        "REDIS_PASSWORD": "",
        "REDIS_KEY_PREFIX": prefix,
        "RASA_TELEMETRY_ENABLED": "false",
        "POSTCODE_LOOKUP_URL": "",
        "PYTHONPATH": str(ROOT),
        "DATABASE_URL": f"sqlite:///{workdir / 'directory.db'}",
        # Both servers sign and accept the same widget ids.
        "WIDGET_SECRET": WIDGET_SECRET,
        "WIDGET_RATE_LIMIT_PER_MINUTE": "120",
        "WIDGET_STARTS_PER_MINUTE": "120",
        "WIDGET_MESSAGES_PER_MINUTE_PER_ADDRESS": "100000",  # every test message comes from 127.0.0.1
        "METRICS_DB_URL": f"sqlite:///{workdir / 'metrics.db'}",
        # Both servers sign and accept the same dashboard sessions (and share sign-outs through Redis).
        "DASHBOARD_SECRET": DASHBOARD_SECRET,
        "DASHBOARD_TOKEN_DEFAULT": DASHBOARD_TOKENS["default"],
    }
    fleet = Fleet(workdir)
    logs = [workdir / "actions.log", workdir / "rasa-0.log", workdir / "rasa-1.log"]
    try:
        load_directory(env)
        actions = fleet.actions(env, port=action_port)
        servers = [  # both start at once: startup is the slow part
            fleet.rasa(
                f"rasa-{number}",
                MODEL,
                ROOT / "bot" / "endpoints.production.yml",
                env,
                credentials=ROOT / "bot" / "credentials.yml",
            )
            for number in range(2)
        ]
        actions.wait_for_health()
        for server in servers:
            server.wait_until_up()
        yield Cluster(
            rasa_urls=[server.url for server in servers],
            database_url=POSTGRES_URL.rsplit("/", 1)[0] + f"/{database}",
            logs=logs,
            redis_key_prefix=prefix,
        )
    finally:
        fleet.stop_all()
        with _admin() as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
