"""What the Rasa server stores: tracker stores, redaction, retention, erasure, and the lock store."""
