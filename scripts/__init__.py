"""The project's scripts, importable as scripts.<name> (run them with python -m scripts.<name>)."""
