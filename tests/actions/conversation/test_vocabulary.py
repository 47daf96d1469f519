"""data/vocabulary.yml: one list of each canonical value, read as written, and never copied into code.

The Rasa server's reader is checked by tests/bot/stores/test_redaction.py (every value is kept) and
tests/bot/project/test_tenants.py (the tenant-id rule and the nations)."""

from __future__ import annotations

import ast
import datetime as dt
from itertools import pairwise
from pathlib import Path

import pytest
import yaml

from actions import facts, law, vocabulary
from tests.actions.tracker_helpers import ROOT

RAW = yaml.safe_load((ROOT / "data" / "vocabulary.yml").read_text(encoding="utf-8"))
PLACEHOLDERS = {vocabulary.NOT_SAID, vocabulary.NOT_SURE, vocabulary.NOT_ONLINE}


def test_every_slots_values_are_read_as_written() -> None:
    assert {slot: tuple(values) for slot, values in RAW["slots"].items()} == vocabulary.SLOT_VALUES
    assert vocabulary.SITUATIONS[:5] == vocabulary.SPECIFIC_SITUATIONS
    assert vocabulary.UNDER_18_AGE_GROUPS == ("under_13", "13_15", "16_17")
    assert vocabulary.UK_NATIONS == ("england", "wales", "scotland", "northern_ireland")
    assert vocabulary.PLATFORM_ANSWERS == ("none", "not_sure", "not_said") and "instagram" in vocabulary.PLATFORMS


def test_the_age_bands_cover_every_age_once() -> None:
    bands = sorted(vocabulary.AGE_BOUNDS.values())
    assert bands[0][0] == 0
    assert all(later[0] == earlier[1] + 1 for earlier, later in pairwise(bands))
    assert [facts.age_group(age) for age in (12, 13, 15, 16, 17, 18)] == [
        "under_13",
        "13_15",
        "13_15",
        "16_17",
        "16_17",
        "18_plus",
    ]


def test_the_periods_follow_each_other_without_a_gap() -> None:
    periods = sorted(law.PERIODS.values())
    assert periods[0][0] == dt.date.min and periods[-1][1] == dt.date.max
    assert all(later[0] == earlier[1] + dt.timedelta(days=1) for earlier, later in pairwise(periods))
    today = dt.date(2026, 11, 22)
    assert [facts.when(str(year), today) for year in (2023, 2024, 2025, 2026)] == [
        "before_2024",
        "2024_to_2025",
        "2024_to_2025",
        "since_2026",
    ]


def test_a_value_yaml_reads_as_a_number_stops_the_server() -> None:
    with pytest.raises(ValueError, match="quote"):
        vocabulary._ids("age_group", {1315: [13, 15]})


def _copies(path: Path) -> list[str]:
    """Literals in a module that list every value of a vocabulary slot (its placeholders aside)."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        items = node.elts if isinstance(node, (ast.List, ast.Tuple, ast.Set)) else getattr(node, "keys", None)
        if not isinstance(node, (ast.List, ast.Tuple, ast.Set, ast.Dict)) or not items:
            continue
        strings = {item.value for item in items if isinstance(item, ast.Constant) and isinstance(item.value, str)}
        for slot, values in vocabulary.SLOT_VALUES.items():
            wanted = set(values) - PLACEHOLDERS
            if len(wanted) >= 3 and wanted <= strings:
                found.append(f"{path.relative_to(ROOT)}:{node.lineno} lists every {slot}")
    return found


def test_no_module_on_either_server_keeps_a_second_copy_of_a_list() -> None:
    modules = [*(ROOT / "actions").rglob("*.py"), *(ROOT / "bot").rglob("*.py")]
    assert not [copy for path in sorted(modules) for copy in _copies(path)]
