"""The Rasa server's settings, tenants and Rasa patch; the docs, README, deployment and audit claims."""
