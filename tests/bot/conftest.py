"""Fixtures for the Rasa server's tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bot.settings import settings

# The PostgreSQL and Redis fixtures, for every test here that needs a real store.
from tests.bot.shared_stores import postgres_database, redis_prefix  # noqa: F401 - fixtures
from tests.settings_cache import settings_monkeypatch


@pytest.fixture(autouse=True)
def monkeypatch() -> Iterator[pytest.MonkeyPatch]:
    """pytest's monkeypatch, and every test reads bot/settings.py afresh (tests/settings_cache.py)."""
    yield from settings_monkeypatch(settings.cache_clear)
