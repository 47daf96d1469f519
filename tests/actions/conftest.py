"""Fixtures for the action server's tests."""

from __future__ import annotations

import os

# The tests read the service directory from the YAML in data/, never from a database a developer
# may have loaded earlier with different data (tests/actions/services/directory test the database itself).
os.environ["DATABASE_URL"] = "sqlite://"

from collections.abc import Iterator
from typing import Any

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions import content
from actions.facts_form import ValidateFactsForm
from actions.settings import settings
from tests.actions.tracker_helpers import TODAY
from tests.settings_cache import settings_monkeypatch


@pytest.fixture(autouse=True)
def monkeypatch() -> Iterator[pytest.MonkeyPatch]:
    """pytest's monkeypatch, and every test reads actions/settings.py afresh (tests/settings_cache.py)."""
    yield from settings_monkeypatch(settings.cache_clear)


@pytest.fixture
def dispatcher() -> CollectingDispatcher:
    return CollectingDispatcher()


@pytest.fixture
def form(monkeypatch: pytest.MonkeyPatch) -> ValidateFactsForm:
    """The form validation action, with "today" pinned to TODAY."""
    monkeypatch.setattr(ValidateFactsForm, "today", staticmethod(lambda: TODAY))
    return ValidateFactsForm()


@pytest.fixture(scope="session")
def questions() -> dict[str, Any]:
    return content.questions()


@pytest.fixture(scope="session")
def summary_wording() -> dict[str, Any]:
    return content.summary()


@pytest.fixture(scope="session")
def services() -> dict[str, dict[str, Any]]:
    return content.services()


@pytest.fixture(autouse=True)
def fresh_callback_limits() -> None:
    """Each test starts with fresh per-process callback limits (hourly allowances, conversations that
    sent one): otherwise tests would share them and fail once, together, they pass a limit."""
    from actions import callback_limits

    callback_limits._limits = None
