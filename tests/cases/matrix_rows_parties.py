"""Matrix rows of the parties and children routes (merged by tests/matrix.py).

Case-scoped rows come in four variants: mediator A1's case ("own"), mediator
A2's ("colleague"), association B's ("other") and an unknown id. The edit route
adds two more: a participant of another case under A1's case, and an unknown
participant: both 404 for everyone, since a participant exists only in its own
case. POST rows send an empty form: field errors, 422.
"""

from __future__ import annotations

from tests.cases.matrix_support import OWNERS, STAFF_ONLY, case_id, participant_id, url
from tests.matrix import UNKNOWN_ID, Row, expect

NOBODY = expect(404, **STAFF_ONLY)


def scoped_rows(endpoint: str, method: str, suffix: str, ok: int, *, with_participant: bool) -> list[Row]:
    rows = []
    for key, owners in OWNERS.items():
        participant = participant_id(key) if with_participant else None
        rows.append(Row(endpoint, method, url(case_id(key), suffix, participant),
                        expect(404, **dict.fromkeys(owners, ok), **STAFF_ONLY), variant=key))
    rows.append(Row(endpoint, method, url(UNKNOWN_ID, suffix, UNKNOWN_ID if with_participant else None),
                    NOBODY, variant="unknown"))
    if with_participant:
        rows += [
            Row(endpoint, method, url(case_id("own"), suffix, participant_id("colleague")), NOBODY,
                variant="participant_of_another_case"),
            Row(endpoint, method, url(case_id("own"), suffix, UNKNOWN_ID), NOBODY, variant="unknown_participant"),
        ]
    return rows


ROWS = [
    *scoped_rows("cases.party_new", "GET", "/parties/new", 200, with_participant=False),
    *scoped_rows("cases.party_new", "POST", "/parties/new", 422, with_participant=False),
    *scoped_rows("cases.child_new", "GET", "/children/new", 200, with_participant=False),
    *scoped_rows("cases.child_new", "POST", "/children/new", 422, with_participant=False),
    *scoped_rows("cases.participant_edit", "GET", "/edit", 200, with_participant=True),
    *scoped_rows("cases.participant_edit", "POST", "/edit", 422, with_participant=True),
]
