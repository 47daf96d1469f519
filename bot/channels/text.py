"""Checks on message text shared by the channels."""

from __future__ import annotations


def is_unicode_text(text: str) -> bool:
    """False for strings JSON allows but nothing can store, such as a lone surrogate ("\\ud83d")."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True
