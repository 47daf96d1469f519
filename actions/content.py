"""Wording and services the action server uses, loaded once from YAML in data/."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import yaml

from actions.config import DATA_DIR

SUPPORTER = "supporter"


@lru_cache(maxsize=None)
def questions() -> dict[str, Any]:
    with open(DATA_DIR / "content" / "questions.yml", encoding="utf-8") as file:
        return yaml.safe_load(file)


@lru_cache(maxsize=None)
def summary() -> dict[str, Any]:
    with open(DATA_DIR / "content" / "summary.yml", encoding="utf-8") as file:
        return yaml.safe_load(file)


@lru_cache(maxsize=None)
def services() -> dict[str, dict[str, Any]]:
    """The core services by id (data/services/core.yml)."""
    with open(DATA_DIR / "services" / "core.yml", encoding="utf-8") as file:
        entries = yaml.safe_load(file)["services"]
    return {entry["id"]: entry for entry in entries}


def for_role(variants: dict[str, str], role: str | None, key: str = "") -> str:
    """Picks the supporter wording when the person is helping someone, else the survivor wording."""
    prefix = SUPPORTER if role == SUPPORTER else "survivor"
    return variants[f"{prefix}_{key}" if key else prefix]
