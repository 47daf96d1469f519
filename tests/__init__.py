"""Reclaim's tests, one tree per Python environment (tests/README.md)."""
