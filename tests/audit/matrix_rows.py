"""Matrix rows of the audit-trail viewer (merged by tests/matrix.py)."""

from tests.matrix import Row, expect

ROWS = [
    Row("audit.events", "GET", "/audit/", expect(403, admin=200, supervisor_a=200, supervisor_b=200)),
    # Filters never widen the scope or change the answer for those refused.
    Row("audit.events", "GET", "/audit/?action=login&outcome=success&date_from=2026-01-01",
        expect(403, admin=200, supervisor_a=200, supervisor_b=200), variant="filtered"),
]
