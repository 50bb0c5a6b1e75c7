"""Documents attached to a case: checked, cleaned, encrypted in chunks (docs/domain.md, DOM106-DOM108)."""
