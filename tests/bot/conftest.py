"""Fixtures for the Rasa server's tests."""

from __future__ import annotations

from typing import Iterator

import pytest

from bot.settings import settings
from tests.settings_cache import settings_monkeypatch


@pytest.fixture(autouse=True)
def monkeypatch() -> Iterator[pytest.MonkeyPatch]:
    """pytest's monkeypatch, and every test reads bot/settings.py afresh (tests/settings_cache.py)."""
    yield from settings_monkeypatch(settings.cache_clear)
