"""Matrix rows of the agreements (merged by tests/matrix.py; docs/security.md, S38).

Variants per case: mediator A1's own case, mediator A2's case, association B's case, an unknown case, and
the own case once closed. The case's staff write its agreement, the association's supervisors read it
(403 on the form), everyone else of an association meets a 404. POST rows send an empty form: field errors
re-render it (422). ROWS is built on first access, since tests.matrix imports this module while it loads.
"""

from __future__ import annotations

from tests.cases.matrix_rows_notes import CASE_STAFF, case_variants, closed_url, staff


def _writers_only(rows: list) -> list:
    for row in rows:
        if row.variant in CASE_STAFF:
            row.expected.update({CASE_STAFF[row.variant][1]: 403})
    return rows


def _rows() -> list:
    from tests.matrix import Row

    return [
        *_writers_only(case_variants("agreements.edit", "GET", "/agreement", 200)),
        *_writers_only(case_variants("agreements.edit", "POST", "/agreement", 422)),
        # A closed case is read-only: its lead may no longer write the agreement.
        Row("agreements.edit", "GET", closed_url("/agreement"), staff("own", 403), variant="closed_case"),
        Row("agreements.edit", "POST", closed_url("/agreement"), staff("own", 403), variant="closed_case"),
        *case_variants("agreements.history", "GET", "/agreement/history", 200),
        Row("agreements.history", "GET", closed_url("/agreement/history"), staff("own", 200),
            variant="closed_case"),
    ]


def __getattr__(name: str):
    """ROWS, built on first access (see the module docstring)."""
    if name == "ROWS":
        globals()["ROWS"] = rows = _rows()
        return rows
    raise AttributeError(name)
