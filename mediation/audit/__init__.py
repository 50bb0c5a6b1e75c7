"""The audit-trail viewer: read-only, scoped, filtered (DOMAIN.md §2.15, SECURITY.md S27)."""
