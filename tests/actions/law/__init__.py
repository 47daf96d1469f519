"""The law: offences, their data and corrected facts, how they are explained, and their review dates."""
