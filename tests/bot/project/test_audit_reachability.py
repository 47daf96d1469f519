"""What docs/security/audit.md relies on when it says the pymongo, dnspython and sentry-sdk advisories in
Rasa's tree are not reachable in Reclaim: no profile uses a Mongo tracker store, our code never uses those
packages, and Rasa never starts Sentry while telemetry is off (as .env.example sets it)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[3]
PROFILES = sorted((ROOT / "bot").glob("endpoints*.yml"))


@pytest.mark.parametrize("profile", PROFILES, ids=lambda path: path.name)
def test_no_profile_keeps_conversations_in_mongodb(profile: Path) -> None:
    store = (yaml.safe_load(profile.read_text()) or {}).get("tracker_store") or {}
    assert store.get("type") in (
        "bot.tracker_store.ErasingSQLTrackerStore",
        "bot.redis_tracker_store.ErasingRedisTrackerStore",
    )
    assert "mongo" not in profile.read_text().lower()


def test_reclaims_own_code_never_uses_pymongo_dnspython_or_sentry() -> None:
    uses = re.compile(r"^\s*(?:import|from)\s+(pymongo|bson|gridfs|dns|sentry_sdk)\b", re.MULTILINE)
    offenders = [
        str(path.relative_to(ROOT))
        for folder in ("bot", "actions", "scripts")
        for path in (ROOT / folder).rglob("*.py")
        if uses.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []


def test_telemetry_is_off_by_default_so_rasa_never_starts_sentry(monkeypatch: pytest.MonkeyPatch) -> None:
    assert re.search(r"^RASA_TELEMETRY_ENABLED=false$", (ROOT / ".env.example").read_text(), re.MULTILINE)
    import rasa.telemetry
    import sentry_sdk

    monkeypatch.setenv("RASA_TELEMETRY_ENABLED", "false")
    monkeypatch.setenv("SENTRY_DSN", "https://key@sentry.invalid/1")  # alone, it starts nothing
    rasa.telemetry.initialize_error_reporting()
    assert sentry_sdk.Hub.current.client is None
