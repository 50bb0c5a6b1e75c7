"""Matrix rows of referrals and safeguarding exceptions (merged by tests/matrix.py).

Variants per case-scoped rule: mediator A1's own case, mediator A2's case, association B's case, an unknown
case. The case's staff write; the association's supervisor reads (403 on the forms) and decides the
exceptions, which mediators never do (the login gate refuses them first). Referral and exception rules add
one of another case reached through the own case's URL (404) and an unknown id. Rows are stored directly by
each case's lead, lazily, inside the test's transaction. POST rows send an empty form (422). ROWS is built
on first access, since tests.matrix imports this module while it loads.
"""

from __future__ import annotations

from mediation.extensions import db
from mediation.referrals.codes import ExceptionStatus
from tests.cases.matrix_rows_notes import (
    CASE_STAFF,
    LEADS,
    STAFF_ONLY,
    UNKNOWN_ID,
    case_by_public_id,
    case_variants,
    closed_url,
    staff,
)

SUPERVISORS = {"own": "supervisor_a", "colleague": "supervisor_a", "other": "supervisor_b"}
MEDIATORS_403 = dict(mediator_a1=403, mediator_a2=403, mediator_b1=403)


def _stored(world, kind: str) -> dict:
    from tests.referrals.helpers import exception, participant, stored_referral

    attribute = f"referrals_matrix_{kind}"
    stored = getattr(world.cases, attribute, None)
    if stored is None:
        stored = {}
        with world.app.app_context():
            for key in LEADS:
                case = case_by_public_id(getattr(world.cases, key))
                party = participant(world.cases.participants[key])
                row = (stored_referral(case.id, party, username=LEADS[key]) if kind == "referral"
                       else exception(case.id, party, ExceptionStatus.PENDING, LEADS[key]))
                stored[key] = str(row.public_id)
            db.session.commit()
        setattr(world.cases, attribute, stored)
    return stored


def _url(kind: str, case_key: str, row_key: str | None, suffix: str):
    path = "referrals" if kind == "referral" else "referrals/exceptions"

    def url(world) -> str:
        row_id = UNKNOWN_ID if row_key is None else _stored(world, kind)[row_key]
        return f"/cases/{getattr(world.cases, case_key)}/{path}/{row_id}{suffix}"

    return url


def _writers(key: str, ok: int) -> dict[str, int]:
    """The case's staff only: its supervisor reads the section but gets no form."""
    return staff(key, ok, **{SUPERVISORS[key]: 403})


def _deciders(key: str, ok: int) -> dict[str, int]:
    return staff(key, ok, **MEDIATORS_403)


def _object_variants(kind: str, endpoint: str, method: str, suffix: str, ok: int, expected) -> list:
    from tests.matrix import Row, expect

    rows = [Row(endpoint, method, _url(kind, key, key, suffix), expected(key, ok), variant=key) for key in CASE_STAFF]
    elsewhere = expect(404, **STAFF_ONLY, **(MEDIATORS_403 if expected is _deciders else {}))
    rows += [Row(endpoint, method, _url(kind, "own", "colleague", suffix), elsewhere,
                 variant=f"{kind}_of_another_case"),
             Row(endpoint, method, _url(kind, "own", None, suffix), elsewhere, variant=f"unknown_{kind}")]
    return rows


def _case_writes(endpoint: str, method: str, suffix: str, ok: int) -> list:
    from tests.matrix import Row

    rows = case_variants(endpoint, method, suffix, ok)
    for row in rows:
        if row.variant in SUPERVISORS:
            row.expected[SUPERVISORS[row.variant]] = 403
    # A closed case takes no new referral nor request: 403 for its staff too.
    rows.append(Row(endpoint, method, closed_url(suffix), staff("own", 403), variant="closed_case"))
    return rows


def _rows() -> list:
    from tests.matrix import Row, expect

    return [
        *_case_writes("referrals.referral_new", "GET", "/referrals/new", 200),
        *_case_writes("referrals.referral_new", "POST", "/referrals/new", 422),
        *_object_variants("referral", "referrals.referral_answer", "GET", "/answer", 200, _writers),
        *_object_variants("referral", "referrals.referral_answer", "POST", "/answer", 422, _writers),
        *_case_writes("referrals.exception_new", "GET", "/referrals/exceptions/new", 200),
        *_case_writes("referrals.exception_new", "POST", "/referrals/exceptions/new", 422),
        *_object_variants("exception", "referrals.exception_decide", "GET", "/decide", 200, _deciders),
        *_object_variants("exception", "referrals.exception_decide", "POST", "/decide", 422, _deciders),
        Row("referrals.exceptions_waiting", "GET", "/referrals/exceptions",
            expect(403, supervisor_a=200, supervisor_b=200)),
    ]


def __getattr__(name: str):
    """ROWS, built on first access (see the module docstring)."""
    if name == "ROWS":
        globals()["ROWS"] = rows = _rows()
        return rows
    raise AttributeError(name)
