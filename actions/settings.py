"""The action server's settings: every environment variable its code reads, typed and checked in one place.

The same shape as the Rasa server's bot/settings.py (the two processes share no code): `Settings.from_environ`
reads a mapping (the environment, or a dict in tests) once, and a wrong value stops start-up with an error
naming the setting. Each field is the setting's name in lower case; .env.example documents every one
(tests/actions/project/test_settings.py keeps the two in step). Code reads `settings()`, never os.environ.
Per-tenant settings (CALLBACK_SECRET_<ID>) are read with `settings().per_tenant(...)`.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields
from functools import lru_cache
from pathlib import Path
from typing import Any, ClassVar
from zoneinfo import ZoneInfo

from dotenv import load_dotenv

# Not settings, but every module needs them, so each is defined once, here: the repository the code runs
# from, and the UK's clock (opening hours, "today", bank holidays are all London time).
PROJECT_ROOT = Path(__file__).resolve().parent.parent
LONDON = ZoneInfo("Europe/London")
# Started without scripts/env.sh (rasa_sdk directly, a test run), .env still fills in what the environment
# does not set. Once, at import, as before: a test that removes a variable must not see it come back.
load_dotenv(PROJECT_ROOT / ".env")

Parse = Callable[[str, str], Any]  # (setting name, stripped non-empty text) -> value, or SettingError


class SettingError(ValueError):
    """A setting has a wrong value. The message names the setting (and never shows a secret)."""


def integer(minimum: int) -> Parse:
    def parse(name: str, raw: str) -> int:
        try:
            value = int(raw)
        except ValueError:
            raise SettingError(f"{name} must be a whole number, got {raw!r}") from None
        if value < minimum:
            raise SettingError(f"{name} must be at least {minimum}, got {value}")
        return value

    return parse


def positive_number(name: str, raw: str) -> float:
    try:
        value = float(raw)
    except ValueError:
        raise SettingError(f"{name} must be a number, got {raw!r}") from None
    if not value > 0:  # also refuses nan
        raise SettingError(f"{name} must be more than 0, got {raw}")
    return value


def text(name: str, raw: str) -> str:
    return raw


def path(name: str, raw: str) -> Path:
    return Path(raw)


def setting(default: Any, doc: str, parse: Parse = text, empty_is_off: bool = False) -> Any:
    """A field read from the environment variable of the same name in capitals. Unset gives `default`;
    set but empty (after stripping spaces) gives `default` too, or "" where `empty_is_off`."""
    return field(default=default, metadata={"doc": doc, "parse": parse, "empty_is_off": empty_is_off})


def tenant_suffix(tenant_id: str) -> str:
    """The tenant's part of its settings' names: "example-charity" -> "EXAMPLE_CHARITY"."""
    return re.sub(r"[^A-Z0-9]", "_", tenant_id.upper())


@dataclass(frozen=True)
class Settings:
    """What the action server's code reads from its environment. Defaults are those in .env.example."""

    # Per-tenant settings, <PREFIX>_<TENANT ID in capitals, '-' as '_'>; read with per_tenant().
    PER_TENANT: ClassVar[tuple[str, ...]] = ("CALLBACK_SECRET",)

    reclaim_data_dir: Path = setting(PROJECT_ROOT / "data", "Where the wording, law and services are read from.", path)
    widget_tenants_dir: Path | None = setting(
        None, "Where the tenant files are; None: tenants/ in the data folder.", path
    )
    database_url: str | None = setting(None, "The service directory database (SQLAlchemy URL); None: var/directory.db.")
    postcode_lookup_url: str = setting(
        "https://api.postcodes.io",
        "Where a postcode or town is looked up for its nation; empty: no lookup.",
        empty_is_off=True,
    )
    conversation_retention_hours: float = setting(
        24.0, "Hours a conversation that sent a callback request is remembered.", positive_number
    )
    callback_limit_per_hour: int = setting(20, "Callback requests per charity per hour, per process.", integer(1))
    callback_limit_per_address_per_hour: int = setting(
        3, "Callback requests per client address per hour, per process.", integer(1)
    )
    # Every <PREFIX>_... variable of PER_TENANT, by name. Not compared or shown: they are secrets.
    tenant_values: Mapping[str, str] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_environ(cls, environ: Mapping[str, str] = os.environ) -> Settings:
        """Reads and checks every setting; raises SettingError naming the first wrong one."""
        values: dict[str, Any] = {}
        for item in fields(cls):
            if "parse" not in item.metadata or item.name.upper() not in environ:
                continue
            name, raw = item.name.upper(), environ[item.name.upper()].strip()
            if raw:
                values[item.name] = item.metadata["parse"](name, raw)
            elif item.metadata["empty_is_off"]:
                values[item.name] = ""
        prefixes = tuple(prefix + "_" for prefix in cls.PER_TENANT)
        values["tenant_values"] = {name: value.strip() for name, value in environ.items() if name.startswith(prefixes)}
        return cls(**values)

    @property
    def tenants_dir(self) -> Path:
        """WIDGET_TENANTS_DIR, the same setting the widget channel uses, else tenants/ in the data folder."""
        return self.widget_tenants_dir or self.reclaim_data_dir / "tenants"

    def per_tenant(self, prefix: str, tenant_id: str) -> str | None:
        """A tenant's own setting, e.g. per_tenant("CALLBACK_SECRET", "example-charity") reads
        CALLBACK_SECRET_EXAMPLE_CHARITY. None when unset or empty."""
        if prefix not in self.PER_TENANT:
            raise KeyError(f"{prefix} is not a per-tenant setting (Settings.PER_TENANT)")
        return self.tenant_values.get(f"{prefix}_{tenant_suffix(tenant_id)}") or None


@lru_cache(maxsize=1)
def settings() -> Settings:
    """This process's settings, read once. Tests that change the environment call settings.cache_clear()
    (tests/actions/conftest.py does it for monkeypatch)."""
    return Settings.from_environ(os.environ)
