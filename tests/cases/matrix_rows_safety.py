"""Matrix rows of screening, consent, supervisor decisions, the danger flag and the status form.

Case-scoped rows come in four variants: mediator A1's case ("own"), mediator
A2's ("colleague"), association B's ("other") and an unknown id; participant
routes add a participant of another case under A1's case and an unknown
participant (404 for everyone). Decisions and clearing the danger flag need
Permission.SCREENING_DECIDE: a mediator is refused (403) before any case is
loaded, whichever case it is. POST rows send an empty form: field errors, 422. A request for a
decision is the staff member's: their supervisor is refused (403).
"""

from __future__ import annotations

from tests.cases.matrix_support import OWNERS, STAFF_ONLY, case_id, participant_id, url
from tests.matrix import UNKNOWN_ID, Row, expect

MEDIATORS = ("mediator_a1", "mediator_a2", "mediator_b1")
SUPERVISOR_OF = {"own": "supervisor_a", "colleague": "supervisor_a", "other": "supervisor_b"}


def staff_rows(endpoint: str, method: str, suffix: str, ok: int, *, with_participant: bool = False) -> list[Row]:
    """Routes for whoever works the case: its staff and the association's supervisors."""
    nobody = expect(404, **STAFF_ONLY)
    rows = [
        Row(endpoint, method, url(case_id(key), suffix, participant_id(key) if with_participant else None),
            expect(404, **dict.fromkeys(owners, ok), **STAFF_ONLY), variant=key)
        for key, owners in OWNERS.items()
    ]
    rows.append(Row(endpoint, method, url(UNKNOWN_ID, suffix, UNKNOWN_ID if with_participant else None),
                    nobody, variant="unknown"))
    if with_participant:
        rows += [
            Row(endpoint, method, url(case_id("own"), suffix, participant_id("colleague")), nobody,
                variant="participant_of_another_case"),
            Row(endpoint, method, url(case_id("own"), suffix, UNKNOWN_ID), nobody, variant="unknown_participant"),
        ]
    return rows


def supervisor_rows(endpoint: str, method: str, suffix: str, ok: int) -> list[Row]:
    """Routes only a supervisor of the case's association may use."""
    refused = dict.fromkeys(MEDIATORS, 403) | STAFF_ONLY
    rows = [
        Row(endpoint, method, url(case_id(key), suffix), expect(404, **{SUPERVISOR_OF[key]: ok}, **refused),
            variant=key)
        for key in OWNERS
    ]
    rows.append(Row(endpoint, method, url(UNKNOWN_ID, suffix), expect(404, **refused), variant="unknown"))
    return rows


def requester_rows(endpoint: str, method: str, suffix: str, ok: int) -> list[Row]:
    """Routes for the staff member who works the case only: its association's supervisor decides instead
    of asking (403), everyone else finds no case (404)."""
    rows = [
        Row(endpoint, method, url(case_id(key), suffix),
            expect(404, **{owners[0]: ok, owners[1]: 403}, **STAFF_ONLY), variant=key)
        for key, owners in OWNERS.items()
    ]
    rows.append(Row(endpoint, method, url(UNKNOWN_ID, suffix), expect(404, **STAFF_ONLY), variant="unknown"))
    return rows


ROWS = [
    *staff_rows("cases.screening_new", "GET", "/screenings/new", 200, with_participant=True),
    *staff_rows("cases.screening_new", "POST", "/screenings/new", 422, with_participant=True),
    *staff_rows("cases.consent_new", "GET", "/consents/new", 200, with_participant=True),
    *staff_rows("cases.consent_new", "POST", "/consents/new", 422, with_participant=True),
    *supervisor_rows("cases.decision_new", "GET", "/decisions/new", 200),
    *supervisor_rows("cases.decision_new", "POST", "/decisions/new", 422),
    *supervisor_rows("cases.danger_clear", "GET", "/danger/clear", 200),
    *supervisor_rows("cases.danger_clear", "POST", "/danger/clear", 422),
    *staff_rows("cases.status_change", "POST", "/status", 422),
    # The note is optional: the request is sent (the fixture cases are not screened, the gate refuses).
    *requester_rows("cases.decision_request", "POST", "/decision-requests", 302),
]
