"""What may be counted: the metrics, and for each the only values allowed (everything else is dropped).

Values come from allow-lists built from this repository's own data (the canonical values in
data/vocabulary.yml, offence ids in data/law, service ids in data/services), never from anything a person typed.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import yaml

from bot.settings import ROOT
from bot.vocabulary import SLOT_VALUES

DATA = ROOT / "data"

# The value of metrics that have no breakdown.
ALL = "all"
# A link clicked that is not one of the directory's services (a platform's report page, say).
OTHER = "other"

# metric id -> (heading on the dashboard, what one count means). Order is the dashboard's order.
METRICS: dict[str, tuple[str, str]] = {
    "conversations_started": ("Conversations started", "a conversation started"),
    "situation": ("Situations chosen", "a conversation where the person chose this situation"),
    "nation": ("Nations", "a conversation where the person said where they live"),
    "under_18": ("Under-18 path taken", "a conversation where the person said they are under 18"),
    "offence_explained": ("Offences explained", "a conversation where this offence was explained"),
    "service_routed": ("Services suggested", "a conversation where this service was suggested as a next step"),
    "link_clicked": ("Links clicked", "a click on a link the chat showed"),
    "quick_exit": ("Quick exits", "a press of Quick exit"),
    "crisis_response": ("Crisis responses", "a conversation where the bot gave its crisis response"),
    "deletion": ("Conversations deleted", "a conversation the person deleted"),
    # For the charity: its CALLBACK_LIMIT_PER_HOUR was reached, so a request was refused (actions/callback_limits.py).
    "callback_limit_reached": (
        "Callback requests not sent: hourly limit reached",
        "a conversation whose callback request was refused because the charity's hourly limit was reached",
    ),
}

# Metrics the widget reports itself (bot/channels/counts.py); all others come from Rasa events.
WIDGET_METRICS = ("link_clicked", "quick_exit")

_ID = re.compile(r"^[a-z0-9_]{1,100}$")


def _ids_in(directory: Path, list_key: str) -> frozenset[str]:
    ids = set()
    for path in sorted(directory.glob("*.yml")):
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for item in (raw.get(list_key) or []) if isinstance(raw, dict) else []:
            if isinstance(item, dict) and isinstance(item.get("id"), str) and _ID.match(item["id"]):
                ids.add(item["id"])
    return frozenset(ids)


@lru_cache(maxsize=1)
def offence_ids() -> frozenset[str]:
    return _ids_in(DATA / "law", "offences")


@lru_cache(maxsize=1)
def service_ids() -> frozenset[str]:
    return _ids_in(DATA / "services", "services")


@lru_cache(maxsize=1)
def allowed_values() -> dict[str, frozenset[str]]:
    """metric -> every value it may be stored with."""
    return {
        "conversations_started": frozenset({ALL}),
        "situation": frozenset(SLOT_VALUES["situation"]),
        "nation": frozenset(SLOT_VALUES["nation"]),
        "under_18": frozenset({ALL}),
        "offence_explained": offence_ids(),
        "service_routed": service_ids(),
        "link_clicked": service_ids() | {OTHER},
        "quick_exit": frozenset({ALL}),
        "crisis_response": frozenset({ALL}),
        "deletion": frozenset({ALL}),
        "callback_limit_reached": frozenset({ALL}),
    }


def is_allowed(metric: str, value: str) -> bool:
    return isinstance(value, str) and value in allowed_values().get(metric, frozenset())


def clean_value(metric: str, value: str | None) -> str | None:
    """The value if it may be counted for `metric`; for link clicks an unknown service is "other"."""
    value = ALL if value is None else value
    if is_allowed(metric, value):
        return value
    if metric == "link_clicked":
        return OTHER
    return None


@lru_cache(maxsize=1)
def _value_labels() -> dict[str, dict[str, str]]:
    summary = yaml.safe_load((DATA / "content" / "summary.yml").read_text(encoding="utf-8")) or {}
    values = summary.get("values") or {}
    labels: dict[str, dict[str, str]] = {
        "situation": {k: str(v) for k, v in (values.get("situation") or {}).items()},
        "nation": {k: str(v) for k, v in (values.get("nation") or {}).items()},
    }
    labels["situation"].setdefault("not_said", "chose not to say")
    labels["nation"].setdefault("not_said", "chose not to say")
    offences: dict[str, str] = {}
    for path in sorted((DATA / "law").glob("*.yml")):
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for item in raw.get("offences") or []:
            if isinstance(item, dict) and item.get("id") and item.get("title"):
                place = str(item.get("jurisdiction", "")).replace("_", " ").title().replace(" And ", " and ")
                offences[item["id"]] = (
                    f"{item['title']} ({place}, {item.get('statute', '')} {item.get('section', '')})".replace(" )", ")")
                )
    labels["offence_explained"] = offences
    services: dict[str, str] = {}
    for path in sorted((DATA / "services").glob("*.yml")):
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for item in (raw.get("services") or []) if isinstance(raw, dict) else []:
            if isinstance(item, dict) and item.get("id") and item.get("name"):
                services[item["id"]] = str(item["name"])
    labels["service_routed"] = services
    labels["link_clicked"] = {**services, OTHER: "other links (such as a platform's report page)"}
    return labels


def value_label(metric: str, value: str) -> str:
    """Plain words for a counted value, for people reading the dashboard or the CSV."""
    if value == ALL:
        return METRICS[metric][0]
    label = _value_labels().get(metric, {}).get(value, value.replace("_", " "))
    return label[:1].upper() + label[1:]
