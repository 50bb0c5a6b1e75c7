"""The rooms' reads: the planned appointments still to come in a room, and a free room for each proposed time."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from mediation.appointments.codes import BUSY, OPEN
from mediation.appointments.models import Appointment, Room
from mediation.core import clock


def future_bookings(session: Session, room: Room) -> int:
    """Planned appointments still to come in the room (to warn whoever deactivates it)."""
    return session.scalar(select(func.count()).select_from(Appointment).where(
        Appointment.room_id == room.id, Appointment.status.in_(OPEN), Appointment.end_utc > clock.now())) or 0


def busy_times(session: Session, rooms: Sequence[Room], start: datetime,
               end: datetime) -> dict[int, list[tuple[datetime, datetime]]]:
    """The times these rooms are held between `start` and `end` (planned or held appointments, the ones the
    double-booking rule counts, docs/domain.md DOM42), by room id, in one statement."""
    held: dict[int, list[tuple[datetime, datetime]]] = {room.id: [] for room in rooms}
    if not rooms or end <= start:
        return held
    rows = session.execute(
        select(Appointment.room_id, Appointment.start_utc, Appointment.end_utc)
        .where(Appointment.room_id.in_(list(held)), Appointment.status.in_(BUSY),
               Appointment.start_utc < end, Appointment.end_utc > start)
    ).all()
    for room_id, taken_from, taken_until in rows:
        if room_id is not None:  # always, by the IN above: the column is nullable for meetings without a room
            held[room_id].append((taken_from, taken_until))
    return held


def free_room_for_each(session: Session, rooms: Sequence[Room],
                       spans: Sequence[tuple[datetime, datetime]]) -> list[Room | None]:
    """For each span [start, end), the first of `rooms` (in their order) held by nothing during it, or None
    (docs/domain.md, DOM100). One statement whatever the number of spans: the busy times of every room over
    the whole stretch the spans cover are read at once, then each span is matched against them."""
    if not spans:
        return []
    held = busy_times(session, rooms, min(start for start, _end in spans), max(end for _start, end in spans))
    return [next((room for room in rooms
                  if not any(taken_from < end and taken_until > start for taken_from, taken_until in held[room.id])),
                 None)
            for start, end in spans]
