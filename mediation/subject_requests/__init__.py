"""Data-subject requests: the register and the per-person access export."""
