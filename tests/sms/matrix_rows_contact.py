"""Matrix rows of the contact profile page (merged by tests/matrix.py): the parties' rows, same
scopes (docs/domain.md, DOM141). The POST sends an empty form: field errors, 422."""

from __future__ import annotations

from tests.cases.matrix_rows_parties import scoped_rows

ROWS = [
    *scoped_rows("cases.contact_profile", "GET", "/contact", 200, with_participant=True),
    *scoped_rows("cases.contact_profile", "POST", "/contact", 422, with_participant=True),
]
