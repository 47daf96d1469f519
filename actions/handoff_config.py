"""A tenant's "Talk to a person" settings: the `handoff` section of data/tenants/<id>.yml.

The tenant files come from the action server's one reader (actions/tenants.py); this module checks their
handoff sections the first time they are used, failing loudly and naming the tenant, because a wrong phone
number or a callback webhook over plain HTTP would fail a survivor at the moment they asked for a person.
The webhook secret is never in a file: it comes from CALLBACK_SECRET_<TENANT_ID> (see .env.example), and one
shorter than 32 bytes stops the action server starting (a short HMAC key can be guessed from signed requests).
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from functools import cache
from typing import Any, Literal, overload
from urllib.parse import urlsplit

from actions import tenants
from actions.opening_hours import DAYS
from actions.settings import settings, tenant_suffix

ROUTES = ("phone", "webchat", "callback")
MIN_SECRET_BYTES = 32
_SPAN = re.compile(r"^(?:[01]\d|2[0-3]):[0-5]\d-(?:[01]\d|2[0-3]):[0-5]\d$")
_FIELDS = {"name", "route", "phone", "web_chat_url", "hours", "opening_hours", "callback"}
_LOOPBACK_NAMES = ("localhost",)


# A wrong handoff section is a wrong tenant file: one error, whichever part of the file is wrong.
HandoffError = tenants.TenantError


@dataclass(frozen=True)
class Handoff:
    """How a charity's own people take over. `opening_hours` has the format of data/services."""

    tenant: str
    name: str
    route: str
    hours: str | None
    opening_hours: dict[str, Any] | None
    phone: str | None = None
    web_chat_url: str | None = None
    webhook_url: str | None = None


def secret_variable(tenant_id: str) -> str:
    """ "example-charity" -> "CALLBACK_SECRET_EXAMPLE_CHARITY"."""
    return "CALLBACK_SECRET_" + tenant_suffix(tenant_id)


def check_secret_length(tenant_id: str) -> None:
    """Refuses a set CALLBACK_SECRET_<ID> shorter than 32 bytes, naming the setting, never the value."""
    value = settings().per_tenant("CALLBACK_SECRET", tenant_id)
    if value and len(value.encode("utf-8")) < MIN_SECRET_BYTES:
        raise HandoffError(
            f"{secret_variable(tenant_id)} is shorter than {MIN_SECRET_BYTES} bytes: set it to a long random value, "
            'e.g. from python3 -c "import secrets; print(secrets.token_urlsafe(32))"'
        )


def callback_secret(tenant_id: str) -> bytes | None:
    """The tenant's own webhook secret, or None when it is not set (then no callback is offered)."""
    value = settings().per_tenant("CALLBACK_SECRET", tenant_id)
    return value.encode("utf-8") if value else None


def is_loopback(host: str) -> bool:
    if host.lower() in _LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_webhook_url(url: Any, where: str) -> str:
    """https:// only; plain http:// only to this machine (tests and a local relay)."""
    if not isinstance(url, str):
        raise HandoffError(f"{where}: 'callback.webhook_url' must be an https:// address")
    parts = urlsplit(url)
    if not parts.hostname or parts.username or parts.password:
        raise HandoffError(f"{where}: 'callback.webhook_url' must be an https:// address with a host, got {url!r}")
    if parts.scheme == "https" or (parts.scheme == "http" and is_loopback(parts.hostname)):
        return url
    raise HandoffError(f"{where}: 'callback.webhook_url' must use https:// (http:// only for localhost), got {url!r}")


@overload
def _text(raw: dict[str, Any], key: str, where: str, required: Literal[True]) -> str: ...
@overload
def _text(raw: dict[str, Any], key: str, where: str, required: bool = False) -> str | None: ...
def _text(raw: dict[str, Any], key: str, where: str, required: bool = False) -> str | None:
    value = raw.get(key)
    if value is None and not required:
        return None
    if not isinstance(value, str) or not value.strip():
        raise HandoffError(f"{where}: '{key}' must be non-empty text")
    return value.strip()


