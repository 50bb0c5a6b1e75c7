"""Shared infrastructure. Nothing in core imports a feature package."""
