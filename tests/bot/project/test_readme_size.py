"""The README is a front door: short enough to read, with the details in docs/ and bench/README.md."""

from __future__ import annotations

from pathlib import Path

README = Path(__file__).resolve().parents[3] / "README.md"


def test_the_readme_is_under_12_kb() -> None:
    size = len(README.read_bytes())
    assert size < 12 * 1024, f"README.md is {size} bytes: move detail into docs/ or bench/README.md"
