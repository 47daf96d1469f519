"""The Rasa server's settings: every environment variable its code reads, typed and checked in one place.

In the spirit of Starlette's Config: `Settings.from_environ` reads a mapping (the environment, or a dict in
tests) once, and a wrong value stops start-up with an error naming the setting. Each field is the setting's
name in lower case; .env.example documents every one (tests/bot/project/test_settings.py keeps the two in step).
Code reads `settings()`, never os.environ. Per-tenant settings (DASHBOARD_TOKEN_<ID>) are read with
`settings().per_tenant(...)`. Settings that Rasa reads itself (the ${...} in bot/endpoints*.yml,
TICKET_LOCK_LIFETIME, SQL_POOL_SIZE, LOG_LEVEL) are not here. Standard library only:
tests/actions/project/test_settings.py imports it too, to check .env.example against both servers.
"""

from __future__ import annotations

import ipaddress
import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields
from functools import lru_cache
from pathlib import Path
from typing import Any, ClassVar
from zoneinfo import ZoneInfo

# Not settings, but every module needs them, so each is defined once, here: the repository the code runs
# from, and the UK's clock (the figures count UK days and weeks).
ROOT = Path(__file__).resolve().parents[1]
LONDON = ZoneInfo("Europe/London")

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
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


def number(minimum: float = 0.0, zero_allowed: bool = False) -> Parse:
    def parse(name: str, raw: str) -> float:
        try:
            value = float(raw)
        except ValueError:
            raise SettingError(f"{name} must be a number, got {raw!r}") from None
        if not (value >= minimum if zero_allowed else value > minimum):  # also refuses nan
            raise SettingError(f"{name} must be {'at least' if zero_allowed else 'more than'} {minimum:g}, got {raw}")
        return value

    return parse


def text(name: str, raw: str) -> str:
    return raw


def path(name: str, raw: str) -> Path:
    return Path(raw)


def networks(name: str, raw: str) -> tuple[Network, ...]:
    """A comma-separated list of IP addresses or networks. A wrong entry is named: a typo in
    TRUSTED_PROXIES must stop start-up, not quietly put every client behind one rate limit."""
    found = []
    for entry in (part.strip() for part in raw.split(",")):
        if not entry:
            continue
        try:
            found.append(ipaddress.ip_network(entry, strict=False))
        except ValueError:
            raise SettingError(
                f"{name}: {entry!r} is not an IP address or network (for example 10.0.0.5 or 10.0.0.0/24)"
            ) from None
    if not found:
        raise SettingError(f"{name} is empty: list the addresses, or leave it unset for the default")
    return tuple(found)


def setting(default: Any, doc: str, parse: Parse = text, secret: bool = False) -> Any:
    """A field read from the environment variable of the same name in capitals. Unset or empty (after
    stripping spaces) gives `default`. A secret is left out of repr, so it never reaches a log."""
    return field(default=default, repr=not secret, metadata={"doc": doc, "parse": parse})


def tenant_suffix(tenant_id: str) -> str:
    """The tenant's part of its settings' names: "example-charity" -> "EXAMPLE_CHARITY"."""
    return re.sub(r"[^A-Z0-9]", "_", tenant_id.upper())


@dataclass(frozen=True)
class Settings:
    """What the Rasa server's code reads from its environment. Defaults are those in .env.example."""

    # Per-tenant settings, <PREFIX>_<TENANT ID in capitals, '-' as '_'>; read with per_tenant().
    PER_TENANT: ClassVar[tuple[str, ...]] = ("DASHBOARD_TOKEN",)

    conversation_retention_hours: float = setting(
        24.0, "Hours a conversation is kept after its last message; also a widget id's lifetime.", number(0)
    )
    purge_interval_minutes: float = setting(
        30.0, "Minutes between the server's own purges of old conversations; 0 turns them off.", number(0, True)
    )
    reply_deadline_seconds: float = setting(
        10.0, "Seconds a chat channel waits for the bot before replying with helplines.", number(0)
    )
    rest_max_message_chars: int = setting(2000, "Longest message the REST channel accepts, in characters.", integer(1))
    widget_secret: str | None = setting(
        None, "Signs widget conversation ids (at least 32 bytes); None: random each start.", secret=True
    )
    widget_max_message_chars: int = setting(2000, "Longest message the widget accepts, in characters.", integer(1))
    widget_rate_limit_per_minute: int = setting(30, "Messages per conversation per minute.", integer(1))
    widget_starts_per_minute: int = setting(20, "New widget conversations per client address per minute.", integer(1))
    widget_messages_per_minute_per_address: int = setting(
        120, "Widget messages per client address per minute, over all its conversations.", integer(1)
    )
    widget_tenants_dir: Path = setting(ROOT / "data" / "tenants", "Where the tenant files are.", path)
    trusted_proxies: tuple[Network, ...] = setting(
        (ipaddress.ip_network("127.0.0.1"), ipaddress.ip_network("::1")),
        "Reverse proxies whose X-Forwarded-For is believed (addresses or networks, comma-separated).",
        networks,
    )
    rasa_endpoints: Path = setting(Path("bot/endpoints.yml"), "The endpoints file, from the repository root.", path)
    metrics_db_url: str | None = setting(None, "Where the figures are kept (SQLAlchemy URL); None: var/metrics.db.")
    metrics_flush_seconds: float = setting(
        10.0, "Seconds counts wait in memory before a write (at most 600: bot/metrics/recorder.py).", number(0)
    )
    dashboard_secret: str | None = setting(
        None, "Signs dashboard sign-in cookies (at least 32 bytes); None: random each start.", secret=True
    )
    dashboard_session_minutes: float = setting(60.0, "Minutes a dashboard sign-in lasts.", number(0))
    # Every <PREFIX>_... variable of PER_TENANT, by name. Not compared or shown: they are secrets.
    tenant_values: Mapping[str, str] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_environ(cls, environ: Mapping[str, str] = os.environ) -> Settings:
        """Reads and checks every setting; raises SettingError naming the first wrong one."""
        values: dict[str, Any] = {}
        for item in fields(cls):
            if "parse" in item.metadata:
                name = item.name.upper()
                raw = environ.get(name, "").strip()
                if raw:
                    values[item.name] = item.metadata["parse"](name, raw)
        prefixes = tuple(prefix + "_" for prefix in cls.PER_TENANT)
        values["tenant_values"] = {name: value.strip() for name, value in environ.items() if name.startswith(prefixes)}
        return cls(**values)

    def per_tenant(self, prefix: str, tenant_id: str) -> str | None:
        """A tenant's own setting, e.g. per_tenant("DASHBOARD_TOKEN", "example-charity") reads
        DASHBOARD_TOKEN_EXAMPLE_CHARITY. None when unset or empty."""
        if prefix not in self.PER_TENANT:
            raise KeyError(f"{prefix} is not a per-tenant setting (Settings.PER_TENANT)")
        return self.tenant_values.get(f"{prefix}_{tenant_suffix(tenant_id)}") or None


@lru_cache(maxsize=1)
def settings() -> Settings:
    """This process's settings, read once. Tests that change the environment call settings.cache_clear()
    (tests/bot/conftest.py does it for monkeypatch)."""
    return Settings.from_environ(os.environ)
