"""The session log: every meeting held with a family (named so to avoid flask.session)."""
