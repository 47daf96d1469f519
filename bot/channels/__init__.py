"""Input channels that run inside the Rasa server (registered in bot/credentials.yml)."""
