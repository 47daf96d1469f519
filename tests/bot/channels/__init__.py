"""The widget channel and the plumbing every channel shares: ids, limits, payloads, turns, HTTP helpers."""
