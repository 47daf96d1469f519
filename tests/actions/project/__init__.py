"""The action server's settings and tenant files, and the link checker for data/."""
