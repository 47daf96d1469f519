"""The service directory: its data, its loader and its read side."""
