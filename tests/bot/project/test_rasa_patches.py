"""Our change to Rasa (bot/rasa_patches.py): installed by the start-up path, never by an import, and the
action server's answers are checked exactly as Rasa checks them, but the schema only once."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from jsonschema import ValidationError, validators
from rasa.core.actions.action import RemoteAction
from rasa.core.tracker_store import TrackerStore
from rasa.core.utils import AvailableEndpoints

from bot import rasa_patches
from bot.redis_tracker_store import ErasingRedisTrackerStore
from bot.tracker_store import ErasingSQLTrackerStore
from tests.bot.shared_stores import REDIS_HOST, REDIS_PORT, PostgresDatabase

ROOT = Path(__file__).resolve().parents[3]
PROFILES = ["endpoints.yml", "endpoints.production.yml", "endpoints.production-redis.yml"]

ANSWERS = [
    {
        "events": [{"event": "slot", "name": "nation", "value": "wales", "timestamp": None}],
        "responses": [{"text": "What has happened?", "buttons": [{"title": "Skip", "payload": "/skip"}]}],
    },
    {"events": [], "responses": []},
    {"events": [{"event": "active_loop", "name": None}, {"event": "followup", "name": "utter_ask_when"}]},
]
BROKEN = [
    {"events": "not a list", "responses": []},
    {"events": [{"event": "slot", "name": 5}], "responses": []},
    {"events": [{"event": "no_such_event"}]},
    {"events": [], "responses": "hello"},
]


def original(answer: dict[str, Any]) -> Any:
    try:
        return rasa_patches._ORIGINAL(RemoteAction("action_x", None), answer)
    except ValidationError as error:
        return ("refused", error.message)


def ours(answer: dict[str, Any]) -> Any:
    try:
        return RemoteAction("action_x", None)._validate_action_result(answer)
    except ValidationError as error:
        return ("refused", error.message)


@pytest.fixture(autouse=True)
def unpatched(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test starts with Rasa's own method (other tests may have built a store); undone afterwards."""
    monkeypatch.setattr(RemoteAction, "_validate_action_result", rasa_patches._ORIGINAL)
    monkeypatch.setenv("ACTION_SERVER_URL", "http://127.0.0.1:1/webhook")


def modules_rasa_loads() -> list[str]:
    """Every module of ours that an endpoints or credentials file names: what `rasa run` imports."""
    names = set()
    for profile in PROFILES:
        for section in (yaml.safe_load((ROOT / "bot" / profile).read_text()) or {}).values():
            if isinstance(section, dict) and str(section.get("type", "")).startswith("bot."):
                names.add(section["type"].rsplit(".", 1)[0])
    names.update(key.rsplit(".", 1)[0] for key in yaml.safe_load((ROOT / "bot" / "credentials.yml").read_text()))
    return sorted(names)


def test_importing_what_rasa_loads_patches_nothing() -> None:
    modules = modules_rasa_loads()
    assert {"bot.tracker_store", "bot.redis_tracker_store", "bot.channels.widget"} <= set(modules)
    # A fresh interpreter: in this one the modules are long imported.
    script = (
        "import importlib, sys\n"
        "for name in sys.argv[1:]: importlib.import_module(name)\n"
        "from bot import rasa_patches\n"
        "sys.exit(1 if rasa_patches.installed() else 0)\n"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    result = subprocess.run([sys.executable, "-c", script, *modules], cwd=ROOT, env=env, capture_output=True, text=True)
    assert result.returncode == 0, f"importing {modules} patched Rasa:\n{result.stderr[-2000:]}"


def start_up(profile: str) -> None:
    """What `rasa run --endpoints bot/<profile>` does before its first message: build the tracker store
    (rasa/core/agent.py, load_agent)."""
    store = TrackerStore.create(AvailableEndpoints.read_endpoints(str(ROOT / "bot" / profile)).tracker_store)
    store = getattr(store, "_tracker_store", store)  # Rasa may wrap it (AwaitableTrackerStore)
    # Rasa quietly falls back to memory if a custom store cannot be built: make sure ours was.
    assert isinstance(store, (ErasingSQLTrackerStore, ErasingRedisTrackerStore)), type(store)
    if isinstance(store, ErasingSQLTrackerStore):
        store.engine.dispose()


def test_the_default_profile_installs_it_at_start_up(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRACKER_DB", str(tmp_path / "tracker.db"))
    assert not rasa_patches.installed()
    start_up("endpoints.yml")
    assert RemoteAction._validate_action_result is rasa_patches._validate_action_result
    rasa_patches.install()  # twice is the same as once
    assert rasa_patches.installed()


def test_the_redis_profile_installs_it_at_start_up(monkeypatch: pytest.MonkeyPatch) -> None:
    # Redis is reached only at the first message, so no server is needed to build the store.
    for name, value in {
        "REDIS_HOST": REDIS_HOST,
        "REDIS_PORT": str(REDIS_PORT),
        "REDIS_TRACKER_DB": "0",
        "REDIS_LOCK_DB": "0",
        "REDIS_PASSWORD": "",
        "REDIS_KEY_PREFIX": "reclaimtest",
    }.items():
        monkeypatch.setenv(name, value)
    start_up("endpoints.production-redis.yml")
    assert rasa_patches.installed()


def test_the_postgresql_profile_installs_it_at_start_up(
    postgres_database: PostgresDatabase,
    monkeypatch: pytest.MonkeyPatch,  # noqa: F811 - fixture
) -> None:
    for name, value in {
        "TRACKER_PG_HOST": postgres_database.host,
        "TRACKER_PG_PORT": str(postgres_database.port),
        "TRACKER_PG_DB": postgres_database.name,
        "TRACKER_PG_USER": postgres_database.user,
        "TRACKER_PG_PASSWORD": postgres_database.password,
        "TRACKER_PG_LOGIN_DB": postgres_database.login_db,
        "REDIS_HOST": REDIS_HOST,
        "REDIS_PORT": str(REDIS_PORT),
        "REDIS_LOCK_DB": "0",
        "REDIS_PASSWORD": "",
        "REDIS_KEY_PREFIX": "",
    }.items():
        monkeypatch.setenv(name, value)
    start_up("endpoints.production.yml")
    assert rasa_patches.installed()


@pytest.fixture
def installed(unpatched: None) -> None:
    rasa_patches.install()  # undone by `unpatched`


@pytest.mark.parametrize("answer", ANSWERS + BROKEN)
def test_it_accepts_and_refuses_exactly_what_rasa_does(installed: None, answer: dict[str, Any]) -> None:
    assert ours(answer) == original(answer)


def test_broken_answers_are_refused_with_rasas_explanation(installed: None) -> None:
    for answer in BROKEN:
        verdict = ours(answer)
        assert verdict[0] == "refused" and "Failed to validate Action server response" in verdict[1]


def test_the_schema_is_checked_once_not_on_every_answer(installed: None, monkeypatch: pytest.MonkeyPatch) -> None:
    ours(ANSWERS[0])
    calls = []
    cls = validators.validator_for(RemoteAction.action_response_format_spec())
    monkeypatch.setattr(cls, "check_schema", classmethod(lambda *args: calls.append(args)))
    for _ in range(20):
        ours(ANSWERS[0])
    assert calls == []
    original(ANSWERS[0])  # Rasa's own way checks it every time: the cost this module removes
    assert len(calls) == 1
