"""Supervision rules and writes, one module per subject."""
