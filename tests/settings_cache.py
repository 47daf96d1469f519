"""Fresh settings for every test, in both test environments (tests/bot, tests/actions conftest.py).

bot/settings.py and actions/settings.py read the environment once per process. A test that changes it
with `monkeypatch.setenv` or `delenv` must have the settings read again, and no test may see another's."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest


def settings_monkeypatch(cache_clear: Callable[[], None]) -> Iterator[pytest.MonkeyPatch]:
    """A `monkeypatch` whose changes to the environment, and their undoing, clear the settings cache."""

    class SettingsMonkeyPatch(pytest.MonkeyPatch):
        def setenv(self, name: str, value: str, prepend: str | None = None) -> None:
            super().setenv(name, value, prepend)
            cache_clear()

        def delenv(self, name: str, raising: bool = True) -> None:
            super().delenv(name, raising)
            cache_clear()

    cache_clear()  # whatever an earlier test or a module import left behind
    patch = SettingsMonkeyPatch()
    yield patch
    patch.undo()
    cache_clear()
