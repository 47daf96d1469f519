"""Wording and services the action server uses, loaded once from YAML in data/."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

import yaml

from actions.config import DATA_DIR

SUPPORTER = "supporter"


class _Loader(yaml.SafeLoader):
    """yaml.safe_load follows YAML 1.1, which reads an id like 13_15 as the number 1315, so the wording
    for it is never found. This loader reads only plain decimal numbers as numbers."""


_INT = "tag:yaml.org,2002:int"
_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != _INT]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(_INT, re.compile(r"^[-+]?(?:0|[1-9][0-9]*)$"), list("-+0123456789"))


@lru_cache(maxsize=None)
def questions() -> dict[str, Any]:
    with open(DATA_DIR / "content" / "questions.yml", encoding="utf-8") as file:
        return yaml.load(file, Loader=_Loader)


@lru_cache(maxsize=None)
def summary() -> dict[str, Any]:
    with open(DATA_DIR / "content" / "summary.yml", encoding="utf-8") as file:
        return yaml.load(file, Loader=_Loader)


@lru_cache(maxsize=None)
def law_wording() -> dict[str, Any]:
    with open(DATA_DIR / "content" / "law.yml", encoding="utf-8") as file:
        return yaml.load(file, Loader=_Loader)


@lru_cache(maxsize=None)
def services() -> dict[str, dict[str, Any]]:
    """Every service by id (data/services/*.yml)."""
    entries: list[dict[str, Any]] = []
    for path in sorted((DATA_DIR / "services").glob("*.yml")):
        with open(path, encoding="utf-8") as file:
            entries += yaml.load(file, Loader=_Loader).get("services", [])
    return {entry["id"]: entry for entry in entries}


@lru_cache(maxsize=None)
def platforms() -> dict[str, dict[str, Any]]:
    """Every platform by id (data/platforms/*.yml)."""
    entries: list[dict[str, Any]] = []
    for path in sorted((DATA_DIR / "platforms").glob("*.yml")):
        with open(path, encoding="utf-8") as file:
            entries += yaml.load(file, Loader=_Loader).get("platforms", [])
    return {entry["id"]: entry for entry in entries}


@lru_cache(maxsize=None)
def bank_holidays() -> frozenset[Any]:
    """England and Wales bank holidays (data/services/bank_holidays.yml), for services closed on them."""
    path = DATA_DIR / "services" / "bank_holidays.yml"
    if not path.exists():
        return frozenset()
    with open(path, encoding="utf-8") as file:
        return frozenset(yaml.load(file, Loader=_Loader)["bank_holidays"]["england_and_wales"])


def for_role(variants: dict[str, str], role: str | None, key: str = "") -> str:
    """Picks the supporter wording when the person is helping someone, else the survivor wording."""
    prefix = SUPPORTER if role == SUPPORTER else "survivor"
    return variants[f"{prefix}_{key}" if key else prefix]
