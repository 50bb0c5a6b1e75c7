"""Login, logout, passwords."""
