"""Associations, staff accounts and reference data."""
