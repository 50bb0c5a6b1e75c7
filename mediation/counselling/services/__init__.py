"""Session-log services, one module per subject."""
