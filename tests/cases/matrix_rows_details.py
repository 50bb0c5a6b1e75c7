"""Matrix rows of editing a case and managing its co-workers (merged by tests/matrix.py)."""

from tests.cases.matrix_rows_intake import case_rows
from tests.matrix import UNKNOWN_ID

ROWS = [
    *case_rows("cases.edit", "GET", "/edit"),
    *case_rows("cases.edit", "POST", "/edit", ok=422),  # empty form: field errors
    # The lead or a supervisor; an empty form is refused with a message and a redirect.
    *case_rows("cases.co_worker_add", "POST", "/co-workers", ok=302),
    # A user who does not work on the case: 404 once the case is in scope.
    *case_rows("cases.co_worker_remove", "POST", f"/co-workers/{UNKNOWN_ID}/remove", ok=404),
]
