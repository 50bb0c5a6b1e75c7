"""Session-log forms."""
