"""Matrix rows of room management (merged by tests/matrix.py).

Rooms are managed by whoever manages the service point: an administrator for
any, a supervisor for their own association's; everyone else is refused (403)
by the permission. Variants: association A's object, B's, an unknown id. POST
rows send an empty form: it re-renders with the field error (422). The rooms
the edit URLs need are stored lazily, once per test world, inside the test's
transaction.
"""

from __future__ import annotations

from tests.matrix import UNKNOWN_ID, Row, expect


def scoped(own: int, *, a: int, b: int) -> dict[str, int]:
    """Admin `own`; supervisor A `a`, supervisor B `b`; every other persona 403."""
    return expect(403, admin=own, supervisor_a=a, supervisor_b=b)


def _room_ids(world) -> dict[str, str]:
    rooms = getattr(world, "matrix_rooms", None)
    if rooms is None:
        from sqlalchemy import select

        from mediation.accounts.models import ServicePoint
        from mediation.appointments.models import Room
        from mediation.extensions import db

        rooms = {}
        with world.app.app_context():
            for key, association_id in (("A", world.association_a), ("B", world.association_b)):
                point = db.session.scalar(select(ServicePoint).where(ServicePoint.association_id == association_id))
                room = Room(service_point_id=point.id, association_id=association_id, name=f"Matrix {key}")
                db.session.add(room)
                db.session.flush()
                rooms[key] = str(room.public_id)
            db.session.commit()
        world.matrix_rooms = rooms
    return rooms


def service_point_rooms(key: str | None):
    if key is None:
        return f"/appointments/service-points/{UNKNOWN_ID}/rooms"
    return lambda world: f"/appointments/service-points/{world.service_point_ids[key]}/rooms"


def room_edit(key: str | None):
    if key is None:
        return f"/appointments/rooms/{UNKNOWN_ID}/edit"
    return lambda world: f"/appointments/rooms/{_room_ids(world)[key]}/edit"


def _rows(endpoint: str, method: str, url, ok: int) -> list[Row]:
    return [
        Row(endpoint, method, url("A"), scoped(ok, a=ok, b=404), variant="association_a"),
        Row(endpoint, method, url("B"), scoped(ok, a=404, b=ok), variant="association_b"),
        Row(endpoint, method, url(None), scoped(404, a=404, b=404), variant="unknown"),
    ]


ROWS = [
    *_rows("appointments.rooms", "GET", service_point_rooms, 200),
    *_rows("appointments.room_add", "POST", service_point_rooms, 422),
    *_rows("appointments.room_edit", "GET", room_edit, 200),
    *_rows("appointments.room_edit", "POST", room_edit, 422),
]
