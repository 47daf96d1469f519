"""What the Rasa server says by itself: the domain's facts and age-correct help."""
