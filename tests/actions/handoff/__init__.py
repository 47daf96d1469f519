"""Talk to a person: handoff to a charity's team, and callback requests with their form and limits."""
