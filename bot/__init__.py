"""Code that runs inside the Rasa server (Python 3.10): NLU components, the tracker store, channels."""
