"""Supervision: caseload dashboards, the association's case list, reviews and reassignment."""
