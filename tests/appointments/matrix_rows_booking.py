"""Matrix rows of booking, showing, rescheduling and changing the status of appointments (merged by tests/matrix.py).

Variants: an appointment of mediator A1's case (held by her), of mediator A2's case, of association B's case,
and an unknown id. Mediators see the appointments they hold and those of their cases; supervisors their
association's; admin and ministry have no appointment permission (403). POST rows send an empty form: it
re-renders with field errors (422). The appointments are built lazily, once per test world.
"""

from __future__ import annotations

from tests.appointments.fixtures import appointment_world
from tests.matrix import UNKNOWN_ID, Row, expect

NO_PERMISSION = dict(admin=403, ministry=403)
# Who sees each appointment of the fixtures (everyone else: 404).
SEES = {
    "own": ("mediator_a1", "supervisor_a"),
    "colleague": ("mediator_a2", "supervisor_a"),
    "other": ("mediator_b1", "supervisor_b"),
}


def scoped(key: str | None, ok: int) -> dict[str, int]:
    allowed = SEES.get(key, ())
    return expect(404, **NO_PERMISSION, **{persona: ok for persona in allowed})


def appointment_url(key: str | None, suffix: str = ""):
    if key is None:
        return f"/appointments/{UNKNOWN_ID}{suffix}"
    return lambda world: f"/appointments/{appointment_world(world).appointments[key]}{suffix}"


def object_rows(endpoint: str, method: str, suffix: str, ok: int) -> list[Row]:
    return [Row(endpoint, method, appointment_url(key, suffix), scoped(key, ok), variant=key or "unknown")
            for key in (*SEES, None)]


CASE_SEES = {"own": ("mediator_a1", "supervisor_a"), "colleague": ("mediator_a2", "supervisor_a"),
             "other": ("mediator_b1", "supervisor_b")}


def new_for_case(key: str):
    return lambda world: f"/appointments/new?case={getattr(world.cases, key)}"


def new_rows(method: str, ok: int) -> list[Row]:
    rows = [Row("appointments.new", method, "/appointments/new", expect(ok, **NO_PERMISSION), variant="intake")]
    rows += [Row("appointments.new", method, new_for_case(key),
                 expect(404, **NO_PERMISSION, **{persona: ok for persona in CASE_SEES[key]}), variant=f"case_{key}")
             for key in CASE_SEES]
    rows.append(Row("appointments.new", method, f"/appointments/new?case={UNKNOWN_ID}",
                    expect(404, **NO_PERMISSION), variant="unknown_case"))
    rows.append(Row("appointments.new", method, "/appointments/new?case=not-a-uuid",
                    expect(404, **NO_PERMISSION), variant="malformed_case"))
    return rows


ROWS = [
    *new_rows("GET", 200),
    *new_rows("POST", 422),
    *object_rows("appointments.detail", "GET", "", 200),
    *object_rows("appointments.edit", "GET", "/edit", 200),
    *object_rows("appointments.edit", "POST", "/edit", 422),
    *object_rows("appointments.change_status", "POST", "/status", 422),
]
