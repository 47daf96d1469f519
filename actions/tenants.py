"""The action server's one reader of the tenant files: data/tenants/*.yml, or WIDGET_TENANTS_DIR (the same
setting the Rasa server's widget channel reads, so both servers see the same charities).

The files are read once per folder and kept. Checked here is what every use relies on: each id follows
the rule both servers share (data/vocabulary.yml: tenant_id, as bot/tenants.py), no id is used twice, and
no two ids share a setting's name. A tenant's handoff section is checked by actions/handoff_config.py;
the Rasa server checks the rest (colours, sites) when it starts.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeGuard

import yaml

from actions.settings import Settings, settings, tenant_suffix
from actions.vocabulary import TENANT_ID

if TYPE_CHECKING:
    from rasa_sdk import Tracker


@dataclass(frozen=True)
class TenantFile:
    path: Path
    data: Mapping[str, Any]  # as written; each user checks the sections it reads


class TenantError(ValueError):
    """A tenant file is wrong; the message names the file or the tenant, and what is wrong."""


def is_tenant_id(value: Any) -> TypeGuard[str]:
    """Whether `value` is a tenant id, matched whole: never a path, never anything but text."""
    return isinstance(value, str) and TENANT_ID.fullmatch(value) is not None


def setting_names(tenant_id: str) -> list[str]:
    """The tenant's own settings on this server: ["CALLBACK_SECRET_EXAMPLE_CHARITY"]."""
    return [f"{prefix}_{tenant_suffix(tenant_id)}" for prefix in Settings.PER_TENANT]


@cache
def _read(directory: str) -> dict[str, TenantFile]:
    found: dict[str, TenantFile] = {}
    by_suffix: dict[str, str] = {}
    for path in sorted(Path(directory).glob("*.yml")):
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        tenant_id = raw.get("id") if isinstance(raw, dict) else None
        if not is_tenant_id(tenant_id):
            raise TenantError(f"{path}: 'id' must be a tenant id, got {tenant_id!r}")
        if tenant_id in found:
            raise TenantError(f"tenant '{tenant_id}' is defined twice ({path})")
        # "a-b" and "a_b" would share CALLBACK_SECRET_A_B: one charity could sign (and read) the other's requests.
        other = by_suffix.setdefault(tenant_suffix(tenant_id), tenant_id)
        if other != tenant_id:
            raise TenantError(
                f"tenants '{other}' and '{tenant_id}' ({path}) would share the setting "
                f"{', '.join(setting_names(tenant_id))}: rename one so their ids differ by more than '-' and '_'"
            )
        found[tenant_id] = TenantFile(path, raw)
    return found


def tenants() -> dict[str, TenantFile]:
    """Every tenant's file by id, from the configured folder."""
    return _read(str(settings().tenants_dir))


def tenant(tenant_id: Any) -> TenantFile | None:
    """One tenant's file; None for an id no file has, or for anything that is not an id."""
    return tenants().get(tenant_id) if is_tenant_id(tenant_id) else None


def tenant_id_of(tracker: Tracker) -> str | None:
    """The conversation's tenant: the widget channel puts it in every message's metadata. None when there
    is none, or when what is there is not an id (a message can be crafted)."""
    value = ((tracker.latest_message or {}).get("metadata") or {}).get("tenant")
    return value if is_tenant_id(value) else None
