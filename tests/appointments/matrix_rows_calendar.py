"""Matrix rows of the calendars (merged by tests/matrix.py).

A calendar names a staff member, not an appointment: the variants are whose
calendar is asked for. Admin and ministry lack APPOINTMENT_VIEW (403 before
any lookup); a staff member outside the viewer's reach is 404, as unknown.
"""

from __future__ import annotations

from tests.matrix import UNKNOWN_ID, Row, expect

STAFF_ONLY = dict(admin=403, ministry=403)


def staff_page(path: str, persona: str | None):
    """`path` for one staff member: `persona`'s public id, or an unknown one."""

    def url(world) -> str:
        staff_id = UNKNOWN_ID if persona is None else world.user_ids[persona]
        return f"{path}?staff={staff_id}"

    return url


def staff_calendar(persona: str | None):
    return staff_page("/appointments/", persona)


ROWS = [
    Row("appointments.calendar", "GET", "/appointments/", expect(200, **STAFF_ONLY)),
    # Mediator A2's calendar: herself and her supervisor; for everyone else it does not exist.
    Row("appointments.calendar", "GET", staff_calendar("mediator_a2"),
        expect(404, **STAFF_ONLY, mediator_a2=200, supervisor_a=200), variant="colleague"),
    Row("appointments.calendar", "GET", staff_calendar("mediator_b1"),
        expect(404, **STAFF_ONLY, mediator_b1=200, supervisor_b=200), variant="other_association"),
    Row("appointments.calendar", "GET", staff_calendar(None), expect(404, **STAFF_ONLY), variant="unknown"),
    Row("appointments.association_calendar", "GET", "/appointments/association",
        expect(403, supervisor_a=200, supervisor_b=200)),
]


def to_record(persona: str | None):
    return staff_page("/appointments/to-record", persona)


ROWS += [
    Row("appointments.to_record", "GET", "/appointments/to-record", expect(200, **STAFF_ONLY)),
    Row("appointments.to_record", "GET", to_record("mediator_a2"),
        expect(404, **STAFF_ONLY, mediator_a2=200, supervisor_a=200), variant="colleague"),
    Row("appointments.to_record", "GET", to_record("mediator_b1"),
        expect(404, **STAFF_ONLY, mediator_b1=200, supervisor_b=200), variant="other_association"),
    Row("appointments.to_record", "GET", to_record(None), expect(404, **STAFF_ONLY), variant="unknown"),
]
