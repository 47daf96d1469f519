"""The Rasa server's tests (Python 3.10, .venv/rasa), by subject."""
