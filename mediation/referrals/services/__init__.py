"""Referral services: rules and writes; they flush and never commit (docs/architecture.md, A2)."""
