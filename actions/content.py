"""Wording and services the action server uses, loaded once from YAML in data/."""

from __future__ import annotations

import dataclasses
import re
import time
from functools import cache
from typing import Any

import yaml

from actions.settings import settings

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


@cache
def questions() -> dict[str, Any]:
    with open(settings().reclaim_data_dir / "content" / "questions.yml", encoding="utf-8") as file:
        return yaml.load(file, Loader=_Loader)


@cache
def summary() -> dict[str, Any]:
    with open(settings().reclaim_data_dir / "content" / "summary.yml", encoding="utf-8") as file:
        return yaml.load(file, Loader=_Loader)


@cache
def law_wording() -> dict[str, Any]:
    with open(settings().reclaim_data_dir / "content" / "law.yml", encoding="utf-8") as file:
        return yaml.load(file, Loader=_Loader)


@cache
def faq() -> dict[str, dict[str, Any]]:
    """Every question survivors ask, by id (data/faq/*.yml): answers, variants, services, sources."""
    entries: list[dict[str, Any]] = []
    for path in sorted((settings().reclaim_data_dir / "faq").glob("*.yml")):
        with open(path, encoding="utf-8") as file:
            entries += (yaml.load(file, Loader=_Loader) or {}).get("questions") or []
    return {entry["id"]: entry for entry in entries}


@cache
def services() -> dict[str, dict[str, Any]]:
    """Every service by id (data/services/*.yml)."""
    entries: list[dict[str, Any]] = []
    for path in sorted((settings().reclaim_data_dir / "services").glob("*.yml")):
        with open(path, encoding="utf-8") as file:
            entries += yaml.load(file, Loader=_Loader).get("services", [])
    return {entry["id"]: entry for entry in entries}


@cache
def platforms() -> dict[str, dict[str, Any]]:
    """Every platform by id (data/platforms/*.yml)."""
    entries: list[dict[str, Any]] = []
    for path in sorted((settings().reclaim_data_dir / "platforms").glob("*.yml")):
        with open(path, encoding="utf-8") as file:
            entries += yaml.load(file, Loader=_Loader).get("platforms", [])
    return {entry["id"]: entry for entry in entries}


@cache
def bank_holidays() -> frozenset[Any]:
    """England and Wales bank holidays (data/services/bank_holidays.yml), for services closed on them."""
    path = settings().reclaim_data_dir / "services" / "bank_holidays.yml"
    if not path.exists():
        return frozenset()
    with open(path, encoding="utf-8") as file:
        return frozenset(yaml.load(file, Loader=_Loader)["bank_holidays"]["england_and_wales"])


def for_role(variants: dict[str, str], role: str | None, key: str = "") -> str:
    """Picks the supporter wording when the person is helping someone, else the survivor wording."""
    prefix = SUPPORTER if role == SUPPORTER else "survivor"
    return variants[f"{prefix}_{key}" if key else prefix]


# ---- the live directory: the database loaded by `make load-directory`, or the YAML if it cannot be read

DIRECTORY_REFRESH_SECONDS = 300
_directory_cache: dict[str, Any] = {"at": float("-inf"), "directory": None}


def _live_directory() -> Any:
    from actions.directory.repository import load_directory  # imported late: SQLAlchemy only when needed

    if time.monotonic() - _directory_cache["at"] > DIRECTORY_REFRESH_SECONDS:
        _directory_cache.update(at=time.monotonic(), directory=load_directory(data_dir=settings().reclaim_data_dir))
    return _directory_cache["directory"]


def _as_mapping(record: Any) -> dict[str, Any]:
    return {field.name: getattr(record, field.name) for field in dataclasses.fields(record)}


def live_service(service_id: str) -> dict[str, Any]:
    """A service as routing shows it, from the database (refreshed every few minutes) or the YAML."""
    record = _live_directory().service(service_id)
    if record is None:
        raise KeyError(f"No service {service_id!r} in the directory: run make load-directory")
    return _as_mapping(record)


def live_platform(platform_id: str) -> dict[str, Any] | None:
    record = _live_directory().platform(platform_id)
    return _as_mapping(record) if record is not None else None
