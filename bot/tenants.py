"""Tenants: the charities that embed the web widget, loaded from data/tenants/*.yml (WIDGET_TENANTS_DIR).

The Rasa server's one reader of the tenant files (the action server's is actions/tenants.py, with the same
tenant-id rule from data/vocabulary.yml). Pure code (no Rasa, no Sanic) so it is easy to test. Loading
validates every file and fails loudly, naming the tenant, because a charity's colours or allowed sites
being wrong should stop the server starting rather than show survivors an unreadable widget. Fields are
described in data/tenants/README.md.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, Literal, TypeGuard, overload

import yaml

from bot import vocabulary
from bot.settings import settings, tenant_suffix

DEFAULT_TENANT_ID = "default"
DEFAULT_QUICK_EXIT_URL = "https://www.bbc.co.uk/weather"
# WCAG 2.1 AA for normal-size text.
MIN_CONTRAST = 4.5
NATIONS = vocabulary.UK_NATIONS
SHA256_HEX = re.compile(r"^[0-9a-f]{64}$")
HEX_COLOUR = re.compile(r"^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$")
# "https://charity.org.uk", "http://localhost:*" (any port), "http://localhost:8000".
ORIGIN_PATTERN = re.compile(r"^https?://[a-z0-9.-]+(?::(?:\d{1,5}|\*))?$")
COLOUR_KEYS = ("primary", "primary_text", "background", "text")
# Pairs that must be readable: (foreground, background).
CONTRAST_PAIRS = (("text", "background"), ("primary_text", "primary"))


class TenantError(ValueError):
    """A tenant file is wrong; the message names the tenant and the field."""


@dataclass(frozen=True)
class OwnService:
    name: str
    description: str
    phone: str | None = None
    web: str | None = None
    hours: str | None = None


@dataclass(frozen=True)
class Tenant:
    id: str
    display_name: str
    colours: dict[str, str]
    greeting: str
    nations: tuple[str, ...]
    allowed_origins: tuple[str, ...]
    quick_exit_url: str = DEFAULT_QUICK_EXIT_URL
    logo_url: str | None = None
    own_services: tuple[OwnService, ...] = field(default_factory=tuple)
    # True: the chat carries on across the charity's pages (only the signed conversation id is kept, in the
    # chat frame's sessionStorage, for 30 idle minutes). False: every page load starts afresh.
    continue_across_pages: bool = False
    # SHA-256 (hex) of the token that opens this tenant's figures dashboard (bot/channels/dashboard.py);
    # None: no dashboard unless DASHBOARD_TOKEN_<TENANT> is set. Never part of public_config().
    dashboard_token_sha256: str | None = None

    def allows_origin(self, origin: str) -> bool:
        """True if a browser page at `origin` may talk to this tenant's conversations."""
        return any(origin_matches(pattern, origin) for pattern in self.allowed_origins)

    def public_config(self) -> dict[str, Any]:
        """What the widget needs to draw itself: nothing secret, nothing about conversations."""
        return {
            "id": self.id,
            "display_name": self.display_name,
            "colours": dict(self.colours),
            "logo_url": self.logo_url,
            "greeting": self.greeting,
            "quick_exit_url": self.quick_exit_url,
            "nations": list(self.nations),
            "continue_across_pages": self.continue_across_pages,
        }


def is_tenant_id(value: Any) -> TypeGuard[str]:
    """Whether `value` is a tenant id, matched whole (data/vocabulary.yml: tenant_id). Tenant ids go into
    conversation ids ("<tenant>.<issued>.<random>.<signature>"), so never a dot."""
    return isinstance(value, str) and vocabulary.TENANT_ID.fullmatch(value) is not None


def origin_matches(pattern: str, origin: str) -> bool:
    """Exact match, or "scheme://host:*" matching that scheme and host on any port (or none)."""
    origin = origin.strip().lower().rstrip("/")
    pattern = pattern.lower().rstrip("/")
    if pattern.endswith(":*"):
        base = pattern[:-2]
        if origin == base:
            return True
        if origin.startswith(base + ":"):
            port = origin[len(base) + 1 :]
            return port.isdigit() and 0 < int(port) < 65536
        return False
    return origin == pattern


