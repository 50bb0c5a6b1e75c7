"""Home page, navigation and language choice."""
