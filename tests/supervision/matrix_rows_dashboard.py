"""Matrix rows of the caseload dashboard (merged by tests/matrix.py).

Admin and ministry have no dashboard over case content (403 before any
lookup). `?staff=` names whose figures: a supervisor may open any staff
member of their association, a mediator only their own; anyone else is 404,
as an unknown or malformed id.
"""

from __future__ import annotations

from tests.matrix import UNKNOWN_ID, Row, expect

NO_CASE_CONTENT = dict(admin=403, ministry=403)


def staff_dashboard(persona: str | None, raw: str | None = None):
    def url(world) -> str:
        staff_id = raw or (UNKNOWN_ID if persona is None else world.user_ids[persona])
        return f"/supervision/?staff={staff_id}"

    return url


ROWS = [
    Row("supervision.dashboard", "GET", "/supervision/", expect(200, **NO_CASE_CONTENT)),
    Row("supervision.dashboard", "GET", staff_dashboard("mediator_a2"),
        expect(404, **NO_CASE_CONTENT, mediator_a2=200, supervisor_a=200), variant="colleague"),
    Row("supervision.dashboard", "GET", staff_dashboard("mediator_b1"),
        expect(404, **NO_CASE_CONTENT, mediator_b1=200, supervisor_b=200), variant="other_association"),
    Row("supervision.dashboard", "GET", staff_dashboard(None), expect(404, **NO_CASE_CONTENT), variant="unknown"),
    Row("supervision.dashboard", "GET", staff_dashboard(None, "not-a-uuid"), expect(404, **NO_CASE_CONTENT),
        variant="malformed"),
    # A bad period is explained on the page, never an error.
    Row("supervision.dashboard", "GET", "/supervision/?period=custom&from=2026-12-01&to=2026-01-01&sort=x",
        expect(200, **NO_CASE_CONTENT), variant="bad_period"),
]
