"""The action server's tests (Python 3.12, .venv/actions), by subject."""
