"""The conversation: facts heard and asked for, answers, questions, history, the person, the vocabulary."""
