"""Encrypted backups of the whole database and their restore (issue 11, SECURITY.md S26): `flask backup ...`."""
