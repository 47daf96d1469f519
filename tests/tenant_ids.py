"""The one list of tenant ids both servers must judge alike (tests/actions/project/test_tenants.py and
tests/bot/project/test_tenants.py): each side accepts exactly ACCEPTED and refuses every one of REFUSED, by the rule
in data/vocabulary.yml (tenant_id)."""

from __future__ import annotations

from typing import Any

ACCEPTED: list[str] = [
    "default",
    "example-charity",
    "a_b",
    "a",
    "0",
    "9lives",
    "a-",
    "a_",
    "charity_one-2",
    "x" * 63,
]
REFUSED: list[Any] = [
    "",
    "A",
    "Default",
    "-x",
    "_x",
    "x.y",  # a dot would split a conversation id ("<tenant>.<issued>.<random>.<signature>")
    "x y",
    "x/y",
    "../etc/passwd",
    "x" * 64,
    "café",
    "default\n",  # "$" alone would let a trailing newline through
    " default",
    "a\x00",
    42,
    None,
    ["default"],
]
