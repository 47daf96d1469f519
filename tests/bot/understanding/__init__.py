"""The NLU components: the crisis matcher and safety net, and the young-speaker detector."""
