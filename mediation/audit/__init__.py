"""The audit-trail viewer: read-only, scoped, filtered (docs/security.md, S27)."""