def _opening_hours(value: Any, where: str) -> dict[str, Any] | None:
    if value is None:
        return None
    if not isinstance(value, dict) or set(value) - {"always", "weekly", "bank_holidays"}:
        raise HandoffError(
            f"{where}: 'opening_hours' must be {{always: true}} or {{weekly: ..., bank_holidays: closed}}"
        )
    if value.get("always") is True:
        return value
    weekly = value.get("weekly")
    if not isinstance(weekly, dict) or set(weekly) - set(DAYS):
        raise HandoffError(f"{where}: 'opening_hours.weekly' must map {', '.join(DAYS)} to spans like \"09:00-17:00\"")
    for day, spans in weekly.items():
        if not isinstance(spans, list) or not all(
            isinstance(s, str) and _SPAN.match(s) and s[:5] < s[6:] for s in spans
        ):
            raise HandoffError(
                f"{where}: opening hours for '{day}' must be a list like [\"09:00-17:00\"] (opening before closing)"
            )
    if value.get("bank_holidays") not in (None, "closed"):
        raise HandoffError(f"{where}: 'opening_hours.bank_holidays' can only be 'closed'")
    return value


def parse_handoff(tenant_id: str, raw: Any, source: str = "<tenant>") -> Handoff | None:
    """The checked handoff section, or None when the tenant has none (then helplines are offered)."""
    where = f"tenant '{tenant_id}' ({source}), handoff"
    if raw is None:
        return None
    if not isinstance(raw, dict):
        raise HandoffError(f"{where}: must be a mapping")
    unknown = set(raw) - _FIELDS
    if unknown:
        raise HandoffError(f"{where}: unknown fields {sorted(unknown)}")
    route = raw.get("route")
    if route not in ROUTES:
        raise HandoffError(f"{where}: 'route' must be one of {', '.join(ROUTES)}, got {route!r}")
    phone = _text(raw, "phone", where, required=route == "phone")
    if phone is not None and not re.fullmatch(r"[0-9 ]{3,20}", phone):
        raise HandoffError(f"{where}: 'phone' must be digits and spaces, like \"029 2018 0999\"")
    web_chat_url = _text(raw, "web_chat_url", where, required=route == "webchat")
    if web_chat_url is not None and not web_chat_url.startswith("https://"):
        raise HandoffError(f"{where}: 'web_chat_url' must be an https:// address")
    callback = raw.get("callback")
    if route == "callback" and not isinstance(callback, dict):
        raise HandoffError(f"{where}: route 'callback' needs 'callback: {{webhook_url: https://...}}'")
    webhook_url = None
    if callback is not None:
        if not isinstance(callback, dict) or set(callback) != {"webhook_url"}:
            raise HandoffError(f"{where}: 'callback' must have exactly 'webhook_url'")
        webhook_url = check_webhook_url(callback["webhook_url"], where)
    return Handoff(
        tenant=tenant_id,
        name=_text(raw, "name", where, required=True),
        route=route,
        hours=_text(raw, "hours", where),
        opening_hours=_opening_hours(raw.get("opening_hours"), where),
        phone=phone,
        web_chat_url=web_chat_url,
        webhook_url=webhook_url,
    )


@cache
def _load(directory: str) -> dict[str, Handoff | None]:
    """`directory` is the cache key: handoffs are kept per tenants folder, as the files are."""
    handoffs: dict[str, Handoff | None] = {}
    for tenant_id, file in tenants.tenants().items():
        handoffs[tenant_id] = parse_handoff(tenant_id, file.data.get("handoff"), str(file.path))
        check_secret_length(tenant_id)
    return handoffs


def load_handoffs() -> dict[str, Handoff | None]:
    """Every tenant's handoff (None for a tenant without one), checked, by tenant id."""
    return _load(str(settings().tenants_dir))


def handoff_for(tenant_id: str | None) -> Handoff | None:
    """Only the conversation's own tenant's settings: never another tenant's, never a guess."""
    if not tenant_id:
        return None
    return load_handoffs().get(tenant_id)
