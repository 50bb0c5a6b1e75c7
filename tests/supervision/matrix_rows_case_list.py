"""Matrix rows of the filtered case list (merged by tests/matrix.py).

The list has no object in its path: scope is the SQL filter (visible_cases: a
supervisor's association, a staff member's own cases; tests/supervision/
test_case_list.py checks the rows). A staff id of another association is a
refused filter, not a 404: the page still answers 200.
"""

from tests.matrix import Row, expect

STAFF = dict(admin=403, ministry=403)


def other_staff_filter(world) -> str:
    return f"/supervision/cases?staff={world.user_ids['mediator_b1']}&status=open&risk=danger&page=2"


ROWS = [
    Row("supervision.cases", "GET", "/supervision/cases", expect(200, **STAFF)),
    Row("supervision.cases", "GET", other_staff_filter, expect(200, **STAFF), variant="filtered"),
    Row("supervision.cases", "GET", "/supervision/cases?page=1000000000000&opened_from=2026-12-01&opened_to=2026-01-01",
        expect(200, **STAFF), variant="bad_input"),
]
