"""Refuses short secrets at start-up: a secret or token under 32 bytes (256 bits if random) is too easy to
guess or brute-force offline against a signature. The error names the setting, never the value."""

from __future__ import annotations

MIN_SECRET_BYTES = 32
HOW_TO_MAKE = 'python3 -c "import secrets; print(secrets.token_urlsafe(32))"'


def require_long_secret(setting: str, value: str) -> None:
    """Raises ValueError naming `setting` when `value` is shorter than MIN_SECRET_BYTES (UTF-8)."""
    if len(value.encode("utf-8")) < MIN_SECRET_BYTES:
        raise ValueError(
            f"{setting} is shorter than {MIN_SECRET_BYTES} bytes: "
            f"set it to a long random value, e.g. from {HOW_TO_MAKE}"
        )
