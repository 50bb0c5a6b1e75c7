"""Matrix rows of the sessions held behind the dashboard's figures (merged by tests/matrix.py).

The same scope as the dashboard: admin and ministry see no case content (403); `?staff=` names whose
sessions, a supervisor any staff member of their association, a mediator only their own; anyone else
is 404, as an unknown or malformed id.
"""

from __future__ import annotations

from tests.matrix import UNKNOWN_ID, Row, expect

NO_CASE_CONTENT = dict(admin=403, ministry=403)


def staff_sessions(persona: str | None, raw: str | None = None):
    def url(world) -> str:
        staff_id = raw or (UNKNOWN_ID if persona is None else world.user_ids[persona])
        return f"/supervision/sessions?period=month&date=2026-11-01&staff={staff_id}"

    return url


ROWS = [
    Row("supervision.sessions", "GET", "/supervision/sessions", expect(200, **NO_CASE_CONTENT)),
    Row("supervision.sessions", "GET", staff_sessions("mediator_a2"),
        expect(404, **NO_CASE_CONTENT, mediator_a2=200, supervisor_a=200), variant="colleague"),
    Row("supervision.sessions", "GET", staff_sessions("mediator_b1"),
        expect(404, **NO_CASE_CONTENT, mediator_b1=200, supervisor_b=200), variant="other_association"),
    Row("supervision.sessions", "GET", staff_sessions(None), expect(404, **NO_CASE_CONTENT), variant="unknown"),
    Row("supervision.sessions", "GET", staff_sessions(None, "not-a-uuid"), expect(404, **NO_CASE_CONTENT),
        variant="malformed"),
    Row("supervision.sessions", "GET", "/supervision/sessions?period=custom&from=2026-12-01&to=2026-01-01&page=x",
        expect(200, **NO_CASE_CONTENT), variant="bad_period"),
]
