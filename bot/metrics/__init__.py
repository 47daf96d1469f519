"""Anonymous impact figures for charities (tenants): counts per tenant, day, metric and value only.

counting.py turns Rasa events into counts, store.py keeps them, suppression.py hides small numbers,
charts.py and export.py draw them, broker.py feeds counting from inside the Rasa server.
What is counted and why nothing else is kept: docs/privacy.md, "Anonymous figures for charities".
"""
