"""Data-subject requests: the register and the per-person access export (issue 11 part 3)."""
