"""Matrix rows of reviews, the review-due flag and reassignment (merged by tests/matrix.py).

Only supervisors hold the permissions (everyone else 403, before any object is looked up); a supervisor
reaches the cases and staff of their own association, anything else is a 404. POST rows send an empty
form: it re-renders with field errors (422), except the review flag, where an empty date clears the flag.
"""

from __future__ import annotations

from tests.matrix import UNKNOWN_ID, Row, expect

OWNER = {"own": "supervisor_a", "colleague": "supervisor_a", "other": "supervisor_b"}


def supervisors(key: str | None, ok: int) -> dict[str, int]:
    table = expect(403, supervisor_a=404, supervisor_b=404)
    if key in OWNER:
        table[OWNER[key]] = ok
    return table


def case_url(key: str | None, suffix: str):
    if key is None:
        return f"/supervision/cases/{UNKNOWN_ID}{suffix}"
    return lambda world: f"/supervision/cases/{getattr(world.cases, key)}{suffix}"


def case_rows(endpoint: str, method: str, suffix: str, ok: int) -> list[Row]:
    return [Row(endpoint, method, case_url(key, suffix), supervisors(key, ok), variant=key or "unknown")
            for key in (*OWNER, None)]


STAFF_OWNER = {"mediator_a1": "supervisor_a", "mediator_b1": "supervisor_b"}


def staff_rows(method: str, ok: int) -> list[Row]:
    rows = []
    for persona, owner in STAFF_OWNER.items():
        table = expect(403, supervisor_a=404, supervisor_b=404)
        table[owner] = ok
        rows.append(Row("supervision.reassign_all", method,
                        (lambda p: lambda world: f"/supervision/staff/{world.user_ids[p]}/reassign")(persona),
                        table, variant=persona))
    rows.append(Row("supervision.reassign_all", method, f"/supervision/staff/{UNKNOWN_ID}/reassign",
                    expect(403, supervisor_a=404, supervisor_b=404), variant="unknown"))
    return rows


ROWS = [
    *case_rows("supervision.review_new", "GET", "/reviews/new", 200),
    *case_rows("supervision.review_new", "POST", "/reviews/new", 422),
    *case_rows("supervision.review_due", "POST", "/review-due", 302),
    *case_rows("supervision.reassign", "GET", "/reassign", 200),
    *case_rows("supervision.reassign", "POST", "/reassign", 422),
    *staff_rows("GET", 200),
    *staff_rows("POST", 422),
]