def relative_luminance(colour: str) -> float:
    """WCAG 2.1 relative luminance of a #rgb or #rrggbb colour."""
    if not HEX_COLOUR.match(colour):
        raise ValueError(f"not a #rgb or #rrggbb colour: {colour!r}")
    digits = colour[1:]
    if len(digits) == 3:
        digits = "".join(c * 2 for c in digits)
    channels = [int(digits[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast_ratio(foreground: str, background: str) -> float:
    """WCAG contrast ratio between two colours, from 1.0 (same) to 21.0 (black on white)."""
    lighter, darker = sorted((relative_luminance(foreground), relative_luminance(background)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


@overload
def _text(raw: dict[str, Any], key: str, where: str, required: Literal[True] = True) -> str: ...
@overload
def _text(raw: dict[str, Any], key: str, where: str, required: bool) -> str | None: ...
def _text(raw: dict[str, Any], key: str, where: str, required: bool = True) -> str | None:
    value = raw.get(key)
    if value is None and not required:
        return None
    if not isinstance(value, str) or not value.strip():
        raise TenantError(f"{where}: '{key}' must be non-empty text")
    return value.strip()


def _url(value: str | None, key: str, where: str) -> str | None:
    if value is not None and not value.startswith("https://"):
        raise TenantError(f"{where}: '{key}' must be an https:// address, got {value!r}")
    return value


def parse_tenant(raw: Any, source: str = "<tenant>") -> Tenant:
    """Validates one tenant's YAML mapping. Raises TenantError naming the tenant and what is wrong."""
    if not isinstance(raw, dict):
        raise TenantError(f"{source}: a tenant must be a mapping")
    tenant_id = raw.get("id")
    if not is_tenant_id(tenant_id):
        raise TenantError(f"{source}: 'id' must be lower-case letters, digits, '-' or '_', got {tenant_id!r}")
    where = f"tenant '{tenant_id}' ({source})"

    colours = raw.get("colours")
    if not isinstance(colours, dict) or set(colours) != set(COLOUR_KEYS):
        raise TenantError(f"{where}: 'colours' must have exactly {', '.join(COLOUR_KEYS)}")
    for key in COLOUR_KEYS:
        if not isinstance(colours[key], str) or not HEX_COLOUR.match(colours[key]):
            raise TenantError(f"{where}: colour '{key}' must be #rgb or #rrggbb, got {colours[key]!r}")
    for foreground, background in CONTRAST_PAIRS:
        ratio = contrast_ratio(colours[foreground], colours[background])
        if ratio < MIN_CONTRAST:
            raise TenantError(
                f"{where}: {foreground} {colours[foreground]} on {background} {colours[background]} has contrast "
                f"{ratio:.2f}:1, below the WCAG AA minimum of {MIN_CONTRAST}:1"
            )

    nations = raw.get("nations")
    if not isinstance(nations, list) or not nations or any(n not in NATIONS for n in nations):
        raise TenantError(f"{where}: 'nations' must be a non-empty list drawn from {', '.join(NATIONS)}")

    origins = raw.get("allowed_origins")
    if not isinstance(origins, list) or any(not isinstance(o, str) or not ORIGIN_PATTERN.match(o) for o in origins):
        raise TenantError(
            f"{where}: 'allowed_origins' must be a list of origins like https://charity.org.uk or http://localhost:*"
        )

    services = raw.get("own_services") or []
    if not isinstance(services, list):
        raise TenantError(f"{where}: 'own_services' must be a list")
    own_services = []
    for index, service in enumerate(services):
        service_where = f"{where}, own_services[{index}]"
        if not isinstance(service, dict):
            raise TenantError(f"{service_where}: must be a mapping")
        unknown = set(service) - {"name", "description", "phone", "web", "hours"}
        if unknown:
            raise TenantError(f"{service_where}: unknown fields {sorted(unknown)}")
        own_services.append(
            OwnService(
                name=_text(service, "name", service_where),
                description=_text(service, "description", service_where),
                phone=_text(service, "phone", service_where, required=False),
                web=_url(_text(service, "web", service_where, required=False), "web", service_where),
                hours=_text(service, "hours", service_where, required=False),
            )
        )

    dashboard = raw.get("dashboard") or {}
    token_hash = dashboard.get("token_sha256") if isinstance(dashboard, dict) else None
    if (
        not isinstance(dashboard, dict)
        or set(dashboard) - {"token_sha256"}
        or (token_hash is not None and not (isinstance(token_hash, str) and SHA256_HEX.match(token_hash)))
    ):
        raise TenantError(
            f"{where}: 'dashboard' may only have 'token_sha256', 64 lower-case hex characters "
            "(make dashboard-token prints one); never the token itself"
        )

    carry_on = raw.get("continue_across_pages", False)
    if not isinstance(carry_on, bool):
        raise TenantError(f"{where}: 'continue_across_pages' must be true or false")

    return Tenant(
        id=tenant_id,
        continue_across_pages=carry_on,
        display_name=_text(raw, "display_name", where),
        colours={key: colours[key] for key in COLOUR_KEYS},
        logo_url=_url(_text(raw, "logo_url", where, required=False), "logo_url", where),
        greeting=_text(raw, "greeting", where),
        nations=tuple(nations),
        own_services=tuple(own_services),
        allowed_origins=tuple(o.lower() for o in origins),
        quick_exit_url=_url(_text(raw, "quick_exit_url", where, required=False), "quick_exit_url", where)
        or DEFAULT_QUICK_EXIT_URL,
        dashboard_token_sha256=token_hash,
    )


def env_suffix(tenant_id: str) -> str:
    """The tenant's part of its settings' names: "example-charity" -> "EXAMPLE_CHARITY"
    (DASHBOARD_TOKEN_EXAMPLE_CHARITY here, CALLBACK_SECRET_EXAMPLE_CHARITY on the action server)."""
    return tenant_suffix(tenant_id)


def load_tenants(directory: Path) -> dict[str, Tenant]:
    """Every tenant in `directory` (*.yml), by id. The default tenant must be there."""
    tenants: dict[str, Tenant] = {}
    by_suffix: dict[str, str] = {}
    for path in sorted(Path(directory).glob("*.yml")):
        tenant = parse_tenant(yaml.safe_load(path.read_text(encoding="utf-8")), source=str(path))
        if tenant.id in tenants:
            raise TenantError(f"tenant '{tenant.id}' is defined twice ({path})")
        # "a-b" and "a_b" would share DASHBOARD_TOKEN_A_B: one charity's token would open the other's figures.
        other = by_suffix.setdefault(env_suffix(tenant.id), tenant.id)
        if other != tenant.id:
            raise TenantError(
                f"tenants '{other}' and '{tenant.id}' ({path}) would share the settings "
                f"DASHBOARD_TOKEN_{env_suffix(tenant.id)} and CALLBACK_SECRET_{env_suffix(tenant.id)}: "
                "rename one so their ids differ by more than '-' and '_'"
            )
        tenants[tenant.id] = tenant
    if DEFAULT_TENANT_ID not in tenants:
        raise TenantError(f"no '{DEFAULT_TENANT_ID}' tenant in {directory}")
    return tenants


def configured_tenants(directory: Path | None = None) -> dict[str, Tenant]:
    """Every tenant from `directory`, else WIDGET_TENANTS_DIR: read and checked once per folder, then kept,
    so every part of this server (the channels, the dashboard, the figures) sees the same tenants."""
    return _cached(str(directory or settings().widget_tenants_dir))


@cache
def _cached(directory: str) -> dict[str, Tenant]:
    return load_tenants(Path(directory))
