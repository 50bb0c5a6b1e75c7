"""The accounts: staff, associations, service points and the reference places they stand in.

The foundation every feature builds on (docs/architecture.md, A1): it imports from core only, and
no screen lives here. The administration pages (admin/) and login (auth/) build on it.
"""
