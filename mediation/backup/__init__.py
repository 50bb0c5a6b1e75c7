"""Encrypted backups of the whole database and their restore (docs/security.md, S26): `flask backup ...`."""
