"""Versioned agreements of a case: drafted during mediation, concluded on a date (docs/domain.md, DOM77-DOM80)."""
