"""Reclaim's action server: form questions and validation, summaries. Runs on a current Python with rasa-sdk."""
