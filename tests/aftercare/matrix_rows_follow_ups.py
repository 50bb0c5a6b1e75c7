"""Matrix rows of the post-closure follow-up routes (merged by tests/matrix.py).

The rows' follow-ups are made lazily, inside the row's rolled-back transaction, the first time a URL function
asks for them: the case is closed with a reconciliation through the closure service (which plans them), and
for the "seen" rows the first one is recorded as not holding. ROWS is built on first access.
"""

from __future__ import annotations

from mediation.cases.codes import Outcome
from tests.aftercare.support import LEADS, close_with, planned, record_now
from tests.cases.matrix_support import STAFF_ONLY

UNKNOWN_ID = "00000000-0000-4000-8000-000000000000"


def _planned(world, key: str) -> str:
    made = world.cases.__dict__.setdefault("aftercare_matrix", {})
    if key not in made:
        case_id = getattr(world.cases, key)
        close_with(world.app, case_id, Outcome.RECONCILIATION, username=LEADS[key])
        made[key] = planned(world.app, case_id)
    return made[key]


def _alert(world, key: str) -> str:
    made = world.cases.__dict__.setdefault("aftercare_matrix_alert", {})
    if key not in made:
        follow_up_id = _planned(world, key)
        record_now(world.app, getattr(world.cases, key), follow_up_id, LEADS[key], result="not_holding")
        made[key] = follow_up_id
    return made[key]


def url(key: str, suffix: str = "", *, alert: bool = False, unknown: bool = False):
    def build(world) -> str:
        follow_up_id = UNKNOWN_ID if unknown else (_alert if alert else _planned)(world, key)
        if unknown:
            _planned(world, key)  # the case is closed, its follow-ups exist: only the id is unknown
        return f"/cases/{getattr(world.cases, key)}/post-closure-follow-ups/{follow_up_id}{suffix}"

    return build


def _rows() -> list:
    from tests.matrix import Row, expect

    record, seen = "aftercare.record", "aftercare.seen"
    return [
        # The case's staff record; the association's supervisor reads only (403); others do not see the case.
        Row(record, "GET", url("own"), expect(404, **STAFF_ONLY, mediator_a1=200, supervisor_a=403), variant="own"),
        Row(record, "GET", url("other"), expect(404, **STAFF_ONLY, mediator_b1=200, supervisor_b=403),
            variant="other_association"),
        Row(record, "GET", url("own", unknown=True), expect(404, **STAFF_ONLY), variant="unknown"),
        # An empty form: refused with its messages (422), nothing saved.
        Row(record, "POST", url("own"), expect(404, **STAFF_ONLY, mediator_a1=422, supervisor_a=403),
            variant="own"),
        Row(record, "POST", url("other"), expect(404, **STAFF_ONLY, mediator_b1=422, supervisor_b=403),
            variant="other_association"),
        Row(record, "POST", url("own", unknown=True), expect(404, **STAFF_ONLY), variant="unknown"),
        # Only a supervisor of the association takes an alert out of their queue.
        Row(seen, "POST", url("own", "/seen", alert=True),
            expect(403, supervisor_a=302, supervisor_b=404), variant="own"),
        Row(seen, "POST", url("other", "/seen", alert=True),
            expect(403, supervisor_a=404, supervisor_b=302), variant="other_association"),
        # Not an alert (planned): nothing to take out of the queue.
        Row(seen, "POST", url("own", "/seen"), expect(403, supervisor_b=404), variant="not_an_alert"),
        Row(seen, "POST", url("own", "/seen", unknown=True), expect(403, supervisor_a=404, supervisor_b=404),
            variant="unknown"),
    ]


def __getattr__(name: str):
    """ROWS, built on first access (see the module docstring)."""
    if name == "ROWS":
        globals()["ROWS"] = rows = _rows()
        return rows
    raise AttributeError(name)
